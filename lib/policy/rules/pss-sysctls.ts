import { SAFE_SYSCTLS } from '../../core/pod/pod-spec';
import { field, list, podRule } from '../pods';

/** PSS-B-011: only the safe sysctls. */
export const PSS_SYSCTLS = podRule({
  id: 'PSS-B-011',
  title: 'Only safe sysctls',
  severity: 'error',
  description: `Pod Security baseline, "Sysctls": \`securityContext.sysctls[*].name\` is one of ${SAFE_SYSCTLS.join(', ')}. (gVisor implements few sysctls and ignores most others.)`,
  fields: ['<pod spec>.securityContext.sysctls[*].name'],
  checkPod: (pod) => list(pod.spec.securityContext, 'sysctls').flatMap((s, i) => (SAFE_SYSCTLS.includes(field(s, 'name')) ? [] : [{
    path: `${pod.path}.securityContext.sysctls[${i}].name`,
    value: field(s, 'name'),
    problem: 'is not a namespaced, safe sysctl',
    fix: 'remove it',
  }])),
});
