import { GvisorIacError, fieldPath } from '../core/errors';

/** The validated settings the CRI plugin table is rendered from. */
export interface CriPluginSettings {
  readonly handler: string;
  readonly shim: 'runsc' | 'runc';
  readonly keepDefaultRuntime: boolean;
  readonly runscConfigPath: string;
  readonly runscBinary: string;
  readonly podAnnotations: readonly string[] | undefined;
  readonly systemdCgroup: boolean | undefined;
}

type Table = Record<string, unknown>;

const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The CRI plugin table gvisor-iac renders: the gVisor runtime under the
 * handler's name, and (unless `keepDefaultRuntime` is false) the default
 * `runc` runtime with `default_runtime_name`.
 */
export function criPluginTable(s: CriPluginSettings): Table {
  const runtime: Table = {};
  if (s.shim === 'runsc') {
    runtime.runtime_type = 'io.containerd.runsc.v1';
    if (s.podAnnotations?.length) runtime.pod_annotations = [...s.podAnnotations];
    runtime.options = { TypeUrl: 'io.containerd.runsc.v1.options', ConfigPath: s.runscConfigPath };
  } else {
    runtime.runtime_type = 'io.containerd.runc.v2';
    if (s.podAnnotations?.length) runtime.pod_annotations = [...s.podAnnotations];
    runtime.options = s.systemdCgroup === undefined ? { BinaryName: s.runscBinary } : { BinaryName: s.runscBinary, SystemdCgroup: s.systemdCgroup };
  }
  const runtimes: Table = {};
  const containerd: Table = {};
  if (s.keepDefaultRuntime) {
    containerd.default_runtime_name = 'runc';
    runtimes.runc = { runtime_type: 'io.containerd.runc.v2', ...(s.systemdCgroup === undefined ? {} : { options: { SystemdCgroup: s.systemdCgroup } }) };
  }
  runtimes[s.handler] = runtime;
  containerd.runtimes = runtimes;
  return { containerd };
}

/** Deep union of tables: the keys any of them has. */
function union(tables: readonly Table[]): Table {
  const out: Table = {};
  for (const t of tables) {
    for (const [k, v] of Object.entries(t)) {
      const prev = out[k];
      out[k] = isTable(prev) && isTable(v) ? union([prev, v]) : isTable(v) ? union([v]) : v;
    }
  }
  return out;
}

/**
 * Everything the renderer can emit for this handler, whatever the other
 * options say: both shims, pod annotations and `SystemdCgroup` set, the
 * default runtime kept. A raw key in this tree is owned by a typed option
 * even when the current options leave it out (`pod_annotations` without
 * `podAnnotations`, `default_runtime_name` with `keepDefaultRuntime: false`).
 */
export function ownedCriPluginTree(s: { readonly handler: string }): Table {
  const every = (shim: 'runsc' | 'runc') => criPluginTable({
    handler: s.handler, shim, keepDefaultRuntime: true, runscConfigPath: '/owned', runscBinary: '/owned', podAnnotations: ['owned'], systemdCgroup: true,
  });
  return union([every('runsc'), every('runc')]);
}

/** A rendered runtime definition (a table with `runtime_type`): owned whole, since any key in it changes how that runtime runs. */
const isRuntimeTable = (t: Table): boolean => Object.hasOwn(t, 'runtime_type');

function ownedKeyLike(owned: Table, key: string): string | undefined {
  const lower = key.toLowerCase();
  return Object.keys(owned).find((k) => k.toLowerCase() === lower);
}

/**
 * Merges raw `criPluginConfig` (already copied by `copyRawConfig`) into the
 * rendered plugin table. Refused with `INVALID_NODE_CONFIG`: a key the
 * renderer can emit (see `ownedCriPluginTree`), the same key in another
 * letter case (containerd's TOML decoders fall back to case-insensitive
 * field matching, so `Default_Runtime_Name` would still set it), and any key
 * inside a runtime table the renderer emits (`runtime_path`,
 * `base_runtime_spec`, `privileged_without_host_devices`, …).
 */
export function mergeCriPluginConfig(plugin: Table, raw: Table, s: { readonly handler: string }): void {
  merge(plugin, raw, ownedCriPluginTree(s), 'criPluginConfig');
}

function merge(target: Table, raw: Table, owned: Table, path: string): void {
  for (const key of Object.keys(raw)) {
    const value = raw[key];
    const p = fieldPath(path, key);
    const ownedKey = ownedKeyLike(owned, key);
    if (ownedKey === undefined) {
      target[key] = value;
      continue;
    }
    if (ownedKey !== key) {
      throw new GvisorIacError(
        'INVALID_NODE_CONFIG', p, value,
        `spells "${ownedKey}", which gvisor-iac renders, in another letter case (containerd matches config keys case-insensitively)`,
        `drop it, or write "${ownedKey}" for a key gvisor-iac lets you add to`,
      );
    }
    const ownedValue = owned[key];
    if (isTable(ownedValue) && isRuntimeTable(ownedValue)) {
      throw new GvisorIacError(
        'INVALID_NODE_CONFIG', p, value,
        `changes runtime "${key}", which gvisor-iac renders whole (a key such as runtime_path, options or pod_annotations there would change how the sandbox runs)`,
        'use the typed options (shim, runscConfigPath, runscBinary, podAnnotations, systemdCgroup, keepDefaultRuntime), or define a runtime of another name',
      );
    }
    if (isTable(ownedValue) && isTable(value)) {
      let next = target[key];
      if (!isTable(next)) {
        next = Object.create(null) as Table;
        target[key] = next;
      }
      merge(next as Table, value, ownedValue, p);
      continue;
    }
    throw new GvisorIacError('INVALID_NODE_CONFIG', p, value, 'overrides a key that gvisor-iac renders', 'set it through the typed option instead of criPluginConfig');
  }
}
