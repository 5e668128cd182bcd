import type { HorizontalPodAutoscaler, MetricSpec } from 'kubernetes-types/autoscaling/v2';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import { DEFAULTS, SCALING_DEFAULTS } from '../defaults';
import { GvisorIacError } from '../errors';
import { KubeObject, prune } from '../objects/manifest';
import { objectMeta } from '../objects/metadata';
import { PropTable, checkProps, optional } from '../validation/props';
import { assertInteger, assertOneOf } from '../validation/validate';

/**
 * A PodDisruptionBudget (policy/v1) for a workload's pods: how many may be
 * evicted at once by voluntary disruptions (node drains, cluster upgrades).
 * Give one of `minAvailable` and `maxUnavailable` (Kubernetes refuses both);
 * `{}` means `maxUnavailable: 1`.
 * @see https://kubernetes.io/docs/tasks/run-application/configure-pdb/
 */
export interface DisruptionBudgetProps {
  /**
   * Pods that must stay available: a whole number or a percentage (`"50%"`).
   * A budget equal to the replicas (or `maxUnavailable: 0`) blocks every
   * voluntary eviction, so `kubectl drain` waits for ever.
   * @default - not set (`maxUnavailable` applies)
   */
  readonly minAvailable?: number | string;
  /**
   * Pods that may be unavailable at once: a whole number or a percentage.
   * @default 1 (when `minAvailable` is not set)
   */
  readonly maxUnavailable?: number | string;
  /**
   * Whether running but not-ready pods may be evicted regardless of the
   * budget (`AlwaysAllow`, which lets a drain through a crash-looping
   * rollout) or only while the budget holds (`IfHealthyBudget`).
   * @default - Kubernetes' "IfHealthyBudget"
   */
  readonly unhealthyPodEvictionPolicy?: 'IfHealthyBudget' | 'AlwaysAllow';
}

/**
 * A HorizontalPodAutoscaler (autoscaling/v2) that scales a workload between
 * `minReplicas` and `maxReplicas` on the CPU (and memory) use of its pods,
 * relative to their requests (which sandboxed pods always set). The HPA then
 * owns the replica count: the workload omits `replicas`, so that applying
 * the manifests again does not reset what the HPA chose. Needs the
 * resource metrics API (metrics-server) in the cluster.
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
 */
export interface AutoscalingProps {
  /** Fewest replicas (≥ 1; scaling to zero is an alpha feature). @default 1 */
  readonly minReplicas?: number;
  /** Most replicas (≥ `minReplicas`). */
  readonly maxReplicas: number;
  /**
   * Average CPU use the HPA aims for, in percent of the pods' CPU requests.
   * @default 80 (when `targetMemoryUtilizationPercentage` is not set either)
   */
  readonly targetCPUUtilizationPercentage?: number;
  /**
   * Average memory use the HPA aims for, in percent of the pods' memory requests.
   * @default - none
   */
  readonly targetMemoryUtilizationPercentage?: number;
}

/** The scaling props of a replicated workload (Deployment, StatefulSet). */
export interface ScalingProps {
  /**
   * A PodDisruptionBudget for the pods (named like the workload).
   * @default - none
   */
  readonly disruptionBudget?: DisruptionBudgetProps;
  /**
   * A HorizontalPodAutoscaler for the workload (named like it). `replicas`
   * cannot be set with it: the HPA owns the replica count.
   * @default - none (`replicas` pods)
   */
  readonly autoscaling?: AutoscalingProps;
}

/** An int-or-string count: a whole number ≥ 0, or a percentage from "0%" to "100%". */
function assertCountOrPercent(value: unknown, path: string): number | string {
  if (typeof value === 'string') {
    const m = /^(\d{1,3})%$/.exec(value);
    if (m && Number(m[1]) <= 100) return value;
  } else if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    return value;
  }
  throw new GvisorIacError('INVALID_VALUE', path, value, 'is not a whole number ≥ 0 or a percentage from "0%" to "100%"', 'use e.g. 1 or "25%"');
}

const DISRUPTION_BUDGET_PROPS = {
  minAvailable: optional(assertCountOrPercent),
  maxUnavailable: optional(assertCountOrPercent),
  unhealthyPodEvictionPolicy: optional((v, p) => assertOneOf(v, ['IfHealthyBudget', 'AlwaysAllow'] as const, p)),
} satisfies PropTable<DisruptionBudgetProps>;

/** A percentage target of a resource metric: a whole number ≥ 1 (above 100 is allowed: use is relative to requests). */
const percent = optional((v, p) => assertInteger(v, p, 1, 10_000));

const AUTOSCALING_PROPS = {
  minReplicas: optional((v, p) => assertInteger(v, p, 1, 2 ** 31 - 1)),
  maxReplicas: (v: unknown, p: string) => {
    if (v === undefined) throw new GvisorIacError('REQUIRED', p, v, 'is not set', 'set maxReplicas, the most replicas the autoscaler may run');
    return assertInteger(v, p, 1, 2 ** 31 - 1);
  },
  targetCPUUtilizationPercentage: percent,
  targetMemoryUtilizationPercentage: percent,
} satisfies PropTable<AutoscalingProps>;

/** How the scaling props are checked (each on its own; `scalingReplicas` checks them against `replicas`). @internal */
export const SCALING_PROPS = {
  disruptionBudget: optional((v, p) => {
    const o = checkProps(v, DISRUPTION_BUDGET_PROPS, p);
    if (o.minAvailable !== undefined && o.maxUnavailable !== undefined) {
      throw new GvisorIacError('INVALID_VALUE', `${p}.maxUnavailable`, o.maxUnavailable, 'is set with minAvailable (a PodDisruptionBudget takes one of them)', 'keep either minAvailable or maxUnavailable');
    }
  }),
  autoscaling: optional((v, p) => {
    const o = checkProps(v, AUTOSCALING_PROPS, p);
    const min = (o.minReplicas as number | undefined) ?? SCALING_DEFAULTS.minReplicas;
    if (min > (o.maxReplicas as number)) {
      throw new GvisorIacError('INVALID_VALUE', `${p}.maxReplicas`, o.maxReplicas, `is below minReplicas (${min})`, `set maxReplicas to ${min} or more`);
    }
  }),
} satisfies PropTable<ScalingProps>;

/**
 * The `replicas` a scaled workload sets: none with `autoscaling` (the HPA
 * owns the count; `replicas` set as well is refused), else `replicas` or the
 * default. Also refuses a `disruptionBudget.minAvailable` above the pods
 * there will be (a budget that can never be met). Props already checked.
 */
export function scalingReplicas(props: ScalingProps & { readonly replicas?: number }, path: string): number | undefined {
  if (props.autoscaling !== undefined && props.replicas !== undefined) {
    throw new GvisorIacError('INVALID_VALUE', `${path}.replicas`, props.replicas,
      'is set with autoscaling: the HorizontalPodAutoscaler owns the replica count, and every apply would reset it',
      'remove replicas (the autoscaler runs between autoscaling.minReplicas and maxReplicas)');
  }
  const replicas = props.autoscaling ? undefined : props.replicas ?? DEFAULTS.replicas;
  const fewest = replicas ?? props.autoscaling?.minReplicas ?? SCALING_DEFAULTS.minReplicas;
  const min = props.disruptionBudget?.minAvailable;
  if (typeof min === 'number' && min > fewest) {
    throw new GvisorIacError('INVALID_VALUE', `${path}.disruptionBudget.minAvailable`, min,
      `is above the ${fewest} pod(s) the workload runs${replicas === undefined ? ' at its fewest (autoscaling.minReplicas)' : ''}: the budget could never be met`,
      `use at most ${fewest}, a percentage, or maxUnavailable`);
  }
  return replicas;
}

/** What the PodDisruptionBudget and HorizontalPodAutoscaler of a workload need to know of it. */
export interface ScaleTarget {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** Labels of the workload's objects (the budget and the autoscaler carry them too). */
  readonly labels: Readonly<Record<string, string>>;
  /** matchLabels of the workload's pods. */
  readonly podSelector: Readonly<Record<string, string>>;
}

/**
 * The PodDisruptionBudget and HorizontalPodAutoscaler the scaling props ask
 * for (none, one or both), named like the workload. Generic over the
 * workload: a StatefulSet passes its own kind. Props already checked.
 */
export function scalingObjects(props: ScalingProps, target: ScaleTarget): KubeObject[] {
  const objects: KubeObject[] = [];
  const meta = () => objectMeta(target.name, target.namespace, { ...target.labels });
  const budget = props.disruptionBudget;
  if (budget !== undefined) {
    const pdb: PodDisruptionBudget & KubeObject = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(),
      spec: prune({
        selector: { matchLabels: { ...target.podSelector } },
        minAvailable: budget.minAvailable,
        maxUnavailable: budget.minAvailable === undefined ? budget.maxUnavailable ?? SCALING_DEFAULTS.maxUnavailable : undefined,
        unhealthyPodEvictionPolicy: budget.unhealthyPodEvictionPolicy,
      }),
    };
    objects.push(pdb);
  }
  const auto = props.autoscaling;
  if (auto !== undefined) {
    const memory = auto.targetMemoryUtilizationPercentage;
    const cpu = auto.targetCPUUtilizationPercentage ?? (memory === undefined ? SCALING_DEFAULTS.targetCPUUtilizationPercentage : undefined);
    const metric = (name: string, averageUtilization: number): MetricSpec => ({ type: 'Resource', resource: { name, target: { type: 'Utilization', averageUtilization } } });
    const metrics: MetricSpec[] = [];
    if (cpu !== undefined) metrics.push(metric('cpu', cpu));
    if (memory !== undefined) metrics.push(metric('memory', memory));
    const hpa: HorizontalPodAutoscaler & KubeObject = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta(),
      spec: {
        scaleTargetRef: { apiVersion: target.apiVersion, kind: target.kind, name: target.name },
        minReplicas: auto.minReplicas ?? SCALING_DEFAULTS.minReplicas,
        maxReplicas: auto.maxReplicas,
        metrics,
      },
    };
    objects.push(hpa);
  }
  return objects;
}
