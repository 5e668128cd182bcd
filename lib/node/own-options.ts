import { GvisorIacError, fieldPath } from '../core/errors';

/**
 * Keys that reach an object's prototype when an object is merged or
 * assigned key by key: `target['__proto__'] = x` replaces the prototype,
 * and a recursive merge that walks into `target['__proto__']` or
 * `target['constructor']['prototype']` writes into `Object.prototype`.
 * Node renderers refuse them in every option and every raw config.
 */
export const PROTOTYPE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** Throws `UNSAFE_KEY` when `key` is one of `PROTOTYPE_KEYS`. */
export function assertSafeKey(key: string, parent: string, value: unknown): void {
  if (!PROTOTYPE_KEYS.includes(key)) return;
  throw new GvisorIacError(
    'UNSAFE_KEY',
    fieldPath(parent, key),
    value,
    'is set under a key that reaches an object prototype',
    `remove "${key}": gvisor-iac never merges __proto__, constructor or prototype keys`,
  );
}

function isPlainPrototype(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Validates an options object and returns a snapshot of its own enumerable
 * properties on a null-prototype object, so that nothing a renderer reads
 * comes from `Object.prototype` (polluted or not) or from a custom
 * prototype. `Object.create(defaults)` and class instances are refused:
 * their inherited settings would otherwise be silently dropped.
 *
 * @param value the options
 * @param path how messages name the object (`options`, `acknowledgeWarnings`)
 * @param keyBase the prefix for the keys' paths (`''` for top-level options)
 */
export function ownOptions(value: unknown, path: string, keyBase: string = path): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GvisorIacError('INVALID_TYPE', path, value, 'is not an object', `pass an object for ${path}`);
  }
  if (!isPlainPrototype(value)) {
    throw new GvisorIacError('INVALID_TYPE', path, value, 'is not a plain object (it has a prototype of its own)', 'pass an object literal; inherited settings are never read');
  }
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    assertSafeKey(key, keyBase, v);
    out[key] = v;
  }
  return out;
}

/** True when `obj` has `key` as an own property (never consults a prototype). */
export function hasOwn(obj: object, key: string): boolean {
  return Object.hasOwn(obj, key);
}

/**
 * `JSON.stringify` that serialises the data itself: a replacer that returns
 * the holder's own value undoes any `toJSON` found on a prototype (arrays
 * inherit from `Object.prototype` too, so a polluted `toJSON` would
 * otherwise replace every array in the output).
 */
export function stringifyJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string) {
    return this[key];
  }, indent);
}

/** The format a raw configuration is written in: decides which values it can hold. */
export type RawConfigFormat = 'json' | 'toml';

const MAX_RAW_DEPTH = 64;

/**
 * Validates raw configuration (an escape hatch such as containerd's
 * `criPluginConfig`, or Docker's existing daemon.json) and returns a deep
 * copy built on null-prototype objects: a prototype key anywhere is refused
 * with `UNSAFE_KEY`, and so is anything the format cannot hold (functions,
 * symbols, `undefined`, bigints, non-finite numbers, class instances such as
 * `Date` or `Map`, cycles; `null` too in TOML). The copy shares nothing with
 * the caller's object and inherits nothing, so neither a merge into it nor
 * `JSON.stringify` of it consults `Object.prototype` (not even `toJSON`).
 */
export function copyRawConfig(value: unknown, path: string, format: RawConfigFormat): unknown {
  return copy(value, path, format, new Set(), 0);
}

function refuse(path: string, value: unknown, problem: string, format: RawConfigFormat): never {
  throw new GvisorIacError('INVALID_TYPE', path, value, problem, `use only strings, numbers, booleans, arrays and plain objects${format === 'json' ? ' (and null)' : ''}`);
}

function copy(value: unknown, path: string, format: RawConfigFormat, ancestors: Set<object>, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) refuse(path, value, `is not a finite number, which ${format.toUpperCase()} cannot hold`, format);
      return value;
    case 'object':
      break;
    default:
      refuse(path, typeof value === 'symbol' ? value.toString() : value, `is a ${typeof value}, which ${format.toUpperCase()} cannot hold`, format);
  }
  if (value === null) {
    if (format === 'json') return null;
    refuse(path, value, 'is null, which TOML cannot hold', format);
  }
  const obj = value as object;
  if (depth >= MAX_RAW_DEPTH) refuse(path, '(nested too deeply)', `nests deeper than ${MAX_RAW_DEPTH} levels`, format);
  if (ancestors.has(obj)) refuse(path, '(cycle)', 'refers back to an object that contains it', format);
  ancestors.add(obj);
  try {
    if (Array.isArray(obj)) {
      // Array.from turns holes into undefined, which is then refused.
      return Array.from(obj as unknown[], (item, i) => copy(item, `${path}[${i}]`, format, ancestors, depth + 1));
    }
    if (!isPlainPrototype(obj)) refuse(path, Object.prototype.toString.call(obj), 'is not a plain object', format);
    if (Object.getOwnPropertySymbols(obj).length > 0) refuse(path, obj, 'has symbol keys', format);
    const out = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      const v = (obj as Record<string, unknown>)[key];
      assertSafeKey(key, path, v);
      out[key] = copy(v, fieldPath(path, key), format, ancestors, depth + 1);
    }
    return out;
  } finally {
    ancestors.delete(obj);
  }
}
