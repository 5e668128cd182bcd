// Issue 9, class 3: the kubelet runs probes and lifecycle hooks from the
// node's network namespace — outside gVisor and every NetworkPolicy. No prop
// may point it at another host (directly with `host`, or through a redirect
// the sandboxed server answers an httpGet hook with).
import { checkKubeletActions } from '../../lib/core';
import { caught } from '../helpers/errors';
import { FrontendCase, buildCdk8s, buildPulumi, refusedInBoth } from '../helpers/frontends';
import { renderSandboxedPod } from 'gvisor-iac';

const base = { name: 'app', image: 'registry.example.com/app:1.2', ports: [{ name: 'http', containerPort: 8080 }] };
const HOSTS = ['169.254.169.254', 'metadata.google.internal', 'fd00:ec2::254', '127.0.0.1', 'localhost', '10.0.0.1', 'kubernetes.default.svc', '', ' '];

/** Where a container can sit in each construct that takes containers (sidecars are init containers with restartPolicy Always). */
function placements(c: Record<string, unknown>): Array<[string, FrontendCase, string]> {
  return [
    ['Pod container', { construct: 'SandboxedPod', id: 'p', props: { containers: [c] } }, 'props.containers[0]'],
    ['Pod second container', { construct: 'SandboxedPod', id: 'p', props: { containers: [{ ...base, name: 'first' }, c] } }, 'props.containers[1]'],
    ['Deployment init container', { construct: 'SandboxedDeployment', id: 'd', props: { containers: [{ ...base, name: 'main' }], initContainers: [c] } }, 'props.initContainers[0]'],
    ['Job sidecar', { construct: 'SandboxedJob', id: 'j', props: { containers: [{ ...base, name: 'main' }], initContainers: [{ ...c, restartPolicy: 'Always' }] } }, 'props.initContainers[0]'],
    ['EdgeSandbox container', { construct: 'EdgeSandbox', id: 'e', props: { containers: [c] } }, 'props.containers[0]'],
    ['EdgeSandbox DaemonSet init container', { construct: 'EdgeSandbox', id: 'e', props: { workload: 'DaemonSet', containers: [{ ...base, name: 'main' }], initContainers: [c] } }, 'props.initContainers[0]'],
  ];
}

describe('host in any probe or hook of any container kind is refused, in both frontends', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [];
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    cases.push([`${probe}.httpGet.host`, { [probe]: { httpGet: { host: HOSTS[0], port: 80, path: '/latest/meta-data/' } } }, `${probe}.httpGet.host`]);
    cases.push([`${probe}.tcpSocket.host`, { [probe]: { tcpSocket: { host: HOSTS[1], port: 80 } } }, `${probe}.tcpSocket.host`]);
  }
  for (const hook of ['postStart', 'preStop']) {
    cases.push([`lifecycle.${hook}.httpGet.host`, { lifecycle: { [hook]: { httpGet: { host: HOSTS[2], port: 80 } } } }, `lifecycle.${hook}.httpGet.host`]);
    cases.push([`lifecycle.${hook}.tcpSocket.host`, { lifecycle: { [hook]: { tcpSocket: { host: HOSTS[3], port: 80 } } } }, `lifecycle.${hook}.tcpSocket.host`]);
  }

  test.each(cases)('%s', async (_, fields, field) => {
    for (const [, c, path] of placements({ ...base, ...fields })) {
      const e = await refusedInBoth(c);
      expect([e.code, e.path]).toEqual(['SANDBOX_ESCAPE', `${path}.${field}`]);
      expect(e.message).toContain('outside gVisor and every NetworkPolicy');
    }
  });

  test.each(HOSTS.map((h) => [JSON.stringify(h), h]))('every host value, even loopback or empty: %s', (_, host) => {
    for (const action of ['httpGet', 'tcpSocket']) {
      const e = caught(() => renderSandboxedPod({ containers: [{ ...base, readinessProbe: { [action]: { host, port: 8080 } } }] }, 'p'));
      expect([e.code, e.path]).toEqual(['SANDBOX_ESCAPE', `props.containers[0].readinessProbe.${action}.host`]);
    }
  });

  test('host in an UntrustedCodeSandbox is impossible: it takes no probes or hooks', async () => {
    const e = await refusedInBoth({ construct: 'UntrustedCodeSandbox', id: 'u', props: { image: 'x:1', livenessProbe: { httpGet: { host: '169.254.169.254', port: 80 } } } });
    expect([e.code, e.path]).toEqual(['UNKNOWN_FIELD', 'props.livenessProbe']);
  });

  test('ephemeral containers are not accepted at all', async () => {
    const e = await refusedInBoth({ construct: 'SandboxedPod', id: 'p', props: { containers: [base], ephemeralContainers: [{ ...base, name: 'debug' }] } });
    expect([e.code, e.path]).toEqual(['UNKNOWN_FIELD', 'props.ephemeralContainers']);
  });
});

describe('hooks the kubelet would send from the node are refused even without host', () => {
  test.each(['postStart', 'preStop'])('%s httpGet (the hook client follows the pod\'s redirects to any host)', async (hook) => {
    for (const [, c, path] of placements({ ...base, lifecycle: { [hook]: { httpGet: { port: 8080, path: '/shutdown' } } } })) {
      const e = await refusedInBoth(c);
      expect([e.code, e.path]).toEqual(['SANDBOX_ESCAPE', `${path}.lifecycle.${hook}.httpGet`]);
      expect(e.fix).toContain('exec');
    }
  });

  test.each(['postStart', 'preStop'])('%s tcpSocket (deprecated; the kubelet does not run it)', async (hook) => {
    const e = await refusedInBoth({ construct: 'SandboxedPod', id: 'p', props: { containers: [{ ...base, lifecycle: { [hook]: { tcpSocket: { port: 8080 } } } }] } });
    expect([e.code, e.path]).toEqual(['INVALID_VALUE', `props.containers[0].lifecycle.${hook}.tcpSocket`]);
  });
});

describe('actions that stay on the pod pass and are emitted as given', () => {
  const probes = {
    livenessProbe: { httpGet: { port: 'http', path: '/healthz', scheme: 'HTTP', httpHeaders: [{ name: 'Host', value: 'metadata.google.internal' }] }, periodSeconds: 10 },
    readinessProbe: { tcpSocket: { port: 8080 } },
    startupProbe: { grpc: { port: 9090, service: 'health' }, failureThreshold: 30 },
    lifecycle: { postStart: { exec: { command: ['sh', '-c', 'echo started'] } }, preStop: { sleep: { seconds: 5 } } },
  };

  test('httpGet without host (a Host header changes the header, not where the kubelet connects), tcpSocket without host, grpc, exec and sleep', async () => {
    const c: FrontendCase = { construct: 'SandboxedDeployment', id: 'web', props: { containers: [{ ...base, ...probes }] } };
    for (const objects of [buildCdk8s(c), await buildPulumi(c)]) {
      const emitted = objects[0].spec.template.spec.containers[0];
      for (const [k, v] of Object.entries(probes)) expect(emitted[k]).toEqual(v);
    }
  });

  test('checkKubeletActions is exported for policy rules and other workloads', () => {
    expect(() => checkKubeletActions({ name: 'a', ...probes } as any, 'c')).not.toThrow();
    expect(caught(() => checkKubeletActions({ name: 'a', startupProbe: { httpGet: { host: 'x', port: 1 } } } as any, 'c')).path).toBe('c.startupProbe.httpGet.host');
  });
});
