import { stringify } from 'smol-toml';
import { CriPluginSettings, criPluginTable, mergeCriPluginConfig } from './containerd-owned';
import { goPatternCanMatchPrefix, isValidGoPattern } from './go-path-match';
import { assertAbsolutePath, assertKnownOptions, assertStringList } from './node-values';
import { copyRawConfig, ownOptions } from './own-options';
import { NodeWarning, NodeWarningOptions, WARNING_OPTION_NAMES, reportWarnings } from './warnings';
import { DEFAULT_RUNSC_CONFIG_PATH, DEFAULT_RUNSC_PATH } from '../core/defaults';
import { GvisorIacError } from '../core/errors';
import { assertBoolean, assertDnsLabel, assertOneOf } from '../core/validation/validate';

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
   * `pod_annotations`: annotation keys or globs (Go `path.Match` syntax, as
   * containerd matches them: `*`, `?`, `[...]`, `\\`) whose pod annotations
   * are passed to the runtime. Any glob that lets a `dev.gvisor.` annotation
   * through (`dev.gvisor.*`, but also `*`, `d*`, `dev.gvi[r-t]or.*`, …) lets
   * pod authors change allow-listed runsc flags (debug, strace, host-uds,
   * overlay2 …) per pod, and raises warning `NODE_POD_ANNOTATIONS`.
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
   * `{ sandbox_image: 'registry.k8s.io/pause:3.9' }` for schema 2. Refused:
   * any key the renderer can emit (`default_runtime_name`, any spelling in
   * another letter case), any key inside a runtime table it renders (the
   * handler's and `runc`: `pod_annotations`, `runtime_path`, `options`, …),
   * prototype keys, and values TOML cannot hold. Note that containerd 1.x replaces the whole
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

/** The annotation prefix runsc reads pod-level settings from (`dev.gvisor.flag.*`, `dev.gvisor.spec.*`, …). */
export const GVISOR_ANNOTATION_PREFIX = 'dev.gvisor.';
/** An image reference: [registry/]path[:tag][@sha256:digest], lowercase path components. */
const PATH_COMPONENT = '[a-z0-9]+(?:[._-]+[a-z0-9]+)*';
const IMAGE_REFERENCE = new RegExp(
  `^(?:[A-Za-z0-9.-]+(?::\\d+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
);

/** True when containerd would pass some `dev.gvisor.` annotation through `glob` (Go `path.Match`). */
export function podAnnotationGlobReachesGvisor(glob: string): boolean {
  return isValidGoPattern(glob) && goPatternCanMatchPrefix(glob, GVISOR_ANNOTATION_PREFIX);
}

function assertPodAnnotations(value: unknown): string[] {
  const list = assertStringList(value, 'podAnnotations', 'an annotation key or glob');
  list.forEach((glob, i) => {
    if (!/^[\x21-\x7e]+$/.test(glob)) {
      throw new GvisorIacError('INVALID_VALUE', `podAnnotations[${i}]`, glob, 'is not an annotation key or glob (annotation keys are printable ASCII without spaces)', 'use keys or globs such as "example.com/team" or "io.kubernetes.cri.*"');
    }
    if (!isValidGoPattern(glob)) {
      throw new GvisorIacError('INVALID_VALUE', `podAnnotations[${i}]`, glob, 'is a malformed glob (Go path.Match reports a syntax error, so containerd would never match it)', 'close every "[", put "-" and "]" first in a class only after "\\", and end no pattern with a lone "\\"');
    }
  });
  return list;
}

const POD_ANNOTATIONS_RISK = 'it lets any pod author change runsc flags through dev.gvisor.flag.* annotations ' +
  '(debug, strace, host-uds, overlay2, oci-seccomp, …), e.g. open host Unix sockets from inside the sandbox; restrict who may set them with an admission policy';

/** `pod_annotations` of the runtimes a raw `criPluginConfig` adds: `[path, globs]`. */
function rawRuntimePodAnnotations(raw: unknown): Array<[string, string[]]> {
  const table = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : undefined);
  const own = (t: Record<string, unknown> | undefined, key: string) => (t !== undefined && Object.hasOwn(t, key) ? t[key] : undefined);
  const runtimes = table(own(table(own(table(raw), 'containerd')), 'runtimes'));
  if (runtimes === undefined) return [];
  const out: Array<[string, string[]]> = [];
  for (const name of Object.keys(runtimes)) {
    const globs = own(table(runtimes[name]), 'pod_annotations');
    if (Array.isArray(globs)) out.push([`criPluginConfig.containerd.runtimes.${name}.pod_annotations`, globs.filter((g): g is string => typeof g === 'string')]);
  }
  return out;
}

/**
 * Warnings `renderContainerdConfig` would raise for `options` (validated
 * first): `NODE_POD_ANNOTATIONS` for `podAnnotations`, and for the
 * `pod_annotations` of any runtime that `criPluginConfig` adds, whenever a
 * glob lets a `dev.gvisor.` annotation through.
 */
export function containerdConfigWarnings(options: ContainerdConfigOptions): NodeWarning[] {
  const opts = ownOptions(options ?? {}, 'options', '');
  const sources: Array<[string, string[]]> = [['podAnnotations', opts.podAnnotations === undefined ? [] : assertPodAnnotations(opts.podAnnotations)]];
  if (opts.criPluginConfig !== undefined) sources.push(...rawRuntimePodAnnotations(copyRawConfig(opts.criPluginConfig, 'criPluginConfig', 'toml')));
  const out: NodeWarning[] = [];
  for (const [path, globs] of sources) {
    const gvisor = globs.filter(podAnnotationGlobReachesGvisor);
    if (gvisor.length === 0) continue;
    out.push({
      id: 'NODE_POD_ANNOTATIONS',
      path,
      message: `${gvisor.map((a) => JSON.stringify(a)).join(', ')} matches ${GVISOR_ANNOTATION_PREFIX}* annotation keys (containerd matches with Go's path.Match): ${POD_ANNOTATIONS_RISK}`,
    });
  }
  return out;
}

/**
 * Renders a containerd config (a drop-in for `imports`, or a whole file)
 * that defines the gVisor runtime for the CRI plugin, keeping the default
 * `runc` runtime defined.
 *
 * @see https://gvisor.dev/docs/user_guide/containerd/quick_start/
 */
export function renderContainerdConfig(options: ContainerdConfigOptions = {}): string {
  const opts = ownOptions(options ?? {}, 'options', '');
  assertKnownOptions(opts, KNOWN);
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
  const podAnnotations = opts.podAnnotations === undefined ? undefined : assertPodAnnotations(opts.podAnnotations);
  let sandboxImage: string | undefined;
  if (opts.sandboxImage !== undefined) {
    if (typeof opts.sandboxImage !== 'string' || !IMAGE_REFERENCE.test(opts.sandboxImage)) {
      throw new GvisorIacError('INVALID_VALUE', 'sandboxImage', opts.sandboxImage, 'is not an image reference', 'use a reference such as "registry.k8s.io/pause:3.10.1" or "mirror.example/pause@sha256:…"');
    }
    sandboxImage = opts.sandboxImage;
  }
  const systemdCgroup = opts.systemdCgroup === undefined ? undefined : assertBoolean(opts.systemdCgroup, 'systemdCgroup');
  const keepDefault = opts.keepDefaultRuntime === undefined ? true : assertBoolean(opts.keepDefaultRuntime, 'keepDefaultRuntime');

  const settings: CriPluginSettings = {
    handler,
    shim,
    keepDefaultRuntime: keepDefault,
    runscConfigPath: opts.runscConfigPath === undefined ? DEFAULT_RUNSC_CONFIG_PATH : assertAbsolutePath(opts.runscConfigPath, 'runscConfigPath'),
    runscBinary: opts.runscBinary === undefined ? DEFAULT_RUNSC_PATH : assertAbsolutePath(opts.runscBinary, 'runscBinary', DEFAULT_RUNSC_PATH),
    // Every field is an own property, even when undefined: an absent one would be read from Object.prototype.
    podAnnotations: podAnnotations?.length ? podAnnotations : undefined,
    systemdCgroup,
  };
  const plugin = criPluginTable(settings);
  if (opts.criPluginConfig !== undefined) {
    const raw = copyRawConfig(opts.criPluginConfig, 'criPluginConfig', 'toml');
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new GvisorIacError('INVALID_TYPE', 'criPluginConfig', opts.criPluginConfig, 'is not an object', 'pass the keys of the CRI plugin table as an object');
    }
    mergeCriPluginConfig(plugin, raw as Record<string, unknown>, settings);
  }

  if (sandboxImage !== undefined && schema === 2) {
    if (Object.hasOwn(plugin, 'sandbox_image')) {
      throw new GvisorIacError('INVALID_NODE_CONFIG', 'criPluginConfig.sandbox_image', plugin.sandbox_image, 'overrides a key that gvisor-iac renders', 'set it through the typed option instead of criPluginConfig');
    }
    plugin.sandbox_image = sandboxImage;
  }

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

  reportWarnings(containerdConfigWarnings(opts), opts);
  const what = mode === 'file' ? 'containerd config' : 'containerd drop-in (add its path to the main config\'s imports)';
  return `# ${what} for containerd ${schema === 2 ? '1.x' : '2.x'}, generated by gvisor-iac: runtime "${handler}" (gVisor, ${shim === 'runsc' ? 'runsc shim' : 'runc v2 shim + runsc'}).\n${stringify(doc).trimEnd()}\n`;
}
