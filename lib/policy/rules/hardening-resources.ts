import { field, list, podRule } from '../pods';
import type { Violation } from '../types';

/** HARD-001: every container has cpu and memory limits. */
export const HARDENING_RESOURCES = podRule({
  id: 'HARD-001',
  title: 'Containers set cpu and memory limits',
  severity: 'warning',
  description: 'Every init and regular container sets `resources.limits.cpu` and `resources.limits.memory` (requests default to the limits). '
    + 'A sandbox without limits can starve its node; gvisor-iac\'s constructs always set them.',
  fields: ['<container>.resources.limits.cpu', '<container>.resources.limits.memory'],
  checkPod: (pod) => {
    const out: Violation[] = [];
    for (const kind of ['initContainers', 'containers']) {
      list(pod.spec, kind).forEach((c, i) => {
        const limits = field(field(c, 'resources'), 'limits');
        for (const r of ['cpu', 'memory']) {
          if (field(limits, r) === undefined) {
            out.push({ path: `${pod.path}.${kind}[${i}].resources.limits.${r}`, value: undefined, problem: 'is not set, so the container may use the whole node', fix: `set resources.limits.${r}` });
          }
        }
      });
    }
    return out;
  },
});
