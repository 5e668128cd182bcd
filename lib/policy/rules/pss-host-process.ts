import { containersOf, field, podRule } from '../pods';
import type { Violation } from '../types';

/** PSS-B-001: no Windows HostProcess pods or containers. */
export const PSS_HOST_PROCESS = podRule({
  id: 'PSS-B-001',
  title: 'No HostProcess containers',
  severity: 'error',
  description: 'Pod Security baseline, "HostProcess": `windowsOptions.hostProcess` of the pod and of every container is unset or false. '
    + 'A HostProcess container runs on the Windows host itself.',
  fields: ['<pod spec>.securityContext.windowsOptions.hostProcess', '<container>.securityContext.windowsOptions.hostProcess'],
  checkPod: (pod) => {
    const out: Violation[] = [];
    const at = (sc: unknown, path: string) => {
      const v = field(field(sc, 'windowsOptions'), 'hostProcess');
      if (v !== undefined && v !== null && v !== false) out.push({ path: `${path}.windowsOptions.hostProcess`, value: v, problem: 'runs the container on the host', fix: 'remove hostProcess (or set it to false)' });
    };
    at(pod.spec.securityContext, `${pod.path}.securityContext`);
    for (const c of containersOf(pod)) at(c.container.securityContext, `${c.path}.securityContext`);
    return out;
  },
});
