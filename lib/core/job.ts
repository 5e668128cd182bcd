import type { Job } from 'kubernetes-types/batch/v1';
import { pruneBuilt } from './built';
import { DEFAULTS } from './defaults';
import { checkK8sField } from './k8s-types';
import { KubeObject, Manifests } from './manifest';
import { objectMeta } from './metadata';
import { applyOverrides } from './overrides';
import { plainProps } from './plain-data';
import { SandboxedWorkloadProps, workloadIdentity } from './pod';
import { buildSandboxedPodSpec } from './pod-spec';
import { assertOneOf, optionalInteger } from './validate';

/** Props of a sandboxed Job. */
export interface SandboxedJobProps extends SandboxedWorkloadProps {
  /** Retries before the Job is marked failed. @default 3 */
  readonly backoffLimit?: number;
  /** Seconds the Job may run in all before it is stopped (> 0). @default 3600 */
  readonly activeDeadlineSeconds?: number;
  /** Seconds a finished Job is kept. @default 3600 */
  readonly ttlSecondsAfterFinished?: number;
  /** @default - Kubernetes' 1 */
  readonly completions?: number;
  /** @default - Kubernetes' 1 */
  readonly parallelism?: number;
  /** Pod restart policy; Jobs allow "Never" or "OnFailure". @default "Never" */
  readonly restartPolicy?: 'Never' | 'OnFailure';
}

/** Job-specific prop names. */
export const JOB_PROP_KEYS = ['backoffLimit', 'activeDeadlineSeconds', 'ttlSecondsAfterFinished', 'completions', 'parallelism', 'restartPolicy'] as const;

/** Builds a gVisor-sandboxed Job (`restartPolicy: Never`, bounded retries and run time, cleaned up after it ends). */
export function renderSandboxedJob(propsIn: SandboxedJobProps, id: string, path = 'props'): Manifests {
  const props = plainProps(propsIn, path);
  const { identity, podLabels } = workloadIdentity(props, id, path, JOB_PROP_KEYS);
  for (const key of JOB_PROP_KEYS) if (key !== 'restartPolicy') checkK8sField('BatchV1JobSpec', key, props[key], `${path}.${key}`);
  const restartPolicy = props.restartPolicy === undefined ? 'Never' : assertOneOf(props.restartPolicy, ['Never', 'OnFailure'] as const, `${path}.restartPolicy`);
  const spec = buildSandboxedPodSpec(props, path, { restartPolicy });
  const job: Job & KubeObject = pruneBuilt({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: objectMeta(identity.name, identity.namespace, podLabels, identity.annotations),
    spec: {
      backoffLimit: optionalInteger(props.backoffLimit, `${path}.backoffLimit`) ?? DEFAULTS.backoffLimit,
      activeDeadlineSeconds: optionalInteger(props.activeDeadlineSeconds, `${path}.activeDeadlineSeconds`, 1) ?? DEFAULTS.activeDeadlineSeconds,
      ttlSecondsAfterFinished: optionalInteger(props.ttlSecondsAfterFinished, `${path}.ttlSecondsAfterFinished`) ?? DEFAULTS.ttlSecondsAfterFinished,
      completions: optionalInteger(props.completions, `${path}.completions`, 1),
      parallelism: optionalInteger(props.parallelism, `${path}.parallelism`),
      template: { metadata: { labels: podLabels }, spec },
    },
  });
  return applyOverrides({ objects: [job], primary: 0 }, props.overrides, `${path}.overrides`);
}
