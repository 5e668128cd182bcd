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
 * The indexes of `objects` in apply order: by `applyRank`, stable within a
 * rank. A counting sort (ranks are 0..4): one pass, linear in the objects.
 * The one ordering both frontends register and emit in.
 */
export function applyOrder(objects: readonly KubeObject[]): number[] {
  const buckets: number[][] = [[], [], [], [], []];
  objects.forEach((o, i) => buckets[applyRank(o.kind)]!.push(i));
  return buckets.flat();
}

/**
 * Sorts objects into apply order (stable within a rank).
 */
export function sortForApply(objects: readonly KubeObject[]): KubeObject[] {
  return applyOrder(objects).map((i) => objects[i]!);
}

/**
 * For each object, the indexes of the objects in the same set it must be
 * applied after: every object of a lower rank that it could depend on —
 * its own Namespace, cluster-scoped objects, and objects in its namespace —
 * in ascending index order.
 *
 * Linear in the objects plus the dependencies found: Namespaces are looked
 * up by name and namespaced objects grouped by namespace, so a construct of
 * thousands of tenants is never compared pairwise.
 */
export function dependencies(objects: readonly KubeObject[]): number[][] {
  // One object (most workloads) depends on none of its set.
  if (objects.length === 1) return [[]];
  const namespaces = new Map<string, number[]>();
  const clusterScoped: number[] = [];
  const byNamespace = new Map<string | undefined, number[]>();
  objects.forEach((o, i) => {
    if (o.kind === 'Namespace') push(namespaces, o.metadata.name, i);
    else if (isClusterScoped(o.kind)) clusterScoped.push(i);
    else push(byNamespace, o.metadata.namespace, i);
  });
  return objects.map((obj) => {
    const rank = applyRank(obj.kind);
    if (rank === 0) return [];
    const lower = (j: number) => objects[j] !== obj && applyRank(objects[j]!.kind) < rank;
    const deps = [
      ...(obj.metadata.namespace === undefined ? [] : namespaces.get(obj.metadata.namespace) ?? []),
      ...clusterScoped,
      ...(byNamespace.get(obj.metadata.namespace) ?? []),
    ].filter(lower);
    return deps.sort((a, b) => a - b);
  });
}

function push<K>(map: Map<K, number[]>, key: K, i: number): void {
  const list = map.get(key);
  if (list) list.push(i);
  else map.set(key, [i]);
}

/**
 * Removes `undefined` values and empty arrays, recursively, so that output
 * carries no noise (`tolerations: []`). Empty objects are kept: some are
 * meaningful (`emptyDir: {}`).
 */
export function prune<T>(value: T): T {
  // Plain loops, not entries/filter/map: every render prunes nested output, so this is the core's hottest path.
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) if (v !== undefined) out.push(prune(v));
    return out as unknown as T;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k in value) {
      if (!Object.hasOwn(value, k)) continue;
      const v = (value as Record<string, unknown>)[k];
      if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
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
