import {
  GO_BOOL_VALUES, RUNSC_FLAG_ALIASES, RUNSC_FLAG_CATALOG_DATE, RUNSC_LOOSENING_FLAGS, RUNSC_NON_SETTING_FLAGS,
  closestRunscFlag, runscReleaseFlags,
} from './runsc-flag-catalog';
import { CURRENT_RUNSC_RELEASE, RunscRelease } from './runsc-releases';
import { GvisorIacError } from '../core/errors';

/**
 * Flags runsc documents as test-only or debug-only ("DO NOT USE IN
 * PRODUCTION"). They are refused everywhere, including `extraFlags`:
 * `TESTONLY-*` skips isolation measures, `profile*` loosens the sandbox's
 * seccomp filter, `allow-flag-override` lets any pod author override any flag
 * through `dev.gvisor.flag.*` annotations.
 *
 * True when runsc flag `name` (without dashes) is one of them: `TESTONLY-*`,
 * `profile`, `profile-*`, `profiling-*`, `allow-flag-override`, `iouring`.
 */
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
 * Parses `extraFlags` entries (`--name=value` or `--name`) for a runsc
 * release. Refused: malformed entries, repeats, test/debug-only flags, flags
 * that are not settings (`--version`, `--*-fd`), flags a typed option owns
 * (`typedFlags`: flag → option) and their deprecated aliases
 * (`--fsgofer-host-uds` → `--host-uds`, `--overlay` → `--overlay2`), flags
 * the release does not have (typos get a "did you mean"), a bare non-boolean
 * flag (runsc would take the next argument as its value) and a boolean flag
 * whose value Go cannot parse.
 */
export function parseExtraFlags(
  flags: unknown,
  path: string,
  release: RunscRelease = CURRENT_RUNSC_RELEASE,
  typedFlags: ReadonlyMap<string, string> = new Map(),
): ExtraFlag[] {
  if (!Array.isArray(flags)) {
    throw new GvisorIacError('INVALID_TYPE', path, flags, 'is not an array', 'pass a list such as ["--gso=false"]');
  }
  const known = runscReleaseFlags(release);
  const seen = new Set<string>();
  return Array.from(flags as unknown[], (raw, i) => {
    const itemPath = `${path}[${i}]`;
    const m = typeof raw === 'string' ? FLAG.exec(raw) : null;
    if (!m || /[\0\n\r]/.test(raw as string)) {
      throw new GvisorIacError('INVALID_VALUE', itemPath, raw, 'is not a runsc flag', 'write each flag as one string "--name=value" (or "--name" for a boolean)');
    }
    const name = m[1] as string;
    const value = m[2];
    assertAllowedRunscFlag(name, itemPath, raw);
    if (seen.has(name)) {
      throw new GvisorIacError('INVALID_NODE_CONFIG', itemPath, raw, `sets --${name} a second time`, 'keep one entry per flag');
    }
    seen.add(name);
    const owner = typedFlags.get(name);
    if (owner !== undefined) {
      throw new GvisorIacError('INVALID_NODE_CONFIG', itemPath, raw, `sets --${name}, which the typed option "${owner}" owns`, `set ${owner} instead, so that it is validated`);
    }
    const aliasOf = Object.prototype.hasOwnProperty.call(RUNSC_FLAG_ALIASES, name) ? RUNSC_FLAG_ALIASES[name] : undefined;
    if (aliasOf !== undefined) {
      const option = typedFlags.get(aliasOf) ?? aliasOf;
      throw new GvisorIacError(
        'INVALID_NODE_CONFIG',
        itemPath,
        raw,
        `is a deprecated alias of --${aliasOf}, which runsc still honours and the typed option "${option}" owns`,
        `set ${option} instead, so that it is validated and warned about`,
      );
    }
    const kinds = known.get(name);
    if (kinds === undefined) {
      const elsewhere = release !== CURRENT_RUNSC_RELEASE && runscReleaseFlags(CURRENT_RUNSC_RELEASE).has(name);
      if (elsewhere) {
        throw new GvisorIacError('UNSUPPORTED_BY_RELEASE', itemPath, raw, `is not a flag of runsc ${release}`, 'upgrade runsc on the node and set runscRelease accordingly, or drop the flag');
      }
      const close = closestRunscFlag(name, known.keys());
      const hint = close === undefined
        ? `check \`runsc flags\` on the node (gvisor-iac knows the flags of release-20221219.0 and of gVisor's ${RUNSC_FLAG_CATALOG_DATE} sources)`
        : typedFlags.has(close) ? `did you mean --${close}? Set it through the typed option "${typedFlags.get(close)}"` : `did you mean --${close}?`;
      throw new GvisorIacError('UNKNOWN_FIELD', itemPath, raw, `is not a flag of runsc ${release}`, hint);
    }
    const notSetting = Object.prototype.hasOwnProperty.call(RUNSC_NON_SETTING_FLAGS, name) ? RUNSC_NON_SETTING_FLAGS[name] : undefined;
    if (notSetting !== undefined) {
      throw new GvisorIacError('INVALID_NODE_CONFIG', itemPath, raw, `is not a runsc setting: --${name} ${notSetting}`, 'remove it');
    }
    if (value === undefined && !kinds.includes('bool')) {
      throw new GvisorIacError('INVALID_VALUE', itemPath, raw, `has no value, but --${name} takes one (runsc would read the next argument as its value)`, `write "--${name}=VALUE"`);
    }
    if (value !== undefined && !kinds.includes('value') && !GO_BOOL_VALUES.includes(value)) {
      throw new GvisorIacError('INVALID_VALUE', itemPath, raw, `gives the boolean flag --${name} a value runsc cannot parse`, `write "--${name}" or "--${name}=false"`);
    }
    // `value` is always an own property: reading an absent one would consult Object.prototype.
    return { name, value };
  });
}

/** The loosening extra flags among `flags` (see `RUNSC_LOOSENING_FLAGS`), with why each loosens the sandbox. */
export function looseningExtraFlags(flags: readonly ExtraFlag[]): Array<{ readonly name: string; readonly why: string }> {
  return flags
    .filter((f) => Object.prototype.hasOwnProperty.call(RUNSC_LOOSENING_FLAGS, f.name) && (f.value === undefined || !['0', 'f', 'F', 'FALSE', 'false', 'False', 'off'].includes(f.value)))
    .map((f) => ({ name: f.name, why: RUNSC_LOOSENING_FLAGS[f.name] as string }));
}
