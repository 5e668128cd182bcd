import type { Container } from 'kubernetes-types/core/v1';
import { GvisorIacError } from '../errors';
import { assertPlainObject } from '../validation/validate';

/** A container's probes: the kubelet runs them on the node, against the pod. */
export const PROBE_FIELDS = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
/** A container's lifecycle hooks. */
export const HOOK_FIELDS = ['postStart', 'preStop'] as const;

/**
 * Refuses every probe and lifecycle hook that would make the kubelet open a
 * connection from the node's network namespace to somewhere else than the
 * pod — outside gVisor and outside every NetworkPolicy (a blind SSRF to the
 * cloud metadata server, the node's own services, the API server):
 *
 * - `httpGet.host` and `tcpSocket.host` in any probe or hook;
 * - `httpGet` hooks altogether: the kubelet's hook client, unlike its probe
 *   client, is not limited to the pod's own address when the pod answers with
 *   a redirect, so the sandboxed server itself could send the kubelet
 *   anywhere; use an `exec` or `sleep` hook, which runs inside the sandbox;
 * - `tcpSocket` hooks (deprecated: the kubelet does not run them).
 *
 * What stays allowed reaches only the pod: `exec` probes and hooks run in the
 * container (inside gVisor); `httpGet` probes without `host` go to the pod IP
 * and follow redirects only on the same host; `tcpSocket` and `grpc` probes
 * go to the pod IP (`grpc` has no host field). An `httpGet.httpHeaders`
 * `Host` header changes the HTTP Host header only, not where the kubelet
 * connects.
 */
export function checkKubeletActions(c: Container, path: string): void {
  for (const field of PROBE_FIELDS) {
    const probe = c[field];
    if (probe === undefined) continue;
    const p = `${path}.${field}`;
    assertPlainObject(probe, p);
    checkHost(probe.httpGet, `${p}.httpGet`);
    checkHost(probe.tcpSocket, `${p}.tcpSocket`);
  }
  if (c.lifecycle === undefined) return;
  const lifecycle = assertPlainObject(c.lifecycle, `${path}.lifecycle`);
  for (const hook of HOOK_FIELDS) {
    const handler = lifecycle[hook] as Record<string, unknown> | undefined;
    if (handler === undefined) continue;
    const p = `${path}.lifecycle.${hook}`;
    assertPlainObject(handler, p);
    checkHost(handler.httpGet, `${p}.httpGet`);
    checkHost(handler.tcpSocket, `${p}.tcpSocket`);
    if (handler.httpGet !== undefined) {
      throw new GvisorIacError('SANDBOX_ESCAPE', `${p}.httpGet`, handler.httpGet,
        'makes the kubelet send an HTTP request from the node\'s network, and its hook client follows the pod\'s redirects to any host (outside gVisor and every NetworkPolicy)',
        `use an exec hook that calls the endpoint from inside the container (e.g. { exec: { command: ["wget", "-qO-", "http://127.0.0.1:8080/${hook === 'preStop' ? 'shutdown' : 'started'}"] } }) or a sleep hook`);
    }
    if (handler.tcpSocket !== undefined) {
      throw new GvisorIacError('INVALID_VALUE', `${p}.tcpSocket`, handler.tcpSocket, 'is a deprecated hook action the kubelet does not run', 'use an exec or sleep hook');
    }
  }
}

function checkHost(action: unknown, path: string): void {
  if (action === undefined) return;
  const a = assertPlainObject(action, path);
  if (a.host !== undefined) {
    throw new GvisorIacError('SANDBOX_ESCAPE', `${path}.host`, a.host,
      'makes the kubelet connect from the node\'s network to another host, outside gVisor and every NetworkPolicy (a blind SSRF, e.g. to the cloud metadata server)',
      'remove host: the kubelet then connects to the pod\'s own IP');
  }
}
