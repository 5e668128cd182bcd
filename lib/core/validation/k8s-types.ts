import { GvisorIacError, fieldPath } from '../errors';
import { K8S_TYPES } from './k8s-schema.generated';
import { isPlainRecord, ownValue } from './plain-data';
import { assertKnownKeys } from './validate';

/**
 * The type of one Kubernetes field, as written in the generated table:
 * `string`, `boolean`, `int32`, `int64`, `number`, `int-or-string`,
 * `quantity` (a string, or a number), `any`, `enum:A|B` (exact, case
 * sensitive, as Kubernetes compares), `#TypeName` (an object of that type),
 * `[]T` (a list of T), `{}T` (a map from strings to T).
 */
export type K8sFieldType = string;

/** One Kubernetes object type: its fields and which of them are required. */
export interface K8sTypeDef {
  readonly required?: readonly string[];
  readonly fields: Readonly<Record<string, K8sFieldType>>;
}

/** Kubernetes object types by short name (`CoreV1Container`, `MetaV1LabelSelector`). */
export type K8sTypeTable = Readonly<Record<string, K8sTypeDef>>;

const INT32 = [-2147483648, 2147483647] as const;

/**
 * Enum values Kubernetes knows that take a sandboxed pod out of its
 * confinement: refused in any letter case (exactly written, the semantic
 * checks refuse them with the same code), with what to do instead.
 */
const UNSAFE_ENUM_VALUES: Readonly<Record<string, string>> = Object.assign(Object.create(null), {
  Unconfined: 'use "RuntimeDefault"',
  Unmasked: 'remove procMount (only "Default" keeps /proc masked)',
});

/** The generated definition of a Kubernetes type (own entries only). */
export function k8sType(name: string): K8sTypeDef {
  const def = ownValue(K8S_TYPES, name) as K8sTypeDef | undefined;
  if (!def) throw new Error(`gvisor-iac: no Kubernetes type ${name} in the generated table`);
  return def;
}

const FIELD_NAMES = new Map<string, readonly string[]>();

/**
 * The field names of Kubernetes type `name`, from the generated schema: what
 * an unknown-key check accepts where the core checks a Kubernetes sub-object
 * (a container, a securityContext…) field by field itself.
 */
export function k8sFieldNames(name: string): readonly string[] {
  let names = FIELD_NAMES.get(name);
  if (!names) FIELD_NAMES.set(name, names = Object.freeze(Object.keys(k8sType(name).fields)));
  return names;
}

/** The generated type of field `field` of Kubernetes type `typeName`, or undefined if it has none. */
export function k8sFieldType(typeName: string, field: string): K8sFieldType | undefined {
  return ownValue(k8sType(typeName).fields, field) as K8sFieldType | undefined;
}

/**
 * Checks `value` (the field `field` of a Kubernetes `typeName` object, at
 * `path`) against its type from the Kubernetes OpenAPI definitions: types,
 * enums, integer formats, required and unknown fields, all the way down.
 * `undefined` passes (absent). Throws `GvisorIacError`.
 */
export function checkK8sField(typeName: string, field: string, value: unknown, path: string): void {
  const type = k8sFieldType(typeName, field);
  if (type === undefined) throw new Error(`gvisor-iac: ${typeName} has no field ${field}`);
  checkK8sValue(value, type, path);
}

/** Checks `value` against a field type (see {@link K8sFieldType}); `undefined` passes. */
export function checkK8sValue(value: unknown, type: K8sFieldType, path: string): void {
  if (value === undefined) return;
  checkerOf(type)(value, path);
}

/** Checks an object of Kubernetes type `typeName`: a plain object, known fields only, required fields set, each field's type. */
export function checkK8sObject(value: unknown, typeName: string, path: string): void {
  let checker = OBJECT_CHECKERS.get(typeName);
  if (!checker) {
    checker = compileObject(typeName);
    OBJECT_CHECKERS.set(typeName, checker);
  }
  checker(value, path);
}

/**
 * A compiled check of one field type, for a value that is not `undefined`.
 * Every type string of the table is parsed once into one of these (the
 * element type of a list, an enum's values, an object type's field names
 * and field checks), instead of on every value checked.
 */
type Checker = ((value: unknown, path: string) => void) & {
  /**
   * For a leaf type (string, number, enum…): true exactly when the check
   * passes. Objects, lists and maps call it before building a field's path,
   * so a valid leaf — most fields — costs no path string.
   */
  ok?: (value: unknown) => boolean;
};

/** A leaf check: `ok` decides, `fail` throws the error for a value `ok` refused. */
function leaf(ok: (value: unknown) => boolean, fail: (value: unknown, path: string) => void): Checker {
  const check: Checker = (value, path) => {
    if (!ok(value)) fail(value, path);
  };
  check.ok = ok;
  return check;
}

/** Checks `v` at `parent` + `key`, building that path only when `check` is not a leaf that accepts `v`. */
function checkAt(check: Checker, v: unknown, parent: string, key: string | number, path: (parent: string, key: string | number) => string): void {
  if (check.ok !== undefined && check.ok(v)) return;
  check(v, path(parent, key));
}

/** `[]`, `{}` and `#` types refer to checkers of other types (themselves too): resolved lazily. Leaves have none. */
function isLeafType(type: K8sFieldType): boolean {
  return !type.startsWith('[]') && !type.startsWith('{}') && !type.startsWith('#');
}

const CHECKERS = new Map<string, Checker>();
/** Object checks by type name (they also take `null` and `undefined`, refused as "not an object"). */
const OBJECT_CHECKERS = new Map<string, Checker>();

function checkerOf(type: K8sFieldType): Checker {
  let checker = CHECKERS.get(type);
  if (!checker) {
    checker = compile(type);
    CHECKERS.set(type, checker);
  }
  return checker;
}

/**
 * The checker of a field or item of type `type`. A leaf's is compiled now (it
 * refers to no other type, and keeps its `ok`); any other resolves its own
 * checker on first use (object types refer to themselves, directly or not).
 */
function lazyChecker(type: K8sFieldType): Checker {
  if (isLeafType(type)) return checkerOf(type);
  let checker: Checker | undefined;
  return (value, path) => (checker ??= checkerOf(type))(value, path);
}

function compile(type: K8sFieldType): Checker {
  if (type.startsWith('[]')) {
    const itemType = type.slice(2);
    const item = lazyChecker(itemType);
    const hint = type === '[]string';
    return (value, path) => {
      if (value === null) throw nullError(path);
      if (!Array.isArray(value)) {
        throw new GvisorIacError('INVALID_TYPE', path, value, 'is not a list', hint ? `pass a list of strings, e.g. ${example(value)}` : `pass a list for ${path}`);
      }
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        if (v !== undefined) checkAt(item, v, path, i, fieldPath);
      }
    };
  }
  if (type.startsWith('{}')) {
    const item = lazyChecker(type.slice(2));
    return (value, path) => {
      if (value === null) throw nullError(path);
      if (!isPlainRecord(value)) {
        throw new GvisorIacError('INVALID_TYPE', path, value, 'is not a map (an object of names to values)', `pass an object for ${path}, e.g. { cpu: "100m" }`);
      }
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        const v = value[key];
        if (v !== undefined) checkAt(item, v, path, key, mapEntryPath);
      }
    };
  }
  if (type.startsWith('#')) {
    const typeName = type.slice(1);
    return (value, path) => {
      if (value === null) throw nullError(path);
      checkK8sObject(value, typeName, path);
    };
  }
  if (type.startsWith('enum:')) {
    const allowed = type.slice(5).split('|');
    const allowedSet: ReadonlySet<string> = new Set(allowed);
    const list = allowed.map((a) => JSON.stringify(a)).join(', ');
    return leaf((value) => typeof value === 'string' && allowedSet.has(value), (value, path) => {
      if (value === null) throw nullError(path);
      const close = typeof value === 'string' ? allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase()) : undefined;
      if (close !== undefined && UNSAFE_ENUM_VALUES[close] !== undefined) {
        throw new GvisorIacError('SANDBOX_ESCAPE', path, value, `means "${close}", which takes the pod out of its confinement (refused in any letter case)`, UNSAFE_ENUM_VALUES[close]!);
      }
      throw new GvisorIacError('INVALID_VALUE', path, value, `is not one of ${list}`,
        close ? `use "${close}" (Kubernetes compares these values case-sensitively)` : `use one of ${list}`);
    });
  }
  switch (type) {
    case 'string':
      return leaf((value) => typeof value === 'string', (value, path) => {
        if (value === null) throw nullError(path);
        throw new GvisorIacError('INVALID_TYPE', path, value, 'is not a string', `set ${path} to a string`);
      });
    case 'boolean':
      return leaf((value) => typeof value === 'boolean', (value, path) => {
        if (value === null) throw nullError(path);
        throw new GvisorIacError('INVALID_TYPE', path, value, 'is not a boolean', 'use true or false');
      });
    case 'int32':
    case 'int64': {
      const range = type === 'int32' ? INT32 : [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] as const;
      return leaf((value) => isIntegerIn(value, range), (value, path) => {
        if (value === null) throw nullError(path);
        checkInteger(value, path, range);
      });
    }
    case 'number':
      return leaf((value) => typeof value === 'number' && Number.isFinite(value), (value, path) => {
        if (value === null) throw nullError(path);
        throw new GvisorIacError('INVALID_TYPE', path, value, 'is not a number', 'use a number');
      });
    case 'int-or-string':
      return leaf((value) => typeof value === 'string' || isIntegerIn(value, INT32), (value, path) => {
        if (value === null) throw nullError(path);
        if (typeof value !== 'number') throw new GvisorIacError('INVALID_TYPE', path, value, 'is neither a whole number nor a string', 'use a number such as 8080 or a name such as "http"');
        checkInteger(value, path, INT32);
      });
    case 'quantity':
      return leaf((value) => typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)), (value, path) => {
        if (value === null) throw nullError(path);
        throw new GvisorIacError('INVALID_TYPE', path, value, 'is not a quantity', 'use a quantity string such as "500m" or "128Mi"');
      });
    case 'any':
      return leaf((value) => value !== null, (_value, path) => {
        throw nullError(path);
      });
    default:
      return () => {
        throw new Error(`gvisor-iac: unknown Kubernetes field type ${type}`);
      };
  }
}

interface CompiledObject {
  readonly names: readonly string[];
  readonly known: ReadonlySet<string>;
  readonly required: readonly string[];
  readonly fields: ReadonlyMap<string, Checker>;
  readonly label: string;
}

/** The check of an object type: compiled on first use (an unknown type name throws then, as `k8sType` does). */
function compileObject(typeName: string): Checker {
  let compiled: CompiledObject | undefined;
  return (value, path) => {
    if (!compiled) {
      const def = k8sType(typeName);
      const names = Object.keys(def.fields);
      compiled = {
        names,
        known: new Set(names),
        required: (ownValue(def, 'required') as readonly string[] | undefined) ?? [],
        fields: new Map(names.map((n) => [n, lazyChecker(def.fields[n]!)])),
        label: typeName.replace(/^(Core|Apps|Meta)V1/, ''),
      };
    }
    const { names, known, required, fields, label } = compiled;
    if (!isPlainRecord(value)) {
      throw new GvisorIacError('INVALID_TYPE', path, value, `is not an object (Kubernetes ${label})`, `pass an object for ${path}`);
    }
    // Unknown fields first, with assertKnownKeys' message and suggestion (it is only called when one is there).
    for (const key in value) if (Object.hasOwn(value, key) && !known.has(key) && value[key] !== undefined) assertKnownKeys(value, names, path);
    for (const req of required) {
      if (ownValue(value, req) === undefined) {
        throw new GvisorIacError('REQUIRED', fieldPath(path, req), undefined, `is required by Kubernetes ${label}`, `set ${fieldPath(path, req)}`);
      }
    }
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const v = value[key];
      if (v !== undefined) checkAt(fields.get(key)!, v, path, key, fieldPath);
    }
  };
}

function nullError(path: string): GvisorIacError {
  return new GvisorIacError('INVALID_TYPE', path, null, 'is null', 'omit the field instead of setting it to null');
}

function isIntegerIn(value: unknown, [min, max]: readonly [number, number]): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** The path of a map's entry: `labels["app.kubernetes.io/name"]`. */
function mapEntryPath(parent: string, key: string | number): string {
  return `${parent}[${JSON.stringify(key)}]`;
}

function checkInteger(value: unknown, path: string, [min, max]: readonly [number, number]): void {
  if (!isIntegerIn(value, [min, max])) {
    throw new GvisorIacError(typeof value === 'number' ? 'INVALID_INTEGER' : 'INVALID_TYPE', path, value, `is not a whole number from ${min} to ${max}`, `use a whole number from ${min} to ${max}`);
  }
}

/** A list suggestion for a string given where a list of strings belongs (`"sh -c x"` → `["sh", "-c", "x"]`). */
function example(value: unknown): string {
  if (typeof value !== 'string') return '["value"]';
  const parts = value.trim().split(/\s+/).filter(Boolean).slice(0, 4);
  return JSON.stringify(parts.length ? parts : ['value']);
}
