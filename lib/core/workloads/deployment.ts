import type { Deployment, DeploymentStrategy } from 'kubernetes-types/apps/v1';
import { SandboxedWorkloadProps, WORKLOAD_PROPS, workloadIdentity } from './pod';
import { SCALING_PROPS, ScalingProps, scalingObjects, scalingReplicas } from './scaling';
import { pruneBuilt } from '../objects/built';
import { KubeObject, Manifests } from '../objects/manifest';
import { objectMeta } from '../objects/metadata';
import { applyOverrides } from '../objects/overrides';
import { renderPodSpec } from '../pod/pod-spec';
import { plainProps } from '../validation/plain-data';
import { PropTable, Validator, checkProps, k8sCount } from '../validation/props';

/** A DeploymentSpec count field: its Kubernetes type, a whole number ≥ 0 too. */
const spec = (field: string): Validator => k8sCount('AppsV1DeploymentSpec', field);

/** Props of a sandboxed Deployment. */
export interface SandboxedDeploymentProps extends SandboxedWorkloadProps, ScalingProps {
  /** @default 1 (none with `autoscaling`: the autoscaler owns the count) */
  readonly replicas?: number;
  /** @default - Kubernetes' RollingUpdate 25%/25% */
  readonly strategy?: DeploymentStrategy;
  /** @default - Kubernetes' 0 */
  readonly minReadySeconds?: number;
  /** @default - Kubernetes' 10 */
  readonly revisionHistoryLimit?: number;
  /** @default - Kubernetes' 600 */
  readonly progressDeadlineSeconds?: number;
}

/** How each Deployment-specific prop is checked: by its Kubernetes type, replicas ≥ 0 and the seconds ≥ 0 too. @internal */
export const DEPLOYMENT_ONLY_PROPS = {
  replicas: spec('replicas'),
  strategy: spec('strategy'),
  minReadySeconds: spec('minReadySeconds'),
  revisionHistoryLimit: spec('revisionHistoryLimit'),
  progressDeadlineSeconds: spec('progressDeadlineSeconds'),
  ...SCALING_PROPS,
} satisfies PropTable<Omit<SandboxedDeploymentProps, keyof SandboxedWorkloadProps>>;

/** How each prop of a sandboxed Deployment is checked. @internal */
export const DEPLOYMENT_PROPS = { ...WORKLOAD_PROPS, ...DEPLOYMENT_ONLY_PROPS } satisfies PropTable<SandboxedDeploymentProps>;

/**
 * Builds a gVisor-sandboxed Deployment. The selector is
 * `app.kubernetes.io/name: <name>`, derived deterministically.
 */
export function renderSandboxedDeployment(propsIn: SandboxedDeploymentProps, id: string, path = 'props'): Manifests {
  const props = plainProps(propsIn, path);
  checkProps(props, DEPLOYMENT_PROPS, path);
  return buildSandboxedDeployment(props, id, path);
}

/** The Deployment of props already checked against `DEPLOYMENT_PROPS`. @internal */
export function buildSandboxedDeployment(props: SandboxedDeploymentProps, id: string, path: string): Manifests {
  const { identity, selector, podLabels, template } = workloadIdentity(props, id, path);
  const podSpec = renderPodSpec(props, path);
  const deployment: Deployment & KubeObject = pruneBuilt({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: objectMeta(identity.name, identity.namespace, podLabels, identity.annotations),
    spec: {
      replicas: scalingReplicas(props, path),
      selector: { matchLabels: selector },
      strategy: props.strategy,
      minReadySeconds: props.minReadySeconds,
      revisionHistoryLimit: props.revisionHistoryLimit,
      progressDeadlineSeconds: props.progressDeadlineSeconds,
      template: { metadata: template, spec: podSpec },
    },
  });
  const scaling = scalingObjects(props, { apiVersion: 'apps/v1', kind: 'Deployment', name: identity.name, namespace: identity.namespace, labels: podLabels, podSelector: selector });
  return applyOverrides({ objects: [deployment, ...scaling], primary: 0 }, props.overrides, `${path}.overrides`);
}
