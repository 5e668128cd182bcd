import { podRule } from '../pods';

/** PSS-B-002: no host network, PID or IPC namespace. */
export const PSS_HOST_NAMESPACES = podRule({
  id: 'PSS-B-002',
  title: 'No host namespaces',
  severity: 'error',
  description: 'Pod Security baseline, "Host Namespaces": `hostNetwork`, `hostPID` and `hostIPC` are unset or false. '
    + 'Under gVisor, hostNetwork also leaves the pod with loopback only.',
  fields: ['<pod spec>.hostNetwork', '<pod spec>.hostPID', '<pod spec>.hostIPC'],
  checkPod: (pod) => ['hostNetwork', 'hostPID', 'hostIPC'].filter((k) => pod.spec[k] !== undefined && pod.spec[k] !== null && pod.spec[k] !== false).map((k) => ({
    path: `${pod.path}.${k}`,
    value: pod.spec[k],
    problem: 'shares a namespace with the node',
    fix: `remove ${k} (or set it to false)`,
  })),
});
