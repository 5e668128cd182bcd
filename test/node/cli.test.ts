import { parse } from 'smol-toml';
import { runCli } from '../../lib/cli';

describe('gvisor-iac CLI', () => {
  test('--help prints the usage and exits 0; no command exits 2', () => {
    const help = runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: gvisor-iac <command> \[options\]/);
    for (const cmd of ['runsc-flags', 'runsc-toml', 'runsc-wrapper', 'containerd', 'docker', 'compose', 'presets']) expect(help.stdout).toContain(`  ${cmd} `);
    expect(runCli([]).code).toBe(2);
  });

  test('runsc-flags defaults to the hardened preset; --preset none gives bare options', () => {
    expect(runCli(['runsc-flags']).stdout).toBe('--network=sandbox\n--file-access=exclusive\n--host-uds=none\n--host-fifo=none\n--net-raw=false\n--oci-seccomp\n');
    expect(runCli(['runsc-flags', '--preset', 'none', '--platform', 'ptrace', '--debug', 'true']).stdout).toBe('--platform=ptrace\n--debug\n');
  });

  test('flags override the preset; the release reshapes it', () => {
    const out = runCli(['runsc-flags', '--preset', 'untrusted-code', '--release', 'release-20221219.0', '--platform', 'ptrace']).stdout;
    expect(out).toContain('--platform=ptrace\n--network=none\n');
    expect(out).not.toContain('directfs');
  });

  test('runsc-toml parses back with every runsc_config value a string', () => {
    const r = runCli(['runsc-toml', '--binary-name', '/usr/bin/runsc', '--log-level', 'debug', '--extra-flag=--gso=false']);
    expect(r.code).toBe(0);
    const doc = parse(r.stdout) as { binary_name: string; log_level: string; runsc_config: Record<string, unknown> };
    expect(doc.binary_name).toBe('/usr/bin/runsc');
    expect(doc.log_level).toBe('debug');
    expect(Object.values(doc.runsc_config).every((v) => typeof v === 'string')).toBe(true);
    expect(doc.runsc_config.gso).toBe('false');
  });

  test('containerd: schema, shim, pod annotations with a warning on stderr, and its acknowledgement', () => {
    const r = runCli(['containerd', '--schema', '3', '--shim', 'runc', '--runsc-binary', '/usr/local/bin/runsc-wrapper', '--pod-annotation', 'dev.gvisor.*']);
    expect(r.code).toBe(0);
    const doc = parse(r.stdout) as Record<string, any>;
    expect(doc.plugins['io.containerd.cri.v1.runtime'].containerd.runtimes.runsc.options).toEqual({ BinaryName: '/usr/local/bin/runsc-wrapper' });
    expect(r.stderr).toMatch(/^warning NODE_POD_ANNOTATIONS: --pod-annotation: /);
    expect(runCli(['containerd', '--pod-annotation', 'dev.gvisor.*', '--acknowledge', 'NODE_POD_ANNOTATIONS=policy in place']).stderr).toBe('');
  });

  test('containerd --sandbox-image pins the pause image (schema 3: the images plugin)', () => {
    const r = runCli(['containerd', '--schema', '3', '--mode', 'file', '--sandbox-image', 'gvisor-iac.test/pause:1']);
    expect(r.code).toBe(0);
    expect((parse(r.stdout) as Record<string, any>).plugins['io.containerd.cri.v1.images']).toEqual({ pinned_images: { sandbox: 'gvisor-iac.test/pause:1' } });
    expect(runCli(['containerd', '--sandbox-image', 'Not An Image']).stderr).toMatch(/^error INVALID_VALUE: --sandbox-image: "Not An Image" is not an image reference/);
  });

  test('docker merges --base from a file', () => {
    const fs = jest.requireActual<typeof import('node:fs')>('node:fs');
    const os = jest.requireActual<typeof import('node:os')>('node:os');
    const path = jest.requireActual<typeof import('node:path')>('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gvisor-iac-cli-'));
    try {
      const base = path.join(dir, 'daemon.json');
      fs.writeFileSync(base, '{"log-driver": "journald"}');
      const r = runCli(['docker', '--base', base, '--preset', 'none', '--network', 'none', '--path', '/usr/bin/runsc']);
      expect(JSON.parse(r.stdout)).toEqual({ 'log-driver': 'journald', 'runtimes': { runsc: { path: '/usr/bin/runsc', runtimeArgs: ['--network=none'] } } });
      // A missing or malformed base is an error, never an empty daemon.json (test/security/docker-base.test.ts has the variants).
      expect(runCli(['docker', '--base', path.join(dir, 'missing.json'), '--preset', 'none'])).toMatchObject({ code: 1, stdout: '' });
      fs.writeFileSync(base, '{oops');
      expect(runCli(['docker', '--base', base])).toMatchObject({ code: 1, stdout: '' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('compose, runsc-wrapper and presets print', () => {
    expect(runCli(['compose', '--image', 'busybox']).stdout).toContain('runtime: "runsc"');
    expect(runCli(['runsc-wrapper', '--preset', 'none', '--runsc-path', '/usr/bin/runsc']).stdout).toContain('exec /usr/bin/runsc "$@"');
    expect(runCli(['presets']).stdout).toMatch(/^hardened\n {2}flags: --network=sandbox/);
  });

  test.each([
    [['runsc-flags', '--file-access', 'proxy'], 1, /^error INVALID_VALUE: --file-access: "proxy" was removed from runsc in 2018/],
    [['runsc-flags', '--release', 'release-20221219.0', '--platform', 'systrap'], 1, /^error UNSUPPORTED_BY_RELEASE: --platform: "systrap" is not supported by runsc release-20221219.0/],
    [['runsc-flags', '--extra-flag=--TESTONLY-unsafe-nonroot'], 1, /^error INVALID_NODE_CONFIG: --extra-flag\[0\]/],
    [['containerd', '--handler', 'Bad_Name'], 1, /^error INVALID_NAME: --handler: "Bad_Name"/],
    [['runsc-flags', '--debug', 'yes'], 2, /^gvisor-iac runsc-flags: --debug takes true or false, not "yes"/],
    [['runsc-flags', '--preset', 'fast'], 2, /^gvisor-iac runsc-flags: --preset "fast" is not a preset; use hardened, untrusted-code, performance, none/],
    [['containerd', '--network', 'none'], 2, /^gvisor-iac containerd: --network is not an option here; runsc-flags, runsc-toml, runsc-wrapper and docker take it/],
    [['runsc-flags', '--plaform', 'kvm'], 2, /^gvisor-iac runsc-flags: --plaform is not an option here; did you mean --platform\? /],
    [['deploy'], 2, /^gvisor-iac: unknown command "deploy"/],
    [['runsc-flags', 'docker'], 2, /^gvisor-iac runsc-flags: one command at a time/],
  ])('%j exits %i', (argv, code, stderr) => {
    const r = runCli(argv);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(stderr);
  });
});
