import { GvisorIacError, fieldPath } from '../core/errors';
import { assertPlainObject } from '../core/validate';

/** Stable IDs of the warnings node renderers raise. */
export type NodeWarningId =
  /** containerd `pod_annotations` lets pod authors change runsc flags through `dev.gvisor.*` annotations. */
  | 'NODE_POD_ANNOTATIONS'
  /** `network: 'host'`: the sandbox uses the host kernel's network stack. */
  | 'NODE_HOST_NETWORK'
  /** `hostUds` other than `none`: the sandbox can reach host Unix-domain sockets. */
  | 'NODE_HOST_UDS'
  /** `netRaw: true`: raw sockets allow packet crafting from the sandbox. */
  | 'NODE_NET_RAW';

export const NODE_WARNING_IDS: readonly NodeWarningId[] = ['NODE_POD_ANNOTATIONS', 'NODE_HOST_NETWORK', 'NODE_HOST_UDS', 'NODE_NET_RAW'];

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

/** Delivers `warnings` that the options do not acknowledge. Validates the acknowledgements first. */
export function reportWarnings(warnings: readonly NodeWarning[], options: NodeWarningOptions): void {
  const acks = options.acknowledgeWarnings === undefined ? {} : assertPlainObject(options.acknowledgeWarnings, 'acknowledgeWarnings');
  for (const [id, reason] of Object.entries(acks)) {
    const p = fieldPath('acknowledgeWarnings', id);
    if (!NODE_WARNING_IDS.includes(id as NodeWarningId)) {
      throw new GvisorIacError('UNKNOWN_FIELD', p, reason, 'is not a node warning ID', `use one of ${NODE_WARNING_IDS.join(', ')}`);
    }
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw new GvisorIacError('REQUIRED', p, reason, 'is not a reason', 'say why the warning does not apply, e.g. "single-tenant CI nodes"');
    }
  }
  if (options.onWarning !== undefined && typeof options.onWarning !== 'function') {
    throw new GvisorIacError('INVALID_TYPE', 'onWarning', options.onWarning, 'is not a function', 'pass (warning) => void');
  }
  const sink = options.onWarning ?? ((w: NodeWarning) => process.emitWarning(`${w.path}: ${w.message}`, { code: w.id }));
  for (const w of warnings) {
    if (acks[w.id] === undefined) sink(w);
  }
}

/** Warnings that runsc options themselves raise. */
export function runscOptionWarnings(options: { network?: unknown; hostUds?: unknown; netRaw?: unknown }): NodeWarning[] {
  const out: NodeWarning[] = [];
  if (options.network === 'host') {
    out.push({ id: 'NODE_HOST_NETWORK', path: 'network', message: 'network "host" makes the sandbox use the host kernel\'s network stack: network exploits reach the host kernel and the pod sees the node\'s interfaces' });
  }
  if (options.hostUds !== undefined && options.hostUds !== 'none') {
    out.push({ id: 'NODE_HOST_UDS', path: 'hostUds', message: `hostUds "${String(options.hostUds)}" lets sandboxed code use host Unix-domain sockets mounted into the container` });
  }
  if (options.netRaw === true) {
    out.push({ id: 'NODE_NET_RAW', path: 'netRaw', message: 'netRaw true lets sandboxed code open raw sockets and craft packets' });
  }
  return out;
}
