import { KubeObject, isClusterScoped, podSpecOf } from './manifest';

/** Kinds other objects name and must be applied after: the Namespace they live in, the RuntimeClass their pods use. */
const NAMED_PREREQUISITES = new Set(['Namespace', 'RuntimeClass']);

/** The key under which a Namespace or RuntimeClass is found by name, or undefined for other kinds. */
function providedKey(obj: KubeObject): string | undefined {
  return NAMED_PREREQUISITES.has(obj.kind) ? `${obj.kind}\u0000${obj.metadata.name}` : undefined;
}

/**
 * The keys of the Namespace and RuntimeClass an object names: its
 * `metadata.namespace` (or `defaultNamespace` for a namespaced object
 * without one) and its pods' `runtimeClassName`.
 */
function wantedKeys(obj: KubeObject, defaultNamespace?: string): string[] {
  const keys: string[] = [];
  const namespace = isClusterScoped(obj.kind) ? undefined : obj.metadata.namespace ?? defaultNamespace;
  if (namespace !== undefined) keys.push(`Namespace\u0000${namespace}`);
  const runtimeClass = podSpecOf(obj)?.runtimeClassName;
  if (typeof runtimeClass === 'string') keys.push(`RuntimeClass\u0000${runtimeClass}`);
  return keys;
}

/** What `ApplyIndex.add` found for one batch of objects. */
export interface ApplyEdges<T> {
  /** Per object of the batch (same order): handles of earlier objects it must be applied after. */
  readonly before: readonly (readonly T[])[];
  /** Earlier objects that must be applied after an object of this batch: `[dependent, prerequisite]`. */
  readonly after: readonly (readonly [T, T])[];
}

/**
 * The by-name apply-order rule of both frontends, across constructs: an
 * object is applied after the Namespace it lives in and the RuntimeClass its
 * pods name, when another construct of the same program emits that
 * Namespace or RuntimeClass — also when it was given by name rather than by
 * construct. (Within one construct, `dependencies()` orders the objects.)
 *
 * An index maintained as constructs emit their objects: each batch is
 * looked up and added in time linear in its size, so a program of
 * thousands of workloads is ordered in linear time. `T` is the frontend's
 * handle of an emitted object (cdk8s `ApiObject`, Pulumi resource).
 *
 * cdk8s applies both `before` and `after` edges, so declaration order does
 * not matter; Pulumi can only depend on resources already registered, so it
 * applies `before` (define the Namespace or RuntimeClass first, or pass the
 * construct itself).
 */
export class ApplyIndex<T> {
  private readonly provided = new Map<string, T[]>();
  private readonly wanting = new Map<string, T[]>();

  /**
   * Per object (same order): handles of objects indexed earlier that it
   * must be applied after. Call before `record`ing the same objects.
   */
  public prerequisites(objects: readonly KubeObject[], defaultNamespace?: string): T[][] {
    return objects.map((o) => wantedKeys(o, defaultNamespace).flatMap((k) => this.provided.get(k) ?? []));
  }

  /** Indexes one construct's objects (`handles[i]` emits `objects[i]`). */
  public record(objects: readonly KubeObject[], handles: readonly T[], defaultNamespace?: string): void {
    objects.forEach((o, i) => {
      const key = providedKey(o);
      if (key !== undefined) append(this.provided, key, handles[i]!);
      for (const k of wantedKeys(o, defaultNamespace)) append(this.wanting, k, handles[i]!);
    });
  }

  /**
   * Handles of the indexed objects that name `obj` (a Namespace or
   * RuntimeClass emitted outside the index, e.g. a user's own object).
   */
  public dependentsOf(obj: KubeObject): readonly T[] {
    const key = providedKey(obj);
    return key === undefined ? [] : this.wanting.get(key) ?? [];
  }

  /**
   * Indexes one construct's objects and returns the edges they form with
   * the objects indexed before, both ways.
   */
  public add(objects: readonly KubeObject[], handles: readonly T[], defaultNamespace?: string): ApplyEdges<T> {
    // One pass, each object's keys computed once: `prerequisites`, `dependentsOf` and `record` in one.
    const before: T[][] = new Array(objects.length);
    const after: [T, T][] = [];
    const wanted: string[][] = new Array(objects.length);
    objects.forEach((o, i) => {
      const keys = wantedKeys(o, defaultNamespace);
      wanted[i] = keys;
      const found: T[] = [];
      for (const k of keys) {
        const provided = this.provided.get(k);
        if (provided) for (const p of provided) found.push(p);
      }
      before[i] = found;
      const key = providedKey(o);
      if (key !== undefined) for (const dependent of this.wanting.get(key) ?? []) after.push([dependent, handles[i]!]);
    });
    objects.forEach((o, i) => {
      const key = providedKey(o);
      if (key !== undefined) append(this.provided, key, handles[i]!);
      for (const k of wanted[i]!) append(this.wanting, k, handles[i]!);
    });
    return { before, after };
  }
}

function append<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
