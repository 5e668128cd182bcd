import { assertAbsolutePath } from './node-values';
import { flagsToArgs } from './runsc-flags';
import { RunscOptions, resolveRunscOptions } from './runsc-options';
import { DEFAULT_RUNSC_PATH } from './runsc-wrapper';
import { NodeWarningOptions, WARNING_OPTION_NAMES, reportWarnings, runscOptionWarnings } from './warnings';
import { GvisorIacError } from '../core/errors';
import { assertBoolean, assertPlainObject } from '../core/validate';

/** Options for Docker's `daemon.json`: the runsc options become the runtime's `runtimeArgs`. */
export interface DockerDaemonConfigOptions extends RunscOptions, NodeWarningOptions {
  /**
   * The runtime's `path`: the runsc binary on the node.
   * @default '/usr/local/bin/runsc'
   */
  readonly path?: string;
  /**
   * The runtime name (`docker run --runtime=<name>`, Compose `runtime:`).
   * @default 'runsc'
   */
  readonly runtimeName?: string;
  /**
   * The node's existing daemon.json object; every key is kept, other
   * runtimes too. An existing runtime of the same name is replaced.
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

/**
 * The daemon.json object: `base` with a `runtimes.<runtimeName>` entry of
 * `{ path, runtimeArgs }` (`runtimeArgs` only when there are flags).
 */
export function dockerDaemonConfig(options: DockerDaemonConfigOptions = {}): Record<string, unknown> {
  const opts = assertPlainObject(options ?? {}, 'options');
  const resolved = resolveRunscOptions(opts, '', DOCKER_KEYS);
  const path = opts.path === undefined ? DEFAULT_RUNSC_PATH : assertAbsolutePath(opts.path, 'path', DEFAULT_RUNSC_PATH);
  const name = opts.runtimeName === undefined ? 'runsc' : assertDockerRuntimeName(opts.runtimeName, 'runtimeName');
  const makeDefault = opts.defaultRuntime === undefined ? false : assertBoolean(opts.defaultRuntime, 'defaultRuntime');
  const base = opts.base === undefined ? {} : assertPlainObject(opts.base, 'base');
  if (base.runtimes !== undefined) assertPlainObject(base.runtimes, 'base.runtimes');
  reportWarnings(runscOptionWarnings(opts), opts);

  const args = flagsToArgs(resolved);
  const entry: Record<string, unknown> = args.length > 0 ? { path, runtimeArgs: args } : { path };
  // structuredClone: the caller's object is never modified.
  const out = structuredClone(base) as Record<string, unknown>;
  out.runtimes = { ...(out.runtimes as Record<string, unknown> | undefined), [name]: entry };
  if (makeDefault) out['default-runtime'] = name;
  return out;
}

/**
 * Renders Docker's `/etc/docker/daemon.json` (2-space JSON) with the gVisor
 * runtime merged into `base`. Restart dockerd to apply it.
 *
 * @see https://gvisor.dev/docs/user_guide/quick_start/docker/
 */
export function renderDockerDaemonConfig(options: DockerDaemonConfigOptions = {}): string {
  return `${JSON.stringify(dockerDaemonConfig(options), null, 2)}\n`;
}
