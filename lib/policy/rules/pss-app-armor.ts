import { containersOf, field, podRule } from '../pods';
import type { Violation } from '../types';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/** PSS-B-007: AppArmor is not turned off. */
export const PSS_APP_ARMOR = podRule({
  id: 'PSS-B-007',
  title: 'AppArmor is not turned off',
  severity: 'error',
  description: 'Pod Security baseline, "AppArmor": `appArmorProfile.type` of the pod and of every container is unset, `RuntimeDefault` or `Localhost`, '
    + 'and the pod\'s `container.apparmor.security.beta.kubernetes.io/*` annotations are `runtime/default` or `localhost/*`.',
  fields: ['<pod metadata>.annotations["container.apparmor.security.beta.kubernetes.io/*"]', '<pod spec>.securityContext.appArmorProfile.type',
    '<container>.securityContext.appArmorProfile.type'],
  checkPod: (pod) => {
    const out: Violation[] = [];
    const annotations = field(pod.metadata, 'annotations');
    if (annotations && typeof annotations === 'object') {
      for (const [k, v] of Object.entries(annotations)) {
        if (k.startsWith(ANNOTATION_PREFIX) && v !== 'runtime/default' && !String(v).startsWith('localhost/')) {
          out.push({ path: `${pod.metadataPath}.annotations["${k}"]`, value: v, problem: 'turns AppArmor off', fix: 'use "runtime/default" or "localhost/<profile>"' });
        }
      }
    }
    const at = (sc: unknown, path: string) => {
      const type = field(field(sc, 'appArmorProfile'), 'type');
      if (type !== undefined && type !== 'RuntimeDefault' && type !== 'Localhost') {
        out.push({ path: `${path}.appArmorProfile.type`, value: type, problem: 'turns AppArmor off', fix: 'use "RuntimeDefault" or "Localhost"' });
      }
    };
    at(pod.spec.securityContext, `${pod.path}.securityContext`);
    for (const c of containersOf(pod)) at(c.container.securityContext, `${c.path}.securityContext`);
    return out;
  },
});
