import { containerRule, list } from '../pods';

/** GVISOR-005: no raw block devices (gVisor does not pass them into the sandbox). */
export const GVISOR_VOLUME_DEVICES = containerRule({
  id: 'GVISOR-005',
  title: 'No raw block devices',
  severity: 'error',
  description: 'gVisor does not pass raw block devices (`volumeDevices`) into the sandbox; mount a filesystem volume instead.',
  fields: ['<container>.volumeDevices'],
  checkContainer: ({ container, path }) => (list(container, 'volumeDevices').length > 0 ? [{
    path: `${path}.volumeDevices`,
    value: container.volumeDevices,
    problem: 'attaches raw block devices, which gVisor does not pass into the sandbox',
    fix: 'use a filesystem volume (volumeMounts) instead',
  }] : []),
});
