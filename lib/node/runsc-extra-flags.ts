import { GvisorIacError } from '../core/errors';

/**
 * Flags runsc documents as test-only or debug-only ("DO NOT USE IN
 * PRODUCTION"). They are refused everywhere, including `extraFlags`:
 * `TESTONLY-*` skips isolation measures, `profile*` loosens the sandbox's
 * seccomp filter, `allow-flag-override` lets any pod author override any flag
 * through `dev.gvisor.flag.*` annotations.
 */
export const FORBIDDEN_RUNSC_FLAGS: readonly string[] = ['TESTONLY-*', 'profile', 'profile-*', 'profiling-*', 'allow-flag-override', 'iouring'];

/** True when runsc flag `name` (without dashes) is test- or debug-only. */
export function isForbiddenRunscFlag(name: string): boolean {
  const n = name.toLowerCase();
  return n.startsWith('testonly-') || n === 'profile' || n.startsWith('profile-') || n.startsWith('profiling-') || n === 'allow-flag-override' || n === 'iouring';
}

/** Throws `INVALID_NODE_CONFIG` when `name` is a test/debug-only flag. */
export function assertAllowedRunscFlag(name: string, path: string, value: unknown): void {
  if (!isForbiddenRunscFlag(name)) return;
  throw new GvisorIacError(
    'INVALID_NODE_CONFIG',
    path,
    value,
    `is a test/debug-only runsc flag (--${name}) that weakens the sandbox`,
    'remove it; gvisor-iac never emits TESTONLY-*, profile* or allow-flag-override',
  );
}

/** One parsed `--name[=value]` entry. */
export interface ExtraFlag {
  readonly name: string;
  /** `undefined` for a bare boolean flag (`--name`). */
  readonly value?: string;
}

const FLAG = /^--?([A-Za-z][A-Za-z0-9_-]*)(?:=(.*))?$/s;

/**
 * Parses `extraFlags` entries (`--name=value` or `--name`), refusing
 * test/debug-only flags, malformed entries and repeats.
 */
export function parseExtraFlags(flags: unknown, path: string): ExtraFlag[] {
  if (!Array.isArray(flags)) {
    throw new GvisorIacError('INVALID_TYPE', path, flags, 'is not an array', 'pass a list such as ["--gso=false"]');
  }
  const seen = new Set<string>();
  return flags.map((raw, i) => {
    const itemPath = `${path}[${i}]`;
    const m = typeof raw === 'string' ? FLAG.exec(raw) : null;
    if (!m || /[\0\n\r]/.test(raw as string)) {
      throw new GvisorIacError('INVALID_VALUE', itemPath, raw, 'is not a runsc flag', 'write each flag as one string "--name=value" (or "--name" for a boolean)');
    }
    const name = m[1] as string;
    assertAllowedRunscFlag(name, itemPath, raw);
    if (seen.has(name)) {
      throw new GvisorIacError('INVALID_NODE_CONFIG', itemPath, raw, `sets --${name} a second time`, 'keep one entry per flag');
    }
    seen.add(name);
    return m[2] === undefined ? { name } : { name, value: m[2] };
  });
}
