import type { DaemonSet, DaemonSetUpdateStrategy } from 'kubernetes-types/apps/v1';
import { SandboxedWorkloadProps, WORKLOAD_PROPS, workloadIdentity } from './pod';
import { pruneBuilt } from '../objects/built';
import { KubeObject, Manifests } from '../objects/manifest';
import { objectMeta } from '../objects/metadata';
import { applyOverrides } from '../objects/overrides';
import { renderPodSpec } from '../pod/pod-spec';
import { plainProps } from '../validation/plain-data';
import { PropTable, Validator, checkProps, k8sCount } from '../validation/props';

/** A DaemonSetSpec count field: its Kubernetes type, a whole number ≥ 0 too. */
const spec = (field: string): Validator => k8sCount('AppsV1DaemonSetSpec', field);

/** Props of a sandboxed DaemonSet (one pod per matching node). */
export interface SandboxedDaemonSetProps extends SandboxedWorkloadProps {
  /** @default - Kubernetes' RollingUpdate with maxUnavailable 1 */
  readonly updateStrategy?: DaemonSetUpdateStrategy;
  /** @default - Kubernetes' 0 */
  readonly minReadySeconds?: number;
  /** @default - Kubernetes' 10 */
  readonly revisionHistoryLimit?: number;
}

/** How each DaemonSet-specific prop is checked: by its Kubernetes type, the counts ≥ 0 too. @internal */
export const DAEMON_SET_ONLY_PROPS = {
  updateStrategy: spec('updateStrategy'),
  minReadySeconds: spec('minReadySeconds'),
  revisionHistoryLimit: spec('revisionHistoryLimit'),
} satisfies PropTable<Omit<SandboxedDaemonSetProps, keyof SandboxedWorkloadProps>>;

/** How each prop of a sandboxed DaemonSet is checked. @internal */
export const DAEMON_SET_PROPS = { ...WORKLOAD_PROPS, ...DAEMON_SET_ONLY_PROPS } satisfies PropTable<SandboxedDaemonSetProps>;

/**
 * Builds a gVisor-sandboxed DaemonSet. The selector is
 * `app.kubernetes.io/name: <name>`, derived deterministically.
 */
export function renderSandboxedDaemonSet(propsIn: SandboxedDaemonSetProps, id: string, path = 'props'): Manifests {
  const props = plainProps(propsIn, path);
  checkProps(props, DAEMON_SET_PROPS, path);
  return buildSandboxedDaemonSet(props, id, path);
}

/** The DaemonSet of props already checked against `DAEMON_SET_PROPS`. @internal */
export function buildSandboxedDaemonSet(props: SandboxedDaemonSetProps, id: string, path: string): Manifests {
  const { identity, selector, podLabels, template } = workloadIdentity(props, id, path);
  const podSpec = renderPodSpec(props, path);
  const daemonSet: DaemonSet & KubeObject = pruneBuilt({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: objectMeta(identity.name, identity.namespace, podLabels, identity.annotations),
    spec: {
      selector: { matchLabels: selector },
      updateStrategy: props.updateStrategy,
      minReadySeconds: props.minReadySeconds,
      revisionHistoryLimit: props.revisionHistoryLimit,
      template: { metadata: template, spec: podSpec },
    },
  });
  return applyOverrides({ objects: [daemonSet], primary: 0 }, props.overrides, `${path}.overrides`);
}
