import { containersOf, field, isWindows, podRule } from '../pods';
import type { Violation } from '../types';

const ALLOWED = ['RuntimeDefault', 'Localhost'];

/** PSS-R-005: a seccomp profile is set. */
export const PSS_RESTRICTED_SECCOMP = podRule({
  id: 'PSS-R-005',
  title: 'A seccomp profile is set',
  severity: 'error',
  description: 'Pod Security restricted, "Seccomp": `seccompProfile.type` is `RuntimeDefault` or `Localhost` on the pod, or on every container '
    + '(a container\'s own profile wins; Windows pods are exempt). gVisor applies its own syscall filter besides.',
  fields: ['<pod spec>.securityContext.seccompProfile.type', '<container>.securityContext.seccompProfile.type'],
  checkPod: (pod) => {
    if (isWindows(pod)) return [];
    const out: Violation[] = [];
    const podType = field(field(pod.spec.securityContext, 'seccompProfile'), 'type');
    if (podType !== undefined && !ALLOWED.includes(podType)) {
      out.push({ path: `${pod.path}.securityContext.seccompProfile.type`, value: podType, problem: 'is not a confining profile', fix: 'use "RuntimeDefault" or "Localhost"' });
    }
    for (const c of containersOf(pod)) {
      const own = field(field(c.container.securityContext, 'seccompProfile'), 'type');
      if (own === undefined ? ALLOWED.includes(podType) : ALLOWED.includes(own)) continue;
      out.push({
        path: `${c.path}.securityContext.seccompProfile.type`,
        value: own,
        problem: own === undefined ? 'is not set (nor on the pod)' : 'is not a confining profile',
        fix: `set seccompProfile.type: "RuntimeDefault" (on the container or at ${pod.path}.securityContext)`,
      });
    }
    return out;
  },
});
