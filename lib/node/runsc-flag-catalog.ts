import { RunscRelease, runscReleaseDate } from './runsc-releases';
import { editDistance } from '../core/validation/validate';

/**
 * The runsc flags each known release accepts, so that `extraFlags` can refuse
 * typos and flags the node's runsc does not have. Two snapshots are recorded:
 *
 * - release-20221219.0: `runsc flags` of Debian 12's runsc (`0.0~20221219.0`).
 * - gVisor's `go` branch of 2026-05-27 (module `gvisor.dev/gvisor`
 *   v0.0.0-20260527191743-a81fd9dd382e): every flag `config.RegisterFlags`
 *   registers, deprecated ones included.
 *
 * A name ending in `=` takes a value; the others are booleans.
 */
const FLAGS_20221219 = `
allow-flag-override alsologtostderr buffer-pooling cgroupfs coverage-fd= coverage-report= cpu-num-from-quota
dcache= debug debug-command= debug-log= debug-log-fd= debug-log-format= enable-core-tags EXPERIMENTAL-afxdp
fdlimit= file-access= file-access-mounts= fsgofer-host-uds fuse gso gvisor-gro= host-fifo= host-uds=
ignore-cgroups lisafs log= log-fd= log-format= log-packets net-raw network= num-network-channels= oci-seccomp
overlay overlay2= panic-log= panic-log-fd= panic-signal= pcap-log= platform= platform_device_path=
pod-init-config= profile profile-block= profile-cpu= profile-heap= profile-mutex= qdisc= ref-leak-mode= root=
rootless rx-checksum-offload software-gso strace strace-event strace-log-size= strace-syscalls= systemd-cgroup
TESTONLY-allow-packet-endpoint-write TESTONLY-test-name-env= TESTONLY-unsafe-nonroot trace= traceback=
tx-checksum-offload version vfs2 watchdog-action=`;

const FLAGS_20260527 = `
allow-connected-on-save allow-flag-override allow-packet-socket-write allow-rootfs-tar-annotation allow-suid
alsologtostderr app-huge-pages buffer-pooling cgroupfs control-rpc-stop-timeout= coverage-report=
cpu-num-from-quota dcache= debug debug-command= debug-log= debug-log-format= debug-to-user-log directfs
enable-core-tags EXPERIMENTAL-xdp= EXPERIMENTAL-xdp-need-wakeup fdlimit= file-access= file-access-mounts=
final-metrics-log= fsgofer-host-uds fuse gso gvisor-gro gvisor-marker-file host-fifo= host-settings= host-uds=
ignore-cgroups iouring kvm-use-cpu-nums lisafs log= log-format= log-packets metric-server= net-disconnect-ok
net-raw network= network-processors-per-channel= num-network-channels= nvproxy
nvproxy-allowed-driver-capabilities= nvproxy-docker nvproxy-driver-version= oci-seccomp overlay overlay2=
panic-log= panic-signal= pause-external-networking pcap-log= platform= platform_device_path= pod-init-config=
profile profile-block= profile-cpu= profile-gc-interval= profile-heap= profile-mutex= profiling-metrics=
profiling-metrics-log= profiling-metrics-rate-us= qdisc= qdisc-tbf-burst= qdisc-tbf-rate= ref-leak-mode=
reproduce-nat reproduce-nftables restore-spec-validation= root= rootless rx-checksum-offload
save-restore-netstack software-gso strace strace-event strace-log-size= strace-syscalls= systemd-cgroup
systrap-disable-syscall-patching TESTONLY-afs-syscall-panic TESTONLY-autosave-image-path=
TESTONLY-autosave-resume TESTONLY-nftables TESTONLY-test-name-env= TESTONLY-unsafe-nonroot tpuproxy trace=
traceback= tx-checksum-offload vfs2 watchdog-action=`;

/** The date (YYYYMMDD) of the newer snapshot: `current` and later tags use it. */
export const RUNSC_FLAG_CATALOG_DATE = 20260527;
const OLDER_SNAPSHOT_DATE = 20221219;

/** Whether a runsc flag is a boolean (`--name`, `--name=false`) or takes a value (`--name=value`). */
export type RunscFlagKind = 'bool' | 'value';

function parseSnapshot(text: string): ReadonlyMap<string, RunscFlagKind> {
  const out = new Map<string, RunscFlagKind>();
  for (const word of text.split(/\s+/)) {
    if (word === '') continue;
    if (word.endsWith('=')) out.set(word.slice(0, -1), 'value');
    else out.set(word, 'bool');
  }
  return out;
}

const SNAPSHOT_2022 = parseSnapshot(FLAGS_20221219);
const SNAPSHOT_2026 = parseSnapshot(FLAGS_20260527);

/**
 * The flags runsc `release` accepts, with their kinds. Releases up to
 * release-20221219.0 use that snapshot, `current` and releases from
 * 2026-05-27 on the newer one; a release in between accepts a flag either
 * snapshot has (the kinds of both, where they differ), since the catalogue
 * cannot tell when in between a flag came or went.
 */
export function runscReleaseFlags(release: RunscRelease): ReadonlyMap<string, readonly RunscFlagKind[]> {
  const date = runscReleaseDate(release);
  const snapshots = date <= OLDER_SNAPSHOT_DATE ? [SNAPSHOT_2022]
    : date >= RUNSC_FLAG_CATALOG_DATE ? [SNAPSHOT_2026]
      : [SNAPSHOT_2022, SNAPSHOT_2026];
  const out = new Map<string, RunscFlagKind[]>();
  for (const snapshot of snapshots) {
    for (const [name, kind] of snapshot) {
      const kinds = out.get(name) ?? [];
      if (!kinds.includes(kind)) kinds.push(kind);
      out.set(name, kinds);
    }
  }
  return out;
}

/**
 * Deprecated runsc flags that still change what a typed option controls.
 * runsc honours them (`--fsgofer-host-uds` opens host sockets like
 * `--host-uds`, `--overlay` turns on an overlay like `--overlay2`), so they
 * belong to the typed option's flag and are refused in `extraFlags`.
 */
export const RUNSC_FLAG_ALIASES: Readonly<Record<string, string>> = {
  'fsgofer-host-uds': 'host-uds',
  'overlay': 'overlay2',
};

/**
 * Flags that are known but are not settings: `--version` makes runsc print
 * its version and exit, and the `*-fd` flags name file descriptors that the
 * process starting runsc (Docker, containerd's shim) does not pass.
 */
export const RUNSC_NON_SETTING_FLAGS: Readonly<Record<string, string>> = {
  'version': 'makes runsc print its version and exit, so no container would start',
  'log-fd': 'names a file descriptor that the caller of runsc does not pass',
  'debug-log-fd': 'names a file descriptor that the caller of runsc does not pass',
  'panic-log-fd': 'names a file descriptor that the caller of runsc does not pass',
  'coverage-fd': 'names a file descriptor that the caller of runsc does not pass',
};

/**
 * Known, untyped flags that loosen the sandbox. `extraFlags` may set them,
 * but every renderer then raises warning `NODE_EXTRA_FLAG`.
 */
export const RUNSC_LOOSENING_FLAGS: Readonly<Record<string, string>> = {
  'allow-packet-socket-write': 'lets sandboxed code write to AF_PACKET sockets and craft arbitrary packets',
  'allow-suid': 'lets binaries with the setuid/setgid bit raise their IDs inside the sandbox',
  'rootless': 'starts the sandbox and gofer without dropping to an unprivileged setup (they run with the caller\'s privileges)',
  'allow-rootfs-tar-annotation': 'lets a pod annotation supply its root filesystem as a tar file',
  'EXPERIMENTAL-xdp': 'hands a host network device to the sandbox through XDP',
  'EXPERIMENTAL-afxdp': 'hands a host network device to the sandbox through AF_XDP',
  'nvproxy-docker': 'injects nvidia-container-runtime-hook, which runs on the host, as a prestart hook',
};

/** The known flag closest to `name` (case and `_`/`-` differences first), if any is close. */
export function closestRunscFlag(name: string, known: Iterable<string>): string | undefined {
  const fold = (s: string) => s.toLowerCase().replace(/_/g, '-');
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const d = fold(candidate) === fold(name) ? 0 : editDistance(fold(name), fold(candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 4)) ? best : undefined;
}

/** Go's `strconv.ParseBool` spellings, which runsc's boolean flags accept. */
export const GO_BOOL_VALUES: readonly string[] = ['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'];
