import { ownOptions } from './own-options';
import { RunscOptions, ResolvedRunscOptions, resolveRunscOptions } from './runsc-options';
import { NodeWarningOptions, WARNING_OPTION_NAMES, reportWarnings } from './warnings';

/** Options for `runscFlags`: the runsc options, and how their warnings are reported. */
export interface RunscFlagsOptions extends RunscOptions, NodeWarningOptions {}

/** Turns resolved flags into command-line arguments (`--name=value`, `--name` for true). */
export function flagsToArgs(resolved: ResolvedRunscOptions): string[] {
  return resolved.flags.map(([name, value]) => (value === undefined || value === 'true' ? `--${name}` : `--${name}=${value}`));
}

/**
 * The runsc command-line flags for `options` (global flags, placed before the
 * subcommand), e.g. for Docker's `runtimeArgs`, a wrapper script or
 * `runsc <flags> run …`. Options left unset are not emitted. Raises the same
 * warnings as every other renderer of runsc options (`NODE_HOST_NETWORK`, …).
 *
 * @example runscFlags({ network: 'none', hostUds: 'none' }) // ['--network=none', '--host-uds=none']
 */
export function runscFlags(options: RunscFlagsOptions = {}): string[] {
  const opts = ownOptions(options ?? {}, 'options', '');
  const resolved = resolveRunscOptions(opts, '', WARNING_OPTION_NAMES);
  reportWarnings(resolved.warnings, opts);
  return flagsToArgs(resolved);
}
