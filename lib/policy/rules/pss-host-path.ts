import { list, podRule } from '../pods';

/** PSS-B-005: no hostPath volumes. */
export const PSS_HOST_PATH = podRule({
  id: 'PSS-B-005',
  title: 'No hostPath volumes',
  severity: 'error',
  description: 'Pod Security baseline, "HostPath Volumes": no volume is a `hostPath`. A hostPath reaches the node\'s filesystem past the sandbox.',
  fields: ['<pod spec>.volumes[*].hostPath'],
  checkPod: (pod) => list(pod.spec, 'volumes').flatMap((v, i) => (v?.hostPath !== undefined && v?.hostPath !== null ? [{
    path: `${pod.path}.volumes[${i}].hostPath`,
    value: v.hostPath,
    problem: 'mounts a directory of the node',
    fix: 'use an emptyDir, configMap, secret or persistentVolumeClaim volume',
  }] : [])),
});
