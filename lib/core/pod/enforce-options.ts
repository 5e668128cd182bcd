import { DEFAULTS } from '../defaults';
import { GvisorIacError } from '../errors';
import { keysOf } from '../validation/props';
import { assertArray, assertDnsSubdomain, assertKnownKeys, assertOneOf } from '../validation/validate';

/** What both frontends' `enforceGvisor` options share; `X` is the frontend's `exclude` callback. */
export interface EnforceOptionsShape<X> {
  readonly mode: 'inject' | 'deny';
  readonly runtimeClassName?: string;
  readonly allowedRuntimeClassNames?: string[];
  readonly exclude?: X;
}

/** `enforceGvisor` options once checked. */
export interface ResolvedEnforceOptions<X> {
  readonly mode: 'inject' | 'deny';
  /** The class injected. */
  readonly className: string;
  /** The classes an object may already name (`className` among them). */
  readonly allowed: ReadonlySet<string>;
  readonly exclude?: X;
}

const ENFORCE_OPTION_KEYS = keysOf<EnforceOptionsShape<unknown>>({
  mode: true, runtimeClassName: true, allowedRuntimeClassNames: true, exclude: true,
});

/**
 * Checks the options of `enforceGvisor` (cdk8s) / `gvisorTransform` (Pulumi)
 * at `path`, the same way in both: known keys, the mode, DNS-subdomain class
 * names, and an `exclude` that is a function (`excludeSignature` names it
 * in the fix).
 */
export function resolveEnforceOptions<X>(opts: Record<string, unknown>, path: string, excludeSignature: string): ResolvedEnforceOptions<X> {
  assertKnownKeys(opts, ENFORCE_OPTION_KEYS, path);
  const mode = assertOneOf(opts.mode, ['inject', 'deny'] as const, `${path}.mode`);
  const className = assertDnsSubdomain(opts.runtimeClassName ?? DEFAULTS.runtimeClassName, `${path}.runtimeClassName`);
  const more = opts.allowedRuntimeClassNames === undefined ? [] : assertArray<string>(opts.allowedRuntimeClassNames, `${path}.allowedRuntimeClassNames`)
    .map((n, i) => assertDnsSubdomain(n, `${path}.allowedRuntimeClassNames[${i}]`));
  if (opts.exclude !== undefined && typeof opts.exclude !== 'function') {
    throw new GvisorIacError('INVALID_TYPE', `${path}.exclude`, opts.exclude, 'is not a function', `pass ${excludeSignature}`);
  }
  return { mode, className, allowed: new Set([className, ...more]), exclude: opts.exclude as X | undefined };
}
