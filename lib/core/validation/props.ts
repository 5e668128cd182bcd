import { checkK8sValue, k8sFieldType } from './k8s-types';
import { emptyRecord, ownValue } from './plain-data';
import { assertInteger, assertKnownKeys, assertPlainObject } from './validate';

/**
 * Checks one prop given at `path` (called with `undefined` when the prop is
 * absent, so a required prop can say so). Throws `GvisorIacError`.
 */
export type Validator = (value: unknown, path: string) => unknown;

/**
 * The props a construct accepts, one validator per prop of `T`: the table's
 * keys are the known keys (unknown-key errors and "did you mean" come from
 * them) and its values check each prop. Declare a table with
 * `{ ... } satisfies PropTable<Props>`, so that a prop added to the
 * interface without a validator, or a validator for no prop, does not compile.
 */
export type PropTable<T> = { readonly [K in keyof Required<T>]: Validator };

/**
 * Validators that pass an absent (`undefined`) prop without looking at it
 * and return `undefined` for it: a table's run skips them for absent props,
 * without building their paths (most props of a construct are absent, and a
 * render checks every table at every construction).
 */
const PASSES_ABSENT = new WeakSet<Validator>();

function passesAbsent<V extends Validator>(validator: V): V {
  PASSES_ABSENT.add(validator);
  return validator;
}

/** A validator that skips an absent (`undefined`) prop. */
export function optional<R>(check: (value: unknown, path: string) => R): (value: unknown, path: string) => R | undefined {
  return passesAbsent((value: unknown, path: string) => (value === undefined ? undefined : check(value, path)));
}

/** One prop of a table, as a table's run reads it. */
interface TableEntry {
  readonly key: string;
  readonly check: Validator;
  readonly passesAbsent: boolean;
}

const ENTRIES = new WeakMap<object, readonly TableEntry[]>();

/** The entries of a table (computed once per table), in declaration order. */
function entriesOf(table: object): readonly TableEntry[] {
  let entries = ENTRIES.get(table);
  if (!entries) {
    entries = propNames(table).map((key) => {
      const check = ownValue(table, key) as Validator;
      return { key, check, passesAbsent: PASSES_ABSENT.has(check) };
    });
    ENTRIES.set(table, entries);
  }
  return entries;
}

/** What each validator of a table returned: the props as checked (and resolved, for validators that resolve). */
export type Resolved<Table> = { -readonly [K in keyof Table]: Table[K] extends (...args: never[]) => infer R ? R : never };

/**
 * {@link checkProps}, returning what each validator returned, by prop: for
 * tables whose validators resolve a prop (defaults, normalised forms) as
 * they check it, so that nothing is checked twice.
 */
export function resolveProps<Table extends object>(value: unknown, table: Table, path: string): Resolved<Table> {
  const o = assertPlainObject(value, path);
  const names = propNames(table);
  assertKnownKeys(o, names, path);
  const out = emptyRecord();
  for (const { key, check, passesAbsent: skip } of entriesOf(table)) {
    const v = ownValue(o, key);
    out[key] = v === undefined && skip ? undefined : check(v, path ? `${path}.${key}` : key);
  }
  return out as Resolved<Table>;
}

/**
 * The keys of interface `T`, written once as `{ key: true, … }`: the compiler
 * refuses a missing key and an extra one, so the list a known-keys check
 * uses cannot drift from the interface (for small records checked inline
 * rather than through a prop table).
 */
export function keysOf<T>(keys: { readonly [K in keyof Required<T>]: true }): readonly string[] {
  return Object.freeze(Object.keys(keys));
}

const NAMES = new WeakMap<object, readonly string[]>();

/** The prop names of a table (computed once per table), in declaration order. */
export function propNames(table: object): readonly string[] {
  let names = NAMES.get(table);
  if (!names) NAMES.set(table, (names = Object.keys(table)));
  return names;
}

/**
 * Checks props against their table: a plain object, known keys only (an
 * unknown one is refused with the closest known name), then each prop's
 * validator, in the table's order. Reads own properties only. Returns the
 * props as a record.
 */
export function checkProps(value: unknown, table: object, path: string, noun: 'field' | 'option' = 'field'): Record<string, unknown> {
  const o = assertPlainObject(value, path);
  const names = propNames(table);
  assertKnownKeys(o, names, path, noun);
  checkPropValues(o, table, path);
  return o;
}

/**
 * Runs each validator of `table` on its prop of `o` (own properties only),
 * in the table's order, without the unknown-key check: for props that carry
 * other keys too (the pod spec props inside a workload's).
 */
export function checkPropValues(o: Record<string, unknown>, table: object, path: string): void {
  for (const { key, check, passesAbsent: skip } of entriesOf(table)) {
    const v = ownValue(o, key);
    if (v !== undefined || !skip) check(v, path ? `${path}.${key}` : key);
  }
}

/** Validators that check each of `fields` against its type in Kubernetes type `typeName` (the generated schema). */
export function k8sFields<K extends string>(typeName: string, fields: readonly K[]): { readonly [F in K]: Validator } {
  const out = {} as Record<K, Validator>;
  for (const f of fields) {
    const type = k8sFieldType(typeName, f);
    // A table naming a field the type lacks fails when the module loads, not when a user first sets the prop.
    if (type === undefined) throw new Error(`gvisor-iac: ${typeName} has no field ${f}`);
    out[f] = passesAbsent((value: unknown, path: string) => checkK8sValue(value, type, path));
  }
  return out;
}

/**
 * A validator for a count-like field of Kubernetes type `typeName` (replicas,
 * seconds, limits): its Kubernetes type, then, when it is a number, a whole
 * number ≥ `min`.
 */
export function k8sCount(typeName: string, field: string, min = 0): Validator {
  const check = k8sFields(typeName, [field])[field]!;
  return passesAbsent((value: unknown, path: string) => {
    check(value, path);
    if (typeof value === 'number') assertInteger(value, path, min);
  });
}
