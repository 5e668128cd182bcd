/*
 * Internal to the core (not re-exported): pruning without copying again what
 * was pruned one level down.
 *
 * A render prunes what it builds at every level — a container's
 * securityContext and resources, the container, the pod spec, the
 * Deployment — and `prune` copies everything it walks, so each level copied
 * again every subtree already pruned below it (the container four times).
 * Here a builder hands its pruned result up with `built()`, and the next
 * `pruneBuilt` takes that subtree as it is instead of copying it.
 *
 * The hand-over is one-shot: the first `pruneBuilt` that meets a `built`
 * value takes it and removes the mark, so a second enclosing prune (or the
 * same value placed twice) copies it as `prune` always did, and no two
 * emitted objects ever share a subtree. `prune` itself, which is public,
 * ignores the marks and always returns a fresh copy.
 */

const BUILT = new WeakSet<object>();

/** Marks a value a builder just pruned (and keeps no other reference to) as taken as it is by the next `pruneBuilt`. */
export function built<T>(value: T): T {
  if (typeof value === 'object' && value !== null) BUILT.add(value);
  return value;
}

/** `prune` (undefined values and empty arrays removed, recursively), taking `built` subtrees as they are. */
export function pruneBuilt<T>(value: T): T {
  return walk(value) as T;
}

function walk(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (BUILT.delete(value)) return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) if (v !== undefined) out.push(walk(v));
    return out;
  }
  const out: Record<string, unknown> = {};
  // Own keys by for…in: no array of keys per object (the render's hottest loop).
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue;
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = walk(v);
  }
  return out;
}
