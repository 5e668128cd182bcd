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
  if (value === null) {
    throw new GvisorIacError('INVALID_TYPE', path, null, 'is null', 'omit the field instead of setting it to null');
  }
  if (type.startsWith('[]')) {
    if (!Array.isArray(value)) {
      throw new GvisorIacError('INVALID_TYPE', path, value, 'is not a list', type === '[]string' ? `pass a list of strings, e.g. ${example(value)}` : `pass a list for ${path}`);
    }
    value.forEach((v, i) => checkK8sValue(v, type.slice(2), fieldPath(path, i)));
    return;
  }
  if (type.startsWith('{}')) {
    if (!isPlainRecord(value)) {
      throw new GvisorIacError('INVALID_TYPE', path, value, 'is not a map (an object of names to values)', `pass an object for ${path}, e.g. { cpu: "100m" }`);
    }
    for (const key of Object.keys(value)) checkK8sValue(value[key], type.slice(2), `${path}[${JSON.stringify(key)}]`);
    return;
  }
  if (type.startsWith('#')) {
    checkK8sObject(value, type.slice(1), path);
    return;
  }
  if (type.startsWith('enum:')) {
    const allowed = type.slice(5).split('|');
    if (typeof value === 'string' && allowed.includes(value)) return;
    const close = typeof value === 'string' ? allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase()) : undefined;
    const list = allowed.map((a) => JSON.stringify(a)).join(', ');
    if (close !== undefined && UNSAFE_ENUM_VALUES[close] !== undefined) {
      throw new GvisorIacError('SANDBOX_ESCAPE', path, value, `means "${close}", which takes the pod out of its confinement (refused in any letter case)`, UNSAFE_ENUM_VALUES[close]!);
    }
    throw new GvisorIacError('INVALID_VALUE', path, value, `is not one of ${list}`,
      close ? `use "${close}" (Kubernetes compares these values case-sensitively)` : `use one of ${list}`);
  }
  switch (type) {
    case 'string':
      if (typeof value !== 'string') throw new GvisorIacError('INVALID_TYPE', path, value, 'is not a string', `set ${path} to a string`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') throw new GvisorIacError('INVALID_TYPE', path, value, 'is not a boolean', 'use true or false');
      return;
    case 'int32':
    case 'int64':
      checkInteger(value, path, type === 'int32' ? INT32 : [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]);
      return;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new GvisorIacError('INVALID_TYPE', path, value, 'is not a number', 'use a number');
      return;
    case 'int-or-string':
      if (typeof value === 'string') return;
      if (typeof value !== 'number') throw new GvisorIacError('INVALID_TYPE', path, value, 'is neither a whole number nor a string', 'use a number such as 8080 or a name such as "http"');
      checkInteger(value, path, INT32);
      return;
    case 'quantity':
      if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) return;
      throw new GvisorIacError('INVALID_TYPE', path, value, 'is not a quantity', 'use a quantity string such as "500m" or "128Mi"');
    case 'any':
      return;
    default:
      throw new Error(`gvisor-iac: unknown Kubernetes field type ${type}`);
  }
}

/** Checks an object of Kubernetes type `typeName`: a plain object, known fields only, required fields set, each field's type. */
export function checkK8sObject(value: unknown, typeName: string, path: string): void {
  const def = k8sType(typeName);
  if (!isPlainRecord(value)) {
    throw new GvisorIacError('INVALID_TYPE', path, value, `is not an object (Kubernetes ${typeName.replace(/^(Core|Apps|Meta)V1/, '')})`, `pass an object for ${path}`);
  }
  assertKnownKeys(value, fieldNames(def), path);
  for (const req of (ownValue(def, 'required') as readonly string[] | undefined) ?? []) {
    if (ownValue(value, req) === undefined) {
      throw new GvisorIacError('REQUIRED', fieldPath(path, req), undefined, `is required by Kubernetes ${typeName.replace(/^(Core|Apps|Meta)V1/, '')}`, `set ${fieldPath(path, req)}`);
    }
  }
  for (const key of Object.keys(value)) checkK8sValue(value[key], def.fields[key]!, fieldPath(path, key));
}

const FIELD_NAMES = new WeakMap<K8sTypeDef, readonly string[]>();

/** The field names of a type (computed once per type). */
function fieldNames(def: K8sTypeDef): readonly string[] {
  let names = FIELD_NAMES.get(def);
  if (!names) FIELD_NAMES.set(def, (names = Object.keys(def.fields)));
  return names;
}

function checkInteger(value: unknown, path: string, [min, max]: readonly [number, number]): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new GvisorIacError(typeof value === 'number' ? 'INVALID_INTEGER' : 'INVALID_TYPE', path, value, `is not a whole number from ${min} to ${max}`, `use a whole number from ${min} to ${max}`);
  }
}

/** A list suggestion for a string given where a list of strings belongs (`"sh -c x"` → `["sh", "-c", "x"]`). */
function example(value: unknown): string {
  if (typeof value !== 'string') return '["value"]';
  const parts = value.trim().split(/\s+/).filter(Boolean).slice(0, 4);
  return JSON.stringify(parts.length ? parts : ['value']);
}
