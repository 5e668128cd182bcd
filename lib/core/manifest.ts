import type { ObjectMeta } from 'kubernetes-types/meta/v1';

/** A plain Kubernetes object as the core emits it. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta & { readonly name: string };
  readonly [key: string]: unknown;
}

/**
 * What a core function returns: the objects in apply order (what others
 * depend on comes first) and which of them is the construct's main object.
 */
export interface Manifests {
  readonly objects: readonly KubeObject[];
  /** Index into `objects` of the construct's main object, if it emits any. */
  readonly primary?: number;
}

/**
 * Apply order of a kind: objects of a lower rank are depended on by objects
 * of a higher rank within one construct (a Namespace before what lives in it,
 * a RuntimeClass before pods naming it, a policy before its binding).
 */
export function applyRank(kind: string): number {
  switch (kind) {
    case 'Namespace':
      return 0;
    case 'RuntimeClass':
    case 'ValidatingAdmissionPolicy':
    case 'ClusterRole':
      return 1;
    case 'ServiceAccount':
    case 'ConfigMap':
    case 'Secret':
    case 'ResourceQuota':
    case 'LimitRange':
    case 'Role':
    case 'NetworkPolicy':
    case 'ValidatingAdmissionPolicyBinding':
      return 2;
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      return 3;
    default:
      return 4;
  }
}

/** Cluster-scoped kinds never carry `metadata.namespace`. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'RuntimeClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'PriorityClass',
  'StorageClass',
]);

/** True when objects of `kind` are cluster-scoped. */
export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

/**
 * A deterministic, unique-per-set key for an object, usable as a cdk8s
 * construct id or a Pulumi child-name suffix: `kind-namespace-name` in
 * lowercase (namespace omitted for cluster-scoped objects).
 */
export function objectKey(obj: KubeObject): string {
  const ns = obj.metadata.namespace;
  return [obj.kind.toLowerCase(), ns, obj.metadata.name].filter(Boolean).join('-');
}

/**
 * Sorts objects into apply order (stable within a rank).
 */
export function sortForApply(objects: readonly KubeObject[]): KubeObject[] {
  return objects
    .map((o, i) => ({ o, i }))
    .sort((a, b) => applyRank(a.o.kind) - applyRank(b.o.kind) || a.i - b.i)
    .map(({ o }) => o);
}

/**
 * For each object, the indexes of the objects in the same set it must be
 * applied after: every object of a lower rank that it could depend on —
 * its own Namespace, cluster-scoped objects, and objects in its namespace.
 */
export function dependencies(objects: readonly KubeObject[]): number[][] {
  return objects.map((obj) => {
    const rank = applyRank(obj.kind);
    const deps: number[] = [];
    objects.forEach((other, j) => {
      if (other === obj || applyRank(other.kind) >= rank) return;
      // A Namespace only matters to what lives in it; other cluster-scoped
      // objects (a RuntimeClass, a policy) to everything of a higher rank.
      const related = other.kind === 'Namespace'
        ? other.metadata.name === obj.metadata.namespace
        : isClusterScoped(other.kind) || other.metadata.namespace === obj.metadata.namespace;
      if (related) deps.push(j);
    });
    return deps;
  });
}

/**
 * Removes `undefined` values and empty arrays, recursively, so that output
 * carries no noise (`tolerations: []`). Empty objects are kept: some are
 * meaningful (`emptyDir: {}`).
 */
export function prune<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.filter((v) => v !== undefined).map((v) => prune(v)) as unknown as T;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      if (Array.isArray(v) && v.length === 0) continue;
      out[k] = prune(v);
    }
    return out as T;
  }
  return value;
}

/**
 * Pod-bearing kinds and where their pod spec lives (field names from the
 * object's root). The same in every API version of a kind.
 */
export const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** The pod spec inside a pod-bearing object (see `POD_SPEC_PATHS`), or undefined for other kinds. */
export function podSpecOf(obj: { kind?: unknown }): Record<string, any> | undefined {
  const path = typeof obj.kind === 'string' ? POD_SPEC_PATHS[obj.kind] : undefined;
  return path?.reduce<any>((v, key) => v?.[key], obj);
}
