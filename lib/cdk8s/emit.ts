import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { KubeObject, Manifests, dependencies, isClusterScoped, objectKey } from '../core';

/**
 * The one cdk8s emitter: turns core objects into ApiObjects under `scope`,
 * with deterministic ids, apply-order dependencies (within the set and on
 * `dependsOn`), and the main object as `scope.node.defaultChild` so that
 * `ApiObject.of(construct)` reaches it.
 */
export function emitManifests(scope: Construct, manifests: Manifests, dependsOn: readonly IConstruct[] = []): ApiObject[] {
  const chartNamespace = Chart.of(scope).namespace;
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
