import type { Job, JobSpec } from 'kubernetes-types/batch/v1';
import type { ObjectMeta } from 'kubernetes-types/meta/v1';
import { DEFAULTS } from '../defaults';
import { SandboxedWorkloadProps, WORKLOAD_PROPS, workloadIdentity } from './pod';
import { pruneBuilt } from '../objects/built';
import { KubeObject, Manifests } from '../objects/manifest';
import { objectMeta } from '../objects/metadata';
import { applyOverrides } from '../objects/overrides';
import { renderPodSpec } from '../pod/pod-spec';
import { plainProps } from '../validation/plain-data';
import { PropTable, Validator, checkProps, k8sCount, optional } from '../validation/props';
import { assertOneOf } from '../validation/validate';

/** A JobSpec count field: its Kubernetes type, a whole number ≥ `min` too. */
const spec = (field: string, min = 0): Validator => k8sCount('BatchV1JobSpec', field, min);

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

/** How each Job-specific prop is checked: by its Kubernetes type and the bounds a sandboxed Job keeps. @internal */
export const JOB_ONLY_PROPS = {
  backoffLimit: spec('backoffLimit', 0),
  activeDeadlineSeconds: spec('activeDeadlineSeconds', 1),
  ttlSecondsAfterFinished: spec('ttlSecondsAfterFinished', 0),
  completions: spec('completions', 1),
  parallelism: spec('parallelism', 0),
  restartPolicy: optional((v, p) => assertOneOf(v, ['Never', 'OnFailure'] as const, p)),
} satisfies PropTable<Omit<SandboxedJobProps, keyof SandboxedWorkloadProps>>;

/** How each prop of a sandboxed Job is checked. @internal */
export const JOB_PROPS = { ...WORKLOAD_PROPS, ...JOB_ONLY_PROPS } satisfies PropTable<SandboxedJobProps>;

/** Builds a gVisor-sandboxed Job (`restartPolicy: Never`, bounded retries and run time, cleaned up after it ends). */
export function renderSandboxedJob(propsIn: SandboxedJobProps, id: string, path = 'props'): Manifests {
  const props = plainProps(propsIn, path);
  checkProps(props, JOB_PROPS, path);
  const { identity, podLabels, template } = workloadIdentity(props, id, path);
  const job: Job & KubeObject = pruneBuilt({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: objectMeta(identity.name, identity.namespace, podLabels, identity.annotations),
    spec: sandboxedJobSpec(props, template, path),
  });
  return applyOverrides({ objects: [job], primary: 0 }, props.overrides, `${path}.overrides`);
}

/**
 * The spec of a sandboxed Job (also a CronJob's job template) from props
 * already checked against `JOB_PROPS`: the hardened pod spec with
 * `restartPolicy` (default "Never"), and the Job defaults (bounded retries,
 * deadline, TTL). @internal
 */
export function sandboxedJobSpec(props: SandboxedJobProps, template: ObjectMeta, path: string): JobSpec {
  const podSpec = renderPodSpec(props, path, { restartPolicy: props.restartPolicy ?? DEFAULTS.jobRestartPolicy });
  return {
    backoffLimit: props.backoffLimit ?? DEFAULTS.backoffLimit,
    activeDeadlineSeconds: props.activeDeadlineSeconds ?? DEFAULTS.activeDeadlineSeconds,
    ttlSecondsAfterFinished: props.ttlSecondsAfterFinished ?? DEFAULTS.ttlSecondsAfterFinished,
    completions: props.completions,
    parallelism: props.parallelism,
    template: { metadata: template, spec: podSpec },
  };
}
