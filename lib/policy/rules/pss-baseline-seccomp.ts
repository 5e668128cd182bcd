import { containersOf, field, podRule } from '../pods';
import type { Violation } from '../types';

/** PSS-B-010: seccomp is not turned off. */
export const PSS_BASELINE_SECCOMP = podRule({
  id: 'PSS-B-010',
  title: 'Seccomp is not turned off',
  severity: 'error',
  description: 'Pod Security baseline, "Seccomp": `seccompProfile.type` of the pod and of every container is not `Unconfined`.',
  fields: ['<pod spec>.securityContext.seccompProfile.type', '<container>.securityContext.seccompProfile.type'],
  checkPod: (pod) => {
    const out: Violation[] = [];
    const at = (sc: unknown, path: string) => {
      const type = field(field(sc, 'seccompProfile'), 'type');
      if (type === 'Unconfined') out.push({ path: `${path}.seccompProfile.type`, value: type, problem: 'turns seccomp off', fix: 'use "RuntimeDefault" or "Localhost"' });
    };
    at(pod.spec.securityContext, `${pod.path}.securityContext`);
    for (const c of containersOf(pod)) at(c.container.securityContext, `${c.path}.securityContext`);
    return out;
  },
});
