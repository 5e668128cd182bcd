import { containerRule, list } from '../pods';

/** PSS-B-006: no host ports. */
export const PSS_HOST_PORTS = containerRule({
  id: 'PSS-B-006',
  title: 'No host ports',
  severity: 'error',
  description: 'Pod Security baseline, "Host Ports": every `ports[*].hostPort` is unset or 0.',
  fields: ['<container>.ports[*].hostPort'],
  checkContainer: ({ container, path }) => list(container, 'ports').flatMap((p, i) => (p?.hostPort !== undefined && p?.hostPort !== null && p?.hostPort !== 0 ? [{
    path: `${path}.ports[${i}].hostPort`,
    value: p.hostPort,
    problem: 'binds a port on the node, outside the sandbox',
    fix: 'remove hostPort and expose the pod through a Service',
  }] : [])),
});
