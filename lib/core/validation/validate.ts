import { GvisorIacError, fieldPath } from '../errors';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * Turns arbitrary text into the closest DNS-1123 label: lowercase, camelCase
 * split with '-', other characters replaced, trimmed to 63. Used to derive
 * names from construct ids and to suggest a fix in errors.
 */
export function toDnsLabel(text: string, maxLength = 63): string {
  const s = text
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+/, '')
    .slice(0, maxLength)
    .replace(/-+$/, '');
  return s;
}

/** True when `value` is a DNS-1123 label of at most `maxLength` characters. */
export function isDnsLabel(value: unknown, maxLength = 63): boolean {
  return typeof value === 'string' && value.length <= maxLength && DNS1123_LABEL.test(value);
}

/**
 * Asserts a DNS-1123 label (lowercase letters, digits, '-'; starts and ends
 * alphanumeric; at most `maxLength` characters).
 */
export function assertDnsLabel(value: unknown, path: string, maxLength = 63): string {
  if (typeof value !== 'string') {
    throw new GvisorIacError('INVALID_NAME', path, value, 'is not a string', 'use a DNS-1123 label such as "my-app"');
  }
  if (isDnsLabel(value, maxLength)) return value;
  const suggestion = toDnsLabel(value, maxLength);
  const fix = suggestion && suggestion !== value ? `try "${suggestion}"` : 'use lowercase letters, digits and "-" only, starting and ending with a letter or digit';
  if (value.length > maxLength) {
    throw new GvisorIacError('INVALID_NAME', path, value, `is ${value.length} characters; a DNS-1123 label has at most ${maxLength}`, fix);
  }
  throw new GvisorIacError('INVALID_NAME', path, value, "is not a valid DNS-1123 label (lowercase letters, digits, '-')", fix);
}

/** A port name as Kubernetes takes it (IANA_SVC_NAME): 1–15 of [a-z0-9-], a letter among them, no "--", no '-' at either end. */
export function isPortName(v: string): boolean {
  return v.length <= 15 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v) && /[a-z]/.test(v) && !v.includes('--');
}

/** Asserts a container port's name (IANA_SVC_NAME, see `isPortName`), as a Service's targetPort or a NetworkPolicy port names it. */
export function assertPortName(value: string, path: string): string {
  if (isPortName(value)) return value;
  throw new GvisorIacError('INVALID_VALUE', path, value, 'is not a port name (at most 15 lowercase letters, digits and \'-\', with a letter)', 'use a container port\'s name such as "http", or its number');
}

/** Asserts a DNS-1123 subdomain (labels joined by '.', at most 253 characters). */
export function assertDnsSubdomain(value: unknown, path: string): string {
  if (typeof value === 'string' && value.length <= 253 && DNS1123_SUBDOMAIN.test(value)) return value;
  const suggestion = typeof value === 'string' ? value.split('.').map((p) => toDnsLabel(p)).filter(Boolean).join('.') : '';
  throw new GvisorIacError(
    'INVALID_NAME',
    path,
    value,
    "is not a valid DNS-1123 subdomain (lowercase letters, digits, '-', '.')",
    suggestion && suggestion !== value ? `try "${suggestion}"` : 'use a name such as "example.com"',
  );
}

/** Asserts a Kubernetes label key: optional DNS subdomain prefix + '/' + name of at most 63 characters. */
export function assertLabelKey(key: unknown, path: string): string {
  const fix = 'a label key is an optional DNS prefix and a name of at most 63 characters from [A-Za-z0-9-_.], e.g. "node-type" or "example.com/tier"';
  if (typeof key !== 'string' || key.length === 0) {
    throw new GvisorIacError('INVALID_LABEL', path, key, 'is not a valid label key', fix);
  }
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefixOk = prefix === undefined || (prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix));
  if (!prefixOk || name.length > 63 || !LABEL_NAME.test(name)) {
    throw new GvisorIacError('INVALID_LABEL', path, key, 'is not a valid label key', fix);
  }
  return key;
}

/** Asserts a Kubernetes label value (empty, or at most 63 characters from [A-Za-z0-9-_.], alphanumeric at both ends). */
export function assertLabelValue(value: unknown, path: string): string {
  if (typeof value === 'string' && value.length <= 63 && LABEL_VALUE.test(value)) return value;
  throw new GvisorIacError(
    'INVALID_LABEL',
    path,
    value,
    'is not a valid label value',
    'use at most 63 characters from [A-Za-z0-9-_.], starting and ending with a letter or digit',
  );
}

/** Asserts a map of labels (keys and values). */
export function assertLabels(labels: unknown, path: string): Record<string, string> | undefined {
  if (labels === undefined) return undefined;
  const map = assertPlainObject(labels, path);
  for (const [k, v] of Object.entries(map)) {
    assertLabelKey(k, `${path}[${JSON.stringify(k)}]`);
    assertLabelValue(v, fieldPath(path, k));
  }
  return map as Record<string, string>;
}

/** The most the annotations of one object may hold, keys and values (the API server's limit, 256 KiB). */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/** Asserts a map of annotations (keys as label keys, string values). See also {@link assertAnnotationsSize}. */
export function assertAnnotations(annotations: unknown, path: string): Record<string, string> | undefined {
  if (annotations === undefined) return undefined;
  const map = assertPlainObject(annotations, path);
  for (const [k, v] of Object.entries(map)) {
    assertLabelKey(k, `${path}[${JSON.stringify(k)}]`);
    // An annotation value may be empty; it must be a string.
    if (typeof v !== 'string') throw new GvisorIacError('INVALID_TYPE', `${path}[${JSON.stringify(k)}]`, v, 'is not a string', 'annotation values are strings; quote numbers and booleans');
  }
  return map as Record<string, string>;
}

/**
 * Asserts that annotations already checked by {@link assertAnnotations} hold
 * at most 256 KiB, keys and values, as the API server counts them (checked
 * after the per-key checks, so that an annotation that loosens the sandbox is
 * refused as such however long it is).
 */
export function assertAnnotationsSize(annotations: Readonly<Record<string, string>> | undefined, path: string): void {
  if (annotations === undefined) return;
  let bytes = 0;
  for (const [k, v] of Object.entries(annotations)) bytes += Buffer.byteLength(k, 'utf8') + Buffer.byteLength(v, 'utf8');
  if (bytes > ANNOTATIONS_MAX_BYTES) {
    throw new GvisorIacError('INVALID_VALUE', path, `(${bytes} bytes)`, `exceeds the ${ANNOTATIONS_MAX_BYTES} bytes the API server allows for an object's annotations`, 'keep large data in a ConfigMap and annotate a reference to it');
  }
}

/** Asserts a whole number in [min, max]. */
export function assertInteger(value: unknown, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `a whole number ≥ ${min}` : `a whole number from ${min} to ${max}`;
    throw new GvisorIacError('INVALID_INTEGER', path, value, `is not ${range}`, `use ${range}`);
  }
  return value;
}

/** `assertInteger` for an optional prop: `undefined` stays `undefined`. */
export function optionalInteger(value: unknown, path: string, min = 0): number | undefined {
  return value === undefined ? undefined : assertInteger(value, path, min);
}

/** Asserts a non-empty string. */
export function assertString(value: unknown, path: string, what = 'a non-empty string'): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new GvisorIacError(value === undefined || value === '' ? 'REQUIRED' : 'INVALID_TYPE', path, value, `is not ${what}`, `set ${path} to ${what}`);
  }
  return value;
}

/** Asserts a boolean. */
export function assertBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') {
    throw new GvisorIacError('INVALID_TYPE', path, value, 'is not a boolean', 'use true or false');
  }
  return value;
}

/** Asserts a plain object (not an array, not null). */
export function assertPlainObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GvisorIacError('INVALID_TYPE', path, value, 'is not an object', `pass an object for ${path}`);
  }
  return value as Record<string, unknown>;
}

/** Asserts an array. */
export function assertArray<T = unknown>(value: unknown, path: string): T[] {
  if (!Array.isArray(value)) {
    throw new GvisorIacError(value === undefined ? 'REQUIRED' : 'INVALID_TYPE', path, value, 'is not an array', `pass a list for ${path}`);
  }
  return value as T[];
}

/** Asserts that `value` is one of `allowed`. */
export function assertOneOf<T extends string | number | boolean>(value: unknown, allowed: readonly T[], path: string, hint?: string): T {
  if (!allowed.includes(value as T)) {
    throw new GvisorIacError('INVALID_VALUE', path, value, `is not one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, hint ?? `use one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  }
  return value as T;
}

/**
 * Levenshtein distance, for every "did you mean" suggestion (props, CLI
 * flags, runsc flags). Strings longer than a typo (over 256 characters) are
 * not compared: they count as far apart (their longer length), so a huge
 * input costs nothing.
 */
export function editDistance(a: string, b: string): number {
  if (a.length > 256 || b.length > 256) return Math.max(a.length, b.length);
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** The known name closest to `key`: a small edit distance, or a long shared prefix. */
function closestName(key: string, known: readonly string[]): string | undefined {
  // A typo is short; comparing a megabyte-long key with every known name would take minutes.
  if (key.length > 200) return undefined;
  const lower = key.toLowerCase();
  const ranked = known.map((k) => ({ k, d: editDistance(lower, k.toLowerCase()) })).sort((x, y) => x.d - y.d);
  const best = ranked[0];
  if (best && best.d <= Math.max(2, Math.floor(key.length / 3))) return best.k;
  const prefix = (k: string) => {
    let i = 0;
    while (i < k.length && k[i]!.toLowerCase() === lower[i]) i++;
    return i;
  };
  const byPrefix = [...known].sort((x, y) => prefix(y) - prefix(x))[0];
  return byPrefix && prefix(byPrefix) >= 5 ? byPrefix : undefined;
}

/** From this many known names on, they are looked up in a Set (built once per list: long lists are module constants). */
const KNOWN_SET_MIN = 12;
const KNOWN_SETS = new WeakMap<readonly string[], ReadonlySet<string>>();

function knownSetOf(known: readonly string[]): ReadonlySet<string> {
  let set = KNOWN_SETS.get(known);
  if (!set) KNOWN_SETS.set(known, (set = new Set(known)));
  return set;
}

/**
 * Refuses prop names that the construct does not know — a typo such as
 * `replica` or `plaform` must not be silently ignored — and suggests the
 * closest known name.
 */
export function assertKnownKeys(value: Record<string, unknown>, known: readonly string[], path: string, noun: 'field' | 'option' = 'field'): void {
  const knownSet = known.length >= KNOWN_SET_MIN ? knownSetOf(known) : undefined;
  for (const key in value) {
    if (!Object.hasOwn(value, key) || value[key] === undefined || (knownSet ? knownSet.has(key) : known.includes(key))) continue;
    const close = closestName(key, known);
    throw new GvisorIacError(
      'UNKNOWN_FIELD',
      path ? fieldPath(path, key) : key,
      value[key],
      `is not a known ${noun}`,
      close ? `did you mean "${close}"?` : `known ${noun}s are ${known.join(', ')}`,
    );
  }
}
