// Issue 9, class 7: node-side ways around the typed, validated runsc and containerd options.
import { spawnSync } from 'node:child_process';
import * as fc from 'fast-check';
import { parse } from 'smol-toml';
import {
  ContainerdConfigOptions, NodeWarning, RunscOptions, renderContainerdConfig, renderDockerDaemonConfig, renderRunscToml,
  renderRunscWrapper, runscFlags,
} from '../../lib';
import {
  RUNSC_FLAG_ALIASES, RUNSC_OPTION_FLAGS, containerdConfigWarnings, podAnnotationGlobReachesGvisor, runscReleaseFlags,
} from '../../lib/node';
import { runCliProcess } from '../helpers/cli-process';
import { caught } from '../helpers/errors';

const OLD = 'release-20221219.0' as const;
const quiet = { onWarning: () => undefined };

describe('extraFlags: only known flags of the target release that no typed option owns', () => {
  test.each<[string, RunscOptions, string, string]>([
    // Deprecated aliases runsc still honours.
    ['--fsgofer-host-uds', {}, 'INVALID_NODE_CONFIG', 'extraFlags[0]: "--fsgofer-host-uds" is a deprecated alias of --host-uds, which runsc still honours and the typed option "hostUds" owns; set hostUds instead, so that it is validated and warned about'],
    ['--fsgofer-host-uds=true', { runscRelease: OLD }, 'INVALID_NODE_CONFIG', 'is a deprecated alias of --host-uds'],
    ['-fsgofer-host-uds=1', { hostUds: 'none' }, 'INVALID_NODE_CONFIG', 'is a deprecated alias of --host-uds'],
    ['--overlay', {}, 'INVALID_NODE_CONFIG', 'is a deprecated alias of --overlay2, which runsc still honours and the typed option "overlay2" owns'],
    ['--overlay=true', { runscRelease: OLD, overlay2: 'none' }, 'INVALID_NODE_CONFIG', 'is a deprecated alias of --overlay2'],
    // Typed flags, in either dash spelling.
    ['--host-uds=all', {}, 'INVALID_NODE_CONFIG', 'sets --host-uds, which the typed option "hostUds" owns'],
    ['-net-raw', {}, 'INVALID_NODE_CONFIG', 'sets --net-raw, which the typed option "netRaw" owns'],
    ['--platform_device_path=/dev/kvm', {}, 'INVALID_NODE_CONFIG', 'sets --platform_device_path, which the typed option "platformDevicePath" owns'],
    ['--oci-seccomp=false', {}, 'INVALID_NODE_CONFIG', 'which the typed option "ociSeccomp" owns'],
    // Typos and wrong letter case get a "did you mean".
    ['--netwrok=host', {}, 'UNKNOWN_FIELD', 'extraFlags[0]: "--netwrok=host" is not a flag of runsc current; did you mean --network? Set it through the typed option "network"'],
    ['--Debug', {}, 'UNKNOWN_FIELD', 'did you mean --debug? Set it through the typed option "debug"'],
    ['--gs0=false', {}, 'UNKNOWN_FIELD', 'is not a flag of runsc current; did you mean --gso?'],
    ['--num_network_channels=2', {}, 'UNKNOWN_FIELD', 'did you mean --num-network-channels?'],
    ['--dcahce=10', { runscRelease: OLD }, 'UNKNOWN_FIELD', 'is not a flag of runsc release-20221219.0; did you mean --dcache?'],
    ['--no-such-thing', {}, 'UNKNOWN_FIELD', 'check `runsc flags` on the node'],
    // Flags the target release does not have.
    ['--allow-suid', { runscRelease: OLD }, 'UNSUPPORTED_BY_RELEASE', 'extraFlags[0]: "--allow-suid" is not a flag of runsc release-20221219.0'],
    ['--allow-packet-socket-write', { runscRelease: OLD }, 'UNSUPPORTED_BY_RELEASE', 'is not a flag of runsc release-20221219.0'],
    ['--EXPERIMENTAL-afxdp', {}, 'UNKNOWN_FIELD', 'is not a flag of runsc current'],
    // Test/debug-only flags, in any letter case.
    ['--TESTONLY-unsafe-nonroot', {}, 'INVALID_NODE_CONFIG', 'is a test/debug-only runsc flag'],
    ['--testonly-unsafe-nonroot', {}, 'INVALID_NODE_CONFIG', 'is a test/debug-only runsc flag'],
    ['--TESTONLY-allow-packet-endpoint-write', { runscRelease: OLD }, 'INVALID_NODE_CONFIG', 'is a test/debug-only runsc flag'],
    ['--Profile', {}, 'INVALID_NODE_CONFIG', 'is a test/debug-only runsc flag'],
    // Known, but not settings.
    ['--version', { runscRelease: OLD }, 'INVALID_NODE_CONFIG', 'is not a runsc setting: --version makes runsc print its version and exit'],
    ['--log-fd=3', { runscRelease: OLD }, 'INVALID_NODE_CONFIG', 'is not a runsc setting: --log-fd names a file descriptor'],
    // Values runsc would misread: a bare value flag swallows the next argument (the subcommand, in a wrapper).
    ['--debug-command', {}, 'INVALID_VALUE', 'has no value, but --debug-command takes one (runsc would read the next argument as its value)'],
    ['--gvisor-gro', { runscRelease: OLD }, 'INVALID_VALUE', 'has no value, but --gvisor-gro takes one'],
    ['--gso=yes', {}, 'INVALID_VALUE', 'gives the boolean flag --gso a value runsc cannot parse; write "--gso" or "--gso=false"'],
    ['--gvisor-gro=5ms', {}, 'INVALID_VALUE', 'gives the boolean flag --gvisor-gro a value runsc cannot parse'],
    ['--rx-checksum-offload=', {}, 'INVALID_VALUE', 'gives the boolean flag --rx-checksum-offload a value runsc cannot parse'],
  ])('%s %j is refused', (flag, options, code, fragment) => {
    const e = caught(() => runscFlags({ ...quiet, ...options, extraFlags: [flag] }));
    expect(e.code).toBe(code);
    expect(e.path).toBe('extraFlags[0]');
    expect(e.message).toContain(fragment);
  });

  test.each<[string, RunscOptions]>([
    ['--gso=false', {}], ['--gso=F', { runscRelease: OLD }], ['--num-network-channels=4', {}], ['--dcache=100', { runscRelease: OLD }],
    ['--gvisor-gro=5ms', { runscRelease: OLD }], ['--gvisor-gro', {}], ['--debug-command=create,start', {}], ['--cpu-num-from-quota', {}],
    // A release between the two catalogue snapshots accepts a flag either snapshot has.
    ['--allow-suid=false', { runscRelease: 'release-20240513.0' }], ['--gvisor-gro=5ms', { runscRelease: 'release-20240513.0' }],
  ])('%s %j is accepted and emitted as written', (flag, options) => {
    expect(runscFlags({ ...quiet, ...options, extraFlags: [flag] })).toEqual([flag]);
  });

  // Debian 12's runsc is the source of the release-20221219.0 snapshot; where it is installed, the two must agree.
  const debianRunsc = spawnSync('runsc', ['--version'], { encoding: 'utf8' });
  (debianRunsc.status === 0 && debianRunsc.stdout.includes('20221219') ? test : test.skip)('the release-20221219.0 catalogue is what `runsc flags` of that release lists', () => {
    const listed = spawnSync('runsc', ['flags'], { encoding: 'utf8' });
    const names = [...`${listed.stdout}${listed.stderr}`.matchAll(/^ {2}-([A-Za-z0-9_-]+)/gm)].map((m) => m[1] as string);
    expect(names.length).toBeGreaterThan(50);
    expect([...runscReleaseFlags(OLD).keys()].sort()).toEqual([...names].sort());
  });

  test('every deprecated alias points at a flag some typed option owns', () => {
    const typed = new Set(RUNSC_OPTION_FLAGS.map((s) => s.flag));
    for (const [alias, target] of Object.entries(RUNSC_FLAG_ALIASES)) {
      expect(typed.has(target)).toBe(true);
      expect(runscReleaseFlags('current').has(alias)).toBe(true);
      expect(runscReleaseFlags(OLD).has(alias)).toBe(true);
    }
  });

  test('property: every typed flag and every alias is refused in every spelling, for every release', () => {
    const owned = [...RUNSC_OPTION_FLAGS.map((s) => s.flag), ...Object.keys(RUNSC_FLAG_ALIASES)];
    fc.assert(fc.property(
      fc.constantFrom(...owned), fc.constantFrom('-', '--'), fc.constantFrom('', '=true', '=false', '=1', '=all', '=host'), fc.constantFrom<RunscOptions['runscRelease']>('current', OLD, 'release-20240513.0'),
      (flag, dashes, value, runscRelease) => {
        expect(caught(() => runscFlags({ ...quiet, runscRelease, extraFlags: [`${dashes}${flag}${value}`] })).code).toBe('INVALID_NODE_CONFIG');
      },
    ));
  });

  test('an accepted flag value reaches the wrapper shell-quoted, never as shell syntax', () => {
    const wrapper = renderRunscWrapper({ ...quiet, runscPath: '/usr/bin/runsc', extraFlags: ['--debug-command=$(reboot);`id`'] });
    expect(wrapper).toContain('exec /usr/bin/runsc \'--debug-command=$(reboot);`id`\' "$@"');
  });

  test('the same refusal through every renderer that takes runsc options', () => {
    const options = { ...quiet, extraFlags: ['--fsgofer-host-uds'] };
    for (const render of [runscFlags, renderRunscToml, renderRunscWrapper, renderDockerDaemonConfig] as Array<(o: object) => unknown>) {
      expect(caught(() => render(options)).message).toContain('is a deprecated alias of --host-uds');
    }
  });

  test('CLI: --extra-flag=--fsgofer-host-uds exits 1 with the typed error and prints nothing', () => {
    const r = runCliProcess(['runsc-flags', '--extra-flag=--fsgofer-host-uds']);
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toBe('error INVALID_NODE_CONFIG: --extra-flag[0]: "--fsgofer-host-uds" is a deprecated alias of --host-uds, which runsc still honours and the typed option "hostUds" owns; set hostUds instead, so that it is validated and warned about\n');
  });
});

describe('warnings are the same on every output', () => {
  const renderers: Array<[string, (o: object) => unknown]> = [
    ['runscFlags', (o) => runscFlags(o)],
    ['renderRunscToml', (o) => renderRunscToml(o)],
    ['renderRunscWrapper', (o) => renderRunscWrapper(o)],
    ['renderDockerDaemonConfig', (o) => renderDockerDaemonConfig(o)],
  ];
  test.each<[RunscOptions, string[]]>([
    [{ network: 'host' }, ['NODE_HOST_NETWORK']],
    [{ hostUds: 'open' }, ['NODE_HOST_UDS']],
    [{ netRaw: true }, ['NODE_NET_RAW']],
    [{ extraFlags: ['--allow-packet-socket-write'] }, ['NODE_EXTRA_FLAG']],
    [{ extraFlags: ['--allow-suid', '--rootless=true'] }, ['NODE_EXTRA_FLAG', 'NODE_EXTRA_FLAG']],
    [{ extraFlags: ['--allow-suid=false', '--EXPERIMENTAL-xdp=off'] }, []],
    [{ network: 'host', hostUds: 'all', netRaw: true, extraFlags: ['--allow-rootfs-tar-annotation'] }, ['NODE_HOST_NETWORK', 'NODE_HOST_UDS', 'NODE_NET_RAW', 'NODE_EXTRA_FLAG']],
  ])('%j raises %j from each renderer', (options, ids) => {
    for (const [, render] of renderers) {
      const seen: NodeWarning[] = [];
      render({ ...options, onWarning: (w: NodeWarning) => seen.push(w) });
      expect(seen.map((w) => w.id)).toEqual(ids);
    }
  });

  test.each(['runsc-flags', 'runsc-toml', 'runsc-wrapper', 'docker'])('CLI %s --network host warns on stderr, and --acknowledge silences it', (command) => {
    const r = runCliProcess([command, '--network', 'host']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning NODE_HOST_NETWORK: --network: network "host" makes the sandbox use the host kernel's network stack/);
    expect(r.stderr).toMatch(/ \(acknowledge with --acknowledge NODE_HOST_NETWORK=REASON\)\n$/);
    expect(r.stderr.split('\n')).toHaveLength(2);
    const acked = runCliProcess([command, '--network', 'host', '--acknowledge', 'NODE_HOST_NETWORK=single-tenant CI node']);
    expect([acked.code, acked.stderr, acked.stdout]).toEqual([0, '', r.stdout]);
  });
});

describe('pod_annotations globs are judged the way containerd matches them (Go path.Match)', () => {
  test.each([
    'dev.gvisor.*', '*', 'd*', 'dev.*', 'dev.gvisor*', '*.gvisor.*', '*gvisor*', 'dev.gvi?or.*', '?ev.gvisor.*', 'dev.gvi[r-t]or.flag.*',
    'dev.gvis[^x]r.*', '[d]ev.gvisor.spec.*', 'de[u-w].gvisor.flag.debug', 'dev\\.gvisor.*', 'dev.gvisor.flag.host-uds', 'd?v.g*r.f*.*',
    '*/*', '[a-z]*', '[^/]*',
  ])('%j warns NODE_POD_ANNOTATIONS', (glob) => {
    expect(podAnnotationGlobReachesGvisor(glob)).toBe(true);
    const seen: NodeWarning[] = [];
    renderContainerdConfig({ podAnnotations: ['example.com/team', glob], onWarning: (w) => seen.push(w) });
    expect(seen.map((w) => [w.id, w.path])).toEqual([['NODE_POD_ANNOTATIONS', 'podAnnotations']]);
    expect(seen[0]?.message).toContain(`${JSON.stringify(glob)} matches dev.gvisor.* annotation keys`);
  });

  test.each(['example.com/team', 'io.kubernetes.cri.*', 'dev.gvisor', 'dev.g[^v]isor.*', 'nvidia.com/*', 'dev.gvisor/x', 'e*', '[a-c]*', 'dev.gvisor[^.]*'])(
    '%j does not warn', (glob) => {
      expect(podAnnotationGlobReachesGvisor(glob)).toBe(false);
      expect(containerdConfigWarnings({ podAnnotations: [glob] })).toEqual([]);
    },
  );

  test.each(['[', 'dev.gvisor.[', 'dev\\', '[]a]', '[a-]', 'dev.gvisor.[^', 'a[b-c-d]'])('malformed glob %j is refused (containerd would never match it)', (glob) => {
    const e = caught(() => renderContainerdConfig({ ...quiet, podAnnotations: [glob] }));
    expect([e.code, e.path]).toEqual(['INVALID_VALUE', 'podAnnotations[0]']);
    expect(e.message).toContain('is a malformed glob (Go path.Match reports a syntax error');
  });

  test('a runtime added through criPluginConfig carries the same check on its pod_annotations', () => {
    const seen: NodeWarning[] = [];
    const criPluginConfig = { containerd: { runtimes: { 'gvisor-debug': { runtime_type: 'io.containerd.runsc.v1', pod_annotations: ['d*'] }, 'kata': { pod_annotations: ['io.katacontainers.*'] } } } };
    renderContainerdConfig({ criPluginConfig, onWarning: (w) => seen.push(w) });
    expect(seen.map((w) => [w.id, w.path])).toEqual([['NODE_POD_ANNOTATIONS', 'criPluginConfig.containerd.runtimes.gvisor-debug.pod_annotations']]);
    expect(seen[0]?.message).toBe('"d*" matches dev.gvisor.* annotation keys (containerd matches with Go\'s path.Match): it lets any pod author change runsc flags through dev.gvisor.flag.* annotations (debug, strace, host-uds, overlay2, oci-seccomp, …), e.g. open host Unix sockets from inside the sandbox; restrict who may set them with an admission policy');
  });

  test('acknowledging NODE_POD_ANNOTATIONS silences it for any glob', () => {
    const seen: NodeWarning[] = [];
    renderContainerdConfig({ podAnnotations: ['d*'], acknowledgeWarnings: { NODE_POD_ANNOTATIONS: 'admission policy strips dev.gvisor.* annotations' }, onWarning: (w) => seen.push(w) });
    expect(seen).toEqual([]);
  });

  test('CLI: containerd --pod-annotation "d*" carries the warning', () => {
    const r = runCliProcess(['containerd', '--pod-annotation', 'd*']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning NODE_POD_ANNOTATIONS: --pod-annotation: "d\*" matches dev\.gvisor\.\* annotation keys/);
  });
});

describe('criPluginConfig never sets a key the renderer owns', () => {
  const render = (o: ContainerdConfigOptions) => renderContainerdConfig({ ...quiet, ...o });
  type Doc = Record<string, unknown>;
  const variants: ContainerdConfigOptions[] = [
    {}, { schema: 3 }, { shim: 'runc' }, { schema: 3, shim: 'runc', systemdCgroup: true }, { handler: 'gvisor' }, { keepDefaultRuntime: false },
    { podAnnotations: ['example.com/team'] },
  ];

  /** Every key path the renderer emitted in the plugin table (tables and leaves). */
  function emittedPaths(o: ContainerdConfigOptions): string[][] {
    const doc = parse(render(o)) as { plugins: Record<string, Doc> };
    const plugin = Object.values(doc.plugins)[0] as Doc;
    const out: string[][] = [];
    const walk = (t: Doc, at: string[]) => {
      for (const [k, v] of Object.entries(t)) {
        out.push([...at, k]);
        if (typeof v === 'object' && v !== null && !Array.isArray(v)) walk(v as Doc, [...at, k]);
      }
    };
    walk(plugin, []);
    return out;
  }
  const nest = (keys: string[], value: unknown): Doc => keys.reduceRight<unknown>((inner, k) => ({ [k]: inner }), value) as Doc;

  test('derived from the output: no emitted leaf can be set, for any variant (and the owned set covers what is not emitted now)', () => {
    for (const o of variants) {
      const leaves = emittedPaths(o).filter((p) => !['containerd', 'containerd.runtimes'].includes(p.join('.')));
      expect(leaves.length).toBeGreaterThan(3);
      for (const p of leaves) {
        const e = caught(() => render({ ...o, criPluginConfig: nest(p, 'x') }));
        expect(e.code).toBe('INVALID_NODE_CONFIG');
      }
    }
  });

  test.each<[string, Doc, ContainerdConfigOptions]>([
    ['pod_annotations without podAnnotations', { containerd: { runtimes: { runsc: { pod_annotations: ['dev.gvisor.*'] } } } }, {}],
    ['runtime_path', { containerd: { runtimes: { runsc: { runtime_path: '/tmp/evil' } } } }, {}],
    ['runtime_type', { containerd: { runtimes: { runsc: { runtime_type: 'io.containerd.runc.v2' } } } }, {}],
    ['options.ConfigPath', { containerd: { runtimes: { runsc: { options: { ConfigPath: '/tmp/evil.toml' } } } } }, {}],
    ['options.TypeUrl', { containerd: { runtimes: { runsc: { options: { TypeUrl: 'x' } } } } }, {}],
    ['options.BinaryName with the runsc shim', { containerd: { runtimes: { runsc: { options: { BinaryName: '/bin/runc' } } } } }, {}],
    ['options.BinaryName with the runc shim', { containerd: { runtimes: { runsc: { options: { BinaryName: '/bin/runc' } } } } }, { shim: 'runc' }],
    ['privileged_without_host_devices', { containerd: { runtimes: { runsc: { privileged_without_host_devices: true } } } }, {}],
    ['base_runtime_spec', { containerd: { runtimes: { runsc: { base_runtime_spec: '/tmp/spec.json' } } } }, {}],
    ['the runc runtime', { containerd: { runtimes: { runc: { runtime_type: 'io.containerd.runsc.v1' } } } }, {}],
    ['the runc runtime with keepDefaultRuntime false', { containerd: { runtimes: { runc: { options: { BinaryName: '/usr/bin/runsc' } } } } }, { keepDefaultRuntime: false }],
    ['default_runtime_name', { containerd: { default_runtime_name: 'runsc' } }, {}],
    ['default_runtime_name with keepDefaultRuntime false', { containerd: { default_runtime_name: 'runsc' } }, { keepDefaultRuntime: false }],
    ['a custom handler\'s runtime', { containerd: { runtimes: { gvisor: { runtime_path: '/tmp/evil' } } } }, { handler: 'gvisor' }],
    ['Default_Runtime_Name (letter case)', { containerd: { Default_Runtime_Name: 'runsc' } }, {}],
    ['Containerd.runtimes (letter case)', { Containerd: { runtimes: { runsc: { runtime_path: '/tmp/evil' } } } }, {}],
    ['containerd.Runtimes (letter case)', { containerd: { Runtimes: { runsc: { runtime_path: '/tmp/evil' } } } }, {}],
    ['containerd.runtimes.RUNSC (letter case)', { containerd: { runtimes: { RUNSC: { runtime_path: '/tmp/evil' } } } }, {}],
    ['containerd as a scalar', { containerd: 'x' }, {}],
  ])('%s is refused', (_, criPluginConfig, options) => {
    const e = caught(() => render({ ...options, criPluginConfig }));
    expect(e.code).toBe('INVALID_NODE_CONFIG');
    expect(e.path).toMatch(/^criPluginConfig\.(c|C)ontainerd/);
  });

  test('the refusal names the runtime and the typed options', () => {
    expect(caught(() => render({ criPluginConfig: { containerd: { runtimes: { runsc: { runtime_path: '/tmp/evil' } } } } })).message).toBe(
      'criPluginConfig.containerd.runtimes.runsc: {"runtime_path":"/tmp/evil"} changes runtime "runsc", which gvisor-iac renders whole (a key such as runtime_path, options or pod_annotations there would change how the sandbox runs); use the typed options (shim, runscConfigPath, runscBinary, podAnnotations, systemdCgroup, keepDefaultRuntime), or define a runtime of another name',
    );
  });

  test('keys the renderer does not own still merge', () => {
    const doc = parse(render({ criPluginConfig: { sandbox_image: 'registry.k8s.io/pause:3.9', cni: { bin_dir: '/opt/cni/bin' }, containerd: { snapshotter: 'overlayfs', runtimes: { kata: { runtime_type: 'io.containerd.kata.v2' } } } } })) as Record<string, any>;
    const plugin = doc.plugins['io.containerd.grpc.v1.cri'];
    expect(plugin.sandbox_image).toBe('registry.k8s.io/pause:3.9');
    expect(plugin.cni).toEqual({ bin_dir: '/opt/cni/bin' });
    expect(plugin.containerd.snapshotter).toBe('overlayfs');
    expect(Object.keys(plugin.containerd.runtimes)).toEqual(['runc', 'runsc', 'kata']);
  });

  const sparse: unknown[] = [];
  sparse[1] = 'x';
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  test.each<[string, unknown]>([
    ['a function', () => 1], ['a symbol', Symbol('x')], ['null', null], ['undefined', undefined], ['NaN', Number.NaN], ['Infinity', Number.POSITIVE_INFINITY],
    ['a bigint', BigInt(1)], ['a Date', new Date(0)], ['a Map', new Map()], ['a sparse array', sparse], ['null in an array', ['a', null]],
  ])('a value TOML cannot hold (%s) is refused', (_, value) => {
    const e = caught(() => render({ criPluginConfig: { cni: { x: value } } }));
    expect([e.code, e.path]).toEqual(['INVALID_TYPE', expect.stringMatching(/^criPluginConfig\.cni\.x/)]);
  });

  test('a cycle is refused, not a stack overflow', () => {
    expect(caught(() => render({ criPluginConfig: { cni: cyclic } })).message).toContain('refers back to an object that contains it');
  });
});
