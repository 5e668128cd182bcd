import { GvisorIacError } from '../errors';

/** What a quantity measures; decides the sanity checks and the hint in errors. */
export type QuantityKind = 'cpu' | 'memory' | 'storage' | 'count';

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

const SUFFIX: Record<string, number> = {
  '': 1,
  'n': 1e-9,
  'u': 1e-6,
  'm': 1e-3,
  'k': 1e3,
  'M': 1e6,
  'G': 1e9,
  'T': 1e12,
  'P': 1e15,
  'E': 1e18,
  'Ki': 2 ** 10,
  'Mi': 2 ** 20,
  'Gi': 2 ** 30,
  'Ti': 2 ** 40,
  'Pi': 2 ** 50,
  'Ei': 2 ** 60,
};

const EXAMPLE: Record<QuantityKind, string> = {
  cpu: 'use cores or millicores, e.g. "500m" or "1"',
  memory: 'use bytes with a binary suffix, e.g. "128Mi" or "1Gi"',
  storage: 'use bytes with a binary suffix, e.g. "64Mi" or "10Gi"',
  count: 'use a whole number, e.g. "10"',
};

/** Valid quantities already parsed, per kind (only valid ones: an invalid one throws each time, naming its own path). */
const PARSED: Record<QuantityKind, Map<string, number>> = { cpu: new Map(), memory: new Map(), storage: new Map(), count: new Map() };
const PARSED_MAX = 4096;

/**
 * Parses a Kubernetes quantity (`"100m"`, `"160Mi"`, `"1.5"`, `"1e3"`) into a
 * plain number (cores for cpu, bytes for memory). Throws `INVALID_QUANTITY`
 * naming `path` for anything the API server would refuse, for negative
 * values, and for the classic `"128m"` memory mistake (0.128 bytes).
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */
export function parseQuantity(value: unknown, path: string, kind: QuantityKind): number {
  if (typeof value === 'number' && Number.isFinite(value)) {
    if (value < 0) throw new GvisorIacError('INVALID_QUANTITY', path, value, 'is negative', EXAMPLE[kind]);
    return value;
  }
  if (typeof value !== 'string') {
    throw new GvisorIacError('INVALID_QUANTITY', path, value, 'is not a Kubernetes quantity', EXAMPLE[kind]);
  }
  const known = PARSED[kind].get(value);
  if (known !== undefined) return known;
  const n = parseQuantityString(value, path, kind);
  // A program names few distinct quantities ("250m", "128Mi"…) thousands of times; bounded all the same.
  if (PARSED[kind].size >= PARSED_MAX) PARSED[kind].clear();
  PARSED[kind].set(value, n);
  return n;
}

function parseQuantityString(value: string, path: string, kind: QuantityKind): number {
  const m = QUANTITY.exec(value);
  if (!m) {
    throw new GvisorIacError('INVALID_QUANTITY', path, value, 'is not a Kubernetes quantity', EXAMPLE[kind]);
  }
  const [, sign, digits, suffix = ''] = m;
  if (sign === '-') throw new GvisorIacError('INVALID_QUANTITY', path, value, 'is negative', EXAMPLE[kind]);
  const factor = suffix.startsWith('e') || suffix.startsWith('E') ? 10 ** Number(suffix.slice(1)) : SUFFIX[suffix]!;
  const n = Number(digits) * factor;
  if ((kind === 'memory' || kind === 'storage') && (suffix === 'm' || suffix === 'u' || suffix === 'n')) {
    throw new GvisorIacError(
      'INVALID_QUANTITY',
      path,
      value,
      `means ${n} bytes (the "${suffix}" suffix is milli/micro/nano, not mega)`,
      `write "${digits}Mi" for mebibytes`,
    );
  }
  if (kind === 'count' && !Number.isInteger(n)) {
    throw new GvisorIacError('INVALID_QUANTITY', path, value, 'is not a whole number', EXAMPLE[kind]);
  }
  return n;
}

/** Formats cores as a canonical cpu quantity (`0.1` → `"100m"`, `2` → `"2"`). */
export function formatCpu(cores: number): string {
  // Tolerate float noise (0.1 + 0.2 cores is 300m, not 301m); cpu has millicore resolution.
  const milli = Math.ceil(cores * 1000 - 1e-6);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** Formats bytes as a memory quantity with the largest exact binary suffix. */
export function formatMemory(bytes: number): string {
  const whole = Math.ceil(bytes);
  for (const suffix of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki'] as const) {
    const f = SUFFIX[suffix]!;
    if (whole >= f && whole % f === 0) return `${whole / f}${suffix}`;
  }
  return String(whole);
}
