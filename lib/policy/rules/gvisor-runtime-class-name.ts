import { podRule } from '../pods';

/** GVISOR-001: every pod-bearing object runs under a gVisor RuntimeClass. */
export const GVISOR_RUNTIME_CLASS_NAME = podRule({
  id: 'GVISOR-001',
  title: 'Pods run under a gVisor RuntimeClass',
  severity: 'error',
  description: 'Every pod-bearing object (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, PodTemplate) '
    + 'sets `runtimeClassName` to a gVisor class: `gvisor` by default, any RuntimeClass in the same input whose handler is a gVisor handler, '
    + 'or a name given with `runtimeClassNames` / `--runtime-class`. Without it the pods run on the node\'s default runtime, outside the sandbox.',
  fields: ['<pod spec>.runtimeClassName'],
  checkPod: (pod, ctx) => {
    const name = pod.spec.runtimeClassName;
    if (typeof name === 'string' && ctx.gvisorClassNames.has(name)) return [];
    const classes = [...ctx.gvisorClassNames].map((n) => JSON.stringify(n)).join(' or ');
    return [{
      path: `${pod.path}.runtimeClassName`,
      value: name,
      problem: name === undefined || name === null || name === '' ? 'is not set, so the pods run outside gVisor' : 'is not a gVisor RuntimeClass, so the pods run outside the sandbox',
      fix: `set runtimeClassName: ${classes}`,
    }];
  },
});

/**
 * GVISOR-001's verdict on one `runtimeClassName` value, for consumers that
 * decide per field (Pulumi's enforceGvisor, cdk8s' chart-wide enforcement):
 * `"gvisor"` passes, `"absent"` (unset, null or "") and `"other"` fail.
 */
export function runtimeClassVerdict(runtimeClassName: unknown, gvisorClassNames: ReadonlySet<string>): 'gvisor' | 'absent' | 'other' {
  const violations = GVISOR_RUNTIME_CLASS_NAME.check(
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'verdict' }, spec: { runtimeClassName } },
    { objects: [], gvisorClassNames, gvisorHandlers: new Set() },
  );
  if (violations.length === 0) return 'gvisor';
  return runtimeClassName === undefined || runtimeClassName === null || runtimeClassName === '' ? 'absent' : 'other';
}
