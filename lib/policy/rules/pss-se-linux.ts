import { containersOf, field, podRule } from '../pods';
import type { Violation } from '../types';

/** SELinux types Pod Security baseline admits. */
export const SELINUX_TYPES: readonly string[] = ['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];

/** PSS-B-008: no custom SELinux user, role or type. */
export const PSS_SE_LINUX = podRule({
  id: 'PSS-B-008',
  title: 'No custom SELinux options',
  severity: 'error',
  description: `Pod Security baseline, "SELinux": \`seLinuxOptions.user\` and \`.role\` are unset, and \`.type\` is unset or one of ${SELINUX_TYPES.join(', ')}, `
    + 'on the pod and on every container. (gVisor ignores SELinux labels inside the sandbox.)',
  fields: ['<pod spec>.securityContext.seLinuxOptions', '<container>.securityContext.seLinuxOptions'],
  checkPod: (pod) => {
    const out: Violation[] = [];
    const at = (sc: unknown, path: string) => {
      const o = field(sc, 'seLinuxOptions');
      for (const k of ['user', 'role']) {
        const v = field(o, k);
        if (v !== undefined && v !== null && v !== '') out.push({ path: `${path}.seLinuxOptions.${k}`, value: v, problem: 'sets a custom SELinux ' + k, fix: `remove seLinuxOptions.${k}` });
      }
      const type = field(o, 'type');
      if (type !== undefined && type !== null && type !== '' && !SELINUX_TYPES.includes(type)) {
        out.push({ path: `${path}.seLinuxOptions.type`, value: type, problem: 'is not a container SELinux type', fix: `use one of ${SELINUX_TYPES.join(', ')} or remove it` });
      }
    };
    at(pod.spec.securityContext, `${pod.path}.securityContext`);
    for (const c of containersOf(pod)) at(c.container.securityContext, `${c.path}.securityContext`);
    return out;
  },
});
