import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ApplyIndex, KubeObject, Manifests, ObjectRegistry, dependencies, duplicateObject, isClusterScoped, objectIdentityKey, objectKey } from '../core';

/**
 * What gvisor-iac keeps per cdk8s app (the construct tree's root): the
 * registry of emitted objects, and the apply-order edges its objects want
 * within a chart, decided at synth (see `settleApplyOrder`).
 */
interface AppState {
  readonly registry: ObjectRegistry;
  /** gvisor-iac's ApiObjects by identity key (`objectIdentityKey`), as the registry claimed them. */
  readonly emitted: Map<string, ApiObject>;
  /** Wanted edges, as two parallel lists: `dependents[i]` is applied after `prerequisites[i]` (same chart). */
  readonly dependents: ApiObject[];
  readonly prerequisites: IConstruct[];
}
const APPS = new WeakMap<IConstruct, AppState>();

/** Per chart: the by-name apply-order index of the objects gvisor-iac emitted into it. */
const APPLY_INDEXES = new WeakMap<Chart, ApplyIndex<ApiObject>>();
/** Every ApiObject gvisor-iac emitted (the others are the user's). */
const EMITTED = new WeakSet<ApiObject>();

function applyIndexOf(chart: Chart): ApplyIndex<ApiObject> {
  let index = APPLY_INDEXES.get(chart);
  if (!index) {
    index = new ApplyIndex();
    APPLY_INDEXES.set(chart, index);
  }
  return index;
}

/** The state of the app `scope` belongs to; the first call also installs the app-wide pass at synth. */
function appOf(scope: IConstruct): AppState {
  const root = scope.node.root;
  let state = APPS.get(root);
  if (!state) {
    const created: AppState = { registry: new ObjectRegistry(), emitted: new Map(), dependents: [], prerequisites: [] };
    APPS.set(root, state = created);
    root.node.addValidation({ validate: () => synthPass(root, created) });
  }
  return state;
}

/**
 * At synth, once per app (cdk8s validates after resolving dependencies and
 * before ordering a chart's objects):
 *
 * 1. Every ApiObject of the app that gvisor-iac did not emit (raw
 *    ApiObjects, cdk8s-plus, imported constructs) is checked against
 *    gvisor-iac's (already claimed when emitted) and against each other, so
 *    that an object of the user's that collides with one of gvisor-iac's (a
 *    Namespace named like a tenant, a Deployment named like a workload) is
 *    refused too: `DuplicateObjectError` naming both ApiObjects' paths
 *    (the earlier in the tree first), out of `app.synth()`, before any
 *    manifest is written. An object of gvisor-iac's taken out of the tree
 *    since collides with nothing.
 * 2. gvisor-iac's objects also want to come after a Namespace or
 *    RuntimeClass of the user's that they name (by name, whenever it was added).
 * 3. The apply-order edges are settled (`settleApplyOrder`).
 *
 * One linear pass over the tree, then work linear in the user's objects and
 * in the edges.
 */
function synthPass(root: IConstruct, state: AppState): string[] {
  const position = new Map<IConstruct, number>();
  const targeted = new Set<IConstruct>();
  const theirs: ApiObject[] = [];
  const tree = root.node.findAll();
  for (let i = 0; i < tree.length; i++) {
    const c = tree[i]!;
    position.set(c, i);
    for (const d of c.node.dependencies) targeted.add(d);
    if (c instanceof ApiObject && !EMITTED.has(c)) theirs.push(c);
  }
  const users = new ObjectRegistry();
  const dependents: ApiObject[] = [];
  const prerequisites: IConstruct[] = [];
  for (const c of theirs) {
    const obj: KubeObject = { apiVersion: c.apiVersion, kind: c.kind, metadata: { name: c.name, namespace: c.metadata.namespace } };
    const ours = state.emitted.get(objectIdentityKey(obj));
    if (ours !== undefined && position.has(ours)) {
      const [first, second] = position.get(ours)! < position.get(c)! ? [ours, c] : [c, ours];
      throw duplicateObject(obj, first.node.path, second.node.path);
    }
    users.claim([obj], c.node.path);
    for (const dependent of APPLY_INDEXES.get(Chart.of(c))?.dependentsOf(obj) ?? []) {
      dependents.push(dependent);
      prerequisites.push(c);
    }
  }
  settleApplyOrder(
    state.dependents.concat(dependents), (state.prerequisites as IConstruct[]).concat(prerequisites), position, targeted,
  );
  return [];
}

/**
 * Adds, of the wanted apply-order edges (`dependents[i]` after
 * `prerequisites[i]`, both in one chart), those cdk8s needs, and no other.
 *
 * cdk8s orders a chart's objects by a depth-first walk of its dependency
 * graph: an object that nothing depends on comes at its place in the
 * construct tree (preorder), right after what it depends on; an object
 * something depends on comes right before the first object that depends on
 * it. So a wanted edge is already honoured, without being added, when its
 * prerequisite comes earlier in the tree than its dependent and neither of
 * the two is the target of any dependency: both stay at their places. Every
 * other wanted edge is added; and an object that becomes a target (so may
 * move) has every wanted edge it takes part in added too, and so on.
 *
 * Why not simply add them all, as before: each edge costs cdk8s at every
 * synth (it resolves, re-indexes and walks each one), and a typical app —
 * the Namespace and RuntimeClass declared first, a tenant's Namespace
 * before its objects — needs none of them: a 1,000-tenant sandbox
 * synthesised ~12 % faster without its ~30,000 edges.
 */
function settleApplyOrder(
  dependents: readonly ApiObject[], prerequisites: readonly IConstruct[], position: ReadonlyMap<IConstruct, number>, targeted: Set<IConstruct>,
): void {
  const touching = new Map<IConstruct, number[]>();
  const added = new Uint8Array(dependents.length);
  const moved: IConstruct[] = [];
  const add = (e: number): void => {
    if (added[e]) return;
    added[e] = 1;
    const p = prerequisites[e]!;
    dependents[e]!.addDependency(p);
    if (!targeted.has(p)) {
      targeted.add(p);
      moved.push(p);
    }
  };
  for (let e = 0; e < dependents.length; e++) {
    const d = dependents[e]!;
    const p = prerequisites[e]!;
    const dAt = position.get(d);
    const pAt = position.get(p);
    // Either one out of the tree (removed): nothing of it is synthesised.
    if (dAt === undefined || pAt === undefined) continue;
    for (const v of [d, p]) {
      const list = touching.get(v);
      if (list) list.push(e);
      else touching.set(v, [e]);
    }
    if (pAt > dAt || targeted.has(p) || targeted.has(d)) add(e);
  }
  // Every edge is indexed now: those of the objects that became targets follow.
  while (moved.length > 0) {
    for (const e of touching.get(moved.pop()!) ?? []) add(e);
  }
}

/**
 * The one cdk8s emitter: turns core objects into ApiObjects under `scope`,
 * with deterministic ids (see `apiObjectIds`), apply order (within the set,
 * on `dependsOn`, and by name after the Namespace or RuntimeClass another
 * construct emits: the edges cdk8s needs are settled at synth), and the main
 * object as `scope.node.defaultChild` so that `ApiObject.of(construct)`
 * reaches it.
 *
 * First it claims the objects in the app's registry: an object (API group,
 * kind, namespace, name) that another gvisor-iac construct of the same app
 * already emits is refused with a `DuplicateObjectError` naming both node
 * paths, and `scope` is taken out of the tree again.
 */
export function emitManifests(scope: Construct, manifests: Manifests, dependsOn: readonly IConstruct[] = []): ApiObject[] {
  const chart = Chart.of(scope);
  const chartNamespace = chart.namespace;
  const app = appOf(scope);
  let keys: string[];
  try {
    keys = app.registry.claim(manifests.objects, scope.node.path, chartNamespace);
  } catch (e) {
    scope.node.scope?.node.tryRemoveChild(scope.node.id);
    throw e;
  }
  const ids = apiObjectIds(manifests.objects);
  const apiObjects = manifests.objects.map((obj: KubeObject, i) => {
    const apiObject = new ApiObject(scope, ids[i]!, obj);
    // cdk8s gives every object the chart's namespace; cluster-scoped ones must not carry it.
    if (chartNamespace && isClusterScoped(obj.kind)) apiObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    EMITTED.add(apiObject);
    app.emitted.set(keys[i]!, apiObject);
    return apiObject;
  });
  const want = (dependent: ApiObject, prerequisite: IConstruct): void => {
    app.dependents.push(dependent);
    app.prerequisites.push(prerequisite);
  };
  dependencies(manifests.objects).forEach((deps, i) => {
    for (const j of deps) want(apiObjects[i]!, apiObjects[j]!);
  });
  for (const dep of dependsOn) {
    // In another chart, cdk8s must know now: it orders the charts from the dependencies it resolves before synth.
    const sameChart = dep instanceof ApiObject && Chart.of(dep) === chart;
    for (const apiObject of apiObjects) {
      if (sameChart) want(apiObject, dep);
      else apiObject.addDependency(dep);
    }
  }
  // Across constructs, by name (core `ApplyIndex`): after the Namespace / RuntimeClass another construct emits.
  const edges = applyIndexOf(chart).add(manifests.objects, apiObjects, chartNamespace);
  edges.before.forEach((prerequisites, i) => {
    for (const p of prerequisites) want(apiObjects[i]!, p);
  });
  for (const [dependent, prerequisite] of edges.after) want(dependent, prerequisite);
  if (manifests.primary !== undefined) scope.node.defaultChild = apiObjects[manifests.primary];
  return apiObjects;
}

/**
 * The construct ids of a set of objects: the kind, lowercased, for an object
 * whose kind is the only one of its kind in the set (`deployment`,
 * `networkpolicy`), else `objectKey` (kind, namespace and name:
 * `namespace-tenant-a`). Both are unique within the set, and never equal
 * (a kind has no '-').
 *
 * Why not always `objectKey`: the id is a property name of the parent's
 * children record (constructs), so a name in every workload's id gave each
 * workload construct a hidden class of its own in V8 — thousands of them in
 * a large app, and cdk8s's synth (resolve, YAML) ran 25–40 % slower for it.
 * With the kind, every workload of a kind shares one.
 */
function apiObjectIds(objects: readonly KubeObject[]): string[] {
  if (objects.length === 1) return [objects[0]!.kind.toLowerCase()];
  const perKind = new Map<string, number>();
  for (const o of objects) perKind.set(o.kind, (perKind.get(o.kind) ?? 0) + 1);
  return objects.map((o) => (perKind.get(o.kind) === 1 ? o.kind.toLowerCase() : objectKey(o)));
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
