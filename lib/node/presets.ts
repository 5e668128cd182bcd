import { RunscOptions } from './runsc-options';
import { CURRENT_RUNSC_RELEASE, RunscRelease, assertRunscRelease, runscReleaseSupports } from './runsc-releases';
import { GvisorIacError } from '../core/errors';

/** Named runsc option sets. */
export type RunscPresetName = 'hardened' | 'untrusted-code' | 'performance';

export const RUNSC_PRESET_NAMES: readonly RunscPresetName[] = ['hardened', 'untrusted-code', 'performance'];

/** What each preset is for and what it costs. */
export const RUNSC_PRESET_TRADEOFFS: Record<RunscPresetName, string> = {
  'hardened':
    'The default. Pins the isolating values (sandbox network, exclusive root filesystem, no host Unix sockets or FIFOs, no raw sockets) so a runsc upgrade or a ' +
    "flag override cannot loosen them, and enforces the container's own seccomp profile inside the sandbox (oci-seccomp). Costs: programs that need " +
    'syscalls the seccomp profile blocks fail as they would under runc.',
  'untrusted-code':
    'For code nobody trusts. Everything in "hardened", plus no network at all (network none: loopback only, so Services, HTTP/TCP probes and egress do not ' +
    'work), volumes treated as exclusive, and (where the release has it) directfs off so every file access goes through the gofer. Costs: no networking; ' +
    'slower file I/O.',
  'performance':
    "For throughput. Uses the host kernel's network stack (network host: network exploits reach the host kernel, and the pod sees the node's interfaces), " +
    'directfs on (the sandbox keeps host file descriptors: a sandbox escape gets more of the host filesystem), a memory-backed root overlay, and volumes ' +
    'cached as exclusive (changes made to a volume from outside the pod — ConfigMap/Secret updates, other pods on shared volumes — are not seen). ' +
    'Pick a fast platform yourself: kvm on bare metal, systrap elsewhere.',
};

/**
 * The runsc options of a preset for a release (presets only use options the
 * release has). Spread it and override what you need:
 * `renderRunscToml({ ...runscPreset('hardened'), debug: true })`.
 *
 * @param release the node's runsc release (default `'current'`)
 */
export function runscPreset(name: RunscPresetName, release: RunscRelease = CURRENT_RUNSC_RELEASE): RunscOptions {
  const r = assertRunscRelease(release, 'runscRelease');
  const base: RunscOptions = r === CURRENT_RUNSC_RELEASE ? {} : { runscRelease: r };
  switch (name) {
    case 'hardened':
      return { ...base, network: 'sandbox', fileAccess: 'exclusive', hostUds: 'none', hostFifo: 'none', netRaw: false, ociSeccomp: true };
    case 'untrusted-code':
      return {
        ...base,
        network: 'none',
        fileAccess: 'exclusive',
        fileAccessMounts: 'exclusive',
        hostUds: 'none',
        hostFifo: 'none',
        netRaw: false,
        ociSeccomp: true,
        ...(runscReleaseSupports(r, 'directfs') ? { directfs: false } : {}),
      };
    case 'performance':
      return {
        ...base,
        network: 'host',
        fileAccess: 'exclusive',
        fileAccessMounts: 'exclusive',
        overlay2: 'root:memory',
        ...(runscReleaseSupports(r, 'directfs') ? { directfs: true } : {}),
      };
    default:
      throw new GvisorIacError('INVALID_VALUE', 'preset', name, 'is not a runsc preset', `use one of ${RUNSC_PRESET_NAMES.map((n) => JSON.stringify(n)).join(', ')}`);
  }
}
