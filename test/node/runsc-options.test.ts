import * as fc from 'fast-check';
import { caught } from './helpers';
import { RunscOptions, runscFlags } from '../../lib';
import { RUNSC_OPTION_FLAGS, RUNSC_OPTION_NAMES, isForbiddenRunscFlag } from '../../lib/node';

const OLD = 'release-20221219.0' as const;

// runscFlags reports warnings like every other renderer (test/security covers them); keep them out of this file's output.
let emitWarning: jest.SpyInstance;
beforeAll(() => { emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined); });
afterAll(() => emitWarning.mockRestore());

describe('runscFlags: every option maps to its flag', () => {
  const table: Array<[RunscOptions, string[]]> = [
    [{ platform: 'systrap' }, ['--platform=systrap']],
    [{ platform: 'ptrace' }, ['--platform=ptrace']],
    [{ platform: 'kvm' }, ['--platform=kvm']],
    [{ platformDevicePath: '/dev/kvm' }, ['--platform_device_path=/dev/kvm']],
    [{ network: 'sandbox' }, ['--network=sandbox']],
    [{ network: 'host' }, ['--network=host']],
    [{ network: 'none' }, ['--network=none']],
    [{ fileAccess: 'exclusive' }, ['--file-access=exclusive']],
    [{ fileAccess: 'shared', overlay2: 'none' }, ['--file-access=shared', '--overlay2=none']],
    [{ fileAccessMounts: 'exclusive' }, ['--file-access-mounts=exclusive']],
    [{ fileAccessMounts: 'shared' }, ['--file-access-mounts=shared']],
    [{ overlay2: 'root:self' }, ['--overlay2=root:self']],
    [{ overlay2: 'all:memory' }, ['--overlay2=all:memory']],
    [{ overlay2: 'root:dir=/var/lib/ovl' }, ['--overlay2=root:dir=/var/lib/ovl']],
    [{ overlay2: 'root:self,size=2g' }, ['--overlay2=root:self,size=2g']],
    [{ directfs: true }, ['--directfs']],
    [{ directfs: false }, ['--directfs=false']],
    [{ debug: true }, ['--debug']],
    [{ debugLog: '/var/log/runsc/' }, ['--debug-log=/var/log/runsc/']],
    [{ strace: true, straceSyscalls: ['openat', 'read'], straceLogSize: 64 }, ['--strace', '--strace-syscalls=openat,read', '--strace-log-size=64']],
    [{ hostUds: 'none' }, ['--host-uds=none']],
    [{ hostUds: 'all' }, ['--host-uds=all']],
    [{ hostFifo: 'open' }, ['--host-fifo=open']],
    [{ netRaw: true }, ['--net-raw']],
    [{ netRaw: false }, ['--net-raw=false']],
    [{ nvproxy: true }, ['--nvproxy']],
    [{ ociSeccomp: true }, ['--oci-seccomp']],
    [{ systemdCgroup: true }, ['--systemd-cgroup']],
    [{ ignoreCgroups: true }, ['--ignore-cgroups']],
    [{ watchdogAction: 'panic' }, ['--watchdog-action=panic']],
    [{ extraFlags: ['--gso=false', '--cpu-num-from-quota'] }, ['--gso=false', '--cpu-num-from-quota']],
    [{ runscRelease: OLD, overlay2: 'root:/var/lib/ovl' }, ['--overlay2=root:/var/lib/ovl']],
  ];
  test.each(table)('%j → %j', (options, flags) => {
    expect(runscFlags(options)).toEqual(flags);
  });

  test('every option in the flag table is covered above', () => {
    const covered = new Set(table.flatMap(([o]) => Object.keys(o)));
    for (const spec of RUNSC_OPTION_FLAGS) expect(covered).toContain(spec.option);
    for (const name of RUNSC_OPTION_NAMES) expect(covered).toContain(name);
  });

  test('defaults: an empty options object, or undefined values, emit no flag (runsc keeps its own defaults)', () => {
    expect(runscFlags()).toEqual([]);
    expect(runscFlags({})).toEqual([]);
    const allUndefined = Object.fromEntries(RUNSC_OPTION_NAMES.map((n) => [n, undefined])) as RunscOptions;
    expect(runscFlags(allUndefined)).toEqual([]);
  });

  test('flags come out in the table order, whatever the key order', () => {
    expect(runscFlags({ debug: true, network: 'none', platform: 'ptrace' })).toEqual(['--platform=ptrace', '--network=none', '--debug']);
  });
});

describe('refusals, before anything is rendered', () => {
  const table: Array<[string, unknown, string, string]> = [
    ['fileAccess proxy (source document value)', { fileAccess: 'proxy' }, 'INVALID_VALUE',
      'fileAccess: "proxy" was removed from runsc in 2018 (the source of many old examples); use "exclusive" (the default: only the sandbox changes the root filesystem) or "shared" (files may also change from outside)'],
    ['fileAccess direct', { fileAccess: 'direct' }, 'INVALID_VALUE',
      'fileAccess: "direct" was removed from runsc in 2018 (the source of many old examples); use "exclusive" (the default, and the fast path) or "shared" (files may also change from outside)'],
    ['fileAccessMounts proxy', { fileAccessMounts: 'proxy' }, 'INVALID_VALUE',
      'fileAccessMounts: "proxy" was removed from runsc in 2018 (the source of many old examples); use "exclusive" (the default: only the sandbox changes the root filesystem) or "shared" (files may also change from outside)'],
    ['overlay2 with fileAccess shared', { fileAccess: 'shared', overlay2: 'root:memory' }, 'INVALID_NODE_CONFIG',
      'fileAccess: "shared" cannot be combined with overlay2 "root:memory" (runsc: overlay flag is incompatible with shared file access); set overlay2: \'none\' as well, or keep fileAccess \'exclusive\''],
    ['fileAccess shared with the current default overlay', { fileAccess: 'shared' }, 'INVALID_NODE_CONFIG',
      'fileAccess: "shared" cannot be combined with runsc current\'s default root overlay (runsc: overlay flag is incompatible with shared file access); set overlay2: \'none\' as well, or keep fileAccess \'exclusive\''],
    ['unknown platform', { platform: 'gvisor' }, 'INVALID_VALUE', 'platform: "gvisor" is not one of "systrap", "ptrace", "kvm"; use one of "systrap", "ptrace", "kvm"'],
    ['unknown network', { network: 'bridge' }, 'INVALID_VALUE', 'network: "bridge" is not one of "sandbox", "host", "none"; use one of "sandbox", "host", "none"'],
    ['hostUds boolean', { hostUds: true }, 'INVALID_VALUE', 'hostUds: true is not one of "none", "open", "create", "all"; use one of "none", "open", "create", "all"'],
    ['debug as a string', { debug: 'true' }, 'INVALID_TYPE', 'debug: "true" is not a boolean; use true or false'],
    ['relative debugLog', { debugLog: 'logs/' }, 'INVALID_VALUE', 'debugLog: "logs/" is a relative path; the daemon would resolve it against its own working directory; use an absolute path such as "/logs/"'],
    ['debugLog with ..', { debugLog: '/var/../tmp/' }, 'INVALID_VALUE', 'debugLog: "/var/../tmp/" contains a \'..\' segment; use the resolved absolute path'],
    ['straceSyscalls without strace', { straceSyscalls: ['read'] }, 'INVALID_NODE_CONFIG', 'straceSyscalls: ["read"] has no effect without strace: true; set strace: true, or drop straceSyscalls'],
    ['straceLogSize without strace', { straceLogSize: 10 }, 'INVALID_NODE_CONFIG', 'straceLogSize: 10 has no effect without strace: true; set strace: true, or drop straceLogSize'],
    ['negative straceLogSize', { strace: true, straceLogSize: -1 }, 'INVALID_INTEGER', 'straceLogSize: -1 is not a whole number ≥ 0; use a whole number ≥ 0'],
    ['bad syscall name', { strace: true, straceSyscalls: ['Open At'] }, 'INVALID_VALUE', 'straceSyscalls[0]: "Open At" is not a system call name; use names such as "openat"'],
    ['overlay2 garbage', { overlay2: 'rootfs' }, 'INVALID_VALUE', 'overlay2: "rootfs" is not an overlay2 value; use \'none\' or \'{root|all}:{memory|self|dir=/abs/path}[,size=N]\', e.g. \'root:self\''],
    ['overlay2 unknown medium', { overlay2: 'root:disk' }, 'INVALID_VALUE', 'overlay2: "root:disk" has an unknown overlay medium "disk"; use \'none\' or \'{root|all}:{memory|self|dir=/abs/path}[,size=N]\', e.g. \'root:self\''],
    ['overlay2 relative dir', { overlay2: 'root:dir=ovl' }, 'INVALID_VALUE', 'overlay2: "ovl" is a relative path; the daemon would resolve it against its own working directory; use an absolute path such as "/ovl"'],
    ['overlay2 bad size', { overlay2: 'root:self,size=lots' }, 'INVALID_VALUE', 'overlay2: "root:self,size=lots" has an invalid size "lots"; write the size as a whole number with an optional k, m, g or t suffix, e.g. size=1g'],
    ['overlay2 bare path on a current release', { overlay2: 'root:/var/ovl' }, 'UNSUPPORTED_BY_RELEASE',
      "overlay2: \"root:/var/ovl\" is not supported by runsc current: the overlay2 medium written as a bare directory path (e.g. 'root:/var/lib/runsc-overlay') was removed in release-20230612.0; write 'root:dir=/var/ovl'"],
    ['a typo (plaform)', { plaform: 'kvm' }, 'UNKNOWN_FIELD', 'plaform: "kvm" is not a known option; did you mean "platform"?'],
    ['a typo (netraw)', { netraw: true }, 'UNKNOWN_FIELD', 'netraw: true is not a known option; did you mean "netRaw"?'],
    ['snake_case option', { file_access: 'exclusive' }, 'UNKNOWN_FIELD', 'file_access: "exclusive" is not a known option; did you mean "fileAccess"?'],
    ['bad release', { runscRelease: 'latest' }, 'INVALID_VALUE', 'runscRelease: "latest" is not a runsc release; use "current" or a release tag such as "release-20221219.0" (see `runsc --version` on the node)'],
    ['options not an object', 'network=none', 'INVALID_TYPE', 'options: "network=none" is not an object; pass an object for options'],
  ];
  test.each(table)('%s', (_t, options, code, message) => {
    const e = caught(() => runscFlags(options as RunscOptions));
    expect(e.code).toBe(code);
    expect(e.message).toBe(message);
  });
});

describe('runscRelease', () => {
  const newer: Array<[string, RunscOptions, string]> = [
    ['systrap', { platform: 'systrap' }, 'platform: "systrap" is not supported by runsc release-20221219.0: the systrap platform (--platform=systrap) was first released in release-20230417.0; use "ptrace" (or "kvm" where /dev/kvm exists) with this release, or upgrade runsc'],
    ['directfs', { directfs: true }, 'directfs: true is not supported by runsc release-20221219.0: the --directfs flag was first released in release-20230508.0; upgrade runsc on the node and set runscRelease accordingly, or leave directfs unset'],
    ['directfs false', { directfs: false }, 'directfs: false is not supported by runsc release-20221219.0: the --directfs flag was first released in release-20230508.0; upgrade runsc on the node and set runscRelease accordingly, or leave directfs unset'],
    ['nvproxy', { nvproxy: true }, 'nvproxy: true is not supported by runsc release-20221219.0: the --nvproxy flag was first released in release-20230320.0; upgrade runsc on the node and set runscRelease accordingly, or leave nvproxy unset'],
    ['overlay2 self', { overlay2: 'root:self' }, "overlay2: \"root:self\" is not supported by runsc release-20221219.0: the overlay2 medium 'self' was first released in release-20230612.0; use 'root:memory' with this release, or upgrade runsc"],
    ['overlay2 dir=', { overlay2: 'all:dir=/ovl' }, "overlay2: \"all:dir=/ovl\" is not supported by runsc release-20221219.0: the overlay2 medium 'dir=<path>' was first released in release-20230612.0; this release takes the directory as a bare path: 'all:/ovl'"],
    ['overlay2 size', { overlay2: 'root:memory,size=1g' }, "overlay2: \"root:memory,size=1g\" is not supported by runsc release-20221219.0: the overlay2 option 'size=' was first released in release-20240212.0; drop ',size=1g' for this release, or upgrade runsc"],
  ];
  test.each(newer)('%s is refused for Debian bookworm\'s release-20221219.0, naming the release', (_t, options, message) => {
    const e = caught(() => runscFlags({ ...options, runscRelease: OLD }));
    expect(e.code).toBe('UNSUPPORTED_BY_RELEASE');
    expect(e.message).toBe(message);
    expect(() => runscFlags(options)).not.toThrow();
  });

  test('a release on or after the feature date has it', () => {
    expect(runscFlags({ runscRelease: 'release-20230417.0', platform: 'systrap' })).toEqual(['--platform=systrap']);
    expect(caught(() => runscFlags({ runscRelease: 'release-20230410.0', platform: 'systrap' })).code).toBe('UNSUPPORTED_BY_RELEASE');
  });

  test.each([['0.0~20221219.0'], ['20221219.0'], ['release-20221219.0']])('%s is read as release-20221219.0', (spelling) => {
    expect(caught(() => runscFlags({ runscRelease: spelling as never, platform: 'systrap' })).message).toContain('runsc release-20221219.0');
  });

  test('fileAccess shared needs no overlay2 none on old releases (no overlay by default there)', () => {
    expect(runscFlags({ runscRelease: OLD, fileAccess: 'shared' })).toEqual(['--file-access=shared']);
  });
});

describe('extraFlags', () => {
  test.each([
    ['--TESTONLY-unsafe-nonroot'], ['--testonly-test-name-env=x'], ['--profile'], ['--profile-cpu=/tmp/cpu'], ['--profiling-metrics=x'],
    ['--allow-flag-override'], ['--allow-flag-override=true'], ['-profile'], ['--iouring'],
  ])('test/debug-only %s is refused', (flag) => {
    const e = caught(() => runscFlags({ extraFlags: [flag] }));
    expect(e.code).toBe('INVALID_NODE_CONFIG');
    expect(e.path).toBe('extraFlags[0]');
    expect(e.message).toMatch(/is a test\/debug-only runsc flag .* that weakens the sandbox; remove it/);
  });

  test.each([
    [['network=none'], 'INVALID_VALUE', 'extraFlags[0]: "network=none" is not a runsc flag; write each flag as one string "--name=value" (or "--name" for a boolean)'],
    [['--gso', '--gso=false'], 'INVALID_NODE_CONFIG', 'extraFlags[1]: "--gso=false" sets --gso a second time; keep one entry per flag'],
    [['--network=host'], 'INVALID_NODE_CONFIG', 'extraFlags[0]: "--network=host" sets --network, which the typed option "network" owns; set network instead, so that it is validated'],
    [['--overlay2=root:memory'], 'INVALID_NODE_CONFIG', 'extraFlags[0]: "--overlay2=root:memory" sets --overlay2, which the typed option "overlay2" owns; set overlay2 instead, so that it is validated'],
    [['--a=b\n--profile'], 'INVALID_VALUE', 'extraFlags[0]: "--a=b\\n--profile" is not a runsc flag; write each flag as one string "--name=value" (or "--name" for a boolean)'],
  ])('%j is refused', (flags, code, message) => {
    const e = caught(() => runscFlags({ extraFlags: flags }));
    expect(e.code).toBe(code);
    expect(e.message).toBe(message);
  });

  test('extraFlags must be a list', () => {
    expect(caught(() => runscFlags({ extraFlags: '--gso=false' as never })).code).toBe('INVALID_TYPE');
  });
});

describe('properties', () => {
  const options = fc.record({
    platform: fc.constantFrom('systrap', 'ptrace', 'kvm'),
    network: fc.constantFrom('sandbox', 'host', 'none'),
    fileAccessMounts: fc.constantFrom('exclusive', 'shared'),
    overlay2: fc.constantFrom('none', 'root:memory', 'all:self', 'root:dir=/var/ovl', 'root:self,size=1g'),
    directfs: fc.boolean(),
    debug: fc.boolean(),
    hostUds: fc.constantFrom('none', 'open', 'create', 'all'),
    hostFifo: fc.constantFrom('none', 'open'),
    netRaw: fc.boolean(),
    ociSeccomp: fc.boolean(),
  }, { requiredKeys: [] }) as fc.Arbitrary<RunscOptions>;

  test('valid options render one well-formed flag per set option, never a forbidden one', () => {
    fc.assert(fc.property(options, (o) => {
      const flags = runscFlags(o);
      const set = Object.values(o).filter((v) => v !== undefined).length;
      expect(flags).toHaveLength(set);
      const names = flags.map((f) => /^--([a-z0-9_-]+)(=.*)?$/.exec(f)?.[1]);
      expect(names.every((n) => n !== undefined && !isForbiddenRunscFlag(n))).toBe(true);
      expect(new Set(names).size).toBe(names.length);
    }));
  });

  test('any extra flag whose name starts with TESTONLY- or profile is refused, whatever its case or value', () => {
    fc.assert(fc.property(fc.constantFrom('TESTONLY-', 'testonly-', 'profile-', 'PROFILE-'), fc.stringMatching(/^[a-z][a-z-]{0,10}$/), fc.string(), (prefix, rest, value) => {
      const flag = `--${prefix}${rest}=${value.replace(/[\n\r\0]/g, '')}`;
      expect(caught(() => runscFlags({ extraFlags: [flag] })).code).toBe('INVALID_NODE_CONFIG');
    }));
  });
});
