import type { Deployment, DeploymentStrategy } from 'kubernetes-types/apps/v1';
import { pruneBuilt } from './built';
import { DEFAULTS } from './defaults';
import { checkK8sField } from './k8s-types';
import { KubeObject, Manifests } from './manifest';
import { objectMeta } from './metadata';
import { applyOverrides } from './overrides';
import { plainProps } from './plain-data';
import { SandboxedWorkloadProps, workloadIdentity } from './pod';
import { buildSandboxedPodSpec } from './pod-spec';
import { assertInteger, assertPlainObject, optionalInteger } from './validate';

/** Props of a sandboxed Deployment. */
export interface SandboxedDeploymentProps extends SandboxedWorkloadProps {
  /** @default 1 */
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

/** Deployment-specific prop names. */
export const DEPLOYMENT_PROP_KEYS = ['replicas', 'strategy', 'minReadySeconds', 'revisionHistoryLimit', 'progressDeadlineSeconds'] as const;

/**
 * Builds a gVisor-sandboxed Deployment. The selector is
 * `app.kubernetes.io/name: <name>`, derived deterministically.
 */
export function renderSandboxedDeployment(propsIn: SandboxedDeploymentProps, id: string, path = 'props'): Manifests {
  const props = plainProps(propsIn, path);
  const { identity, selector, podLabels } = workloadIdentity(props, id, path, DEPLOYMENT_PROP_KEYS);
  for (const key of DEPLOYMENT_PROP_KEYS) checkK8sField('AppsV1DeploymentSpec', key, props[key], `${path}.${key}`);
  const spec = buildSandboxedPodSpec(props, path);
  const deployment: Deployment & KubeObject = pruneBuilt({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: objectMeta(identity.name, identity.namespace, podLabels, identity.annotations),
    spec: {
      replicas: props.replicas === undefined ? DEFAULTS.replicas : assertInteger(props.replicas, `${path}.replicas`, 0),
      selector: { matchLabels: selector },
      strategy: props.strategy === undefined ? undefined : assertPlainObject(props.strategy, `${path}.strategy`) as DeploymentStrategy,
      minReadySeconds: optionalInteger(props.minReadySeconds, `${path}.minReadySeconds`),
      revisionHistoryLimit: optionalInteger(props.revisionHistoryLimit, `${path}.revisionHistoryLimit`),
      progressDeadlineSeconds: optionalInteger(props.progressDeadlineSeconds, `${path}.progressDeadlineSeconds`),
      template: { metadata: { labels: podLabels }, spec },
    },
  });
  return applyOverrides({ objects: [deployment], primary: 0 }, props.overrides, `${path}.overrides`);
}
