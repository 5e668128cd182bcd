// Proof 1b: the renderer on the current gVisor — runsc built from
// gvisor.dev/gvisor (test/cluster/build/gvisor.sh, .tools/bin/runsc). Its
// release is detected from `runsc --version`; every rendered flag set for
// that release, including what Debian's 2022 runsc lacks (systrap, directfs,
// overlay2 self/dir/size), boots a sandbox (`uname -r`: 4.19.0-gvisor); and
// runsc logs the configuration the flags asked for.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { E2E_REQUIRED, buildBusyboxRootfs, findBinary, mustRun, run, tempDir } from './helpers';
import { RUNSC_PRESET_NAMES, RunscOptions, RunscRelease, runscFlags, runscPreset } from '../../lib';
import { RunscFeature, assertRunscRelease, runscReleaseSupports } from '../../lib/node';

/** What `uname -r` says inside current gVisor (Debian's 2022 runsc said 4.4.0). */
const CURRENT_UNAME_RELEASE = '4.19.0-gvisor';
const RUNSC = path.resolve(__dirname, '../../.tools/bin/runsc');
const available = fs.existsSync(RUNSC) && process.getuid?.() === 0 && findBinary('unshare') !== undefined;

/** The release in `runsc --version` output (`runsc version release-20260527.0-go-…`). */
export function releaseFromVersionOutput(out: string): RunscRelease {
  const m = /^runsc version (\S+)/m.exec(out);
  if (!m) throw new Error(`no "runsc version" line in: ${out}`);
  const tag = /^(?:release-|0\.0~)?(\d{8}\.\d+)/.exec(m[1] as string);
  return assertRunscRelease(tag ? `release-${tag[1]}` : m[1], 'runsc --version');
}

(available ? describe : E2E_REQUIRED ? (t: string, b: () => void) => describe(t, () => {
  test('prerequisites', () => {
    throw new Error(`GVISOR_IAC_E2E=1 but ${RUNSC} is missing (run npm run cluster:build first) or not root`);
  });
  void b;
}) : describe.skip)('current runsc (built from gvisor.dev/gvisor) with rendered flags', () => {
  let dir: string;
  let release: RunscRelease;

  beforeAll(() => {
    dir = tempDir('runsc-current');
    release = releaseFromVersionOutput(mustRun(RUNSC, ['--version']));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function runscDo(flags: string[], ...command: string[]) {
    const root = fs.mkdtempSync(path.join(dir, 'root-'));
    return run('unshare', ['--net', RUNSC, `--root=${root}`, ...flags, 'do', ...command], { timeoutMs: 120_000 });
  }

  test('release detection: `runsc --version` names a dated release that has every current feature', () => {
    expect(release).toMatch(/^release-20\d{6}\.\d+$/);
    const features: RunscFeature[] = ['platform-systrap', 'directfs', 'nvproxy', 'overlay2-self', 'overlay2-dir', 'overlay2-size', 'overlay2-on-by-default'];
    expect(features.filter((f) => !runscReleaseSupports(release, f))).toEqual([]);
    expect(runscReleaseSupports(release, 'overlay2-bare-path')).toBe(false);
    expect(() => releaseFromVersionOutput('runsc version VERSION_MISSING\n')).toThrow('runsc --version: "VERSION_MISSING" is not a runsc release');
  });

  test.each(RUNSC_PRESET_NAMES.map((n) => [n]))('preset %s boots a sandbox', (name) => {
    const flags = runscFlags(runscPreset(name, release));
    const r = runscDo(flags, 'uname', '-r');
    expect({ flags, status: r.status, stderr: r.stderr.slice(-2000) }).toEqual({ flags, status: 0, stderr: expect.any(String) });
    expect(r.stdout.trim()).toBe(CURRENT_UNAME_RELEASE);
  });

  /** `runsc run` of a busybox bundle: `runsc do` always overlays everything in memory, so overlay2 needs a real bundle. */
  let bundles = 0;
  function runscRun(flags: string[], ...command: string[]) {
    const bundle = fs.mkdtempSync(path.join(dir, 'bundle-'));
    buildBusyboxRootfs(path.join(bundle, 'rootfs'));
    mustRun(RUNSC, ['spec', '--', ...command], { cwd: bundle });
    const root = fs.mkdtempSync(path.join(dir, 'root-'));
    const id = `gvisor-iac-current-${process.pid}-${bundles++}`;
    try {
      return run('unshare', ['--net', RUNSC, `--root=${root}`, ...flags, 'run', '--bundle', bundle, id], { timeoutMs: 120_000 });
    } finally {
      run(RUNSC, [`--root=${root}`, 'delete', '--force', id]);
    }
  }

  const overlayDir = () => fs.mkdtempSync(path.join(dir, 'overlay-'));
  const combos: Array<[string, () => RunscOptions, RegExp, 'do' | 'run']> = [
    ['default platform is systrap', () => ({}), /Platform: systrap/, 'do'],
    ['platform systrap', () => ({ platform: 'systrap' }), /Platform: systrap/, 'do'],
    ['platform ptrace', () => ({ platform: 'ptrace' }), /Platform: ptrace/, 'do'],
    ['directfs on', () => ({ directfs: true }), /Directfs: true/, 'do'],
    ['directfs off', () => ({ directfs: false }), /Directfs: false/, 'do'],
    ['overlay2 unset: root:self is the default', () => ({}), /Overlay: root:self/, 'run'],
    ['overlay2 root:self', () => ({ overlay2: 'root:self' }), /Overlay: root:self/, 'run'],
    ['overlay2 root:memory', () => ({ overlay2: 'root:memory' }), /Overlay: root:memory/, 'run'],
    ['overlay2 all:memory', () => ({ overlay2: 'all:memory' }), /Overlay: all:memory/, 'run'],
    ['overlay2 root:dir=<dir>', () => ({ overlay2: `root:dir=${overlayDir()}` as RunscOptions['overlay2'] }), /Overlay: root:dir=\//, 'run'],
    ['overlay2 root:memory,size=64m', () => ({ overlay2: 'root:memory,size=64m' }), /Overlay: root:memory,size=64m/, 'run'],
    ['overlay2 none', () => ({ overlay2: 'none' }), /Overlay: none/, 'run'],
    ['network none', () => ({ network: 'none' }), /Network: none/, 'do'],
    ['hardened + everything isolating', () => ({ ...runscPreset('untrusted-code', release), platform: 'systrap', overlay2: 'root:memory' }), /Network: none/, 'do'],
  ];

  test.each(combos)('%s: accepted, boots, and runsc logs it', (_title, options, logged, how) => {
    const logDir = fs.mkdtempSync(path.join(dir, 'log-'));
    const flags = runscFlags({ ...options(), runscRelease: release, debugLog: `${logDir}/` });
    const r = how === 'run' ? runscRun(flags, '/bin/uname', '-r') : runscDo(flags, 'uname', '-r');
    expect({ flags, status: r.status, stderr: r.stderr.slice(-2000) }).toEqual({ flags, status: 0, stderr: expect.any(String) });
    expect(r.stdout.trim()).toBe(CURRENT_UNAME_RELEASE);
    const logs = fs.readdirSync(logDir).map((f) => fs.readFileSync(path.join(logDir, f), 'utf8')).join('\n');
    expect(logs).toMatch(logged);
  });
});
