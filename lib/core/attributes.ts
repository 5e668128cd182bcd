import { NAME_LABEL } from './defaults';
import { KubeObject, Manifests, POD_SPEC_PATHS, podSpecOf } from './objects/manifest';
import { RuntimeClassManifests, RuntimeClassRef } from './pod/runtime-class';
import { MultiTenantManifests, TenantOutput } from './tenancy/multi-tenant';
import { untrustedRunSelector } from './workloads/untrusted-code';

/** Identity of one emitted object, as the constructs expose it. */
export interface ObjectIdentity {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** The identity of `o` (no `namespace` key when it has none). */
export function objectIdentity(o: KubeObject): ObjectIdentity {
  return o.metadata.namespace === undefined
    ? { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name }
    : { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace };
}

/**
 * The public attributes of the constructs, defined once here and exposed
 * by both frontends under the same names with the same values (cdk8s as
 * readonly properties beside `apiObject`/`apiObjects`; Pulumi as readonly
 * properties beside `resource`/`resources`, and as registered outputs).
 */
export interface ConstructAttributes {
  /** The construct's name: `metadata.name` of a workload's main object, the class name, the sandbox's name. */
  readonly name: string;
  /** `metadata.namespace` of a workload's main object, when set. */
  readonly namespace?: string;
  /** The RuntimeClass the construct's pods use (or, for a RuntimeClass, its own name). */
  readonly runtimeClassName?: string;
  /** Every emitted object, in the order the construct emits them. */
  readonly objects: readonly ObjectIdentity[];
}

/** Attributes of `GvisorRuntimeClass` / `EdgeRuntimeClass`. */
export interface RuntimeClassAttributes extends ConstructAttributes {
  readonly runtimeClassName: string;
  /** What workloads need: name, handler, overhead, scheduling. */
  readonly ref: RuntimeClassRef;
}

/** Attributes of a workload (`SandboxedPod`, `SandboxedDeployment`, `SandboxedJob`, `EdgeSandbox`, …). */
export interface WorkloadAttributes extends ConstructAttributes {
  /**
   * The labels that select the workload's pods (`matchLabels`): what a
   * Service, a NetworkPolicy or a PodDisruptionBudget selects them by
   * (`kubectl get pods -l app.kubernetes.io/name=<name>`). Empty only when
   * an override removed the selector label from the pods.
   */
  readonly podSelector: Readonly<Record<string, string>>;
}

/** Attributes of `UntrustedCodeSandbox`. */
export interface UntrustedCodeAttributes extends WorkloadAttributes {
  /** Labels that select exactly this run's pods (`kubectl get pods -l gvisor-iac.dev/run=<name>`). */
  readonly podSelector: Readonly<Record<string, string>>;
}

/** Attributes of `MultiTenantSandbox`. */
export interface MultiTenantAttributes extends ConstructAttributes {
  readonly runtimeClassName: string;
  /** The tenants' names, namespaces and workload ServiceAccounts, in tenant order. */
  readonly tenants: readonly TenantOutput[];
  /** The tenant namespaces, in tenant order. */
  readonly namespaces: readonly string[];
  /** Name of the ValidatingAdmissionPolicy (and its binding) that admits only gVisor pods. */
  readonly policyName: string;
}

/**
 * Which attributes each construct exposes, in both frontends — what the
 * parity test compares. Pulumi registers the same (except `ref`) as outputs.
 */
export const CONSTRUCT_ATTRIBUTES = {
  GvisorRuntimeClass: ['name', 'runtimeClassName', 'objects', 'ref'],
  EdgeRuntimeClass: ['name', 'runtimeClassName', 'objects', 'ref'],
  SandboxedPod: ['name', 'namespace', 'runtimeClassName', 'objects', 'podSelector'],
  SandboxedDeployment: ['name', 'namespace', 'runtimeClassName', 'objects', 'podSelector'],
  SandboxedJob: ['name', 'namespace', 'runtimeClassName', 'objects', 'podSelector'],
  SandboxedDaemonSet: ['name', 'namespace', 'runtimeClassName', 'objects', 'podSelector'],
  SandboxedStatefulSet: ['name', 'namespace', 'runtimeClassName', 'objects', 'podSelector'],
  SandboxedCronJob: ['name', 'namespace', 'runtimeClassName', 'objects', 'podSelector'],
  EdgeSandbox: ['name', 'namespace', 'runtimeClassName', 'objects', 'podSelector'],
  UntrustedCodeSandbox: ['name', 'namespace', 'runtimeClassName', 'objects', 'podSelector'],
  MultiTenantSandbox: ['name', 'runtimeClassName', 'objects', 'namespaces', 'tenants', 'policyName'],
} as const satisfies Record<string, readonly string[]>;

/** Drops keys whose value is undefined (so `namespace` is absent, not undefined). */
function defined<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const k in o) if (Object.hasOwn(o, k) && o[k] !== undefined) out[k] = o[k];
  return out as T;
}

/**
 * The matchLabels that select the pods of a pod-bearing object: its
 * `spec.selector.matchLabels` when it has one (Deployment, StatefulSet,
 * DaemonSet, ReplicaSet); else the selector label (`app.kubernetes.io/name`)
 * of its pods (a Pod's own labels, a Job's or CronJob's pod template's,
 * whose selector Kubernetes generates). `{}` when there is none.
 */
export function podSelectorOf(obj: KubeObject): Readonly<Record<string, string>> {
  const matchLabels = (obj.spec as { selector?: { matchLabels?: unknown } } | undefined)?.selector?.matchLabels;
  if (isStringRecord(matchLabels) && Object.keys(matchLabels).length) return { ...matchLabels };
  const path = POD_SPEC_PATHS[obj.kind];
  if (path === undefined) return {};
  const template: any = path.slice(0, -1).reduce<any>((v, key) => v?.[key], obj);
  const name = template?.metadata?.labels?.[NAME_LABEL];
  return typeof name === 'string' ? { [NAME_LABEL]: name } : {};
}

function isStringRecord(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}

/** Attributes of a workload (Pod, Deployment, DaemonSet, StatefulSet, Job, CronJob, Edge): its main object's name and namespace, its pods' RuntimeClass and selector. */
export function workloadAttributes(manifests: Manifests): WorkloadAttributes {
  const main = manifests.objects[manifests.primary ?? 0]!;
  let runtimeClassName: string | undefined;
  for (const o of manifests.objects) {
    const rc = podSpecOf(o)?.runtimeClassName;
    if (typeof rc === 'string') {
      runtimeClassName = rc;
      break;
    }
  }
  return defined({
    name: main.metadata.name,
    namespace: main.metadata.namespace,
    runtimeClassName,
    objects: manifests.objects.map(objectIdentity),
    podSelector: podSelectorOf(main),
  });
}

/** Attributes of an `UntrustedCodeSandbox`. */
export function untrustedCodeAttributes(manifests: Manifests): UntrustedCodeAttributes {
  const attributes = workloadAttributes(manifests);
  return { ...attributes, podSelector: untrustedRunSelector(attributes.name) };
}

/** Attributes of a RuntimeClass construct (also GKE's or an existing class, which emit nothing). */
export function runtimeClassAttributes(rendered: RuntimeClassManifests): RuntimeClassAttributes {
  return { name: rendered.ref.name, runtimeClassName: rendered.ref.name, objects: rendered.objects.map(objectIdentity), ref: rendered.ref };
}

/** Attributes of a `MultiTenantSandbox`. */
export function multiTenantAttributes(rendered: MultiTenantManifests): MultiTenantAttributes {
  return {
    name: rendered.name,
    runtimeClassName: rendered.runtimeClassName,
    objects: rendered.objects.map(objectIdentity),
    namespaces: rendered.namespaces,
    tenants: rendered.tenants,
    policyName: rendered.policyName,
  };
}
