import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { KubeObject, Manifests, ObjectRegistry, dependencies, isClusterScoped, objectKey, podSpecOf } from '../core';

/** One registry of emitted objects per cdk8s app (the construct tree's root). */
const REGISTRIES = new WeakMap<IConstruct, ObjectRegistry>();

/** The registry of the app `scope` belongs to; the first call also installs the app-wide check at synth. */
function registryOf(scope: IConstruct): ObjectRegistry {
  const root = scope.node.root;
  let registry = REGISTRIES.get(root);
  if (!registry) {
    registry = new ObjectRegistry();
    REGISTRIES.set(root, registry);
    root.node.addValidation({ validate: () => assertNoDuplicateApiObjects(root) });
  }
  return registry;
}

/**
 * At synth, once per app: every ApiObject of the app — gvisor-iac's and any
 * other (raw ApiObjects, cdk8s-plus, imported constructs) — is indexed again,
 * so that an object of the user's that collides with one of gvisor-iac's
 * (a Namespace named like a tenant, a Deployment named like a workload) is
 * refused too. Throws `DuplicateObjectError` naming both ApiObjects' paths,
 * out of `app.synth()`, before any manifest is written; one linear pass.
 */
function assertNoDuplicateApiObjects(root: IConstruct): string[] {
  const all = new ObjectRegistry();
  for (const c of root.node.findAll()) {
    if (!(c instanceof ApiObject)) continue;
    all.claim([{ apiVersion: c.apiVersion, kind: c.kind, metadata: { name: c.name, namespace: c.metadata.namespace } }], c.node.path);
  }
  return [];
}

/**
 * The one cdk8s emitter: turns core objects into ApiObjects under `scope`,
 * with deterministic ids, apply-order dependencies (within the set and on
 * `dependsOn`), and the main object as `scope.node.defaultChild` so that
 * `ApiObject.of(construct)` reaches it.
 *
 * First it claims the objects in the app's registry: an object (API group,
 * kind, namespace, name) that another gvisor-iac construct of the same app
 * already emits is refused with a `DuplicateObjectError` naming both node
 * paths, and `scope` is taken out of the tree again.
 */
export function emitManifests(scope: Construct, manifests: Manifests, dependsOn: readonly IConstruct[] = []): ApiObject[] {
  const chartNamespace = Chart.of(scope).namespace;
  try {
    registryOf(scope).claim(manifests.objects, scope.node.path, chartNamespace);
  } catch (e) {
    scope.node.scope?.node.tryRemoveChild(scope.node.id);
    throw e;
  }
  const apiObjects = manifests.objects.map((obj: KubeObject) => {
    const apiObject = new ApiObject(scope, objectKey(obj), obj);
    // cdk8s gives every object the chart's namespace; cluster-scoped ones must not carry it.
    if (chartNamespace && isClusterScoped(obj.kind)) apiObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    return apiObject;
  });
  dependencies(manifests.objects).forEach((deps, i) => {
    for (const j of deps) apiObjects[i]!.addDependency(apiObjects[j]!);
  });
  for (const dep of dependsOn) {
    for (const apiObject of apiObjects) apiObject.addDependency(dep);
  }
  dependOnNamedObjects(scope, manifests.objects, apiObjects);
  if (manifests.primary !== undefined) scope.node.defaultChild = apiObjects[manifests.primary];
  return apiObjects;
}

/**
 * Runs a core render function for a construct; if it throws, the half-made
 * construct is taken out of the tree again so nothing of it is synthesised.
 */
export function renderOrRemove<T>(scope: Construct, id: string, render: () => T): T {
  try {
    return render();
  } catch (e) {
    scope.node.tryRemoveChild(id);
    throw e;
  }
}

/**
 * Orders each object after the Namespace it lives in and the RuntimeClass its
 * pods name, when those are already in the same chart — also when they were
 * given by name rather than by construct — so that `kubectl apply -f` of the
 * synthesised YAML never creates a pod before its namespace or class exists.
 */
function dependOnNamedObjects(scope: Construct, objects: readonly KubeObject[], apiObjects: readonly ApiObject[]): void {
  const own = new Set<ApiObject>(apiObjects);
  const candidates = Chart.of(scope).node.findAll().filter(
    (c): c is ApiObject => c instanceof ApiObject && !own.has(c) && (c.kind === 'Namespace' || c.kind === 'RuntimeClass'),
  );
  if (candidates.length === 0) return;
  objects.forEach((obj, i) => {
    const namespace = obj.metadata.namespace;
    const runtimeClass = podSpecOf(obj)?.runtimeClassName;
    for (const c of candidates) {
      if ((c.kind === 'Namespace' && c.name === namespace) || (c.kind === 'RuntimeClass' && c.name === runtimeClass)) {
        apiObjects[i]!.addDependency(c);
      }
    }
  });
}
