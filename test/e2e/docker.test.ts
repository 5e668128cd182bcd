// Proofs 3 and 4: dockerd started with a rendered daemon.json (merged into a
// base that holds the temp paths) lists runsc, runs an imported busybox rootfs
// inside gVisor, and the hardened pod settings hold inside real gVisor.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PodSpec } from 'kubernetes-types/core/v1';
import { Daemon, buildBusyboxRootfs, describeWith, findBinary, installedRunscRelease, mustRun, run, startDaemon, tarDirectory, tempDir, waitFor } from './helpers';
import { RunscRelease, renderDockerDaemonConfig, renderSandboxedPod, runscPreset } from '../../lib';
import { parseQuantity } from '../../lib/core';

/** Translates a core pod spec's security settings for its one container into `docker run` flags; throws on anything it cannot express. */
function dockerRunFlagsFor(spec: PodSpec): string[] {
  const [c] = spec.containers;
  const psc = spec.securityContext ?? {};
  const sc = c?.securityContext ?? {};
  if (sc.privileged !== false) throw new Error('expected privileged: false');
  const flags = ['--user', `${sc.runAsUser ?? psc.runAsUser}:${sc.runAsGroup ?? psc.runAsGroup}`];
  if (sc.readOnlyRootFilesystem) flags.push('--read-only');
  for (const cap of sc.capabilities?.drop ?? []) flags.push('--cap-drop', cap);
  for (const cap of sc.capabilities?.add ?? []) flags.push('--cap-add', cap);
  if (sc.allowPrivilegeEscalation === false) flags.push('--security-opt', 'no-new-privileges');
  for (const m of c?.volumeMounts ?? []) {
    const v = spec.volumes?.find((x) => x.name === m.name);
    if (!v?.emptyDir) throw new Error(`cannot express volume ${m.name} as a docker flag`);
    const size = v.emptyDir.sizeLimit === undefined ? '' : `:size=${parseQuantity(v.emptyDir.sizeLimit, 'sizeLimit', 'storage')}`;
    flags.push('--tmpfs', `${m.mountPath}${size}`);
  }
  return flags;
}

const IMAGE = 'gvisor-iac-busybox:e2e';

describeWith(['dockerd', 'docker', 'runsc', 'busybox', 'tar'], 'dockerd with a rendered daemon.json', () => {
  const dockerd = findBinary('dockerd') as string;
  const docker = findBinary('docker') as string;
  const runsc = findBinary('runsc') as string;
  let dir: string;
  let socket: string;
  let daemon: Daemon | undefined;
  let release: RunscRelease;
  const started = Date.now();
  const dockerCli = (args: string[], timeoutMs = 120_000) => run(docker, ['-H', `unix://${socket}`, ...args], { timeoutMs });

  beforeAll(async () => {
    // A short path: dockerd's exec-root holds unix sockets (108-byte limit).
    dir = tempDir('docker');
    socket = path.join(dir, 'docker.sock');
    release = installedRunscRelease(runsc) as RunscRelease;
    // The node's existing daemon.json: every key must survive the merge, and
    // dockerd relies on them here (temp paths, no bridge, no iptables).
    const base = {
      'data-root': path.join(dir, 'data'),
      'exec-root': path.join(dir, 'exec'),
      'pidfile': path.join(dir, 'docker.pid'),
      'hosts': [`unix://${socket}`],
      'bridge': 'none',
      'iptables': false,
      'ip6tables': false,
      'storage-driver': 'vfs',
      'runtimes': { 'other-runtime': { path: '/usr/bin/true' } },
    };
    // runsc needs --network=none here: the container's network namespace has only loopback.
    fs.writeFileSync(path.join(dir, 'daemon.json'), renderDockerDaemonConfig({ ...runscPreset('hardened', release), network: 'none', path: runsc, base }));
    daemon = startDaemon(dockerd, ['--config-file', path.join(dir, 'daemon.json')], path.join(dir, 'dockerd.log'));
    await waitFor('dockerd to answer', () => dockerCli(['version'], 10_000).status === 0, 60_000, () => daemon?.log() ?? '');

    const rootfs = path.join(dir, 'rootfs');
    buildBusyboxRootfs(rootfs);
    const tar = path.join(dir, 'rootfs.tar');
    tarDirectory(rootfs, tar);
    mustRun(docker, ['-H', `unix://${socket}`, 'import', tar, IMAGE]);
  });

  afterAll(async () => {
    if (daemon) {
      dockerCli(['rm', '-f', ...dockerCli(['ps', '-aq']).stdout.split('\n').filter(Boolean)], 30_000);
      await daemon.stop();
    }
    // dockerd leaves its exec-root mounts behind if it was killed; unmount before removing.
    run('umount', ['-R', path.join(dir, 'exec')]);
    run('umount', ['-R', path.join(dir, 'data')]);
    fs.rmSync(dir, { recursive: true, force: true });
    // eslint-disable-next-line no-console
    console.log(`docker e2e: ${Date.now() - started} ms`);
  });

  test('docker info lists the runsc runtime with the rendered runtimeArgs, next to the base runtime', () => {
    const r = dockerCli(['info', '--format', '{{json .Runtimes}}']);
    expect(r.status).toBe(0);
    const runtimes = JSON.parse(r.stdout);
    expect(Object.keys(runtimes)).toEqual(expect.arrayContaining(['runc', 'runsc', 'other-runtime']));
    expect(runtimes.runsc.path).toBe(runsc);
    expect(runtimes.runsc.runtimeArgs).toEqual(['--network=none', '--file-access=exclusive', '--host-uds=none', '--host-fifo=none', '--net-raw=false', '--oci-seccomp']);
  });

  test('docker run --runtime=runsc runs the imported busybox inside gVisor', () => {
    // dmesg needs CAP_SYSLOG, which Docker does not grant by default (and the
    // rendered --oci-seccomp makes gVisor enforce Docker's seccomp profile too).
    const r = dockerCli(['run', '--rm', '--runtime=runsc', '--network=none', '--cap-add', 'SYSLOG', IMAGE, '/bin/sh', '-c', 'dmesg; echo "kernel=$(uname -r)"']);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.stdout).toContain('Starting gVisor...');
    expect(r.stdout).toMatch(/^kernel=4\.4\.0$/m);
  });

  test('the hardened pod settings hold inside gVisor: uid 1000, read-only root, writable /tmp', () => {
    // What the core emits for a SandboxedPod, translated field by field into
    // docker run flags: pod runAsUser/runAsGroup, readOnlyRootFilesystem,
    // capabilities, allowPrivilegeEscalation and the writable /tmp emptyDir.
    const pod = renderSandboxedPod({ containers: [{ name: 'app', image: IMAGE }] }, 'e2e').objects[0] as unknown as { spec: PodSpec };
    const hardened = dockerRunFlagsFor(pod.spec);
    expect(hardened).toEqual(['--user', '1000:1000', '--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '--tmpfs', '/tmp:size=67108864']);
    const script = [
      'echo "uid=$(id -u) gid=$(id -g)"',
      'if touch /root-write 2>/dev/null; then echo "root=writable"; else echo "root=read-only"; fi',
      'if touch /tmp/ok; then echo "tmp=writable"; else echo "tmp=read-only"; fi',
      'grep -E "^(CapEff|NoNewPrivs)" /proc/self/status',
      'if dmesg >/dev/null 2>&1; then echo "dmesg=allowed"; else echo "dmesg=denied"; fi',
      'echo "kernel=$(uname -r)"',
    ].join('; ');
    const r = dockerCli(['run', '--rm', '--runtime=runsc', '--network=none', ...hardened, IMAGE, '/bin/sh', '-c', script]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.stdout).toMatch(/^uid=1000 gid=1000$/m);
    expect(r.stdout).toMatch(/^root=read-only$/m);
    expect(r.stdout).toMatch(/^tmp=writable$/m);
    expect(r.stdout).toMatch(/^CapEff:\s+0+$/m);
    expect(r.stdout).toMatch(/^dmesg=denied$/m);
    expect(r.stdout).toMatch(/^kernel=4\.4\.0$/m);
  });
});
