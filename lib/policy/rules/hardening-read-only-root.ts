import { field, list, podRule } from '../pods';
import type { Violation } from '../types';

/** HARD-003: read-only root filesystems. */
export const HARDENING_READ_ONLY_ROOT = podRule({
  id: 'HARD-003',
  title: 'Read-only root filesystem',
  severity: 'warning',
  description: 'Every init and regular container sets `securityContext.readOnlyRootFilesystem: true`; writable paths come from volumes '
    + '(gvisor-iac mounts a size-limited emptyDir at /tmp).',
  fields: ['<container>.securityContext.readOnlyRootFilesystem'],
  checkPod: (pod) => {
    const out: Violation[] = [];
    for (const kind of ['initContainers', 'containers']) {
      list(pod.spec, kind).forEach((c, i) => {
        const v = field(field(c, 'securityContext'), 'readOnlyRootFilesystem');
        if (v !== true) {
          out.push({ path: `${pod.path}.${kind}[${i}].securityContext.readOnlyRootFilesystem`, value: v, problem: 'is not true, so the image can be modified at run time', fix: 'set readOnlyRootFilesystem: true and mount an emptyDir where the program writes' });
        }
      });
    }
    return out;
  },
});
