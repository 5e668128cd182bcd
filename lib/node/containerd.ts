import { stringify } from 'smol-toml';
import { assertAbsolutePath, assertKnownOptions, assertStringList } from './node-values';
import { DEFAULT_RUNSC_PATH } from './runsc-wrapper';
import { NodeWarning, NodeWarningOptions, WARNING_OPTION_NAMES, reportWarnings } from './warnings';
import { GvisorIacError, fieldPath } from '../core/errors';
import { assertBoolean, assertDnsLabel, assertOneOf, assertPlainObject } from '../core/validate';

/** containerd config schema: `2` for containerd 1.x, `3` for containerd 2.x. */
export type ContainerdSchema = 2 | 3;

/**
 * Options for `renderContainerdConfig`: the containerd CRI runtime that a
 * Kubernetes RuntimeClass `handler` names.
 */
export interface ContainerdConfigOptions extends NodeWarningOptions {
  /**
   * Config schema: `2` (containerd 1.x, plugin `io.containerd.grpc.v1.cri`)
   * or `3` (containerd 2.x, plugin `io.containerd.cri.v1.runtime`).
   * @default 2
   */
  readonly schema?: ContainerdSchema;
  /**
   * `drop-in`: a file for the main config's `imports`. `file`: a whole
   * `config.toml` (may also set `root`, `state`, `address`, `imports`).
   * @default 'drop-in'
   */
  readonly mode?: 'drop-in' | 'file';
  /**
   * The runtime name: what a RuntimeClass `handler` refers to.
   * @default 'runsc'
   */
  readonly handler?: string;
  /**
   * `runsc`: gVisor's shim (`io.containerd.runsc.v1`, needs
   * `containerd-shim-runsc-v1` on the node) reading `runscConfigPath`.
   * `runc`: containerd's runc v2 shim with `BinaryName` = `runscBinary`
   * (runsc itself, or a wrapper from `renderRunscWrapper` that adds flags).
   * @default 'runsc'
   */
  readonly shim?: 'runsc' | 'runc';
  /**
   * The shim's `ConfigPath` (a file from `renderRunscToml`). Only with `shim: 'runsc'`.
   * @default '/etc/containerd/runsc.toml'
   */
  readonly runscConfigPath?: string;
  /**
   * `BinaryName` for the runc v2 shim. Only with `shim: 'runc'`.
   * @default '/usr/local/bin/runsc'
   */
  readonly runscBinary?: string;
  /**
   * `pod_annotations`: annotation keys (globs) passed from pods to the
   * runtime. `dev.gvisor.*` lets pod authors change allow-listed runsc flags
   * (debug, strace, host-uds, overlay2 …) per pod, and raises warning
   * `NODE_POD_ANNOTATIONS`.
   * @default - none: pods cannot change runsc flags
   */
  readonly podAnnotations?: string[];
  /**
   * `SystemdCgroup` for the runc runtimes written here (the default runtime,
   * and the gVisor runtime with `shim: 'runc'`). Match the kubelet's cgroup driver.
   * @default - unset: containerd's default (false)
   */
  readonly systemdCgroup?: boolean;
  /**
   * Also define the default `runc` runtime and `default_runtime_name =
   * "runc"`. containerd 1.6 forgets its built-in `runc` as soon as any
   * runtime is configured, and its CRI plugin then fails to load; turn this
   * off only when another file defines the default runtime.
   * @default true
   */
  readonly keepDefaultRuntime?: boolean;
  /**
   * Raw keys merged into the CRI plugin's table (escape hatch), e.g.
   * `{ cni: { conf_dir: '/etc/cni/net.d' } }`. A key that
   * the renderer sets is refused. Note that containerd 1.x replaces the whole
   * CRI plugin table of the main config with an imported one: carry the
   * node's other CRI settings here.
   * @default - none
   */
  readonly criPluginConfig?: Record<string, unknown>;
  /**
   * The pod sandbox ("pause") image, for nodes that cannot pull
   * `registry.k8s.io/pause` (air-gapped, or a mirror): schema 2 writes the
   * CRI plugin's `sandbox_image`, schema 3 the images plugin's
   * (`io.containerd.cri.v1.images`) `pinned_images.sandbox`. containerd pulls
   * it only when it is not already in its image store.
   * @default - unset: containerd's built-in pause image
   */
  readonly sandboxImage?: string;
  /** `root` (only with `mode: 'file'`). @default - containerd's default (`/var/lib/containerd`) */
  readonly root?: string;
  /** `state` (only with `mode: 'file'`). @default - containerd's default (`/run/containerd`) */
  readonly state?: string;
  /** `grpc.address` (only with `mode: 'file'`). @default - containerd's default (`/run/containerd/containerd.sock`) */
  readonly address?: string;
  /** `imports` (only with `mode: 'file'`), e.g. `['/etc/containerd/conf.d/*.toml']`. @default - none */
  readonly imports?: string[];
}

const KNOWN = [
  'schema', 'mode', 'handler', 'shim', 'runscConfigPath', 'runscBinary', 'podAnnotations', 'systemdCgroup', 'keepDefaultRuntime',
  'criPluginConfig', 'sandboxImage', 'root', 'state', 'address', 'imports', ...WARNING_OPTION_NAMES,
] as const;

/** The CRI plugin that owns `containerd.runtimes` in each schema. */
export const CRI_RUNTIME_PLUGIN: Record<ContainerdSchema, string> = {
  2: 'io.containerd.grpc.v1.cri',
  3: 'io.containerd.cri.v1.runtime',
};

/** The plugin that owns the pinned sandbox image in schema 3 (containerd 2.x). */
export const CRI_IMAGES_PLUGIN_V3 = 'io.containerd.cri.v1.images';

export const DEFAULT_RUNSC_CONFIG_PATH = '/etc/containerd/runsc.toml';
/** An image reference: [registry/]path[:tag][@sha256:digest], lowercase path components. */
const PATH_COMPONENT = '[a-z0-9]+(?:[._-]+[a-z0-9]+)*';
const IMAGE_REFERENCE = new RegExp(
  `^(?:[A-Za-z0-9.-]+(?::\\d+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
);
const ANNOTATION_GLOB = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9*])?(\/[A-Za-z0-9*]([-A-Za-z0-9_.*]*)?)?$|^\*$/;

function mergeRaw(target: Record<string, unknown>, raw: Record<string, unknown>, path: string): void {
  for (const [key, value] of Object.entries(raw)) {
    const p = fieldPath(path, key);
    const existing = target[key];
    const isObj = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
    if (existing === undefined) {
      target[key] = value;
    } else if (isObj(existing) && isObj(value)) {
      mergeRaw(existing as Record<string, unknown>, value as Record<string, unknown>, p);
    } else {
      throw new GvisorIacError('INVALID_NODE_CONFIG', p, value, 'overrides a key that gvisor-iac renders', 'set it through the typed option instead of criPluginConfig');
    }
  }
}

/** Warnings `renderContainerdConfig` would raise for `options` (validated first). */
export function containerdConfigWarnings(options: ContainerdConfigOptions): NodeWarning[] {
  const annotations = options.podAnnotations ?? [];
  const gvisor = annotations.filter((a) => a === '*' || a.startsWith('dev.gvisor.') || a === 'dev.*' || a === 'dev.gvisor*');
  if (gvisor.length === 0) return [];
  return [{
    id: 'NODE_POD_ANNOTATIONS',
    path: 'podAnnotations',
    message: `${gvisor.map((a) => JSON.stringify(a)).join(', ')} lets any pod author change runsc flags through dev.gvisor.flag.* annotations ` +
      '(debug, strace, host-uds, overlay2, oci-seccomp, …), e.g. open host Unix sockets from inside the sandbox; restrict who may set them with an admission policy',
  }];
}

/**
 * Renders a containerd config (a drop-in for `imports`, or a whole file)
 * that defines the gVisor runtime for the CRI plugin, keeping the default
 * `runc` runtime defined.
 *
 * @see https://gvisor.dev/docs/user_guide/containerd/quick_start/
 */
export function renderContainerdConfig(options: ContainerdConfigOptions = {}): string {
  const opts = assertPlainObject(options ?? {}, 'options') as ContainerdConfigOptions;
  assertKnownOptions(opts as Record<string, unknown>, KNOWN);
  const schema = opts.schema === undefined ? 2 : assertOneOf(opts.schema, [2, 3] as const, 'schema', 'use 2 for containerd 1.x or 3 for containerd 2.x');
  const mode = opts.mode === undefined ? 'drop-in' : assertOneOf(opts.mode, ['drop-in', 'file'] as const, 'mode');
  const handler = opts.handler === undefined ? 'runsc' : assertDnsLabel(opts.handler, 'handler');
  if (handler === 'runc') {
    throw new GvisorIacError('INVALID_NODE_CONFIG', 'handler', handler, 'would replace the default runc runtime with gVisor for every pod', 'use a name such as "runsc" or "gvisor"');
  }
  const shim = opts.shim === undefined ? 'runsc' : assertOneOf(opts.shim, ['runsc', 'runc'] as const, 'shim');
  if (shim === 'runsc' && opts.runscBinary !== undefined) {
    throw new GvisorIacError('INVALID_NODE_CONFIG', 'runscBinary', opts.runscBinary, "is only used with shim 'runc'", "with shim 'runsc', set binaryName in renderRunscToml");
  }
  if (shim === 'runc' && opts.runscConfigPath !== undefined) {
    throw new GvisorIacError('INVALID_NODE_CONFIG', 'runscConfigPath', opts.runscConfigPath, "is only read by gVisor's shim (shim 'runsc')", "with shim 'runc', pass flags through a wrapper (renderRunscWrapper) as runscBinary");
  }
  for (const key of ['root', 'state', 'address', 'imports'] as const) {
    if (mode !== 'file' && opts[key] !== undefined) {
      throw new GvisorIacError('INVALID_NODE_CONFIG', key, opts[key], 'belongs in the main config, not in a drop-in', "set mode: 'file', or drop it");
    }
  }
  const podAnnotations = opts.podAnnotations === undefined ? undefined : assertStringList(opts.podAnnotations, 'podAnnotations', 'an annotation key or glob');
  podAnnotations?.forEach((a, i) => {
    if (!ANNOTATION_GLOB.test(a)) throw new GvisorIacError('INVALID_VALUE', `podAnnotations[${i}]`, a, 'is not an annotation key or glob', 'use keys such as "dev.gvisor.*"');
  });
  let sandboxImage: string | undefined;
  if (opts.sandboxImage !== undefined) {
    if (typeof opts.sandboxImage !== 'string' || !IMAGE_REFERENCE.test(opts.sandboxImage)) {
      throw new GvisorIacError('INVALID_VALUE', 'sandboxImage', opts.sandboxImage, 'is not an image reference', 'use a reference such as "registry.k8s.io/pause:3.10.1" or "mirror.example/pause@sha256:…"');
    }
    sandboxImage = opts.sandboxImage;
  }
  const systemdCgroup = opts.systemdCgroup === undefined ? undefined : assertBoolean(opts.systemdCgroup, 'systemdCgroup');
  const keepDefault = opts.keepDefaultRuntime === undefined ? true : assertBoolean(opts.keepDefaultRuntime, 'keepDefaultRuntime');

  const runtime: Record<string, unknown> = {};
  if (shim === 'runsc') {
    runtime.runtime_type = 'io.containerd.runsc.v1';
    if (podAnnotations?.length) runtime.pod_annotations = podAnnotations;
    runtime.options = {
      TypeUrl: 'io.containerd.runsc.v1.options',
      ConfigPath: opts.runscConfigPath === undefined ? DEFAULT_RUNSC_CONFIG_PATH : assertAbsolutePath(opts.runscConfigPath, 'runscConfigPath'),
    };
  } else {
    runtime.runtime_type = 'io.containerd.runc.v2';
    if (podAnnotations?.length) runtime.pod_annotations = podAnnotations;
    const binary = opts.runscBinary === undefined ? DEFAULT_RUNSC_PATH : assertAbsolutePath(opts.runscBinary, 'runscBinary', DEFAULT_RUNSC_PATH);
    runtime.options = systemdCgroup === undefined ? { BinaryName: binary } : { BinaryName: binary, SystemdCgroup: systemdCgroup };
  }

  const runtimes: Record<string, unknown> = {};
  const containerd: Record<string, unknown> = {};
  if (keepDefault) {
    containerd.default_runtime_name = 'runc';
    runtimes.runc = { runtime_type: 'io.containerd.runc.v2', ...(systemdCgroup === undefined ? {} : { options: { SystemdCgroup: systemdCgroup } }) };
  }
  runtimes[handler] = runtime;
  containerd.runtimes = runtimes;
  const plugin: Record<string, unknown> = { containerd };
  if (sandboxImage !== undefined && schema === 2) plugin.sandbox_image = sandboxImage;
  if (opts.criPluginConfig !== undefined) mergeRaw(plugin, assertPlainObject(opts.criPluginConfig, 'criPluginConfig'), 'criPluginConfig');

  const doc: Record<string, unknown> = { version: schema };
  if (mode === 'file') {
    if (opts.root !== undefined) doc.root = assertAbsolutePath(opts.root, 'root', '/var/lib/containerd');
    if (opts.state !== undefined) doc.state = assertAbsolutePath(opts.state, 'state', '/run/containerd');
    if (opts.imports !== undefined) doc.imports = assertStringList(opts.imports, 'imports', 'a path').map((p, i) => assertAbsolutePath(p, `imports[${i}]`, '/etc/containerd/conf.d/*.toml'));
    if (opts.address !== undefined) doc.grpc = { address: assertAbsolutePath(opts.address, 'address', '/run/containerd/containerd.sock') };
  }
  doc.plugins = { [CRI_RUNTIME_PLUGIN[schema]]: plugin };
  if (sandboxImage !== undefined && schema === 3) {
    (doc.plugins as Record<string, unknown>)[CRI_IMAGES_PLUGIN_V3] = { pinned_images: { sandbox: sandboxImage } };
  }

  reportWarnings(containerdConfigWarnings({ ...opts, podAnnotations }), opts);
  const what = mode === 'file' ? 'containerd config' : 'containerd drop-in (add its path to the main config\'s imports)';
  return `# ${what} for containerd ${schema === 2 ? '1.x' : '2.x'}, generated by gvisor-iac: runtime "${handler}" (gVisor, ${shim === 'runsc' ? 'runsc shim' : 'runc v2 shim + runsc'}).\n${stringify(doc).trimEnd()}\n`;
}
