import { assertAbsolutePath } from './node-values';
import { copyRawConfig, hasOwn, ownOptions, stringifyJson } from './own-options';
import { flagsToArgs } from './runsc-flags';
import { RunscOptions, resolveRunscOptions } from './runsc-options';
import { NodeWarningOptions, WARNING_OPTION_NAMES, reportWarnings } from './warnings';
import { DEFAULT_RUNSC_PATH } from '../core/defaults';
import { GvisorIacError, fieldPath } from '../core/errors';
import { assertBoolean } from '../core/validation/validate';

/** Options for Docker's `daemon.json`: the runsc options become the runtime's `runtimeArgs`. */
export interface DockerDaemonConfigOptions extends RunscOptions, NodeWarningOptions {
  /**
   * The runtime's `path`: the runsc binary on the node. When `base` already
   * has a runtime of this name, its `path` is kept unless this is set
   * (Debian installs runsc at `/usr/bin/runsc`).
   * @default - the base runtime's `path`, else '/usr/local/bin/runsc'
   */
  readonly path?: string;
  /**
   * The runtime name (`docker run --runtime=<name>`, Compose `runtime:`).
   * @default 'runsc'
   */
  readonly runtimeName?: string;
  /**
   * The node's existing daemon.json object; every key is kept, other
   * runtimes too. A runtime of the same name is replaced (keeping its
   * `path`); one without a `path` (`runtimeType` style) is only replaced
   * when `path` is set. JSON values only; prototype keys are refused.
   * @default {}
   */
  readonly base?: Record<string, unknown>;
  /**
   * Also set `default-runtime` to this runtime, so that every container
   * without `--runtime` runs in gVisor.
   * @default false
   */
  readonly defaultRuntime?: boolean;
}

/** The merged daemon.json and what the merge changed in `base`. */
export interface DockerDaemonConfigMerge {
  /** The daemon.json text (2-space JSON and a final newline). */
  readonly json: string;
  /** One sentence per change to the base (added or replaced runtime, default runtime), for a log or stderr. */
  readonly changes: readonly string[];
}

const DOCKER_KEYS = ['path', 'runtimeName', 'base', 'defaultRuntime', ...WARNING_OPTION_NAMES] as const;
const RUNTIME_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Asserts a Docker runtime name. */
export function assertDockerRuntimeName(value: unknown, path: string): string {
  if (typeof value === 'string' && RUNTIME_NAME.test(value) && value !== 'runc' && value !== 'io.containerd.runc.v2') return value;
  throw new GvisorIacError(
    'INVALID_NAME',
    path,
    value,
    value === 'runc' ? "is Docker's built-in runtime" : 'is not a Docker runtime name (letters, digits, "_", ".", "-")',
    'use a name such as "runsc"',
  );
}

type Json = Record<string, unknown>;
const isJsonObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Builds the daemon.json on null-prototype objects (serialised without consulting Object.prototype). */
function build(options: DockerDaemonConfigOptions): { config: Json; changes: string[] } {
  const opts = ownOptions(options ?? {}, 'options', '');
  const resolved = resolveRunscOptions(opts, '', DOCKER_KEYS);
  const name = opts.runtimeName === undefined ? 'runsc' : assertDockerRuntimeName(opts.runtimeName, 'runtimeName');
  const makeDefault = opts.defaultRuntime === undefined ? false : assertBoolean(opts.defaultRuntime, 'defaultRuntime');
  const base = opts.base === undefined ? Object.create(null) as Json : copyRawConfig(opts.base, 'base', 'json');
  if (!isJsonObject(base)) throw new GvisorIacError('INVALID_TYPE', 'base', opts.base, 'is not an object', 'pass an object for base');
  if (base.runtimes !== undefined && !isJsonObject(base.runtimes)) {
    throw new GvisorIacError('INVALID_TYPE', 'base.runtimes', base.runtimes, 'is not an object', 'pass an object for base.runtimes');
  }
  const runtimes: Json = (base.runtimes as Json | undefined) ?? Object.create(null) as Json;
  const existing = hasOwn(runtimes, name) ? runtimes[name] : undefined;
  const existingPath = fieldPath(fieldPath('base.runtimes', name), 'path');

  let path: string;
  let how: string;
  if (opts.path !== undefined) {
    path = assertAbsolutePath(opts.path, 'path', DEFAULT_RUNSC_PATH);
    how = 'path set explicitly';
  } else if (existing === undefined) {
    path = DEFAULT_RUNSC_PATH;
    how = 'default path';
  } else if (isJsonObject(existing) && existing.path !== undefined) {
    path = assertAbsolutePath(existing.path, existingPath, DEFAULT_RUNSC_PATH);
    how = 'path kept from the base; set path (--path) to change it';
  } else {
    throw new GvisorIacError(
      'INVALID_NODE_CONFIG',
      fieldPath('base.runtimes', name),
      existing,
      'exists without a "path" (a runtimeType-style runtime), so replacing it would guess where runsc is',
      'set path (--path) to the runsc binary to replace it, or choose another runtimeName',
    );
  }
  reportWarnings(resolved.warnings, opts);

  const args = flagsToArgs(resolved);
  const entry = Object.create(null) as Json;
  entry.path = path;
  if (args.length > 0) entry.runtimeArgs = args;
  const changes: string[] = [];
  const show = (v: unknown) => stringifyJson(v);
  if (existing === undefined) {
    changes.push(`added runtimes.${name}: ${show(entry)}`);
  } else if (show(existing) !== show(entry)) {
    changes.push(`replaced runtimes.${name}: ${show(existing)} -> ${show(entry)} (${how})`);
  }
  runtimes[name] = entry;
  base.runtimes = runtimes;
  if (makeDefault && base['default-runtime'] !== name) {
    changes.push(`set default-runtime: ${base['default-runtime'] === undefined ? '(unset)' : show(base['default-runtime'])} -> ${show(name)}`);
    base['default-runtime'] = name;
  }
  return { config: base, changes };
}

/**
 * The daemon.json object: `base` with a `runtimes.<runtimeName>` entry of
 * `{ path, runtimeArgs }` (`runtimeArgs` only when there are flags). The
 * caller's `base` is never modified.
 */
export function dockerDaemonConfig(options: DockerDaemonConfigOptions = {}): Record<string, unknown> {
  return JSON.parse(stringifyJson(build(options).config)) as Record<string, unknown>;
}

/**
 * Renders daemon.json like `renderDockerDaemonConfig` and also says what the
 * merge changed in `base` (a runtime added or replaced, the default runtime
 * set), so that a tool can report it before the file is replaced.
 */
export function mergeDockerDaemonConfig(options: DockerDaemonConfigOptions = {}): DockerDaemonConfigMerge {
  const { config, changes } = build(options);
  return { json: `${stringifyJson(config, 2)}\n`, changes };
}

/**
 * Renders Docker's `/etc/docker/daemon.json` (2-space JSON) with the gVisor
 * runtime merged into `base`. Restart dockerd to apply it.
 *
 * @see https://gvisor.dev/docs/user_guide/quick_start/docker/
 */
export function renderDockerDaemonConfig(options: DockerDaemonConfigOptions = {}): string {
  return mergeDockerDaemonConfig(options).json;
}
