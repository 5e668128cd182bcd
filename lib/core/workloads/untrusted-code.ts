import type { ConfigMap, Container, EnvVar, ResourceRequirements, Toleration, Volume } from 'kubernetes-types/core/v1';
import { UNTRUSTED_CODE_DEFAULTS } from '../defaults';
import { GvisorIacError, fieldPath } from '../errors';
import { renderSandboxedJob } from './job';
import { POD_TEMPLATE_METADATA_PROPS, PodTemplateMetadataProps } from './pod';
import { EGRESS_NETWORK_PROPS, EgressNetworkProps, SandboxEgress, isolatingNetworkPolicy, resolveEgress } from '../network/egress';
import { KubeObject, Manifests, prune } from '../objects/manifest';
import { IDENTITY_PROPS, ObjectIdentityProps, objectMeta, resolveIdentity } from '../objects/metadata';
import { ManifestOverride, applyOverrides } from '../objects/overrides';
import { assertImage, resolveResources, resourceKind } from '../pod/container';
import { runtimeClassName } from '../pod/pod-spec';
import { RuntimeClassRef } from '../pod/runtime-class';
import { validateTolerations } from '../pod/scheduling';
import { checkK8sField } from '../validation/k8s-types';
import { emptyRecord, ownValue, plainProps } from '../validation/plain-data';
import { PropTable, checkProps, optional, resolveProps } from '../validation/props';
import { parseQuantity } from '../validation/quantity';
import { assertArray, assertLabels, assertPlainObject, assertString, optionalInteger } from '../validation/validate';

/** The most a ConfigMap may hold (the API server's limit, 1 MiB). */
export const CONFIG_MAP_MAX_BYTES = 1024 * 1024;

const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
const CODE_VOLUME = 'code';

/**
 * Props of `UntrustedCodeSandbox`: one run of code nobody trusts, as a Job a
 * code-execution service submits per request.
 */
export interface UntrustedCodeSandboxProps extends ObjectIdentityProps, PodTemplateMetadataProps, EgressNetworkProps {
  /** Image of the code runner (e.g. a language runtime). */
  readonly image: string;
  /** Container entrypoint. @default - the image's ENTRYPOINT */
  readonly command?: string[];
  /** Arguments. @default - the image's CMD */
  readonly args?: string[];
  /** Plain environment variables (`name`/`value` only: no secrets or field refs reach untrusted code). @default - none */
  readonly env?: EnvVar[];
  /** Working directory. @default - the image's WORKDIR */
  readonly workingDir?: string;
  /**
   * The RuntimeClass: a `GvisorRuntimeClass` (or its `ref`) or a class name.
   * @default "gvisor"
   */
  readonly runtimeClass?: RuntimeClassRef | string;
  /** Seconds the run may take before Kubernetes stops it (> 0). @default 300 */
  readonly activeDeadlineSeconds?: number;
  /** Seconds a finished run (Job and pods) is kept before it is deleted. @default 600 */
  readonly ttlSecondsAfterFinished?: number;
  /**
   * Resource limits, merged over the defaults; requests are always set equal
   * to the limits (Guaranteed QoS). Requests that differ are refused.
   * @default { limits: { cpu: "1", memory: "512Mi", "ephemeral-storage": "256Mi" } }
   */
  readonly resources?: ResourceRequirements;
  /**
   * What the run may reach (`SandboxEgress`: `"none"` blocks DNS too).
   * Ingress is always denied; the cloud metadata address and the link-local
   * range are never reachable.
   * @default "none"
   */
  readonly egress?: SandboxEgress;
  /**
   * Files to run: file name → content, delivered as an immutable ConfigMap
   * mounted read-only at `codeMountPath`. At most 1 MiB in all (names and
   * contents, UTF-8); names are ConfigMap keys (letters, digits, `-`, `_`, `.`).
   * @default - none
   */
  readonly code?: Record<string, string>;
  /** Where `code` is mounted (read-only, files mode 0444). @default "/code" */
  readonly codeMountPath?: string;
  /** Size limit of the writable `/tmp` emptyDir (at most the ephemeral-storage limit). @default "64Mi" */
  readonly tmpSizeLimit?: string;
  /** Pin runs to dedicated nodes. @default - none */
  readonly nodeSelector?: Record<string, string>;
  /** @default - none */
  readonly tolerations?: Toleration[];
  /** JSON-patch escape hatch applied after the objects are built (default target: the Job). @default - none */
  readonly overrides?: ManifestOverride[];
}

/** A list of strings (possibly empty ones: an empty argument is meaningful). */
const strings = optional((v, p) => assertArray<unknown>(v, p).map((s, i) => stringValue(s, fieldPath(p, i))));

/** A JobSpec field: its Kubernetes type, then a whole number ≥ `min`, or `fallback` when absent. */
const jobSeconds = (field: string, min: number, fallback: number) => (v: unknown, p: string): number => {
  checkK8sField('BatchV1JobSpec', field, v, p);
  return optionalInteger(v, p, min) ?? fallback;
};

/**
 * How each prop of `UntrustedCodeSandbox` is checked and resolved (what
 * needs two props, e.g. /tmp within the ephemeral-storage limit, comes after).
 */
const UNTRUSTED_CODE_PROPS = {
  ...IDENTITY_PROPS,
  ...POD_TEMPLATE_METADATA_PROPS,
  image: (v: unknown, p: string) => assertImage(v, p),
  command: strings,
  args: strings,
  env: (v: unknown, p: string) => checkEnv(v, p),
  workingDir: optional((v, p) => assertString(v, p, 'an absolute path')),
  runtimeClass: (v: unknown, p: string) => {
    runtimeClassName(v as RuntimeClassRef | string | undefined, p);
    return v as RuntimeClassRef | string | undefined;
  },
  activeDeadlineSeconds: jobSeconds('activeDeadlineSeconds', 1, UNTRUSTED_CODE_DEFAULTS.activeDeadlineSeconds),
  ttlSecondsAfterFinished: jobSeconds('ttlSecondsAfterFinished', 0, UNTRUSTED_CODE_DEFAULTS.ttlSecondsAfterFinished),
  resources: (v: unknown, p: string) => guaranteedResources(v, p),
  egress: (v: unknown, p: string) => {
    const egress = (v ?? UNTRUSTED_CODE_DEFAULTS.egress) as SandboxEgress;
    resolveEgress(egress, p, UNTRUSTED_CODE_DEFAULTS.egress);
    return egress;
  },
  ...EGRESS_NETWORK_PROPS,
  code: (v: unknown, p: string) => checkCode(v, p),
  codeMountPath: (v: unknown, p: string) => checkMountPath(v, p),
  tmpSizeLimit: (v: unknown, p: string) => {
    const sizeLimit = v === undefined ? UNTRUSTED_CODE_DEFAULTS.tmpSizeLimit : assertString(v, p, 'a quantity such as "64Mi"');
    parseQuantity(sizeLimit, p, 'storage');
    return sizeLimit;
  },
  nodeSelector: (v: unknown, p: string) => assertLabels(v, p),
  tolerations: (v: unknown, p: string) => validateTolerations(v, p),
  overrides: optional((v, p) => assertArray<ManifestOverride>(v, p)),
} satisfies PropTable<UntrustedCodeSandboxProps>;

/** The labels that select exactly one run's pods (and every object of the run). */
export function untrustedRunSelector(name: string): Record<string, string> {
  return { [UNTRUSTED_CODE_DEFAULTS.runLabel]: name };
}

/**
 * Builds one run of untrusted code: an optional ConfigMap with the code, a
 * NetworkPolicy isolating the run's pods, and a gVisor Job with
 * `backoffLimit: 0`, a deadline, a TTL and Guaranteed resources. Names are
 * `<name>` (Job, NetworkPolicy) and `<name>-code` (ConfigMap), where `name`
 * comes from props or the construct id. Validates everything first.
 */
export function renderUntrustedCodeSandbox(propsIn: UntrustedCodeSandboxProps, id: string, path = 'props'): Manifests {
  const props = plainProps(propsIn, path);
  const r = resolveProps(props, UNTRUSTED_CODE_PROPS, path);
  const identity = resolveIdentity(props, id, path);
  if (ownValue(props.labels, UNTRUSTED_CODE_DEFAULTS.runLabel) !== undefined) {
    throw new GvisorIacError('RESERVED_NAME', `${path}.labels["${UNTRUSTED_CODE_DEFAULTS.runLabel}"]`, ownValue(props.labels, UNTRUSTED_CODE_DEFAULTS.runLabel), 'is set by UntrustedCodeSandbox to the run name (it scopes the NetworkPolicy to this run)', 'remove it; set `name` to name the run');
  }
  if (ownValue(props.podLabels, UNTRUSTED_CODE_DEFAULTS.runLabel) !== undefined) {
    throw new GvisorIacError('RESERVED_NAME', `${path}.podLabels["${UNTRUSTED_CODE_DEFAULTS.runLabel}"]`, ownValue(props.podLabels, UNTRUSTED_CODE_DEFAULTS.runLabel), 'is set by UntrustedCodeSandbox to the run name: it scopes the NetworkPolicy to this run, so a pod labelled otherwise would leave its egress policy', 'remove it; set `name` to name the run');
  }
  const name = identity.name;
  const { image, resources, code, codeMountPath, env, activeDeadlineSeconds, ttlSecondsAfterFinished } = r;
  const tmpSizeLimit = checkTmp(r.tmpSizeLimit, `${path}.tmpSizeLimit`, resources);

  const selector = untrustedRunSelector(name);
  const labels = { ...identity.labels, 'app.kubernetes.io/component': UNTRUSTED_CODE_DEFAULTS.component, ...props.labels, ...selector };
  const configMapName = `${name}-code`;
  const container: Container = prune({
    name: UNTRUSTED_CODE_DEFAULTS.containerName,
    image,
    command: r.command,
    args: r.args,
    workingDir: r.workingDir,
    env,
    resources,
    volumeMounts: code ? [{ name: CODE_VOLUME, mountPath: codeMountPath, readOnly: true }] : undefined,
  });
  const volumes: Volume[] | undefined = code
    ? [{ name: CODE_VOLUME, configMap: { name: configMapName, defaultMode: UNTRUSTED_CODE_DEFAULTS.codeFileMode } }]
    : undefined;
  // The run is a sandboxed Job (as EdgeSandbox is a sandboxed Deployment): its render builds the pod and the Job.
  const job = renderSandboxedJob({
    name,
    namespace: identity.namespace,
    labels: { 'app.kubernetes.io/component': UNTRUSTED_CODE_DEFAULTS.component, ...props.labels, ...selector },
    annotations: identity.annotations,
    podLabels: props.podLabels,
    podAnnotations: props.podAnnotations,
    containers: [container],
    volumes,
    runtimeClass: r.runtimeClass,
    nodeSelector: r.nodeSelector,
    tolerations: r.tolerations,
    hardening: { writableTmp: { sizeLimit: tmpSizeLimit } },
    backoffLimit: UNTRUSTED_CODE_DEFAULTS.backoffLimit,
    activeDeadlineSeconds,
    ttlSecondsAfterFinished,
    restartPolicy: UNTRUSTED_CODE_DEFAULTS.restartPolicy,
  }, id, path).objects[0]!;
  const networkPolicy = isolatingNetworkPolicy({ name, namespace: identity.namespace, labels, podSelector: selector, egress: r.egress, network: { ...r.dns, internetExcept: r.internetExcept } }, `${path}.egress`);

  const objects: KubeObject[] = [];
  if (code) {
    const configMap: ConfigMap & KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: objectMeta(configMapName, identity.namespace, labels),
      immutable: true,
      data: code,
    };
    objects.push(configMap);
  }
  objects.push(networkPolicy);
  objects.push(job);
  return applyOverrides({ objects, primary: objects.length - 1 }, r.overrides, `${path}.overrides`);
}

/** `requests` and `limits` only (no `claims`: untrusted code claims no device); their quantities are checked by resolveResources. */
const RESOURCES_PROPS = {
  requests: () => undefined,
  limits: () => undefined,
} satisfies PropTable<Pick<ResourceRequirements, 'requests' | 'limits'>>;

/** Limits over the defaults, requests equal to limits (Guaranteed QoS); every quantity > 0. */
function guaranteedResources(value: unknown, path: string): ResourceRequirements {
  const given = value === undefined ? emptyRecord() : checkProps(value, RESOURCES_PROPS, path);
  const checked = resolveResources(given as ResourceRequirements, path, {});
  const limits: Record<string, string> = { ...UNTRUSTED_CODE_DEFAULTS.limits, ...(ownValue(checked, 'limits') as Record<string, string> | undefined) };
  for (const [key, q] of Object.entries(limits)) {
    if (parseQuantity(q, `${path}.limits.${key}`, resourceKind(key)) <= 0) {
      throw new GvisorIacError('INVALID_RESOURCES', `${path}.limits.${key}`, q, 'is zero', 'give untrusted code a positive limit');
    }
  }
  for (const [key, q] of Object.entries((ownValue(checked, 'requests') ?? {}) as Record<string, string>)) {
    const limit = ownValue(limits, key) as string | undefined;
    if (limit === undefined || parseQuantity(q, '', resourceKind(key)) !== parseQuantity(limit, '', resourceKind(key))) {
      throw new GvisorIacError('INVALID_RESOURCES', `${path}.requests.${key}`, q, `differs from the limit ${limit === undefined ? '(none)' : JSON.stringify(limit)}: untrusted code runs with Guaranteed QoS (requests = limits)`, 'drop requests; they are set equal to the limits');
    }
  }
  return { requests: { ...limits }, limits };
}

/** The checked /tmp size, within the ephemeral-storage limit. */
function checkTmp(sizeLimit: string, path: string, resources: ResourceRequirements): string {
  const size = parseQuantity(sizeLimit, path, 'storage');
  const storage = (resources.limits as Record<string, string>)['ephemeral-storage']!;
  if (size > parseQuantity(storage, '', 'storage')) {
    throw new GvisorIacError('INVALID_RESOURCES', path, sizeLimit, `is above the ephemeral-storage limit ${JSON.stringify(storage)} (the run would be evicted before /tmp is full)`, 'lower tmpSizeLimit or raise resources.limits["ephemeral-storage"]');
  }
  return sizeLimit;
}

/** Validates `code`: ConfigMap keys, string contents, 1 MiB in all. */
function checkCode(value: unknown, path: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const files = assertPlainObject(value, path);
  const names = Object.keys(files);
  if (names.length === 0) throw new GvisorIacError('REQUIRED', path, files, 'holds no file', 'omit code, or add at least one file');
  let bytes = 0;
  for (const key of names) {
    const p = `${path}[${JSON.stringify(key)}]`;
    if (key.length > 253 || !CONFIG_MAP_KEY.test(key) || key === '.' || key.startsWith('..')) {
      throw new GvisorIacError('INVALID_NAME', p, key, 'is not a valid ConfigMap key (at most 253 of letters, digits, "-", "_", "."; not "." nor starting "..")', 'use a flat file name such as "main.py"');
    }
    const content = files[key];
    if (typeof content !== 'string') throw new GvisorIacError('INVALID_TYPE', p, content, 'is not a string', 'pass the file content as a string');
    bytes += Buffer.byteLength(key, 'utf8') + Buffer.byteLength(content, 'utf8');
  }
  if (bytes > CONFIG_MAP_MAX_BYTES) {
    throw new GvisorIacError('INVALID_VALUE', path, bytes, `bytes of file names and contents exceed the ConfigMap limit of ${CONFIG_MAP_MAX_BYTES} bytes (1 MiB)`, 'ship large code in the image, or split it over several runs');
  }
  return Object.fromEntries(names.sort().map((k) => [k, files[k] as string]));
}

function checkMountPath(value: unknown, path: string): string {
  if (value === undefined) return UNTRUSTED_CODE_DEFAULTS.codeMountPath;
  const p = assertString(value, path, 'an absolute path such as "/code"');
  if (!p.startsWith('/') || p === '/' || p.split('/').includes('..') || p.includes(':')) {
    throw new GvisorIacError('INVALID_VALUE', path, p, 'is not an absolute path below "/"', 'use a path such as "/code"');
  }
  if (p === '/tmp' || p.startsWith('/tmp/')) {
    throw new GvisorIacError('INVALID_VALUE', path, p, 'collides with the writable /tmp', 'use a path such as "/code"');
  }
  return p;
}

/** A plain variable: `name` and `value` only (`valueFrom` is refused before, naming why). */
const ENV_VAR_PROPS = {
  name: (v: unknown, p: string) => assertString(v, p, 'a variable name'),
  value: optional(stringValue),
} satisfies PropTable<Omit<EnvVar, 'valueFrom'>>;

function checkEnv(value: unknown, path: string): EnvVar[] | undefined {
  if (value === undefined) return undefined;
  return assertArray<EnvVar>(value, path).map((e, i) => {
    const p = fieldPath(path, i);
    const o = assertPlainObject(e, p);
    if (o.valueFrom !== undefined) {
      throw new GvisorIacError('SANDBOX_ESCAPE', `${p}.valueFrom`, o.valueFrom, 'hands a Secret, ConfigMap or pod field to untrusted code', 'pass the value itself in `value`, or the file in `code`');
    }
    const checked = resolveProps(o, ENV_VAR_PROPS, p);
    return prune({ name: checked.name, value: checked.value });
  });
}

/** A string, possibly empty (an empty argument or variable is meaningful). */
function stringValue(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new GvisorIacError('INVALID_TYPE', path, value, 'is not a string', 'pass a string');
  return value;
}
