import { assertAbsolutePath, assertKnownOptions, assertStringList } from './node-values';
import { hasOwn, ownOptions } from './own-options';
import { looseningExtraFlags, parseExtraFlags } from './runsc-extra-flags';
import { RunscOverlay2, parseOverlay2 } from './runsc-overlay';
import { CURRENT_RUNSC_RELEASE, RunscFeature, RunscRelease, assertRunscRelease, assertRunscReleaseSupports, runscReleaseSupports } from './runsc-releases';
import { NodeWarning, runscOptionWarnings } from './warnings';
import { GvisorIacError, fieldPath } from '../core/errors';
import { assertBoolean, assertInteger, assertOneOf } from '../core/validation/validate';

/** How the sandbox intercepts system calls. @see https://gvisor.dev/docs/user_guide/platforms/ */
export type RunscPlatform = 'systrap' | 'ptrace' | 'kvm';
/** Which network stack the sandbox uses. @see https://gvisor.dev/docs/user_guide/networking/ */
export type RunscNetwork = 'sandbox' | 'host' | 'none';
/** Filesystem validation: `exclusive` (only the sandbox changes the files; fastest) or `shared`. */
export type RunscFileAccess = 'exclusive' | 'shared';
/** Access to host Unix-domain sockets from inside the sandbox. */
export type RunscHostUds = 'none' | 'open' | 'create' | 'all';
/** Access to host FIFOs (named pipes) from inside the sandbox. */
export type RunscHostFifo = 'none' | 'open';
/** What the watchdog does when a task is stuck. */
export type RunscWatchdogAction = 'log' | 'panic';

/**
 * Typed runsc (gVisor runtime) options. Each maps to one runsc flag; an
 * option left unset is not emitted, so runsc's own default applies (noted
 * per option). Rendered by `runscFlags`, `renderRunscToml`,
 * `renderDockerDaemonConfig` and `renderRunscWrapper`.
 *
 * @see https://gvisor.dev/docs/user_guide/
 */
export interface RunscOptions {
  /**
   * The runsc release on the node. Options or values that this release does
   * not have are refused with `UNSUPPORTED_BY_RELEASE`.
   * @default 'current'
   */
  readonly runscRelease?: RunscRelease;
  /**
   * `--platform`. `systrap` needs release-20230417.0 or newer; `kvm` needs
   * /dev/kvm (bare metal, or nested virtualization).
   * @default - unset: runsc's default (`systrap` since release-20230621.0, `ptrace` before)
   */
  readonly platform?: RunscPlatform;
  /**
   * `--platform_device_path`: the platform device, e.g. `/dev/kvm`.
   * @default - unset: the platform's usual device
   */
  readonly platformDevicePath?: string;
  /**
   * `--network`. `none` leaves only loopback (Services and HTTP/TCP probes
   * cannot reach the pod); `host` uses the host kernel's network stack and
   * weakens isolation.
   * @default - unset: runsc's default (`sandbox`)
   */
  readonly network?: RunscNetwork;
  /**
   * `--file-access` for the root filesystem. (`proxy` and `direct` were
   * removed from runsc in 2018 and are refused.)
   * @default - unset: runsc's default (`exclusive`)
   */
  readonly fileAccess?: RunscFileAccess;
  /**
   * `--file-access-mounts` for volumes other than the root filesystem.
   * @default - unset: runsc's default (`shared`)
   */
  readonly fileAccessMounts?: RunscFileAccess;
  /**
   * `--overlay2`, e.g. `root:self`, `root:memory`, `none`. Refused together
   * with `fileAccess: 'shared'`.
   * @default - unset: runsc's default (`root:self` in current releases, no overlay in release-20221219.0)
   */
  readonly overlay2?: RunscOverlay2;
  /**
   * `--directfs`: the sandbox opens container files directly instead of
   * through the gofer (faster; the sentry keeps host file descriptors).
   * Needs release-20230508.0 or newer.
   * @default - unset: runsc's default (on in current releases)
   */
  readonly directfs?: boolean;
  /**
   * `--debug`: debug-level logs.
   * @default - unset: off
   */
  readonly debug?: boolean;
  /**
   * `--debug-log`: where debug logs go; an absolute path, a directory when it
   * ends with `/`; may contain `%ID%`, `%COMMAND%`, `%TIMESTAMP%`.
   * @default - unset: no debug log
   */
  readonly debugLog?: string;
  /**
   * `--strace`: log every system call of the sandboxed application (slow).
   * @default - unset: off
   */
  readonly strace?: boolean;
  /**
   * `--strace-syscalls`: only these system calls (needs `strace: true`).
   * @default - unset: all system calls when `strace` is on
   */
  readonly straceSyscalls?: string[];
  /**
   * `--host-uds`: access to host Unix-domain sockets.
   * @default - unset: runsc's default (`none`)
   */
  readonly hostUds?: RunscHostUds;
  /**
   * `--host-fifo`: access to host named pipes.
   * @default - unset: runsc's default (`none`)
   */
  readonly hostFifo?: RunscHostFifo;
  /**
   * `--net-raw`: allow raw sockets (packet crafting from inside the sandbox).
   * @default - unset: runsc's default (off)
   */
  readonly netRaw?: boolean;
  /**
   * `--nvproxy`: NVIDIA GPU support. Needs release-20230320.0 or newer.
   * @default - unset: off
   */
  readonly nvproxy?: boolean;
  /**
   * `--oci-seccomp`: also enforce the container's seccomp profile inside the
   * sandbox (otherwise gVisor ignores it).
   * @default - unset: runsc's default (off)
   */
  readonly ociSeccomp?: boolean;
  /**
   * `--systemd-cgroup`: manage cgroups through systemd (match the node's
   * container runtime).
   * @default - unset: cgroupfs
   */
  readonly systemdCgroup?: boolean;
  /**
   * `--ignore-cgroups`: do not configure cgroups (resource limits are then
   * not enforced on the sandbox).
   * @default - unset: off
   */
  readonly ignoreCgroups?: boolean;
  /**
   * `--watchdog-action`.
   * @default - unset: runsc's default (`log`)
   */
  readonly watchdogAction?: RunscWatchdogAction;
  /**
   * `--strace-log-size`: bytes of each buffer argument to log.
   * @default - unset: runsc's default (1024)
   */
  readonly straceLogSize?: number;
  /**
   * Escape hatch: more runsc flags, each one string `--name=value` (or
   * `--name` for a boolean), appended after the typed options. A flag that a
   * typed option sets, and test/debug-only flags, are refused.
   * @default - none
   */
  readonly extraFlags?: string[];
}

/** The names of every `RunscOptions` field. */
export const RUNSC_OPTION_NAMES: readonly (keyof RunscOptions)[] = [
  'runscRelease', 'platform', 'platformDevicePath', 'network', 'fileAccess', 'fileAccessMounts', 'overlay2', 'directfs',
  'debug', 'debugLog', 'strace', 'straceSyscalls', 'straceLogSize', 'hostUds', 'hostFifo', 'netRaw', 'nvproxy', 'ociSeccomp',
  'systemdCgroup', 'ignoreCgroups', 'watchdogAction', 'extraFlags',
];

type Kind =
  | { readonly type: 'bool' }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  | { readonly type: 'path' }
  | { readonly type: 'uint' }
  | { readonly type: 'overlay2' }
  | { readonly type: 'list' };

interface OptionSpec {
  readonly option: keyof RunscOptions;
  readonly flag: string;
  readonly kind: Kind;
  readonly feature?: RunscFeature;
}

const bool: Kind = { type: 'bool' };
const path: Kind = { type: 'path' };

/** Option → flag table, in the order flags are emitted. */
export const RUNSC_OPTION_FLAGS: readonly OptionSpec[] = [
  { option: 'platform', flag: 'platform', kind: { type: 'enum', values: ['systrap', 'ptrace', 'kvm'] } },
  { option: 'platformDevicePath', flag: 'platform_device_path', kind: path },
  { option: 'network', flag: 'network', kind: { type: 'enum', values: ['sandbox', 'host', 'none'] } },
  { option: 'fileAccess', flag: 'file-access', kind: { type: 'enum', values: ['exclusive', 'shared'] } },
  { option: 'fileAccessMounts', flag: 'file-access-mounts', kind: { type: 'enum', values: ['exclusive', 'shared'] } },
  { option: 'overlay2', flag: 'overlay2', kind: { type: 'overlay2' } },
  { option: 'directfs', flag: 'directfs', kind: bool, feature: 'directfs' },
  { option: 'hostUds', flag: 'host-uds', kind: { type: 'enum', values: ['none', 'open', 'create', 'all'] } },
  { option: 'hostFifo', flag: 'host-fifo', kind: { type: 'enum', values: ['none', 'open'] } },
  { option: 'netRaw', flag: 'net-raw', kind: bool },
  { option: 'ociSeccomp', flag: 'oci-seccomp', kind: bool },
  { option: 'nvproxy', flag: 'nvproxy', kind: bool, feature: 'nvproxy' },
  { option: 'systemdCgroup', flag: 'systemd-cgroup', kind: bool },
  { option: 'ignoreCgroups', flag: 'ignore-cgroups', kind: bool },
  { option: 'watchdogAction', flag: 'watchdog-action', kind: { type: 'enum', values: ['log', 'panic'] } },
  { option: 'debug', flag: 'debug', kind: bool },
  { option: 'debugLog', flag: 'debug-log', kind: path },
  { option: 'strace', flag: 'strace', kind: bool },
  { option: 'straceSyscalls', flag: 'strace-syscalls', kind: { type: 'list' } },
  { option: 'straceLogSize', flag: 'strace-log-size', kind: { type: 'uint' } },
];

/** Validated runsc options: the release and the flags, in emission order. */
export interface ResolvedRunscOptions {
  readonly release: RunscRelease;
  /** `[flag name, value]`; booleans are `'true'` / `'false'`, a bare extra flag has value `undefined`. */
  readonly flags: ReadonlyArray<readonly [string, string | undefined]>;
  /** The warnings these options raise, the same for every renderer. */
  readonly warnings: readonly NodeWarning[];
}

const REMOVED_FILE_ACCESS: Record<string, string> = {
  proxy: 'use "exclusive" (the default: only the sandbox changes the root filesystem) or "shared" (files may also change from outside)',
  direct: 'use "exclusive" (the default, and the fast path) or "shared" (files may also change from outside)',
};

function checkValue(spec: OptionSpec, value: unknown, p: string, release: RunscRelease): string {
  switch (spec.kind.type) {
    case 'bool':
      return String(assertBoolean(value, p));
    case 'enum':
      if ((spec.option === 'fileAccess' || spec.option === 'fileAccessMounts') && typeof value === 'string' && hasOwn(REMOVED_FILE_ACCESS, value)) {
        throw new GvisorIacError('INVALID_VALUE', p, value, 'was removed from runsc in 2018 (the source of many old examples)', REMOVED_FILE_ACCESS[value] as string);
      }
      if (spec.option === 'platform' && value === 'systrap') {
        assertRunscReleaseSupports(release, 'platform-systrap', p, value, 'use "ptrace" (or "kvm" where /dev/kvm exists) with this release, or upgrade runsc');
      }
      return assertOneOf(value, spec.kind.values, p);
    case 'path':
      return assertAbsolutePath(value, p, spec.option === 'debugLog' ? '/var/log/runsc/' : '/dev/kvm');
    case 'uint':
      return String(assertInteger(value, p, 0));
    case 'list': {
      const list = assertStringList(value, p, 'a system call name');
      list.forEach((s, i) => {
        if (!/^[a-z0-9_]+$/.test(s)) throw new GvisorIacError('INVALID_VALUE', `${p}[${i}]`, s, 'is not a system call name', 'use names such as "openat"');
      });
      if (list.length === 0) throw new GvisorIacError('INVALID_VALUE', p, value, 'is empty', `leave ${p} unset to trace every system call`);
      return list.join(',');
    }
    case 'overlay2':
      parseOverlay2(value, p, release);
      return value as string;
  }
}

/**
 * Validates runsc options (types, values, the targeted release, conflicts,
 * extra flags) and returns the flags to emit and the warnings they raise.
 * Only own properties of `options` are read. Nothing is rendered from
 * options that fail here.
 *
 * @param extraKnownKeys option names the caller adds (e.g. `binaryName` for runsc.toml)
 */
export function resolveRunscOptions(options: unknown, basePath = '', extraKnownKeys: readonly string[] = []): ResolvedRunscOptions {
  const opts = ownOptions(options ?? {}, basePath || 'options', basePath);
  assertKnownOptions(opts, [...RUNSC_OPTION_NAMES, ...extraKnownKeys], basePath);
  const at = (key: string) => fieldPath(basePath, key);
  const release = opts.runscRelease === undefined ? CURRENT_RUNSC_RELEASE : assertRunscRelease(opts.runscRelease, at('runscRelease'));

  const flags: Array<readonly [string, string | undefined]> = [];
  for (const spec of RUNSC_OPTION_FLAGS) {
    const value = opts[spec.option];
    if (value === undefined) continue;
    if (hasOwn(spec, 'feature') && spec.feature) assertRunscReleaseSupports(release, spec.feature, at(spec.option), value);
    flags.push([spec.flag, checkValue(spec, value, at(spec.option), release)]);
  }

  // Conflicts runsc itself would only report when a container starts.
  const overlayEnabled = opts.overlay2 !== undefined ? opts.overlay2 !== 'none' : runscReleaseSupports(release, 'overlay2-on-by-default');
  if (opts.fileAccess === 'shared' && overlayEnabled) {
    throw new GvisorIacError(
      'INVALID_NODE_CONFIG',
      at('fileAccess'),
      'shared',
      opts.overlay2 !== undefined
        ? `cannot be combined with overlay2 "${String(opts.overlay2)}" (runsc: overlay flag is incompatible with shared file access)`
        : `cannot be combined with runsc ${release}'s default root overlay (runsc: overlay flag is incompatible with shared file access)`,
      "set overlay2: 'none' as well, or keep fileAccess 'exclusive'",
    );
  }
  if (opts.straceSyscalls !== undefined && opts.strace !== true) {
    throw new GvisorIacError('INVALID_NODE_CONFIG', at('straceSyscalls'), opts.straceSyscalls, 'has no effect without strace: true', 'set strace: true, or drop straceSyscalls');
  }
  if (opts.straceLogSize !== undefined && opts.strace !== true) {
    throw new GvisorIacError('INVALID_NODE_CONFIG', at('straceLogSize'), opts.straceLogSize, 'has no effect without strace: true', 'set strace: true, or drop straceLogSize');
  }

  const warnings: NodeWarning[] = runscOptionWarnings(opts);
  if (opts.extraFlags !== undefined) {
    const typed = new Map(RUNSC_OPTION_FLAGS.map((s) => [s.flag, fieldPath(basePath, s.option)]));
    const extras = parseExtraFlags(opts.extraFlags, at('extraFlags'), release, typed);
    for (const extra of extras) flags.push([extra.name, extra.value]);
    for (const { name, why } of looseningExtraFlags(extras)) {
      warnings.push({ id: 'NODE_EXTRA_FLAG', path: at('extraFlags'), message: `--${name} ${why}` });
    }
  }
  return { release, flags, warnings };
}
