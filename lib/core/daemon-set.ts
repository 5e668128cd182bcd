import type { DaemonSet, DaemonSetUpdateStrategy } from 'kubernetes-types/apps/v1';
import { pruneBuilt } from './built';
import { checkK8sField } from './k8s-types';
import { KubeObject, Manifests } from './manifest';
import { objectMeta } from './metadata';
import { applyOverrides } from './overrides';
import { plainProps } from './plain-data';
import { SandboxedWorkloadProps, workloadIdentity } from './pod';
import { buildSandboxedPodSpec } from './pod-spec';
import { assertPlainObject, optionalInteger } from './validate';

/** Props of a sandboxed DaemonSet (one pod per matching node). */
export interface SandboxedDaemonSetProps extends SandboxedWorkloadProps {
  /** @default - Kubernetes' RollingUpdate with maxUnavailable 1 */
  readonly updateStrategy?: DaemonSetUpdateStrategy;
  /** @default - Kubernetes' 0 */
  readonly minReadySeconds?: number;
  /** @default - Kubernetes' 10 */
  readonly revisionHistoryLimit?: number;
}

/** DaemonSet-specific prop names. */
export const DAEMON_SET_PROP_KEYS = ['updateStrategy', 'minReadySeconds', 'revisionHistoryLimit'] as const;

/**
 * Builds a gVisor-sandboxed DaemonSet. The selector is
 * `app.kubernetes.io/name: <name>`, derived deterministically.
 */
export function renderSandboxedDaemonSet(propsIn: SandboxedDaemonSetProps, id: string, path = 'props'): Manifests {
  const props = plainProps(propsIn, path);
  const { identity, selector, podLabels } = workloadIdentity(props, id, path, DAEMON_SET_PROP_KEYS);
  for (const key of DAEMON_SET_PROP_KEYS) checkK8sField('AppsV1DaemonSetSpec', key, props[key], `${path}.${key}`);
  const spec = buildSandboxedPodSpec(props, path);
  const daemonSet: DaemonSet & KubeObject = pruneBuilt({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: objectMeta(identity.name, identity.namespace, podLabels, identity.annotations),
    spec: {
      selector: { matchLabels: selector },
      updateStrategy: props.updateStrategy === undefined ? undefined : assertPlainObject(props.updateStrategy, `${path}.updateStrategy`) as DaemonSetUpdateStrategy,
      minReadySeconds: optionalInteger(props.minReadySeconds, `${path}.minReadySeconds`),
      revisionHistoryLimit: optionalInteger(props.revisionHistoryLimit, `${path}.revisionHistoryLimit`),
      template: { metadata: { labels: podLabels }, spec },
    },
  });
  return applyOverrides({ objects: [daemonSet], primary: 0 }, props.overrides, `${path}.overrides`);
}
