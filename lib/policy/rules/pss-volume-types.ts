import { RESTRICTED_VOLUME_TYPES } from '../../core/pod/pod-spec';
import { list, podRule } from '../pods';

/** PSS-R-001: only the volume types restricted admits. */
export const PSS_VOLUME_TYPES = podRule({
  id: 'PSS-R-001',
  title: 'Only core volume types',
  severity: 'error',
  description: `Pod Security restricted, "Volume Types": every volume is one of ${RESTRICTED_VOLUME_TYPES.join(', ')}. (hostPath volumes are reported by PSS-B-005 alone.)`,
  fields: ['<pod spec>.volumes[*]'],
  checkPod: (pod) => list(pod.spec, 'volumes').flatMap((v, i) => Object.keys(v ?? {}).filter((k) => k !== 'name' && k !== 'hostPath' && !RESTRICTED_VOLUME_TYPES.includes(k)).map((k) => ({
    path: `${pod.path}.volumes[${i}].${k}`,
    value: v[k],
    problem: `is a ${k} volume, which Pod Security "restricted" does not admit`,
    fix: `use one of ${RESTRICTED_VOLUME_TYPES.join(', ')} (a persistentVolumeClaim for other storage)`,
  }))),
});
