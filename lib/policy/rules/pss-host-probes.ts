import { containerRule, field } from '../pods';
import type { Violation } from '../types';

/** PSS-B-012: probes and lifecycle hooks do not name a host. */
export const PSS_HOST_PROBES = containerRule({
  id: 'PSS-B-012',
  title: 'Probes and lifecycle hooks target the pod',
  severity: 'error',
  description: 'Pod Security baseline (v1.34+), "Host Probes / Lifecycle Hooks": the `host` of every `httpGet` and `tcpSocket` handler in '
    + '`livenessProbe`, `readinessProbe`, `startupProbe` and `lifecycle.postStart` / `.preStop` is unset or empty, so the kubelet only connects to the pod.',
  fields: ['<container>.{liveness,readiness,startup}Probe.{httpGet,tcpSocket}.host', '<container>.lifecycle.{postStart,preStop}.{httpGet,tcpSocket}.host'],
  checkContainer: ({ container, path }) => {
    const out: Violation[] = [];
    const handlers: [unknown, string][] = [
      ...['livenessProbe', 'readinessProbe', 'startupProbe'].map((k): [unknown, string] => [container[k], `${path}.${k}`]),
      ...['postStart', 'preStop'].map((k): [unknown, string] => [field(container.lifecycle, k), `${path}.lifecycle.${k}`]),
    ];
    for (const [h, p] of handlers) {
      for (const kind of ['httpGet', 'tcpSocket']) {
        const host = field(field(h, kind), 'host');
        if (host !== undefined && host !== null && host !== '') {
          out.push({ path: `${p}.${kind}.host`, value: host, problem: 'makes the kubelet connect to another host', fix: 'remove host (the pod IP is used)' });
        }
      }
    }
    return out;
  },
});
