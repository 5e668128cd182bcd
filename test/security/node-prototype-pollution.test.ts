// Issue 9, class 1 (node side): no merge or option read in lib/node or the CLI walks into a prototype.
import {
  NodeWarning, composeService, dockerDaemonConfig, renderComposeService, renderContainerdConfig, renderDockerDaemonConfig, renderRunscToml,
  renderRunscWrapper, runscFlags,
} from '../../lib';
import { renderSandboxedPod } from '../../lib/core/workloads/pod';
import { RUNSC_OPTION_NAMES } from '../../lib/node';
import { runCliProcess } from '../helpers/cli-process';
import { caught } from '../helpers/errors';

/** Own keys of Object.prototype, to prove nothing was added. */
const prototypeKeys = () => Reflect.ownKeys(Object.prototype).map(String).sort();
const PRISTINE = prototypeKeys();

afterEach(() => {
  expect(prototypeKeys()).toEqual(PRISTINE);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

const quiet = { onWarning: () => undefined };

describe('prototype keys are refused in every merged option (UNSAFE_KEY), and Object.prototype stays untouched', () => {
  // JSON.parse creates an own "__proto__" property: what arrives from a file, an API or a config store.
  const poison = [
    ['__proto__ at the top', '{"__proto__": {"polluted": "yes"}}', '__proto__'],
    ['constructor.prototype', '{"constructor": {"prototype": {"polluted": "yes"}}}', 'constructor'],
    ['prototype', '{"prototype": {"polluted": "yes"}}', 'prototype'],
    ['__proto__ one level down', '{"containerd": {"__proto__": {"polluted": "yes"}}}', 'containerd.__proto__'],
    ['__proto__ three levels down', '{"containerd": {"runtimes": {"kata": {"__proto__": {"polluted": "yes"}}}}}', 'containerd.runtimes.kata.__proto__'],
    ['__proto__ inside an array', '{"x": [{"__proto__": {"polluted": "yes"}}]}', 'x[0].__proto__'],
    ['constructor inside an array of arrays', '{"x": [[{"constructor": {"prototype": {"polluted": "yes"}}}]]}', 'x[0][0].constructor'],
  ] as const;

  test.each(poison)('criPluginConfig: %s', (_, json, at) => {
    const e = caught(() => renderContainerdConfig({ ...quiet, criPluginConfig: JSON.parse(json) }));
    expect([e.code, e.path]).toEqual(['UNSAFE_KEY', `criPluginConfig.${at}`]);
    expect(e.message).toContain('is set under a key that reaches an object prototype');
  });

  test.each(poison)('Docker base (daemon.json): %s', (_, json, at) => {
    const e = caught(() => renderDockerDaemonConfig({ ...quiet, base: JSON.parse(json) }));
    expect([e.code, e.path]).toEqual(['UNSAFE_KEY', `base.${at}`]);
  });

  test.each([
    ['runsc-flags', (o: object) => runscFlags(o)],
    ['runsc.toml', (o: object) => renderRunscToml(o)],
    ['runsc wrapper', (o: object) => renderRunscWrapper(o)],
    ['daemon.json', (o: object) => renderDockerDaemonConfig(o)],
    ['containerd', (o: object) => renderContainerdConfig(o)],
    ['compose', (o: object) => renderComposeService(o)],
  ])('top-level options of %s: an own __proto__ key', (_, render) => {
    const e = caught(() => render(JSON.parse('{"__proto__": {"network": "host", "polluted": "yes"}}')));
    expect([e.code, e.path]).toEqual(['UNSAFE_KEY', '__proto__']);
  });

  test.each([
    ['acknowledgeWarnings.__proto__', '{"acknowledgeWarnings": {"__proto__": {"NODE_HOST_NETWORK": "x"}}, "network": "host"}'],
    ['acknowledgeWarnings.constructor', '{"acknowledgeWarnings": {"constructor": "x"}, "network": "host"}'],
  ])('%s', (at, json) => {
    const e = caught(() => runscFlags(JSON.parse(json)));
    expect([e.code, e.path]).toEqual(['UNSAFE_KEY', at]);
  });

  test('an extra flag named like a prototype key is not a runsc flag', () => {
    for (const flag of ['--__proto__=x', '--constructor', '--prototype=1']) {
      expect(caught(() => runscFlags({ extraFlags: [flag] })).code).toMatch(/^(UNKNOWN_FIELD|INVALID_VALUE)$/);
    }
  });

  test('the exploit of the report: a pollution attempt through criPluginConfig is refused, and a later SandboxedPod is still sandboxed', () => {
    expect(caught(() => renderContainerdConfig({ ...quiet, criPluginConfig: JSON.parse('{"__proto__": {"runtimeClass": "runc", "hostNetwork": true}}') })).code).toBe('UNSAFE_KEY');
    const { objects } = renderSandboxedPod({ containers: [{ name: 'app', image: 'busybox:1.36' }] }, 'web');
    const spec = (objects.find((o) => o.kind === 'Pod') as unknown as { spec: Record<string, unknown> } | undefined)?.spec;
    expect(spec?.runtimeClassName).toBe('gvisor');
    expect(spec?.hostNetwork).toBeUndefined();
  });
});

describe('inherited settings are never read', () => {
  test.each([
    ['Object.create(...) options', () => runscFlags(Object.create({ network: 'host' }))],
    ['a literal { __proto__: ... } (sets the prototype)', () => renderRunscToml({ __proto__: { hostUds: 'all' } } as object)],
    ['criPluginConfig with a prototype', () => renderContainerdConfig({ ...quiet, criPluginConfig: Object.create({ sandbox_image: 'evil' }) })],
    ['a nested raw table with a prototype', () => renderContainerdConfig({ ...quiet, criPluginConfig: { containerd: { __proto__: { snapshotter: 'evil' } } as object } })],
    ['Docker base as a class instance', () => renderDockerDaemonConfig({ base: new (class Base { public 'log-driver' = 'journald'; })() as unknown as Record<string, unknown> })],
    ['acknowledgeWarnings with a prototype', () => runscFlags({ network: 'host', acknowledgeWarnings: Object.create({ NODE_HOST_NETWORK: 'inherited' }) })],
  ])('%s is refused as not a plain object', (_, render) => {
    const e = caught(render);
    expect(e.code).toBe('INVALID_TYPE');
    expect(e.message).toContain('not a plain object');
  });
});

describe('a polluted Object.prototype does not change what the renderers emit', () => {
  // Every option name of every renderer, the raw keys they emit, the warning IDs and a few serializer hooks,
  // each set to the value that would hurt most.
  const POLLUTION: Record<string, unknown> = {
    ...Object.fromEntries(RUNSC_OPTION_NAMES.map((n) => [n, undefined])),
    'runscRelease': 'release-20221219.0',
    'platform': 'kvm',
    'platformDevicePath': '/dev/evil',
    'network': 'host',
    'fileAccess': 'shared',
    'fileAccessMounts': 'shared',
    'overlay2': 'none',
    'directfs': true,
    'debug': true,
    'debugLog': '/tmp/evil/',
    'strace': true,
    'hostUds': 'all',
    'hostFifo': 'open',
    'netRaw': true,
    'nvproxy': true,
    'ociSeccomp': false,
    'systemdCgroup': true,
    'ignoreCgroups': true,
    'watchdogAction': 'panic',
    'extraFlags': ['--allow-suid'],
    'straceSyscalls': ['openat'],
    'straceLogSize': 1,
    'binaryName': '/tmp/evil',
    'root': '/tmp/evil',
    'logLevel': 'debug',
    'logPath': '/tmp/evil',
    'runscPath': '/tmp/evil',
    'schema': 3,
    'mode': 'file',
    'handler': 'evil',
    'shim': 'runc',
    'runscConfigPath': '/tmp/evil.toml',
    'runscBinary': '/tmp/evil',
    'podAnnotations': ['*'],
    'keepDefaultRuntime': false,
    'criPluginConfig': { sandbox_image: 'evil' },
    'state': '/tmp/evil',
    'address': '/tmp/evil.sock',
    'imports': ['/tmp/*.toml'],
    'path': '/tmp/evil',
    'runtimeName': 'evil',
    'base': { 'log-driver': 'evil' },
    'defaultRuntime': true,
    'serviceName': 'evil',
    'image': 'evil:1',
    'hardened': false,
    'acknowledgeWarnings': { NODE_HOST_NETWORK: 'polluted' },
    'NODE_HOST_NETWORK': 'polluted',
    'NODE_POD_ANNOTATIONS': 'polluted',
    'NODE_EXTRA_FLAG': 'polluted',
    'runtimes': { evil: { path: '/tmp/evil' } },
    'default-runtime': 'evil',
    'containerd': { snapshotter: 'evil' },
    'pod_annotations': ['*'],
    'runtime_path': '/tmp/evil',
    'default_runtime_name': 'evil',
    'value': 'evil',
    'feature': 'nvproxy',
    'since': 29990101,
    'until': 20000101,
    'what': 'evil',
    'runtimeArgs': ['--network=host'],
    'ConfigPath': '/tmp/evil',
    'BinaryName': '/tmp/evil',
    'sandbox_image': 'evil',
    'polluted': 'yes',
    toJSON() { return { polluted: true }; },
  };

  function renderAll(seen: NodeWarning[]): unknown[] {
    const onWarning = (w: NodeWarning) => seen.push(w);
    const runsc = { network: 'sandbox' as const, hostUds: 'none' as const, extraFlags: ['--gso=false'], onWarning };
    return [
      runscFlags(runsc),
      runscFlags({ network: 'host', onWarning }),
      renderRunscToml({ ...runsc, binaryName: '/usr/bin/runsc' }),
      renderRunscWrapper({ ...runsc, runscPath: '/usr/bin/runsc' }),
      renderDockerDaemonConfig({ ...runsc, base: { 'log-driver': 'journald', 'runtimes': { runsc: { path: '/usr/bin/runsc' } } } }),
      dockerDaemonConfig({ onWarning }),
      renderDockerDaemonConfig({ network: 'host', onWarning }),
      renderContainerdConfig({ onWarning }),
      renderContainerdConfig({ schema: 3, shim: 'runc', podAnnotations: ['example.com/team'], criPluginConfig: { cni: { bin_dir: '/opt/cni/bin' } }, onWarning }),
      renderContainerdConfig({ podAnnotations: ['dev.gvisor.*'], onWarning }),
      renderComposeService({ image: 'busybox:1.36' }),
      composeService(),
    ];
  }

  test('output and warnings are the same with and without the pollution', () => {
    const cleanWarnings: NodeWarning[] = [];
    const clean = renderAll(cleanWarnings);
    const dirtyWarnings: NodeWarning[] = [];
    let dirty: unknown[] | Error;
    const added = Object.keys(POLLUTION).filter((k) => POLLUTION[k] !== undefined && !Object.hasOwn(Object.prototype, k));
    try {
      for (const k of added) {
        Object.defineProperty(Object.prototype, k, { value: POLLUTION[k], enumerable: true, configurable: true, writable: true });
      }
      try {
        dirty = renderAll(dirtyWarnings);
      } catch (e) {
        dirty = e as Error;
      }
    } finally {
      for (const k of added) delete (Object.prototype as Record<string, unknown>)[k];
    }
    expect(added.length).toBeGreaterThan(60);
    expect(dirty).toEqual(clean);
    expect(dirtyWarnings).toEqual(cleanWarnings);
    expect(cleanWarnings.map((w) => w.id)).toEqual(['NODE_HOST_NETWORK', 'NODE_HOST_NETWORK', 'NODE_POD_ANNOTATIONS']);
  });

  test('a polluted onWarning never receives warnings meant for the default sink', () => {
    const hijack = jest.fn();
    const emitted = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      Object.defineProperty(Object.prototype, 'onWarning', { value: hijack, enumerable: true, configurable: true, writable: true });
      try {
        runscFlags({ network: 'host' });
      } finally {
        delete (Object.prototype as Record<string, unknown>).onWarning;
      }
      expect(hijack).not.toHaveBeenCalled();
      expect(emitted).toHaveBeenCalledTimes(1);
    } finally {
      emitted.mockRestore();
    }
  });
});

describe('the CLI', () => {
  test.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('command %j is an unknown command (exit 2), not a crash', (command) => {
    const r = runCliProcess([command]);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toContain(`unknown command "${command}"`);
  });

  test('--acknowledge __proto__=... is refused with UNSAFE_KEY', () => {
    const r = runCliProcess(['runsc-flags', '--network', 'host', '--acknowledge', '__proto__=x']);
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toMatch(/^error UNSAFE_KEY: --acknowledge: __proto__: "x"/m);
  });
});
