import { containerRule, list } from '../pods';

/** GVISOR-004: no Bidirectional mount propagation (gVisor rejects it). */
export const GVISOR_MOUNT_PROPAGATION = containerRule({
  id: 'GVISOR-004',
  title: 'No Bidirectional mount propagation',
  severity: 'error',
  description: 'gVisor refuses to start a container with `mountPropagation: Bidirectional`, and the setting would share mounts with the node.',
  fields: ['<container>.volumeMounts[*].mountPropagation'],
  checkContainer: ({ container, path }) => list(container, 'volumeMounts').flatMap((m, i) => (m?.mountPropagation === 'Bidirectional' ? [{
    path: `${path}.volumeMounts[${i}].mountPropagation`,
    value: m.mountPropagation,
    problem: 'is rejected by gVisor (and would share mounts with the node)',
    fix: 'use "None" or "HostToContainer"',
  }] : [])),
});
