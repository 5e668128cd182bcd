import type {
  Affinity, Container, LocalObjectReference, PodDNSConfig, PodSecurityContext, PodSpec, ResourceRequirements,
  Toleration, TopologySpreadConstraint, Volume,
} from 'kubernetes-types/core/v1';
import { ContainerHardening, checkSharedSecurityFields, hardenContainer, resolveResources } from './container';
import { DEFAULTS } from '../defaults';
import { GvisorIacError } from '../errors';
import { RuntimeClassRef, assertGvisorHandler } from './runtime-class';
import { validateTolerations } from './scheduling';
import { built, pruneBuilt } from '../objects/built';
import { prune } from '../objects/manifest';
import { checkK8sField, k8sFieldNames } from '../validation/k8s-types';
import { emptyRecord, plainProps } from '../validation/plain-data';
import { PropTable, checkPropValues, checkProps, k8sFields, optional, propNames } from '../validation/props';
import { parseQuantity } from '../validation/quantity';
import {
  assertArray, assertBoolean, assertDnsLabel, assertDnsSubdomain, assertInteger, assertKnownKeys, assertLabels, assertOneOf,
  assertPlainObject, optionalInteger,
} from '../validation/validate';

/**
 * The explicit opt-outs of the hardened defaults that do not break Pod
 * Security "restricted". (Settings that would break it — privileged, root,
 * host namespaces, hostPath, hostPort, added capabilities — have no opt-out.)
 */
export interface HardeningOptions {
  /**
   * Pod `runAsUser` (and `runAsGroup`/`fsGroup`). `false` leaves them unset so
   * the image's own non-root USER applies (`runAsNonRoot: true` still holds).
   * @default 1000
   */
  readonly runAsUser?: number | false;
  /**
   * `readOnlyRootFilesystem` of every container (a container's own
   * `securityContext.readOnlyRootFilesystem` wins).
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * A size-limited writable emptyDir mounted at `/tmp` in every container
   * that does not mount something there itself. `false` adds none.
   * @default { sizeLimit: "64Mi" }
   */
  readonly writableTmp?: { readonly sizeLimit?: string; readonly medium?: 'Memory' } | false;
  /**
   * Resources for containers that set none (cpu/memory filled per key, keeping request ≤ limit).
   * @default { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } }
   */
  readonly defaultResources?: ResourceRequirements;
}

/**
 * Pod spec props shared by every sandboxed workload. Field names are
 * Kubernetes' own, so an existing pod spec pastes in.
 */
export interface SandboxedPodSpecProps {
  /** The containers (Kubernetes `Container`). At least one. */
  readonly containers: Container[];
  /** Init containers, hardened like the others. @default - none */
  readonly initContainers?: Container[];
  /** Volumes; hostPath and other node-backed types are refused. @default - none (plus the /tmp emptyDir) */
  readonly volumes?: Volume[];
  /**
   * The RuntimeClass: a `GvisorRuntimeClass` (or its `ref`) or a class name.
   * @default "gvisor"
   */
  readonly runtimeClass?: RuntimeClassRef | string;
  /** Pod securityContext, merged over the hardened one (root and unconfined seccomp refused). @default - runAsNonRoot, uid/gid 1000, seccomp RuntimeDefault */
  readonly securityContext?: PodSecurityContext;
  /** Service account to run as. @default - none (the namespace's `default`) */
  readonly serviceAccountName?: string;
  /** Mount the service-account token. @default false */
  readonly automountServiceAccountToken?: boolean;
  /** Inject Service environment variables. @default false */
  readonly enableServiceLinks?: boolean;
  /** Hardened-default opt-outs. @default - all hardening on */
  readonly hardening?: HardeningOptions;
  /** @default - none */
  readonly nodeSelector?: Record<string, string>;
  /** @default - none */
  readonly tolerations?: Toleration[];
  /** @default - none */
  readonly affinity?: Affinity;
  /** @default - none */
  readonly topologySpreadConstraints?: TopologySpreadConstraint[];
  /** @default - none */
  readonly priorityClassName?: string;
  /** @default - Kubernetes' 30 */
  readonly terminationGracePeriodSeconds?: number;
  /** @default - none */
  readonly imagePullSecrets?: LocalObjectReference[];
  /** @default - Kubernetes' "ClusterFirst" */
  readonly dnsPolicy?: 'ClusterFirst' | 'ClusterFirstWithHostNet' | 'Default' | 'None';
  /** @default - none */
  readonly dnsConfig?: PodDNSConfig;
  /** Must be false: a sandboxed pod never joins the node's network namespace. @default false */
  readonly hostNetwork?: boolean;
  /** Must be false. @default false */
  readonly hostPID?: boolean;
  /** Must be false. @default false */
  readonly hostIPC?: boolean;
  /** @default false */
  readonly shareProcessNamespace?: boolean;
}

/** How the props in `hardening.writableTmp` are checked. */
const WRITABLE_TMP_PROPS = {
  sizeLimit: optional((v, p) => parseQuantity(v as string, p, 'storage')),
  medium: optional((v, p) => assertOneOf(v, ['Memory'] as const, p)),
} satisfies PropTable<Exclude<HardeningOptions['writableTmp'], false | undefined>>;

/** How the props in `hardening` are checked. */
const HARDENING_PROPS = {
  runAsUser: optional((v, p) => (v === false ? v : assertInteger(v, p, 1, 2147483647))),
  readOnlyRootFilesystem: optional(assertBoolean),
  writableTmp: optional((v, p) => (v === false ? v : checkProps(v, WRITABLE_TMP_PROPS, p))),
  defaultResources: (v, p) => checkK8sField('CoreV1Container', 'resources', v, p),
} satisfies PropTable<HardeningOptions>;

/**
 * How each prop of `SandboxedPodSpecProps` is checked: every field passed
 * through to the PodSpec by its Kubernetes type (types, enums, integer
 * formats, nested fields), `runtimeClass` and `hardening` by their own rules.
 @internal */
export const POD_SPEC_PROPS = {
  ...k8sFields('CoreV1PodSpec', ['containers', 'initContainers', 'volumes'] as const),
  runtimeClass: (v: unknown, p: string) => runtimeClassName(v as RuntimeClassRef | string | undefined, p),
  ...k8sFields('CoreV1PodSpec', ['securityContext', 'serviceAccountName', 'automountServiceAccountToken', 'enableServiceLinks'] as const),
  hardening: optional((v, p) => checkProps(v, HARDENING_PROPS, p)),
  ...k8sFields('CoreV1PodSpec', [
    'nodeSelector', 'tolerations', 'affinity', 'topologySpreadConstraints', 'priorityClassName', 'terminationGracePeriodSeconds',
    'imagePullSecrets', 'dnsPolicy', 'dnsConfig', 'hostNetwork', 'hostPID', 'hostIPC', 'shareProcessNamespace',
  ] as const),
} satisfies PropTable<SandboxedPodSpecProps>;

/** Keys of `SandboxedPodSpecProps`, for unknown-field checks. */
export const POD_SPEC_PROP_KEYS: readonly string[] = propNames(POD_SPEC_PROPS);

/** Volume types Pod Security "restricted" admits. */
export const RESTRICTED_VOLUME_TYPES: readonly string[] = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/** Sysctls Pod Security admits (gVisor implements few of them; others are refused). */
export const SAFE_SYSCTLS: readonly string[] = [
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
];

/** Resolves the `runtimeClass` prop to a class name. */
export function runtimeClassName(rc: RuntimeClassRef | string | undefined, path: string): string {
  if (rc === undefined) return DEFAULTS.runtimeClassName;
  if (typeof rc === 'string') return assertDnsSubdomain(rc, path);
  assertPlainObject(rc, path);
  // A hand-made reference may name a handler too: it must be gVisor's, as in GvisorRuntimeClass.
  if (rc.handler !== undefined) assertGvisorHandler(assertDnsLabel(rc.handler, `${path}.handler`), `${path}.handler`, rc.handlerIsGvisor === true);
  return assertDnsSubdomain(rc.name, `${path}.name`);
}

/**
 * Builds the hardened, gVisor-sandboxed pod spec every workload shares.
 * Validates everything first; throws `GvisorIacError` on bad input.
 */
export function buildSandboxedPodSpec(propsIn: SandboxedPodSpecProps, path: string, extra: Partial<PodSpec> = {}): PodSpec {
  const props = plainProps(propsIn, path);
  checkPropValues(props as unknown as Record<string, unknown>, POD_SPEC_PROPS, path);
  return renderPodSpec(props, path, extra);
}

/**
 * The pod spec of props already checked against {@link POD_SPEC_PROPS} (a
 * workload's table includes it): hardening applied, the checks that need
 * more than one prop (volume and container names, mounts) made.
 * `claimVolumes` are volumes the pods get from elsewhere (a StatefulSet's
 * `volumeClaimTemplates`, by name, checked already): mounts may name them.
 * @internal
 */
export function renderPodSpec(
  props: SandboxedPodSpecProps, path: string, extra: Partial<PodSpec> = {},
  claimVolumes: readonly { name: string; path: string }[] = [],
): PodSpec {
  const hardening = props.hardening === undefined ? emptyRecord<HardeningOptions>() : props.hardening;
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (props[f] !== undefined && assertBoolean(props[f], `${path}.${f}`)) {
      throw new GvisorIacError('SANDBOX_ESCAPE', `${path}.${f}`, true, `shares the node's ${f.slice(4)} namespace (forbidden by Pod Security; under gVisor ${f === 'hostNetwork' ? 'the pod is left with loopback only' : 'it breaks the isolation'})`, `remove ${f}`);
    }
  }

  const volumes = (props.volumes === undefined ? [] : assertArray<Volume>(props.volumes, `${path}.volumes`)).map((v, i) => checkVolume(v, `${path}.volumes[${i}]`));
  const volumeNames = new Set<string>();
  volumes.forEach((v, i) => {
    if (volumeNames.has(v.name)) throw new GvisorIacError('DUPLICATE_NAME', `${path}.volumes[${i}].name`, v.name, 'is declared twice', 'give each volume a unique name');
    volumeNames.add(v.name);
  });
  for (const claim of claimVolumes) {
    if (volumeNames.has(claim.name)) {
      throw new GvisorIacError('DUPLICATE_NAME', claim.path, claim.name, 'is also the name of a volume in `volumes`', 'give the claim template and the volume different names');
    }
    volumeNames.add(claim.name);
  }

  const tmp = resolveTmp(hardening.writableTmp, `${path}.hardening.writableTmp`, volumeNames);
  if (tmp) volumeNames.add(tmp.volume.name);
  const defaultResources = hardening.defaultResources === undefined
    ? DEFAULTS.containerResources as ResourceRequirements
    : resolveResources(hardening.defaultResources, `${path}.hardening.defaultResources`, {});
  const h: ContainerHardening = {
    readOnlyRootFilesystem: hardening.readOnlyRootFilesystem === undefined ? true : assertBoolean(hardening.readOnlyRootFilesystem, `${path}.hardening.readOnlyRootFilesystem`),
    defaultResources,
    tmpMount: tmp?.mount,
  };

  const containersIn = assertArray<Container>(props.containers, `${path}.containers`);
  if (containersIn.length === 0) {
    throw new GvisorIacError('REQUIRED', `${path}.containers`, containersIn, 'is empty', 'add at least one container with a name and an image');
  }
  const initIn = props.initContainers === undefined ? [] : assertArray<Container>(props.initContainers, `${path}.initContainers`);
  const seen = new Map<string, string>();
  const harden = (list: Container[], field: string): Container[] =>
    list.map((c, i) => {
      const p = `${path}.${field}[${i}]`;
      const out = hardenContainer(c, p, h, volumeNames);
      const prev = seen.get(out.name);
      if (prev) throw new GvisorIacError('DUPLICATE_NAME', `${p}.name`, out.name, `is already used by ${prev}`, 'give every container and init container a unique name');
      seen.set(out.name, p);
      return out;
    });
  const initContainers = harden(initIn, 'initContainers');
  const containers = harden(containersIn, 'containers');
  const usesTmp = tmp && [...initContainers, ...containers].some((c) => c.volumeMounts?.some((m) => m.name === tmp.volume.name));

  const podSecurityContext = hardenPodSecurityContext(props.securityContext, `${path}.securityContext`, hardening.runAsUser, `${path}.hardening.runAsUser`);
  const tolerations = validateTolerations(props.tolerations, `${path}.tolerations`);
  const nodeSelector = assertLabels(props.nodeSelector, `${path}.nodeSelector`);

  return built(pruneBuilt({
    runtimeClassName: runtimeClassName(props.runtimeClass, `${path}.runtimeClass`),
    serviceAccountName: props.serviceAccountName === undefined ? undefined : assertDnsSubdomain(props.serviceAccountName, `${path}.serviceAccountName`),
    automountServiceAccountToken: props.automountServiceAccountToken === undefined ? false : assertBoolean(props.automountServiceAccountToken, `${path}.automountServiceAccountToken`),
    enableServiceLinks: props.enableServiceLinks === undefined ? false : assertBoolean(props.enableServiceLinks, `${path}.enableServiceLinks`),
    securityContext: podSecurityContext,
    initContainers,
    containers,
    volumes: usesTmp ? [...volumes, tmp.volume] : volumes,
    nodeSelector: nodeSelector && Object.keys(nodeSelector).length ? nodeSelector : undefined,
    tolerations,
    affinity: props.affinity === undefined ? undefined : assertPlainObject(props.affinity, `${path}.affinity`) as Affinity,
    topologySpreadConstraints: props.topologySpreadConstraints === undefined ? undefined : assertArray<TopologySpreadConstraint>(props.topologySpreadConstraints, `${path}.topologySpreadConstraints`),
    priorityClassName: props.priorityClassName === undefined ? undefined : assertDnsSubdomain(props.priorityClassName, `${path}.priorityClassName`),
    terminationGracePeriodSeconds: optionalInteger(props.terminationGracePeriodSeconds, `${path}.terminationGracePeriodSeconds`),
    imagePullSecrets: props.imagePullSecrets === undefined ? undefined : assertArray<LocalObjectReference>(props.imagePullSecrets, `${path}.imagePullSecrets`),
    dnsPolicy: props.dnsPolicy === undefined ? undefined : assertOneOf(props.dnsPolicy, ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'] as const, `${path}.dnsPolicy`),
    dnsConfig: props.dnsConfig,
    shareProcessNamespace: props.shareProcessNamespace === undefined ? undefined : assertBoolean(props.shareProcessNamespace, `${path}.shareProcessNamespace`),
    ...extra,
  }));
}

function checkVolume(v: Volume, path: string): Volume {
  assertPlainObject(v, path);
  assertDnsLabel(v.name, `${path}.name`);
  const types = Object.keys(v).filter((k) => k !== 'name' && (v as unknown as Record<string, unknown>)[k] !== undefined);
  for (const t of types) {
    if (t === 'hostPath') {
      throw new GvisorIacError('SANDBOX_ESCAPE', `${path}.hostPath`, v.hostPath, 'mounts a directory of the node into the sandbox (forbidden by Pod Security)', 'use an emptyDir, configMap, secret or persistentVolumeClaim volume');
    }
    if (!RESTRICTED_VOLUME_TYPES.includes(t)) {
      throw new GvisorIacError('SANDBOX_ESCAPE', `${path}.${t}`, (v as unknown as Record<string, unknown>)[t], 'is a volume type Pod Security "restricted" forbids', `use one of ${RESTRICTED_VOLUME_TYPES.join(', ')} (e.g. a persistentVolumeClaim)`);
    }
  }
  if (types.length !== 1) {
    throw new GvisorIacError('INVALID_VALUE', path, v, `declares ${types.length} volume sources`, 'give each volume exactly one source, e.g. { name, emptyDir: {} }');
  }
  if (v.emptyDir?.sizeLimit !== undefined) parseQuantity(v.emptyDir.sizeLimit, `${path}.emptyDir.sizeLimit`, 'storage');
  return v;
}

function resolveTmp(value: HardeningOptions['writableTmp'], path: string, taken: ReadonlySet<string>) {
  if (value === false) return undefined;
  const o = value === undefined ? emptyRecord() : assertPlainObject(value, path);
  const sizeLimit = (o.sizeLimit as string | undefined) ?? DEFAULTS.tmpSizeLimit;
  parseQuantity(sizeLimit, `${path}.sizeLimit`, 'storage');
  const medium = o.medium === undefined ? undefined : assertOneOf(o.medium, ['Memory'] as const, `${path}.medium`);
  const name = taken.has(DEFAULTS.tmpVolumeName) ? `sandbox-${DEFAULTS.tmpVolumeName}` : DEFAULTS.tmpVolumeName;
  return {
    volume: { name, emptyDir: prune({ medium, sizeLimit }) } as Volume,
    mount: { name, mountPath: DEFAULTS.tmpMountPath },
  };
}

/** Pod securityContext: hardened defaults with the user's checked settings on top. */
function hardenPodSecurityContext(
  sc: PodSecurityContext | undefined,
  path: string,
  runAsUser: number | false | undefined,
  runAsUserPath: string,
): PodSecurityContext {
  const s = sc === undefined ? emptyRecord<PodSecurityContext>() : assertPlainObject(sc, path) as PodSecurityContext;
  assertKnownKeys(s as Record<string, unknown>, k8sFieldNames('CoreV1PodSecurityContext'), path);
  checkSharedSecurityFields(s, path);
  if (s.fsGroup !== undefined) assertInteger(s.fsGroup, `${path}.fsGroup`, 0, 2147483647);
  (s.supplementalGroups ?? []).forEach((g, i) => assertInteger(g, `${path}.supplementalGroups[${i}]`, 0, 2147483647));
  (s.sysctls === undefined ? [] : assertArray<{ name: string }>(s.sysctls, `${path}.sysctls`)).forEach((sysctl, i) => {
    if (!SAFE_SYSCTLS.includes(sysctl?.name)) {
      throw new GvisorIacError('SANDBOX_ESCAPE', `${path}.sysctls[${i}].name`, sysctl?.name, 'is not a namespaced sysctl Pod Security allows (and gVisor ignores most sysctls)', `use one of ${SAFE_SYSCTLS.join(', ')}`);
    }
  });
  const uid = runAsUser === false ? undefined
    : runAsUser === undefined ? DEFAULTS.runAsUser
      : assertInteger(runAsUser, runAsUserPath, 1, 2147483647);
  const defaults: PodSecurityContext = uid === undefined ? {} : { runAsUser: uid, runAsGroup: uid, fsGroup: uid };
  const { runAsNonRoot: _n, seccompProfile, ...rest } = s;
  return built(prune({
    runAsNonRoot: true,
    ...defaults,
    ...rest,
    seccompProfile: seccompProfile ?? { type: DEFAULTS.seccompProfile },
  }));
}

