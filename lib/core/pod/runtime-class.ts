import type { Toleration } from 'kubernetes-types/core/v1';
import type { RuntimeClass } from 'kubernetes-types/node/v1';
import { DEFAULTS, GKE_SANDBOX, MANAGED_BY_LABEL } from '../defaults';
import { GvisorIacError } from '../errors';
import { validateTolerations } from './scheduling';
import { KubeObject, Manifests, prune } from '../objects/manifest';
import { ownValue, plainProps } from '../validation/plain-data';
import { PropTable, optional, resolveProps } from '../validation/props';
import { parseQuantity } from '../validation/quantity';
import { assertAnnotations, assertDnsLabel, assertDnsSubdomain, assertLabels, assertOneOf } from '../validation/validate';

/** The fixed per-pod cost of the sandbox, charged to quotas and scheduling. */
export interface PodOverhead {
  /** @default "100m" */
  readonly cpu?: string;
  /** @default "160Mi" */
  readonly memory?: string;
}

/**
 * Props of a gVisor RuntimeClass.
 * @see https://kubernetes.io/docs/concepts/containers/runtime-class/
 * @see https://gvisor.dev/docs/user_guide/containerd/quick_start/
 */
export interface GvisorRuntimeClassProps {
  /**
   * `metadata.name`; what pods put in `runtimeClassName`.
   * @default "gvisor"
   */
  readonly name?: string;
  /**
   * CRI handler the nodes' container runtime knows (containerd `runtimes.<handler>`).
   * Only gVisor's handler names are accepted: `runsc`, `gvisor` (GKE
   * Sandbox), and either followed by `-<variant>` (`runsc-kvm`,
   * `gvisor-debug`). Any other name needs `handlerIsGvisor: true`.
   * @default "runsc" ("gvisor" with preset "gke")
   */
  readonly handler?: string;
  /**
   * Declares that `handler`, a name that is not one of gVisor's
   * (`runsc`, `gvisor`, `runsc-*`, `gvisor-*`), runs gVisor on the nodes.
   * Pods and the tenant admission policy trust this class by name alone, so
   * a class whose handler is really runc would run them unsandboxed: the
   * library refuses such names unless you vouch for them here. Runtimes
   * known not to be gVisor (`runc`, `crun`, `kata-*`, …) stay refused.
   * @default false
   */
  readonly handlerIsGvisor?: boolean;
  /**
   * `overhead.podFixed`. `false` emits no overhead (not recommended: quotas
   * and the scheduler then ignore the sandbox's own memory).
   * @default { cpu: "100m", memory: "160Mi" }
   */
  readonly podOverhead?: PodOverhead | false;
  /**
   * `scheduling.nodeSelector`: only nodes with these labels run the handler;
   * Kubernetes adds it to every pod that names this class.
   * @default - none (GKE preset: sandbox.gke.io/runtime=gvisor)
   */
  readonly nodeSelector?: Record<string, string>;
  /**
   * `scheduling.tolerations` added to every pod that names this class.
   * @default - none (GKE preset: tolerates sandbox.gke.io/runtime=gvisor:NoSchedule)
   */
  readonly tolerations?: Toleration[];
  /** Extra labels. @default - none */
  readonly labels?: Record<string, string>;
  /** Annotations. @default - none */
  readonly annotations?: Record<string, string>;
  /**
   * `"gke"`: GKE Sandbox. The class (name `gvisor`, handler `gvisor`) is
   * created by GKE itself, so nothing is emitted; pods get GKE's node label
   * and taint through the class's scheduling.
   * @default - none (a self-managed class is emitted)
   */
  readonly preset?: 'gke';
  /**
   * `true`: the class already exists in the cluster (created elsewhere);
   * refer to it by `name` and emit nothing. `podOverhead` should still say
   * what the existing class charges, for quota checks.
   * @default false
   */
  readonly existing?: boolean;
}

/** What workloads need to know about a RuntimeClass. */
export interface RuntimeClassRef {
  /** The class name pods set in `runtimeClassName`. */
  readonly name: string;
  /** Handler, when known. */
  readonly handler?: string;
  /** `true` when `handler` is not a gVisor handler name but was declared to run gVisor (`handlerIsGvisor`). */
  readonly handlerIsGvisor?: boolean;
  /** Per-pod overhead, when known (used to size quotas). */
  readonly overhead?: { readonly cpu: string; readonly memory: string };
  /** Node selector the class adds to pods, when known. */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Tolerations the class adds to pods, when known. */
  readonly tolerations?: readonly Toleration[];
}

/** The rendered RuntimeClass: its reference and the objects to emit (none for GKE or existing classes). */
export interface RuntimeClassManifests extends Manifests {
  readonly ref: RuntimeClassRef;
}

/** How each field of `podOverhead` is checked (a Kubernetes quantity of its resource). */
const POD_OVERHEAD_PROPS = {
  cpu: optional((v, p) => {
    parseQuantity(v, p, 'cpu');
    return v as string;
  }),
  memory: optional((v, p) => {
    parseQuantity(v, p, 'memory');
    return v as string;
  }),
} satisfies PropTable<PodOverhead>;

/** A boolean prop, refused with a fix that says what `true` means. */
const flag = (meaning: string) => optional((v, p) => {
  if (typeof v !== 'boolean') throw new GvisorIacError('INVALID_TYPE', p, v, 'is not a boolean', `use true to ${meaning}`);
  return v;
});

/** How each prop of `GvisorRuntimeClass` is checked; the defaults (which depend on `preset`) come after. */
const RUNTIME_CLASS_PROPS = {
  name: optional((v, p) => assertDnsSubdomain(v, p)),
  handler: optional((v, p) => assertDnsLabel(v, p)),
  handlerIsGvisor: flag('declare that a custom handler name runs gVisor'),
  podOverhead: optional((v, p) => (v === false ? false : resolveProps(v, POD_OVERHEAD_PROPS, p))),
  nodeSelector: (v: unknown, p: string) => assertLabels(v, p),
  tolerations: (v: unknown, p: string) => validateTolerations(v, p),
  labels: (v: unknown, p: string) => assertLabels(v, p),
  annotations: (v: unknown, p: string) => assertAnnotations(v, p),
  preset: optional((v, p) => assertOneOf(v, ['gke'] as const, p)),
  existing: flag('refer to a class that already exists'),
} satisfies PropTable<GvisorRuntimeClassProps>;

/**
 * Builds a gVisor RuntimeClass (`node.k8s.io/v1`) from props, validating
 * everything first.
 */
export function renderRuntimeClass(propsIn: GvisorRuntimeClassProps = {}, path = 'props'): RuntimeClassManifests {
  const props = resolveProps(plainProps(propsIn, path), RUNTIME_CLASS_PROPS, path);
  const gke = props.preset === 'gke';
  const name = props.name ?? (gke ? GKE_SANDBOX.runtimeClassName : DEFAULTS.runtimeClassName);
  const handler = props.handler ?? (gke ? GKE_SANDBOX.handler : DEFAULTS.runtimeHandler);
  const vouched = assertGvisorHandler(handler, `${path}.handler`, props.handlerIsGvisor === true);
  const overhead = resolveOverhead(props.podOverhead, gke);
  const nodeSelector = props.nodeSelector ?? (gke ? { [GKE_SANDBOX.nodeLabel.key]: GKE_SANDBOX.nodeLabel.value } : undefined);
  const tolerations = props.tolerations ??
    (gke ? [{ key: GKE_SANDBOX.taint.key, operator: 'Equal', value: GKE_SANDBOX.taint.value, effect: GKE_SANDBOX.taint.effect }] : undefined);
  const { labels, annotations } = props;

  const ref: RuntimeClassRef = prune({
    name,
    handler,
    handlerIsGvisor: vouched ? true : undefined,
    overhead,
    nodeSelector: nodeSelector && Object.keys(nodeSelector).length ? nodeSelector : undefined,
    tolerations,
  });
  if (gke || props.existing) return { ref, objects: [] };

  const rc: RuntimeClass & KubeObject = prune({
    apiVersion: 'node.k8s.io/v1',
    kind: 'RuntimeClass',
    metadata: { name, labels: { ...MANAGED_BY_LABEL, ...labels }, annotations: nonEmpty(annotations) },
    handler,
    overhead: overhead ? { podFixed: { cpu: overhead.cpu, memory: overhead.memory } } : undefined,
    scheduling: ownValue(ref, 'nodeSelector') || tolerations ? { nodeSelector: ownValue(ref, 'nodeSelector') as Record<string, string> | undefined, tolerations } : undefined,
  });
  return { ref, objects: [rc], primary: 0 };
}

/**
 * Handler names that are gVisor's: `runsc` (gVisor's own name for its
 * runtime, what `runsc install` and the containerd quick start configure),
 * `gvisor` (GKE Sandbox's handler), and either followed by `-<variant>`
 * (the convention for a second gVisor runtime with other flags, e.g.
 * `runsc-kvm`, `runsc-debug`).
 */
export const GVISOR_HANDLER_PATTERN = /^(runsc|gvisor)(-[a-z0-9]([-a-z0-9]*[a-z0-9])?)?$/;

/**
 * Handler names of runtimes that are known not to be gVisor (OCI runtimes
 * without a sandbox, VM sandboxes, WebAssembly shims): refused even with
 * `handlerIsGvisor`, which cannot make them gVisor.
 */
export const NOT_GVISOR_HANDLER_PATTERN = /^(runc|crun|youki|runj|krun|nvidia|kata|kata-.*|runhcs-.*|wasm.*|spin|slight|lunatic|firecracker|fc)$/;

/**
 * Refuses (`SANDBOX_ESCAPE`) a RuntimeClass handler that is not gVisor's,
 * unless `vouched` (the caller's explicit `handlerIsGvisor: true`) and the
 * name is not a runtime known to be something else. Returns whether the
 * name passed only because it was vouched for.
 */
export function assertGvisorHandler(handler: string, path: string, vouched: boolean): boolean {
  if (NOT_GVISOR_HANDLER_PATTERN.test(handler)) {
    throw new GvisorIacError(
      'SANDBOX_ESCAPE', path, handler,
      'names a runtime that is not gVisor: pods naming this class would run unsandboxed, yet pods and the tenant admission policy trust the class by its name',
      `use "${DEFAULTS.runtimeHandler}" (or "${GKE_SANDBOX.handler}" on GKE Sandbox); handlerIsGvisor cannot vouch for "${handler}"`,
    );
  }
  if (GVISOR_HANDLER_PATTERN.test(handler)) return false;
  if (vouched) return true;
  throw new GvisorIacError(
    'SANDBOX_ESCAPE', path, handler,
    'is not a gVisor handler name (runsc, gvisor, runsc-*, gvisor-*): pods and the tenant admission policy trust this class by its name, so a handler that is not gVisor would run them unsandboxed',
    `use "${DEFAULTS.runtimeHandler}" (or "${GKE_SANDBOX.handler}" on GKE Sandbox), or set handlerIsGvisor: true if the nodes' "${handler}" runtime is gVisor`,
  );
}

/** A reference to a RuntimeClass by name (no object emitted), e.g. one created by a cluster add-on. */
export function runtimeClassRef(name: string, options: { podOverhead?: PodOverhead } = {}): RuntimeClassRef {
  return renderRuntimeClass({ name, existing: true, podOverhead: (ownValue(options, 'podOverhead') as PodOverhead | undefined) ?? false }).ref;
}

/** The checked `podOverhead` with its defaults: none with `false`, nor by default on GKE (GKE's class sets its own). */
function resolveOverhead(value: PodOverhead | false | undefined, gke: boolean): { cpu: string; memory: string } | undefined {
  if (value === false) return undefined;
  if (value === undefined) return gke ? undefined : { ...DEFAULTS.podOverhead };
  return { cpu: value.cpu ?? DEFAULTS.podOverhead.cpu, memory: value.memory ?? DEFAULTS.podOverhead.memory };
}

function nonEmpty<T extends object>(o: T | undefined): T | undefined {
  return o && Object.keys(o).length > 0 ? o : undefined;
}
