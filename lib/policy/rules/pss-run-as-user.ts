import { containersOf, field, podRule } from '../pods';
import type { Violation } from '../types';

/** PSS-R-004: no uid 0. */
export const PSS_RUN_AS_USER = podRule({
  id: 'PSS-R-004',
  title: 'No root user id',
  severity: 'error',
  description: 'Pod Security restricted, "Running as Non-root user": `runAsUser` of the pod and of every container is unset or not 0.',
  fields: ['<pod spec>.securityContext.runAsUser', '<container>.securityContext.runAsUser'],
  checkPod: (pod) => {
    const out: Violation[] = [];
    const at = (sc: unknown, path: string) => {
      if (field(sc, 'runAsUser') === 0) out.push({ path: `${path}.runAsUser`, value: 0, problem: 'is root', fix: 'use a non-zero uid, e.g. 1000' });
    };
    at(pod.spec.securityContext, `${pod.path}.securityContext`);
    for (const c of containersOf(pod)) at(c.container.securityContext, `${c.path}.securityContext`);
    return out;
  },
});
