// The one Pulumi emitter: core objects → typed @pulumi/kubernetes resources.
// Each group module below is a lazy index (its resource classes load on first
// use), so importing gvisor-iac/pulumi does not load all of @pulumi/kubernetes.
import * as admissionregistrationv1 from '@pulumi/kubernetes/admissionregistration/v1';
import * as appsv1 from '@pulumi/kubernetes/apps/v1';
import * as autoscalingv2 from '@pulumi/kubernetes/autoscaling/v2';
import * as batchv1 from '@pulumi/kubernetes/batch/v1';
import * as corev1 from '@pulumi/kubernetes/core/v1';
import * as networkingv1 from '@pulumi/kubernetes/networking/v1';
import * as nodev1 from '@pulumi/kubernetes/node/v1';
import * as policyv1 from '@pulumi/kubernetes/policy/v1';
import * as rbacv1 from '@pulumi/kubernetes/rbac/v1';
import * as pulumi from '@pulumi/pulumi';
import { ApplyIndex, GvisorIacError, KubeObject, Manifests, ObjectRegistry, applyOrder, dependencies, emptyRecord, objectKey } from '../core';
import { isUnresolved } from './inputs';

type ResourceClass = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** How one apiVersion/kind is registered: the typed class and the top-level fields it takes besides apiVersion/kind/metadata. */
interface KindEntry {
  readonly resource: () => ResourceClass;
  readonly fields: readonly string[];
}

const SPEC = ['spec'];

/**
 * Every apiVersion/kind the emitter registers, keyed `apiVersion/kind`.
 * A field outside `fields` would be dropped silently by the typed class, so
 * it is refused instead.
 */
const KINDS: Readonly<Record<string, KindEntry>> = {
  'v1/Namespace': { resource: () => corev1.Namespace, fields: SPEC },
  'v1/ServiceAccount': { resource: () => corev1.ServiceAccount, fields: ['automountServiceAccountToken', 'imagePullSecrets', 'secrets'] },
  'v1/ConfigMap': { resource: () => corev1.ConfigMap, fields: ['binaryData', 'data', 'immutable'] },
  'v1/Secret': { resource: () => corev1.Secret, fields: ['data', 'immutable', 'stringData', 'type'] },
  'v1/ResourceQuota': { resource: () => corev1.ResourceQuota, fields: SPEC },
  'v1/LimitRange': { resource: () => corev1.LimitRange, fields: SPEC },
  'v1/Pod': { resource: () => corev1.Pod, fields: SPEC },
  'v1/Service': { resource: () => corev1.Service, fields: SPEC },
  'apps/v1/Deployment': { resource: () => appsv1.Deployment, fields: SPEC },
  'apps/v1/DaemonSet': { resource: () => appsv1.DaemonSet, fields: SPEC },
  'apps/v1/StatefulSet': { resource: () => appsv1.StatefulSet, fields: SPEC },
  'batch/v1/Job': { resource: () => batchv1.Job, fields: SPEC },
  'batch/v1/CronJob': { resource: () => batchv1.CronJob, fields: SPEC },
  'networking.k8s.io/v1/NetworkPolicy': { resource: () => networkingv1.NetworkPolicy, fields: SPEC },
  'rbac.authorization.k8s.io/v1/Role': { resource: () => rbacv1.Role, fields: ['rules'] },
  'rbac.authorization.k8s.io/v1/RoleBinding': { resource: () => rbacv1.RoleBinding, fields: ['roleRef', 'subjects'] },
  'rbac.authorization.k8s.io/v1/ClusterRole': { resource: () => rbacv1.ClusterRole, fields: ['aggregationRule', 'rules'] },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': { resource: () => rbacv1.ClusterRoleBinding, fields: ['roleRef', 'subjects'] },
  'node.k8s.io/v1/RuntimeClass': { resource: () => nodev1.RuntimeClass, fields: ['handler', 'overhead', 'scheduling'] },
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy': { resource: () => admissionregistrationv1.ValidatingAdmissionPolicy, fields: SPEC },
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding': { resource: () => admissionregistrationv1.ValidatingAdmissionPolicyBinding, fields: SPEC },
  'policy/v1/PodDisruptionBudget': { resource: () => policyv1.PodDisruptionBudget, fields: SPEC },
  'autoscaling/v2/HorizontalPodAutoscaler': { resource: () => autoscalingv2.HorizontalPodAutoscaler, fields: SPEC },
};

/** The `apiVersion/kind` pairs the emitter can register. */
export const EMITTABLE_KINDS: readonly string[] = Object.keys(KINDS);

/** The Pulumi type token a core object is registered as, e.g. `kubernetes:apps/v1:Deployment`. */
export function pulumiType(obj: Pick<KubeObject, 'apiVersion' | 'kind'>): string {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['core', obj.apiVersion];
  return `kubernetes:${group}/${version}:${obj.kind}`;
}

/** The child resource name of an object: the component's name + `objectKey(obj)` (without a namespace that comes from an Input: a name must be known now). */
export function childName(componentName: string, obj: KubeObject): string {
  return `${componentName}-${objectKey(withoutInputNamespace(obj))}`;
}

/** `obj` itself, or, when its namespace comes from an Input (an Output), a copy without it. */
export function withoutInputNamespace(obj: KubeObject): KubeObject {
  return isUnresolved(obj.metadata?.namespace) ? { ...obj, metadata: { ...obj.metadata, namespace: undefined } } : obj;
}

/** A stand-in per Output, for the core functions that group objects by namespace: objects that share an Input namespace share its token. */
const NAMESPACE_TOKENS = new WeakMap<object, string>();
let tokens = 0;

/** `obj` itself, or, when its namespace comes from an Input, a copy whose namespace is that Input's token (never a valid namespace). */
function withNamespaceToken(obj: KubeObject): KubeObject {
  const ns = obj.metadata?.namespace as unknown;
  if (!isUnresolved(ns)) return obj;
  let token = NAMESPACE_TOKENS.get(ns);
  if (token === undefined) NAMESPACE_TOKENS.set(ns, (token = `(a namespace from an Input, #${++tokens})`));
  return { ...obj, metadata: { ...obj.metadata, namespace: token } };
}

/**
 * Checks that every object can be registered exactly as it is: a known
 * apiVersion/kind, a `metadata.name` (so Pulumi never auto-names it), and no
 * top-level field the typed resource would drop. Runs before anything is
 * registered; throws `GvisorIacError`.
 */
export function assertEmittable(objects: readonly KubeObject[]): void {
  for (const obj of objects) {
    const where = `${obj?.kind}/${obj?.metadata?.name}`;
    const entry = KINDS[`${obj?.apiVersion}/${obj?.kind}`];
    if (!entry) {
      throw new GvisorIacError('INVALID_VALUE', `${where}.kind`, `${obj?.apiVersion}/${obj?.kind}`, 'has no typed @pulumi/kubernetes resource in the gvisor-iac Pulumi emitter',
        `emit one of ${EMITTABLE_KINDS.join(', ')} (or add the kind to lib/pulumi/emit.ts)`);
    }
    if (typeof obj.metadata?.name !== 'string' || obj.metadata.name === '') {
      throw new GvisorIacError('REQUIRED', `${where}.metadata.name`, obj.metadata?.name, 'is not set, so Pulumi would auto-name the object with a random suffix', 'keep metadata.name (check your overrides)');
    }
    for (const key of Object.keys(obj)) {
      if (!['apiVersion', 'kind', 'metadata', ...entry.fields].includes(key) && obj[key] !== undefined) {
        throw new GvisorIacError('UNKNOWN_FIELD', `${where}.${key}`, obj[key], `is not a field of ${pulumiType(obj)}, so Pulumi would drop it silently`,
          `use only ${['metadata', ...entry.fields].join(', ')} (check your overrides)`);
      }
    }
  }
}

/**
 * Registers `manifests` as typed Kubernetes resources under `parent`, in
 * apply order (returned in the order of `manifests.objects`): each object `dependsOn` what the core's `dependencies()` says
 * it needs (a Namespace before what lives in it, a RuntimeClass before pods,
 * a policy before its binding), on what `program.applyIndex` (the program's
 * core `ApplyIndex`, from `claimObjects`) says it names by name — a Namespace
 * or RuntimeClass another component registered earlier; a namespace that
 * comes from an Input names none, its Output brings its own dependency — and
 * on `dependsOn`. Objects are registered as `program.registered` makes them
 * (claims deferred to resolution). Children get only
 * `{ parent, dependsOn }`: provider(s), `protect` and `transforms` of the
 * caller's options reach them through the parent. Call `assertEmittable` first.
 */
export function emitManifests(
  parent: pulumi.ComponentResource, name: string, manifests: Manifests, dependsOn: readonly pulumi.Resource[] = [],
  program?: ClaimedObjects,
): pulumi.CustomResource[] {
  const { objects } = manifests;
  const deps = dependencies(objects.map(withNamespaceToken));
  // A namespace that comes from an Input names no Namespace by name: the Output carries its own dependency.
  const byName = objects.map(withoutInputNamespace);
  const named = program?.applyIndex.prerequisites(byName);
  const resources: pulumi.CustomResource[] = new Array(objects.length);
  // Register in apply order (what is depended on first), whatever the order of `objects`.
  for (const i of applyOrder(objects)) {
    const obj = program ? program.registered(objects[i]!) : objects[i]!;
    const Resource = KINDS[`${obj.apiVersion}/${obj.kind}`]!.resource();
    const on = [...new Set([...deps[i]!.map((j) => resources[j]!), ...(named?.[i] ?? []), ...dependsOn])];
    // Null-prototype args: the typed class reads every field it knows (`args.scheduling`…), and an absent one must not come from a polluted Object.prototype.
    resources[i] = new Resource(childName(name, obj), Object.assign(emptyRecord(), obj), on.length ? { parent, dependsOn: on } : { parent });
  }
  program?.applyIndex.record(byName, resources);
  return resources;
}

/**
 * Registries of emitted objects: one per program (the engine connection,
 * `pulumi.runtime.getMonitor()`) and Kubernetes provider — the same name in
 * two clusters is two objects.
 */
const REGISTRIES = new WeakMap<object, Map<unknown, ProgramIndex>>();

/** What a program knows per Kubernetes provider: the objects claimed, and the by-name apply-order index. */
interface ProgramIndex {
  readonly registry: ObjectRegistry;
  readonly applyIndex: ApplyIndex<pulumi.Resource>;
}
const NO_MONITOR = {};
const DEFAULT_PROVIDER = Symbol('default provider');

/** What `claimObjects` hands to `emitManifests`. */
export interface ClaimedObjects {
  /** The program's by-name apply-order index. */
  readonly applyIndex: ApplyIndex<pulumi.Resource>;
  /** An object as it is registered: one whose namespace comes from an Input is claimed when the namespace resolves. */
  registered(obj: KubeObject): KubeObject;
}

/**
 * Claims `objects` for the component `type`/`name` in the registry of its
 * program and Kubernetes provider, before any child is registered: an
 * object (API group, kind, namespace, name) that another gvisor-iac
 * component already registers through the same provider is refused with a
 * `DuplicateObjectError` naming both (`<type>::<name>`, the tail of their URNs).
 * An object whose namespace comes from an Input is claimed when it resolves
 * (the registration, and so `pulumi up`, fails with the same error); one
 * the component itself emits twice is refused now.
 */
export function claimObjects(
  component: pulumi.ComponentResource, type: string, name: string, objects: readonly KubeObject[],
): ClaimedObjects {
  const monitor = (pulumi.runtime.getMonitor() as object | undefined) ?? NO_MONITOR;
  let byProvider = REGISTRIES.get(monitor);
  if (!byProvider) {
    byProvider = new Map();
    REGISTRIES.set(monitor, byProvider);
  }
  const provider = component.getProvider('kubernetes:core/v1:Pod') ?? DEFAULT_PROVIDER;
  let program = byProvider.get(provider);
  if (!program) {
    program = { registry: new ObjectRegistry(), applyIndex: new ApplyIndex() };
    byProvider.set(provider, program);
  }
  const owner = `${type}::${name}`;
  const later = objects.filter((o) => isUnresolved(o.metadata?.namespace));
  // The component's own duplicates, also among objects in a namespace not known yet.
  if (later.length) new ObjectRegistry().claim(objects.map(withNamespaceToken), owner);
  program.registry.claim(later.length ? objects.filter((o) => !isUnresolved(o.metadata?.namespace)) : objects, owner);
  const { registry, applyIndex } = program;
  return {
    applyIndex,
    registered: (obj) => {
      const ns = obj.metadata?.namespace as unknown;
      if (!isUnresolved(ns)) return obj;
      const namespace = pulumi.output(ns as pulumi.Input<string | undefined>).apply((n) => {
        registry.claim([{ apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name: obj.metadata.name, namespace: n } }], owner);
        return n;
      });
      return { ...obj, metadata: { ...obj.metadata, namespace: namespace as unknown as string } };
    },
  };
}
