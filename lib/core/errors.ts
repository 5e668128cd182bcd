/**
 * Stable error codes. Codes never change meaning once released; tests and
 * users may match on them.
 */
export type GvisorIacErrorCode =
  /** A required field is missing or empty. */
  | 'REQUIRED'
  /** A field has the wrong JavaScript type (e.g. a number where a string belongs). */
  | 'INVALID_TYPE'
  /** A prop name that this construct does not know (usually a typo). */
  | 'UNKNOWN_FIELD'
  /** Not a DNS-1123 label / subdomain. */
  | 'INVALID_NAME'
  /** A name that is reserved (e.g. `kube-system`). */
  | 'RESERVED_NAME'
  /** Two things share a name that must be unique. */
  | 'DUPLICATE_NAME'
  /** Not a valid Kubernetes label key or value. */
  | 'INVALID_LABEL'
  /** Not a valid Kubernetes quantity. */
  | 'INVALID_QUANTITY'
  /** A request above its limit, or a budget too small. */
  | 'INVALID_RESOURCES'
  /** Not a whole number in the allowed range. */
  | 'INVALID_INTEGER'
  /** A value outside the set this field accepts. */
  | 'INVALID_VALUE'
  /** A volume mount names a volume that is not declared. */
  | 'UNDECLARED_VOLUME'
  /** A setting that lets a workload out of its sandbox or breaks Pod Security "restricted". */
  | 'SANDBOX_ESCAPE'
  /** A setting gVisor rejects or silently ignores. */
  | 'GVISOR_INCOMPATIBLE'
  /** An override (JSON patch) that cannot be applied. */
  | 'INVALID_OVERRIDE'
  /** Not a valid IP address or CIDR. */
  | 'INVALID_CIDR'
  /** A flag, value or option that the targeted runsc release does not support. */
  | 'UNSUPPORTED_BY_RELEASE'
  /** Something that would break the node's container runtime. */
  | 'INVALID_NODE_CONFIG'
  /** A key that would reach an object's prototype when merged (`__proto__`, `constructor`, `prototype`). */
  | 'UNSAFE_KEY';

/**
 * The one error type gvisor-iac throws for bad input. It is raised while a
 * construct is being built, before any object is emitted.
 *
 * The message reads `path: value problem; fix`, e.g.
 * `tenants[2].name: "Tenant_A" is not a valid DNS-1123 label (lowercase letters, digits, '-'); try "tenant-a"`.
 */
export class GvisorIacError extends Error {
  /** Stable machine-readable code. */
  public readonly code: GvisorIacErrorCode;
  /** Path of the offending field in the props, e.g. `containers[0].securityContext.privileged`. */
  public readonly path: string;
  /** The value that was received. */
  public readonly value: unknown;
  /** What to do instead. */
  public readonly fix: string;

  public constructor(code: GvisorIacErrorCode, path: string, value: unknown, problem: string, fix: string) {
    super(`${clip(path, MAX_PATH_ECHO)}: ${describeValue(value)} ${clip(problem, MAX_TEXT_ECHO)}; ${clip(fix, MAX_TEXT_ECHO)}`);
    this.name = 'GvisorIacError';
    this.code = code;
    this.path = path;
    this.value = value;
    this.fix = fix;
  }
}

/** The most characters of a received value a message echoes. */
export const MAX_VALUE_ECHO = 120;
/** The most characters of a field path a message echoes (paths carry user keys). */
const MAX_PATH_ECHO = 200;
/** The most characters of the problem or the fix a message echoes (they may quote values). */
const MAX_TEXT_ECHO = 400;

/** Shortens `text` to `max` characters, saying how much was left out. */
function clip(text: string, max: number): string {
  const s = String(text);
  return s.length > max ? `${s.slice(0, max)}...(${s.length - max} more characters)` : s;
}

/**
 * Renders a received value for an error message, short and unambiguous:
 * whatever its size, at most {@link MAX_VALUE_ECHO} characters of it are
 * echoed (the full value stays in `GvisorIacError.value`).
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return '(missing)';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  let json: string | undefined;
  try {
    json = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(typeof value);
  } catch {
    json = undefined;
  }
  if (json === undefined) {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return '(unprintable)';
    }
  }
  return json.length > MAX_VALUE_ECHO ? `${json.slice(0, MAX_VALUE_ECHO - 3)}...` : json;
}

/** Joins a parent path and a key the way messages print them (`a.b`, `a[0]`). */
export function fieldPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}
