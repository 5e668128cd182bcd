import type { Container, ResourceRequirements, Toleration, TopologySpreadConstraint } from 'kubernetes-types/core/v1';
import { DAEMON_SET_ONLY_PROPS, SandboxedDaemonSetProps, buildSandboxedDaemonSet } from './daemon-set';
import { DEFAULTS, EDGE_DEFAULTS } from '../defaults';
import { DEPLOYMENT_ONLY_PROPS, SandboxedDeploymentProps, buildSandboxedDeployment } from './deployment';
import { GvisorIacError } from '../errors';
import { WORKLOAD_PROPS, workloadIdentity } from './pod';
import { Manifests, prune } from '../objects/manifest';
import { HardeningOptions } from '../pod/pod-spec';
import { GvisorRuntimeClassProps, RuntimeClassRef } from '../pod/runtime-class';
import { validateToleration, validateTolerations } from '../pod/scheduling';
import { checkK8sValue } from '../validation/k8s-types';
import { emptyRecord, isPlainRecord, plainProps } from '../validation/plain-data';
import { PropTable, checkProps, optional } from '../validation/props';
import { assertInteger, assertLabelKey, assertLabels, assertOneOf, assertPlainObject } from '../validation/validate';

/**
 * How each prop of `EdgeSandbox` is checked: those of a workload, the edge
 * ones, then those of a Deployment and of a DaemonSet (which of them apply
 * depends on `workload`, checked in the render).
 */
const EDGE_PROPS = {
  ...WORKLOAD_PROPS,
  nodeSelector: (v: unknown, p: string) => {
    WORKLOAD_PROPS.nodeSelector(v, p);
    assertLabels(v, p);
  },
  workload: optional((v, p) => assertOneOf(v, ['Deployment', 'DaemonSet'] as const, p)),
  edgeToleration: optional((v, p) => {
    if (v === false) return;
    validateToleration(v as Toleration, p);
    checkK8sValue(v, '#CoreV1Toleration', p);
  }),
  tolerationSeconds: optional((v, p) => assertInteger(v, p, 0)),
  siteLabel: optional((v, p) => (v === false ? v : assertLabelKey(v, p))),
  ...DEPLOYMENT_ONLY_PROPS,
  ...DAEMON_SET_ONLY_PROPS,
} satisfies PropTable<EdgeSandboxProps>;

/** Props that apply to one kind of workload only. */
const DEPLOYMENT_ONLY = ['replicas', 'strategy', 'progressDeadlineSeconds', 'disruptionBudget', 'autoscaling'] as const;
const DAEMON_SET_ONLY = ['updateStrategy'] as const;

/** The node conditions a flaky edge link produces (tainted NoExecute by the node lifecycle controller). */
export const FLAKY_LINK_TAINTS: readonly string[] = ['node.kubernetes.io/unreachable', 'node.kubernetes.io/not-ready'];

/**
 * Props of `EdgeSandbox`: a gVisor workload pinned to edge nodes. All props
 * of `SandboxedDeployment` apply (with `workload: "DaemonSet"`, those of a
 * DaemonSet instead), with edge defaults for the ones below.
 */
export interface EdgeSandboxProps extends Omit<SandboxedDeploymentProps, 'nodeSelector' | 'hardening'>, Pick<SandboxedDaemonSetProps, 'updateStrategy'> {
  /**
   * `"Deployment"` runs `replicas` pods on edge nodes; `"DaemonSet"` runs one
   * pod on every edge node.
   * @default "Deployment"
   */
  readonly workload?: 'Deployment' | 'DaemonSet';
  /**
   * Pod `nodeSelector` that pins the pods to edge nodes (replaces the
   * default; `{}` pins nothing, e.g. when the RuntimeClass does it).
   * @default { "node-type": "edge" }
   */
  readonly nodeSelector?: Record<string, string>;
  /**
   * Toleration for the taint that keeps other workloads off edge nodes.
   * `false` adds none.
   * @default { key: "node-type", operator: "Equal", value: "edge", effect: "NoSchedule" }
   */
  readonly edgeToleration?: Toleration | false;
  /**
   * How long a Deployment's pods stay bound to an edge node that is
   * unreachable or not ready (`node.kubernetes.io/unreachable` and
   * `node.kubernetes.io/not-ready`, NoExecute) before they are evicted.
   * Kubernetes' own default is 300 s; a link that drops for an hour should
   * not reshuffle the edge. DaemonSet pods tolerate these taints for ever
   * (the DaemonSet controller sees to it), so this is refused with a DaemonSet.
   * @default 3600
   */
  readonly tolerationSeconds?: number;
  /**
   * Node label naming an edge site: with more than one replica, pods are
   * spread across its values (`topologySpreadConstraints`, maxSkew 1,
   * ScheduleAnyway). `false`, or your own `topologySpreadConstraints`, turns
   * this off.
   * @default "topology.kubernetes.io/zone"
   */
  readonly siteLabel?: string | false;
  /**
   * Hardened-default opt-outs; `defaultResources` defaults to a small edge footprint.
   * @default { defaultResources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "250m", memory: "128Mi" } } }
   */
  readonly hardening?: HardeningOptions;
}

/**
 * Builds an edge sandbox: a gVisor Deployment (or DaemonSet) pinned to edge
 * nodes, tolerating the edge taint and flaky links, pulling images only when
 * absent (`imagePullPolicy: IfNotPresent` where a container sets none), with
 * a small default footprint, and replicas spread across edge sites.
 * Validates everything first.
 */
export function renderEdgeSandbox(propsIn: EdgeSandboxProps, id: string, path = 'props'): Manifests {
  const props = plainProps(propsIn, path);
  const o = checkProps(props, EDGE_PROPS, path);
  const daemon = props.workload === 'DaemonSet';
  for (const key of daemon ? [...DEPLOYMENT_ONLY, 'siteLabel', 'tolerationSeconds'] : DAEMON_SET_ONLY) {
    if (o[key] !== undefined) {
      const why = key === 'tolerationSeconds'
        ? 'has no effect on a DaemonSet: its pods tolerate unreachable and not-ready nodes for ever'
        : `applies to a ${daemon ? 'Deployment' : 'DaemonSet'} only`;
      throw new GvisorIacError('INVALID_VALUE', `${path}.${key}`, o[key], why, daemon ? `remove ${key}, or use workload "Deployment"` : `remove ${key}, or use workload "DaemonSet"`);
    }
  }
  const { workload: _w, edgeToleration: _e, tolerationSeconds: _t, siteLabel: _s, ...rest } = props;

  const hardening = props.hardening ?? emptyRecord<HardeningOptions>();
  const nodeSelector = props.nodeSelector ?? { ...EDGE_DEFAULTS.nodeSelector };
  checkRuntimeClassSelector(props.runtimeClass, nodeSelector, path);
  const tolerations = edgeTolerations(props, daemon, path);
  const edgeProps = Object.assign(emptyRecord(), {
    ...rest,
    containers: withPullPolicy(props.containers),
    initContainers: withPullPolicy(props.initContainers),
    nodeSelector,
    tolerations,
    hardening: { ...hardening, defaultResources: hardening.defaultResources ?? (EDGE_DEFAULTS.containerResources as ResourceRequirements) },
  });
  const spread = daemon ? undefined : props.topologySpreadConstraints ?? siteSpread(edgeProps as SandboxedDeploymentProps, props.siteLabel, id, path);
  // Checked above: the workload builds from these without checking them again (plainProps only copies them to
  // null-prototype objects, so that what the edge added reads own fields only, as the checked props do).
  const built = plainProps(spread ? { ...edgeProps, topologySpreadConstraints: spread } : edgeProps, path);
  return daemon
    ? buildSandboxedDaemonSet(built as SandboxedDaemonSetProps, id, path)
    : buildSandboxedDeployment(built as SandboxedDeploymentProps, id, path);
}

/** The edge taint toleration, the flaky-link tolerations, then the user's (which win on the same key and effect). */
function edgeTolerations(props: EdgeSandboxProps, daemon: boolean, path: string): Toleration[] {
  const own = validateTolerations(props.tolerations, `${path}.tolerations`) ?? [];
  const seconds = props.tolerationSeconds ?? EDGE_DEFAULTS.tolerationSeconds;
  const edge = props.edgeToleration === false ? [] : [(props.edgeToleration ?? EDGE_DEFAULTS.edgeToleration) as Toleration];
  const flaky = FLAKY_LINK_TAINTS.map((key): Toleration => prune({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: daemon ? undefined : seconds }));
  const ours = [...edge, ...flaky];
  return [...ours.filter((t) => !own.some((u) => u.key === t.key && u.effect === t.effect)), ...own];
}

/** Spread replicas across edge sites when there is more than one. */
function siteSpread(
  props: SandboxedDeploymentProps, site: string | false | undefined, id: string, path: string,
): TopologySpreadConstraint[] | undefined {
  const siteLabel = site === false ? undefined : site ?? EDGE_DEFAULTS.siteLabel;
  const replicas = props.autoscaling?.maxReplicas ?? props.replicas ?? DEFAULTS.replicas;
  if (siteLabel === undefined || replicas <= 1) return undefined;
  const { selector } = workloadIdentity(props, id, path);
  return [{ maxSkew: 1, topologyKey: siteLabel, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } }];
}

/** Sets `imagePullPolicy: IfNotPresent` on containers that set none (the containers are checked already). */
function withPullPolicy(list: Container[] | undefined): Container[] | undefined {
  if (list === undefined) return undefined;
  // A hole or non-object entry passes through: the pod spec render refuses it, naming it.
  return list.map((c) => (!isPlainRecord(c) || c.imagePullPolicy !== undefined ? c : { ...c, imagePullPolicy: EDGE_DEFAULTS.imagePullPolicy }));
}

/** RuntimeClass admission rejects a pod whose nodeSelector contradicts the class's scheduling.nodeSelector. */
function checkRuntimeClassSelector(rc: RuntimeClassRef | string | undefined, nodeSelector: Record<string, string>, path: string): void {
  if (rc === undefined || typeof rc !== 'object' || rc === null || !rc.nodeSelector) return;
  for (const [key, value] of Object.entries(nodeSelector)) {
    const fromClass = rc.nodeSelector[key];
    if (fromClass !== undefined && fromClass !== value) {
      throw new GvisorIacError(
        'INVALID_VALUE', `${path}.nodeSelector["${key}"]`, value,
        `contradicts the RuntimeClass "${rc.name}", whose scheduling.nodeSelector sets ${key}=${fromClass} (the API server would reject every pod)`,
        `use ${key}: "${fromClass}", or drop the key and let the RuntimeClass pin the pods`,
      );
    }
  }
}

/**
 * Props of a RuntimeClass for edge nodes: a `GvisorRuntimeClass` named
 * `gvisor-edge` whose `scheduling` carries the edge node selector and taint
 * toleration, so that every pod naming it lands on edge nodes. Any prop
 * given replaces its edge default.
 */
export function edgeRuntimeClassProps(propsIn: Omit<GvisorRuntimeClassProps, 'preset'> = {}, path = 'props'): GvisorRuntimeClassProps {
  const props = plainProps(propsIn, path);
  const o = assertPlainObject(props, path);
  if (o.preset !== undefined) {
    throw new GvisorIacError('INVALID_VALUE', `${path}.preset`, o.preset, 'does not apply to an edge RuntimeClass (GKE Sandbox owns its class and its scheduling)', 'remove preset');
  }
  return {
    name: EDGE_DEFAULTS.runtimeClassName,
    nodeSelector: { ...EDGE_DEFAULTS.nodeSelector },
    tolerations: [{ ...EDGE_DEFAULTS.edgeToleration }],
    ...props,
  };
}
