// Proof 1: every flag set the renderer produces for the installed runsc
// release is accepted by the real runsc, which then boots a sandbox
// (`uname -r` prints gVisor's 4.4.0); and what the renderer refuses for that
// release, the real runsc refuses too.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildBusyboxRootfs, describeWith, findBinary, installedRunscRelease, mustRun, run, tempDir } from './helpers';
import { GvisorIacError, RunscOptions, RUNSC_PRESET_NAMES, RunscRelease, runscFlags, runscPreset } from '../../lib';

describeWith(['runsc', 'unshare'], 'real runsc accepts the rendered flags', () => {
  const runsc = findBinary('runsc') as string;
  const unshare = findBinary('unshare') as string;
  let release: RunscRelease;
  let dir: string;
  const started = Date.now();
  let checked = 0;

  beforeAll(() => {
    release = installedRunscRelease(runsc) as RunscRelease;
    dir = tempDir('runsc');
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    // eslint-disable-next-line no-console
    console.log(`runsc ${release}: ${checked} rendered flag sets booted a sandbox in ${Date.now() - started} ms`);
  });

  /** Boots a sandbox with `flags` in a fresh network namespace (runsc refuses a sandbox network in the root one). */
  function runscDo(flags: string[], ...command: string[]) {
    const root = fs.mkdtempSync(path.join(dir, 'root-'));
    return run(unshare, ['--net', runsc, `--root=${root}`, ...flags, 'do', ...command], { timeoutMs: 60_000 });
  }

  /**
   * Runs an OCI bundle (busybox rootfs) with `flags`. Used where `runsc do`
   * cannot: `do` always wraps the host root in an overlay, which runsc
   * refuses with `--file-access=shared`.
   */
  let bundles = 0;
  function runscRun(flags: string[], ...command: string[]) {
    const bundle = fs.mkdtempSync(path.join(dir, 'bundle-'));
    buildBusyboxRootfs(path.join(bundle, 'rootfs'));
    mustRun(runsc, ['spec', '--', ...command], { cwd: bundle });
    const root = fs.mkdtempSync(path.join(dir, 'root-'));
    const id = `gvisor-iac-e2e-${process.pid}-${bundles++}`;
    try {
      return run(unshare, ['--net', runsc, `--root=${root}`, ...flags, 'run', '--bundle', bundle, id], { timeoutMs: 60_000 });
    } finally {
      run(runsc, [`--root=${root}`, 'delete', '--force', id]);
    }
  }

  test('the installed runsc is the release the renderer targets in CI (Debian bookworm)', () => {
    expect(release).toMatch(/^release-\d{8}\.\d+$/);
  });

  // Option combinations; each is rendered for the installed release.
  const overlayDir = () => fs.mkdtempSync(path.join(dir, 'overlay-'));
  const combos: Array<[string, () => RunscOptions]> = [
    ['no options', () => ({})],
    ['platform ptrace', () => ({ platform: 'ptrace' })],
    ['network sandbox', () => ({ network: 'sandbox' })],
    ['network host', () => ({ network: 'host' })],
    ['network none', () => ({ network: 'none' })],
    ['fileAccess exclusive', () => ({ fileAccess: 'exclusive' })],
    ['fileAccessMounts exclusive', () => ({ fileAccessMounts: 'exclusive' })],
    ['fileAccessMounts shared', () => ({ fileAccessMounts: 'shared' })],
    ['overlay2 none', () => ({ overlay2: 'none' })],
    ['overlay2 root:memory', () => ({ overlay2: 'root:memory' })],
    ['overlay2 all:memory', () => ({ overlay2: 'all:memory' })],
    ['overlay2 root:<dir> (this release spells the directory medium as a bare path)', () => ({ overlay2: `root:${overlayDir()}` as RunscOptions['overlay2'] })],
    ...(['none', 'open', 'create', 'all'] as const).map((v): [string, () => RunscOptions] => [`hostUds ${v}`, () => ({ hostUds: v })]),
    ...(['none', 'open'] as const).map((v): [string, () => RunscOptions] => [`hostFifo ${v}`, () => ({ hostFifo: v })]),
    ['netRaw true', () => ({ netRaw: true })],
    ['netRaw false', () => ({ netRaw: false })],
    ['ociSeccomp true', () => ({ ociSeccomp: true })],
    ['ignoreCgroups', () => ({ ignoreCgroups: true })],
    ['watchdogAction panic', () => ({ watchdogAction: 'panic' })],
    ['debug + debugLog directory', () => ({ debug: true, debugLog: `${dir}/debug-logs/` })],
    ['strace + straceSyscalls + straceLogSize', () => ({ strace: true, straceSyscalls: ['openat', 'read'], straceLogSize: 64 })],
    ['extraFlags (gso off, qdisc none)', () => ({ extraFlags: ['--gso=false', '--qdisc=none'] })],
    ['everything isolating at once', () => ({ platform: 'ptrace', network: 'none', fileAccess: 'exclusive', fileAccessMounts: 'exclusive', overlay2: 'root:memory', hostUds: 'none', hostFifo: 'none', netRaw: false, ociSeccomp: true })],
  ];

  test.each(RUNSC_PRESET_NAMES.map((n) => [n]))('preset %s', (name) => {
    const flags = runscFlags(runscPreset(name, release));
    expect(flags.length).toBeGreaterThan(0);
    const r = runscDo(flags, 'uname', '-r');
    expect({ flags, status: r.status, stderr: r.stderr }).toEqual({ flags, status: 0, stderr: '' });
    expect(r.stdout.trim()).toBe('4.4.0');
    checked++;
  });

  test.each(combos)('%s', (_title, options) => {
    const flags = runscFlags({ ...options(), runscRelease: release });
    const r = runscDo(flags, 'uname', '-r');
    expect({ flags, status: r.status, stderr: r.stderr.slice(-2000) }).toEqual({ flags, status: 0, stderr: expect.any(String) });
    expect(r.stdout.trim()).toBe('4.4.0');
    checked++;
  });

  // `runsc do` forces an overlay, so shared root file access is run as an OCI bundle.
  const sharedCombos: Array<[string, () => RunscOptions]> = [
    ['fileAccess shared (old releases have no root overlay by default)', () => ({ fileAccess: 'shared', network: 'none' })],
    ['fileAccess shared + overlay2 none', () => ({ fileAccess: 'shared', overlay2: 'none', network: 'none' })],
    ['fileAccess shared + fileAccessMounts shared', () => ({ fileAccess: 'shared', fileAccessMounts: 'shared', overlay2: 'none', network: 'none' })],
  ];
  test.each(sharedCombos)('%s (runsc run of a busybox bundle)', (_title, options) => {
    const flags = runscFlags({ ...options(), runscRelease: release });
    const r = runscRun(flags, '/bin/uname', '-r');
    expect({ flags, status: r.status, stderr: r.stderr.slice(-2000) }).toEqual({ flags, status: 0, stderr: expect.any(String) });
    expect(r.stdout.trim()).toBe('4.4.0');
    checked++;
  });

  // The other direction: what the renderer refuses for this release, the
  // real runsc refuses as well (so the refusal is not over-cautious).
  const refused: Array<[string, RunscOptions, string[]]> = [
    ['platform systrap', { platform: 'systrap' }, ['--platform=systrap']],
    ['directfs', { directfs: true }, ['--directfs']],
    ['nvproxy', { nvproxy: true }, ['--nvproxy']],
    ['overlay2 root:self', { overlay2: 'root:self' }, ['--overlay2=root:self']],
    ['overlay2 root:dir=/tmp', { overlay2: 'root:dir=/tmp' }, ['--overlay2=root:dir=/tmp']],
    ['overlay2 root:memory,size=1g', { overlay2: 'root:memory,size=1g' }, ['--overlay2=root:memory,size=1g']],
  ];
  test.each(refused)('refused for this release and by the real runsc: %s', (_title, options, rawFlags) => {
    if (release !== 'release-20221219.0') return; // the table describes Debian bookworm's runsc
    let error: unknown;
    try {
      runscFlags({ ...options, runscRelease: release });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GvisorIacError);
    expect((error as GvisorIacError).code).toBe('UNSUPPORTED_BY_RELEASE');
    expect((error as GvisorIacError).message).toContain(release);
    const r = runscDo(rawFlags, 'true');
    expect(r.status).not.toBe(0);
  });
});
