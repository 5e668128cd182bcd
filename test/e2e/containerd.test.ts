// Proof 2: containerd 1.x started with a rendered config (a drop-in imported
// from a minimal main config, or a whole rendered file) loads its CRI plugin
// and serves the gVisor runtime with the rendered options, in both shim
// modes; and a container started through runsc (runc v2 shim + BinaryName)
// from a locally built busybox image runs inside gVisor.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { criStatusInfo } from './cri-client';
import { Daemon, buildBusyboxRootfs, buildOciImageArchive, describeWith, findBinary, installedRunscRelease, mustRun, run, startDaemon, tempDir, waitFor } from './helpers';
import { ContainerdConfigOptions, RunscRelease, renderContainerdConfig, renderRunscToml, renderRunscWrapper, runscPreset } from '../../lib';

const IMAGE = 'docker.io/library/gvisor-iac-busybox:e2e';
const NAMESPACE = 'gvisor-iac-e2e';

describeWith(['containerd', 'ctr', 'containerd-shim-runc-v2', 'runsc', 'busybox', 'tar'], 'containerd with a rendered config', () => {
  const containerdBin = findBinary('containerd') as string;
  const ctr = findBinary('ctr') as string;
  const runsc = findBinary('runsc') as string;
  let dir: string;
  let release: RunscRelease;
  let imageArchive: string;
  let wrapper: string;
  const daemons: Daemon[] = [];
  const timings: string[] = [];

  beforeAll(() => {
    dir = tempDir('containerd');
    release = installedRunscRelease(runsc) as RunscRelease;
    const rootfs = path.join(dir, 'rootfs');
    buildBusyboxRootfs(rootfs);
    imageArchive = buildOciImageArchive(rootfs, dir, IMAGE);
    // The runc v2 shim takes a binary, not flags: a rendered wrapper carries
    // the hardened preset's flags (network none: `ctr run` gives an empty netns).
    wrapper = path.join(dir, 'runsc-wrapper');
    fs.writeFileSync(wrapper, renderRunscWrapper({ ...runscPreset('hardened', release), network: 'none', runscPath: runsc }), { mode: 0o755 });
  });

  afterAll(async () => {
    for (const d of daemons) await d.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    // eslint-disable-next-line no-console
    console.log(`containerd e2e timings: ${timings.join('; ')}`);
  });

  /** Starts containerd in its own temp root/state/socket; the config is written by `write(base)`. */
  async function startContainerd(name: string, write: (base: string, socket: string) => string): Promise<{ socket: string; daemon: Daemon }> {
    const base = path.join(dir, name);
    fs.mkdirSync(base, { recursive: true });
    const socket = path.join(base, 'containerd.sock');
    const config = write(base, socket);
    const daemon = startDaemon(containerdBin, ['--config', config], path.join(base, 'containerd.log'));
    daemons.push(daemon);
    await waitFor(`containerd (${name}) to serve ${socket}`, () => run(ctr, ['--address', socket, 'version'], { timeoutMs: 5_000 }).status === 0, 30_000, () => daemon.log());
    return { socket, daemon };
  }

  /** The minimal hand-written main config: temp paths and the rendered drop-in in `imports`. */
  function mainConfigImporting(base: string, socket: string, dropIn: string): string {
    const file = path.join(base, 'config.toml');
    fs.writeFileSync(file, [
      'version = 2',
      `root = "${base}/root"`,
      `state = "${base}/state"`,
      `imports = ["${dropIn}"]`,
      '[grpc]',
      `  address = "${socket}"`,
      '[ttrpc]',
      `  address = "${socket}.ttrpc"`,
      '',
    ].join('\n'));
    return file;
  }

  function criPluginStatus(socket: string): string {
    const out = mustRun(ctr, ['--address', socket, 'plugins', 'ls']);
    const line = out.split('\n').find((l) => /^io\.containerd\.grpc\.v1\s+cri\s/.test(l));
    return line?.trim().split(/\s+/).pop() ?? '(no cri line)';
  }

  interface ServedRuntime { runtimeType: string; options?: Record<string, unknown>; PodAnnotations?: string[] | null }
  async function runtimesServed(socket: string): Promise<{ defaultRuntimeName: string; runtimes: Record<string, ServedRuntime> }> {
    const info = await criStatusInfo(socket);
    const config = JSON.parse(info.config as string);
    return config.containerd;
  }

  const variants: Array<[string, ContainerdConfigOptions, (base: string) => void]> = [
    ['gVisor shim (io.containerd.runsc.v1 + runsc.toml), drop-in', { shim: 'runsc' }, () => undefined],
    ['runc v2 shim + BinaryName wrapper, drop-in', { shim: 'runc' }, () => undefined],
    ['gVisor shim with pod annotations, drop-in', { shim: 'runsc', podAnnotations: ['dev.gvisor.*'], acknowledgeWarnings: { NODE_POD_ANNOTATIONS: 'e2e checks the rendering' } }, () => undefined],
  ];

  test.each(variants)('%s: CRI plugin ok and the runtime served as rendered', async (title, options) => {
    const t0 = Date.now();
    const name = title.replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 40);
    let runscToml = '';
    const { socket } = await startContainerd(name, (base, sock) => {
      runscToml = path.join(base, 'runsc.toml');
      fs.writeFileSync(runscToml, renderRunscToml({ ...runscPreset('hardened', release), binaryName: runsc, root: `${base}/runsc` }));
      const dropIn = path.join(base, 'gvisor.toml');
      fs.writeFileSync(dropIn, renderContainerdConfig({ ...options, ...(options.shim === 'runc' ? { runscBinary: wrapper } : { runscConfigPath: runscToml }) }));
      return mainConfigImporting(base, sock, dropIn);
    });
    expect(criPluginStatus(socket)).toBe('ok');
    const served = await runtimesServed(socket);
    expect(served.defaultRuntimeName).toBe('runc');
    expect(served.runtimes.runc?.runtimeType).toBe('io.containerd.runc.v2');
    if (options.shim === 'runc') {
      expect(served.runtimes.runsc).toMatchObject({ runtimeType: 'io.containerd.runc.v2', options: { BinaryName: wrapper } });
    } else {
      expect(served.runtimes.runsc).toMatchObject({ runtimeType: 'io.containerd.runsc.v1', options: { TypeUrl: 'io.containerd.runsc.v1.options', ConfigPath: runscToml } });
    }
    expect(served.runtimes.runsc?.PodAnnotations ?? []).toEqual(options.podAnnotations ?? []);
    timings.push(`${name} ${Date.now() - t0} ms`);
  });

  test('a whole rendered file (mode file, schema 2) also loads', async () => {
    const { socket } = await startContainerd('whole-file', (base, sock) => {
      const file = path.join(base, 'config.toml');
      fs.writeFileSync(file, renderContainerdConfig({ mode: 'file', shim: 'runc', runscBinary: wrapper, root: `${base}/root`, state: `${base}/state`, address: sock }));
      return file;
    });
    expect(criPluginStatus(socket)).toBe('ok');
    expect((await runtimesServed(socket)).runtimes.runsc).toMatchObject({ runtimeType: 'io.containerd.runc.v2', options: { BinaryName: wrapper } });
  });

  test("control: a drop-in that defines only runsc (gVisor's documented snippet) breaks the CRI plugin", async () => {
    const { socket, daemon } = await startContainerd('control', (base, sock) => {
      const dropIn = path.join(base, 'gvisor.toml');
      fs.writeFileSync(dropIn, 'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runsc]\n  runtime_type = "io.containerd.runsc.v1"\n');
      return mainConfigImporting(base, sock, dropIn);
    });
    expect(criPluginStatus(socket)).toBe('error');
    expect(daemon.log()).toContain('no corresponding runtime configured in `containerd.runtimes` for `containerd` `default_runtime_name = \\"runc\\"');
  });

  test('a busybox container started through runsc (runc v2 shim + BinaryName) runs inside gVisor', async () => {
    const t0 = Date.now();
    const { socket } = await startContainerd('run', (base, sock) => {
      const dropIn = path.join(base, 'gvisor.toml');
      fs.writeFileSync(dropIn, renderContainerdConfig({ shim: 'runc', runscBinary: wrapper }));
      return mainConfigImporting(base, sock, dropIn);
    });
    const served = await runtimesServed(socket);
    const binary = served.runtimes.runsc?.options?.BinaryName as string;
    expect(binary).toBe(wrapper);
    mustRun(ctr, ['--address', socket, '-n', NAMESPACE, 'images', 'import', imageArchive], { timeoutMs: 60_000 });
    expect(mustRun(ctr, ['--address', socket, '-n', NAMESPACE, 'images', 'ls', '-q'])).toContain(IMAGE);
    const out = mustRun(ctr, [
      '--address', socket, '-n', NAMESPACE, 'run', '--rm',
      '--runtime', 'io.containerd.runc.v2', '--runc-binary', binary, '--runc-root', path.join(dir, 'run', 'runc-root'),
      IMAGE, `gvisor-iac-e2e-${process.pid}`, '/bin/sh', '-c', 'dmesg; echo "kernel=$(uname -r)"',
    ], { timeoutMs: 120_000 });
    expect(out).toContain('Starting gVisor...');
    expect(out).toMatch(/^kernel=4\.4\.0$/m);
    timings.push(`ctr run in gVisor ${Date.now() - t0} ms`);
  });
});
