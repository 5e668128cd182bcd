import { GvisorIacError, fieldPath } from '../errors';

/**
 * Keys that lead from an object to its prototype (or to its constructor's)
 * in JavaScript. They have no meaning in Kubernetes or in any prop of this
 * library, and a merge that walks them pollutes every object of the process.
 */
export const PROTOTYPE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** How deeply props may nest; Kubernetes objects nest far less, and deeper input is refused rather than overflowing the stack. */
export const MAX_PROPS_DEPTH = 64;

/**
 * A deep copy of props that holds only their own, enumerable, string-keyed
 * data, built on null-prototype objects: reading an absent field of the copy
 * gives `undefined` even when `Object.prototype` has been polluted
 * elsewhere in the process, and a getter is read exactly once (what is
 * checked is what is emitted).
 *
 * Refused with a `GvisorIacError` (nothing here throws anything else):
 * `__proto__`, `constructor` and `prototype` keys; `null`; functions,
 * symbols, bigints, `NaN` and infinities; class instances (Date, Map,
 * constructs…) where plain data belongs; cycles; nesting deeper than
 * {@link MAX_PROPS_DEPTH}. `undefined` fields are dropped (absent).
 *
 * Every core render function calls this first, so the core reads only own
 * properties of props and options.
 */
export function plainProps<T>(value: T, path: string): T {
  // A copy made here is handed back as is: a render passes its copied props on to the
  // builders it calls (pod spec, overrides), and copying them again would check nothing new.
  if (typeof value === 'object' && value !== null && COPIES.has(value)) return value;
  const out = copy(value, path, new Set<object>(), 0) as T;
  if (typeof out === 'object' && out !== null) COPIES.add(out);
  return out;
}

/**
 * The roots of the copies `plainProps` made. They are built here, are never
 * returned to a caller of a render function and are read-only to the core
 * (its props types are `readonly`), so a root found here is still exactly
 * the plain data it was when copied.
 */
const COPIES = new WeakSet<object>();

const PROTOTYPE_KEY_SET: ReadonlySet<string> = new Set(PROTOTYPE_KEYS);

function copy(value: unknown, path: string, ancestors: Set<object>, depth: number): unknown {
  switch (typeof value) {
    case 'undefined':
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) {
        throw new GvisorIacError('INVALID_TYPE', path, value, 'is not a finite number', 'use a finite number (JSON has no NaN or Infinity)');
      }
      return value;
    case 'function':
    case 'symbol':
    case 'bigint':
      throw new GvisorIacError('INVALID_TYPE', path, `(a ${typeof value})`, `is a ${typeof value}, not plain data`, 'pass strings, numbers, booleans, arrays and plain objects only');
    default:
      break;
  }
  if (value === null) {
    throw new GvisorIacError('INVALID_TYPE', path, null, 'is null', 'omit the field instead of setting it to null');
  }
  const obj = value as object;
  checkTree(obj, path, ancestors, depth);
  ancestors.add(obj);
  try {
    if (Array.isArray(obj)) {
      const out: unknown[] = [];
      for (let i = 0; i < obj.length; i++) {
        const v: unknown = obj[i];
        // Strings and booleans are copied as they are: no path string is built for them (the hot case).
        out.push(typeof v === 'string' || typeof v === 'boolean' ? v : copy(v, fieldPath(path, i), ancestors, depth + 1));
      }
      return out;
    }
    if (!isPlainRecord(obj)) {
      const kind = constructorName(obj);
      throw new GvisorIacError('INVALID_TYPE', path, `(a ${kind})`, `is a ${kind}, not a plain object`, 'pass plain data (object literals, arrays, strings, numbers, booleans)');
    }
    const out = nullPrototypeRecord();
    // Own enumerable string keys, as Object.keys gives them, without an array per object.
    for (const key in obj) {
      if (!Object.hasOwn(obj, key)) continue;
      if (PROTOTYPE_KEY_SET.has(key)) {
        throw new GvisorIacError('INVALID_VALUE', `${path}[${JSON.stringify(key)}]`, key, 'is a key that reaches an object prototype (prototype pollution)', `remove the "${key}" key`);
      }
      // Read once: a getter is called exactly once, and what is checked is what is copied.
      const raw: unknown = (obj as Record<string, unknown>)[key];
      if (raw === undefined) continue;
      out[key] = typeof raw === 'string' || typeof raw === 'boolean' ? raw : copy(raw, fieldPath(path, key), ancestors, depth + 1);
    }
    return out;
  } finally {
    ancestors.delete(obj);
  }
}

/**
 * Refuses a cycle (`obj` among its own `ancestors`) and nesting deeper than
 * {@link MAX_PROPS_DEPTH}, with the errors every walk over props gives.
 */
export function checkTree(obj: object, path: string, ancestors: ReadonlySet<object>, depth: number): void {
  if (ancestors.has(obj)) {
    throw new GvisorIacError('INVALID_VALUE', path, '(a cycle)', 'contains itself', 'pass a tree of plain data, without cycles');
  }
  if (depth >= MAX_PROPS_DEPTH) {
    throw new GvisorIacError('INVALID_VALUE', path, '(deeply nested data)', `nests more than ${MAX_PROPS_DEPTH} levels deep`, 'pass Kubernetes-shaped data');
  }
}

/** True for an object literal (of any realm) or a null-prototype object. */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  if (proto === null) return true;
  // An object literal's prototype is its realm's Object.prototype, whose own prototype is null.
  return Object.getPrototypeOf(proto) === null && Object.prototype.toString.call(value) === '[object Object]';
}

function constructorName(obj: object): string {
  try {
    const ctor = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(obj) ?? {}, 'constructor')?.value;
    return typeof ctor === 'function' && ctor.name ? `${ctor.name} instance` : 'non-plain object';
  } catch {
    return 'non-plain object';
  }
}

/**
 * The value of `obj`'s own property `key`, or `undefined` — never one
 * inherited from a (possibly polluted) prototype. For frontends that look
 * at a prop before the core copies them.
 */
export function ownValue(obj: unknown, key: string): unknown {
  if (typeof obj !== 'object' || obj === null) return undefined;
  return Object.prototype.hasOwnProperty.call(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

/** An empty null-prototype object, for defaults whose fields are read. */
export function emptyRecord<T extends object = Record<string, unknown>>(): T {
  return nullPrototypeRecord() as T;
}

/**
 * An empty object whose prototype is null. Not `Object.create(null)`: V8
 * makes that a dictionary ("slow mode") object, and every read of the
 * props copies, which the core reads all through a render, was a hash
 * lookup (the whole render several times slower). A literal whose
 * prototype is set to null before any property is written stays a
 * fast-mode object, and no setter of a (polluted) Object.prototype is ever
 * reached by the writes that follow.
 */
function nullPrototypeRecord(): Record<string, unknown> {
  const o = {};
  Object.setPrototypeOf(o, null);
  return o as Record<string, unknown>;
}
