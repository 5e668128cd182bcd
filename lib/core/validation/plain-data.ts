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
  return copy(value, path, new Set<object>(), 0) as T;
}

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
      for (let i = 0; i < obj.length; i++) out.push(copy(obj[i], fieldPath(path, i), ancestors, depth + 1));
      return out;
    }
    if (!isPlainRecord(obj)) {
      const kind = constructorName(obj);
      throw new GvisorIacError('INVALID_TYPE', path, `(a ${kind})`, `is a ${kind}, not a plain object`, 'pass plain data (object literals, arrays, strings, numbers, booleans)');
    }
    const out = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      if (PROTOTYPE_KEYS.includes(key)) {
        throw new GvisorIacError('INVALID_VALUE', `${path}[${JSON.stringify(key)}]`, key, 'is a key that reaches an object prototype (prototype pollution)', `remove the "${key}" key`);
      }
      const v = copy((obj as Record<string, unknown>)[key], fieldPath(path, key), ancestors, depth + 1);
      if (v !== undefined) out[key] = v;
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
  return Object.create(null) as T;
}
