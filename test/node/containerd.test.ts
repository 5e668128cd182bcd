import { parse } from 'smol-toml';
import { caught } from './helpers';
import { ContainerdConfigOptions, NodeWarning, renderContainerdConfig } from '../../lib';
import { containerdConfigWarnings } from '../../lib/node';

const render = (o: ContainerdConfigOptions = {}) => parse(renderContainerdConfig({ onWarning: () => undefined, ...o })) as Record<string, any>;
const runtimesOf = (doc: Record<string, any>, plugin: string) => doc.plugins[plugin].containerd.runtimes;

describe('renderContainerdConfig', () => {
  test('defaults: schema 2 drop-in, handler runsc, gVisor shim with ConfigPath, runc kept as the default runtime', () => {
    expect(render()).toEqual({
      version: 2,
      plugins: {
        'io.containerd.grpc.v1.cri': {
          containerd: {
            default_runtime_name: 'runc',
            runtimes: {
              runc: { runtime_type: 'io.containerd.runc.v2' },
              runsc: { runtime_type: 'io.containerd.runsc.v1', options: { TypeUrl: 'io.containerd.runsc.v1.options', ConfigPath: '/etc/containerd/runsc.toml' } },
            },
          },
        },
      },
    });
  });

  test('schema 3 (containerd 2.x) uses version 3 and the io.containerd.cri.v1.runtime plugin', () => {
    const doc = render({ schema: 3 });
    expect(doc.version).toBe(3);
    expect(Object.keys(doc.plugins)).toEqual(['io.containerd.cri.v1.runtime']);
    expect(runtimesOf(doc, 'io.containerd.cri.v1.runtime').runc).toEqual({ runtime_type: 'io.containerd.runc.v2' });
  });

  test.each([[2, 'io.containerd.grpc.v1.cri'], [3, 'io.containerd.cri.v1.runtime']] as const)('schema %i, runc shim: BinaryName points at runsc (default /usr/local/bin/runsc) or a wrapper', (schema, plugin) => {
    expect(runtimesOf(render({ schema, shim: 'runc' }), plugin).runsc).toEqual({ runtime_type: 'io.containerd.runc.v2', options: { BinaryName: '/usr/local/bin/runsc' } });
    expect(runtimesOf(render({ schema, shim: 'runc', runscBinary: '/usr/local/bin/runsc-wrapper', systemdCgroup: true }), plugin)).toEqual({
      runc: { runtime_type: 'io.containerd.runc.v2', options: { SystemdCgroup: true } },
      runsc: { runtime_type: 'io.containerd.runc.v2', options: { BinaryName: '/usr/local/bin/runsc-wrapper', SystemdCgroup: true } },
    });
  });

  test('handler, runscConfigPath and pod annotations', () => {
    const doc = render({ handler: 'gvisor', runscConfigPath: '/etc/gvisor/runsc.toml', podAnnotations: ['dev.gvisor.*'] });
    expect(runtimesOf(doc, 'io.containerd.grpc.v1.cri').gvisor).toEqual({
      runtime_type: 'io.containerd.runsc.v1', pod_annotations: ['dev.gvisor.*'], options: { TypeUrl: 'io.containerd.runsc.v1.options', ConfigPath: '/etc/gvisor/runsc.toml' },
    });
  });

  test('pod_annotations are off by default; dev.gvisor.* raises NODE_POD_ANNOTATIONS unless acknowledged', () => {
    expect(JSON.stringify(render())).not.toContain('pod_annotations');
    const seen: NodeWarning[] = [];
    renderContainerdConfig({ podAnnotations: ['dev.gvisor.*'], onWarning: (w) => seen.push(w) });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.id).toBe('NODE_POD_ANNOTATIONS');
    expect(seen[0]?.message).toContain('lets any pod author change runsc flags');
    seen.length = 0;
    renderContainerdConfig({ podAnnotations: ['dev.gvisor.*'], acknowledgeWarnings: { NODE_POD_ANNOTATIONS: 'admission policy restricts them' }, onWarning: (w) => seen.push(w) });
    expect(seen).toEqual([]);
    expect(containerdConfigWarnings({ podAnnotations: ['example.com/team'] })).toEqual([]);
  });

  test('keepDefaultRuntime false leaves the default runtime to another file', () => {
    expect(render({ keepDefaultRuntime: false }).plugins['io.containerd.grpc.v1.cri'].containerd).toEqual({
      runtimes: { runsc: expect.objectContaining({ runtime_type: 'io.containerd.runsc.v1' }) },
    });
  });

  test('mode file adds root, state, imports and grpc.address', () => {
    const doc = render({ mode: 'file', root: '/var/lib/containerd', state: '/run/containerd', imports: ['/etc/containerd/conf.d/*.toml'], address: '/run/containerd/containerd.sock' });
    expect(doc).toMatchObject({ version: 2, root: '/var/lib/containerd', state: '/run/containerd', imports: ['/etc/containerd/conf.d/*.toml'], grpc: { address: '/run/containerd/containerd.sock' } });
  });

  test('criPluginConfig is merged into the CRI plugin table', () => {
    const doc = render({ criPluginConfig: { cni: { conf_dir: '/etc/cni/net.d' }, containerd: { snapshotter: 'overlayfs' } } });
    expect(doc.plugins['io.containerd.grpc.v1.cri'].cni).toEqual({ conf_dir: '/etc/cni/net.d' });
    expect(doc.plugins['io.containerd.grpc.v1.cri'].containerd.snapshotter).toBe('overlayfs');
  });

  test.each([
    [2, { 'io.containerd.grpc.v1.cri': { sandbox_image: 'gvisor-iac.test/pause:1' } }],
    [3, { 'io.containerd.cri.v1.images': { pinned_images: { sandbox: 'gvisor-iac.test/pause:1' } } }],
  ] as const)('schema %i: sandboxImage pins the pause image where that containerd reads it', (schema, expected) => {
    expect(render({ schema, sandboxImage: 'gvisor-iac.test/pause:1' }).plugins).toMatchObject(expected);
    expect(JSON.stringify(render({ schema }))).not.toMatch(/sandbox_image|pinned_images/);
  });

  test.each(['registry.k8s.io/pause:3.10.1', 'localhost:5000/team/pause', `mirror.example/pause@sha256:${'a'.repeat(64)}`, 'pause'])('sandboxImage %s is accepted', (ref) => {
    expect(render({ schema: 3, sandboxImage: ref }).plugins['io.containerd.cri.v1.images'].pinned_images.sandbox).toBe(ref);
  });

  test.each([
    [{ sandboxImage: '' }, 'INVALID_VALUE', 'sandboxImage: "" is not an image reference; use a reference such as "registry.k8s.io/pause:3.10.1" or "mirror.example/pause@sha256:…"'],
    [{ sandboxImage: 'Registry/Pause' }, 'INVALID_VALUE', 'sandboxImage: "Registry/Pause" is not an image reference; use a reference such as "registry.k8s.io/pause:3.10.1" or "mirror.example/pause@sha256:…"'],
    [{ sandboxImage: 'pause:3.9 --debug' }, 'INVALID_VALUE', 'sandboxImage: "pause:3.9 --debug" is not an image reference; use a reference such as "registry.k8s.io/pause:3.10.1" or "mirror.example/pause@sha256:…"'],
    [{ sandboxImage: 3 }, 'INVALID_VALUE', 'sandboxImage: 3 is not an image reference; use a reference such as "registry.k8s.io/pause:3.10.1" or "mirror.example/pause@sha256:…"'],
    [{ sandboxImage: 'pause', criPluginConfig: { sandbox_image: 'other' } }, 'INVALID_NODE_CONFIG', 'criPluginConfig.sandbox_image: "other" overrides a key that gvisor-iac renders; set it through the typed option instead of criPluginConfig'],
  ])('%j is refused', (options, code, message) => {
    const e = caught(() => renderContainerdConfig(options as ContainerdConfigOptions));
    expect([e.code, e.message]).toEqual([code, message]);
  });

  test.each([
    [{ schema: 1 }, 'INVALID_VALUE', 'schema: 1 is not one of 2, 3; use 2 for containerd 1.x or 3 for containerd 2.x'],
    [{ handler: 'RunSC' }, 'INVALID_NAME', 'handler: "RunSC" is not a valid DNS-1123 label (lowercase letters, digits, \'-\'); try "run-sc"'],
    [{ handler: 'run_sc' }, 'INVALID_NAME', 'handler: "run_sc" is not a valid DNS-1123 label (lowercase letters, digits, \'-\'); try "run-sc"'],
    [{ handler: 'runc' }, 'INVALID_NODE_CONFIG', 'handler: "runc" would replace the default runc runtime with gVisor for every pod; use a name such as "runsc" or "gvisor"'],
    [{ shim: 'kata' }, 'INVALID_VALUE', 'shim: "kata" is not one of "runsc", "runc"; use one of "runsc", "runc"'],
    [{ runscConfigPath: 'runsc.toml' }, 'INVALID_VALUE', 'runscConfigPath: "runsc.toml" is a relative path; the daemon would resolve it against its own working directory; use an absolute path such as "/runsc.toml"'],
    [{ shim: 'runc', runscBinary: 'runsc' }, 'INVALID_VALUE', 'runscBinary: "runsc" is a relative path; the daemon would resolve it against its own working directory; use an absolute path such as "/runsc"'],
    [{ runscBinary: '/usr/bin/runsc' }, 'INVALID_NODE_CONFIG', 'runscBinary: "/usr/bin/runsc" is only used with shim \'runc\'; with shim \'runsc\', set binaryName in renderRunscToml'],
    [{ shim: 'runc', runscConfigPath: '/etc/runsc.toml' }, 'INVALID_NODE_CONFIG', 'runscConfigPath: "/etc/runsc.toml" is only read by gVisor\'s shim (shim \'runsc\'); with shim \'runc\', pass flags through a wrapper (renderRunscWrapper) as runscBinary'],
    [{ root: '/var/lib/containerd' }, 'INVALID_NODE_CONFIG', 'root: "/var/lib/containerd" belongs in the main config, not in a drop-in; set mode: \'file\', or drop it'],
    [{ mode: 'file', imports: ['conf.d/*.toml'] }, 'INVALID_VALUE', 'imports[0]: "conf.d/*.toml" is a relative path; the daemon would resolve it against its own working directory; use an absolute path such as "/conf.d/*.toml"'],
    [{ podAnnotations: ['dev gvisor'] }, 'INVALID_VALUE', 'podAnnotations[0]: "dev gvisor" is not an annotation key or glob (annotation keys are printable ASCII without spaces); use keys or globs such as "example.com/team" or "io.kubernetes.cri.*"'],
    [{ criPluginConfig: { containerd: { default_runtime_name: 'runsc' } } }, 'INVALID_NODE_CONFIG', 'criPluginConfig.containerd.default_runtime_name: "runsc" overrides a key that gvisor-iac renders; set it through the typed option instead of criPluginConfig'],
    [{ podAnnotation: ['dev.gvisor.*'] }, 'UNKNOWN_FIELD', 'podAnnotation: ["dev.gvisor.*"] is not a known option; did you mean "podAnnotations"?'],
    [{ systemdCgroup: 'true' }, 'INVALID_TYPE', 'systemdCgroup: "true" is not a boolean; use true or false'],
  ])('%j is refused', (options, code, message) => {
    const e = caught(() => renderContainerdConfig(options as ContainerdConfigOptions));
    expect([e.code, e.message]).toEqual([code, message]);
  });

  test('output starts with a comment naming the containerd version and mode', () => {
    expect(renderContainerdConfig({ schema: 3, shim: 'runc' }).split('\n')[0]).toBe(
      '# containerd drop-in (add its path to the main config\'s imports) for containerd 2.x, generated by gvisor-iac: runtime "runsc" (gVisor, runc v2 shim + runsc).',
    );
  });
});
