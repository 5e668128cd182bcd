import { RunscOptions, ResolvedRunscOptions, resolveRunscOptions } from './runsc-options';

/** Turns resolved flags into command-line arguments (`--name=value`, `--name` for true). */
export function flagsToArgs(resolved: ResolvedRunscOptions): string[] {
  return resolved.flags.map(([name, value]) => (value === undefined || value === 'true' ? `--${name}` : `--${name}=${value}`));
}

/**
 * The runsc command-line flags for `options` (global flags, placed before the
 * subcommand), e.g. for Docker's `runtimeArgs`, a wrapper script or
 * `runsc <flags> run …`. Options left unset are not emitted.
 *
 * @example runscFlags({ network: 'none', hostUds: 'none' }) // ['--network=none', '--host-uds=none']
 */
export function runscFlags(options: RunscOptions = {}): string[] {
  return flagsToArgs(resolveRunscOptions(options));
}
