import { hasOwn, ownOptions } from './own-options';
import { GvisorIacError, fieldPath } from '../core/errors';

/** Stable IDs of the warnings node renderers raise. */
export type NodeWarningId =
  /** containerd `pod_annotations` lets pod authors change runsc flags through `dev.gvisor.*` annotations. */
  | 'NODE_POD_ANNOTATIONS'
  /** `network: 'host'`: the sandbox uses the host kernel's network stack. */
  | 'NODE_HOST_NETWORK'
  /** `hostUds` other than `none`: the sandbox can reach host Unix-domain sockets. */
  | 'NODE_HOST_UDS'
  /** `netRaw: true`: raw sockets allow packet crafting from the sandbox. */
  | 'NODE_NET_RAW'
  /** An `extraFlags` entry that loosens the sandbox (`--allow-packet-socket-write`, `--allow-suid`, `--rootless`, …). */
  | 'NODE_EXTRA_FLAG';

export const NODE_WARNING_IDS: readonly NodeWarningId[] = ['NODE_POD_ANNOTATIONS', 'NODE_HOST_NETWORK', 'NODE_HOST_UDS', 'NODE_NET_RAW', 'NODE_EXTRA_FLAG'];

/** A warning about a setting that is valid but weakens isolation. */
export interface NodeWarning {
  readonly id: NodeWarningId;
  /** The option that caused it. */
  readonly path: string;
  readonly message: string;
}

/** How a renderer reports warnings. */
export interface NodeWarningOptions {
  /**
   * Warnings you have reviewed, by ID, each with the reason (non-empty).
   * Acknowledged warnings are not reported.
   * @default - none
   */
  readonly acknowledgeWarnings?: Partial<Record<NodeWarningId, string>>;
  /**
   * Receives each unacknowledged warning.
   * @default - `process.emitWarning(message, { code: id })`
   */
  readonly onWarning?: (warning: NodeWarning) => void;
}

export const WARNING_OPTION_NAMES = ['acknowledgeWarnings', 'onWarning'] as const;

/**
 * Delivers `warnings` that the options do not acknowledge. Validates the
 * acknowledgements first. Reads only own properties: a polluted
 * `Object.prototype` can neither acknowledge a warning nor replace the sink.
 */
export function reportWarnings(warnings: readonly NodeWarning[], options: NodeWarningOptions): void {
  const own = ownOptions(options, 'options', '');
  const acks = own.acknowledgeWarnings === undefined ? Object.create(null) as Record<string, unknown> : ownOptions(own.acknowledgeWarnings, 'acknowledgeWarnings');
  for (const [id, reason] of Object.entries(acks)) {
    const p = fieldPath('acknowledgeWarnings', id);
    if (!NODE_WARNING_IDS.includes(id as NodeWarningId)) {
      throw new GvisorIacError('UNKNOWN_FIELD', p, reason, 'is not a node warning ID', `use one of ${NODE_WARNING_IDS.join(', ')}`);
    }
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw new GvisorIacError('REQUIRED', p, reason, 'is not a reason', 'say why the warning does not apply, e.g. "single-tenant CI nodes"');
    }
  }
  const onWarning = own.onWarning;
  if (onWarning !== undefined && typeof onWarning !== 'function') {
    throw new GvisorIacError('INVALID_TYPE', 'onWarning', onWarning, 'is not a function', 'pass (warning) => void');
  }
  const sink = (onWarning as ((w: NodeWarning) => void) | undefined) ?? ((w: NodeWarning) => process.emitWarning(`${w.path}: ${w.message}`, { code: w.id }));
  for (const w of warnings) {
    if (!hasOwn(acks, w.id)) sink(w);
  }
}

/** Warnings that the typed runsc options raise (own properties only; `extraFlags` warnings come from `resolveRunscOptions`). */
export function runscOptionWarnings(options: { network?: unknown; hostUds?: unknown; netRaw?: unknown }): NodeWarning[] {
  const own = (key: string): unknown => (hasOwn(options, key) ? (options as Record<string, unknown>)[key] : undefined);
  const out: NodeWarning[] = [];
  if (own('network') === 'host') {
    out.push({ id: 'NODE_HOST_NETWORK', path: 'network', message: 'network "host" makes the sandbox use the host kernel\'s network stack: network exploits reach the host kernel and the pod sees the node\'s interfaces' });
  }
  const hostUds = own('hostUds');
  if (hostUds !== undefined && hostUds !== 'none') {
    out.push({ id: 'NODE_HOST_UDS', path: 'hostUds', message: `hostUds "${String(hostUds)}" lets sandboxed code use host Unix-domain sockets mounted into the container` });
  }
  if (own('netRaw') === true) {
    out.push({ id: 'NODE_NET_RAW', path: 'netRaw', message: 'netRaw true lets sandboxed code open raw sockets and craft packets' });
  }
  return out;
}
