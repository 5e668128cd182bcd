import type {
  StatefulSet, StatefulSetOrdinals, StatefulSetPersistentVolumeClaimRetentionPolicy, StatefulSetUpdateStrategy,
} from 'kubernetes-types/apps/v1';
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1';
import { GvisorIacError, fieldPath } from '../errors';
import { SandboxedWorkloadProps, WORKLOAD_PROPS, workloadIdentity } from './pod';
import { SCALING_PROPS, ScalingProps, scalingObjects, scalingReplicas } from './scaling';
import { pruneBuilt } from '../objects/built';
import { KubeObject, Manifests } from '../objects/manifest';
import { assertNameFits, objectMeta } from '../objects/metadata';
import { applyOverrides } from '../objects/overrides';
import { renderPodSpec } from '../pod/pod-spec';
import { checkK8sField, checkK8sObject } from '../validation/k8s-types';
import { ownValue, plainProps } from '../validation/plain-data';
import { PropTable, Validator, checkProps, k8sCount, keysOf, optional } from '../validation/props';
import { assertArray, assertDnsLabel, assertKnownKeys, assertOneOf, assertPlainObject } from '../validation/validate';

/** A StatefulSetSpec count field: its Kubernetes type, a whole number ≥ 0 too. */
const spec = (field: string): Validator => k8sCount('AppsV1StatefulSetSpec', field);

/**
 * The longest StatefulSet name whose pods can be created: the controller
 * labels each pod `controller-revision-hash: <name>-<10-character hash>`,
 * a label value of at most 63 characters.
 */
export const STATEFUL_SET_MAX_NAME = 52;

/** Props of a sandboxed StatefulSet (pods with stable names and storage). */
export interface SandboxedStatefulSetProps extends SandboxedWorkloadProps, ScalingProps {
  /**
   * The headless Service that gives the pods their stable DNS names
   * (`<pod>.<serviceName>`); not created here. Optional since Kubernetes
   * 1.32 (then the pods get no per-pod DNS name).
   * @default - none
   */
  readonly serviceName?: string;
  /** Pods to run, named `<name>-0`, `<name>-1`… @default 1 (none with `autoscaling`: the autoscaler owns the count) */
  readonly replicas?: number;
  /** @default - Kubernetes' "OrderedReady" */
  readonly podManagementPolicy?: 'OrderedReady' | 'Parallel';
  /** @default - Kubernetes' RollingUpdate, partition 0 */
  readonly updateStrategy?: StatefulSetUpdateStrategy;
  /**
   * Claims each pod gets its own PersistentVolumeClaim from, named
   * `<claim>-<pod>`; containers mount them by the claim's `metadata.name`.
   * Each needs `spec.accessModes` and `spec.resources.requests.storage`.
   * @default - none
   */
  readonly volumeClaimTemplates?: PersistentVolumeClaim[];
  /** @default - Kubernetes' Retain when deleted and when scaled */
  readonly persistentVolumeClaimRetentionPolicy?: StatefulSetPersistentVolumeClaimRetentionPolicy;
  /** @default - Kubernetes' 0 */
  readonly minReadySeconds?: number;
  /** @default - Kubernetes' 10 */
  readonly revisionHistoryLimit?: number;
  /** @default - Kubernetes' ordinals from 0 */
  readonly ordinals?: StatefulSetOrdinals;
}

/** How each StatefulSet-specific prop is checked: by its Kubernetes type, the counts ≥ 0, the claims as claims. @internal */
export const STATEFUL_SET_ONLY_PROPS = {
  serviceName: optional((v, p) => assertDnsLabel(v, p)),
  replicas: spec('replicas'),
  podManagementPolicy: spec('podManagementPolicy'),
  updateStrategy: spec('updateStrategy'),
  volumeClaimTemplates: (v: unknown, p: string) => checkClaimTemplates(v, p),
  persistentVolumeClaimRetentionPolicy: optional((v, p) => {
    checkK8sField('AppsV1StatefulSetSpec', 'persistentVolumeClaimRetentionPolicy', v, p);
    for (const key of ['whenDeleted', 'whenScaled'] as const) {
      const when = ownValue(v, key);
      if (when !== undefined) assertOneOf(when, ['Retain', 'Delete'] as const, `${p}.${key}`);
    }
  }),
  minReadySeconds: spec('minReadySeconds'),
  revisionHistoryLimit: spec('revisionHistoryLimit'),
  ordinals: optional((v, p) => {
    checkK8sField('AppsV1StatefulSetSpec', 'ordinals', v, p);
    const start = ownValue(v, 'start');
    if (start !== undefined) k8sCount('AppsV1StatefulSetOrdinals', 'start')(start, `${p}.start`);
  }),
  ...SCALING_PROPS,
} satisfies PropTable<Omit<SandboxedStatefulSetProps, keyof SandboxedWorkloadProps>>;

/** How each prop of a sandboxed StatefulSet is checked. @internal */
export const STATEFUL_SET_PROPS = { ...WORKLOAD_PROPS, ...STATEFUL_SET_ONLY_PROPS } satisfies PropTable<SandboxedStatefulSetProps>;

/** The fields of a claim template (a PersistentVolumeClaim without `status`). */
const CLAIM_FIELDS = keysOf<Omit<PersistentVolumeClaim, 'status'>>({ apiVersion: true, kind: true, metadata: true, spec: true });

/**
 * Checks `volumeClaimTemplates`: a list of PersistentVolumeClaims, each
 * with a `metadata.name` that is a volume name (a DNS-1123 label, unique),
 * a spec of the Kubernetes type with access modes and a storage request.
 */
function checkClaimTemplates(value: unknown, path: string): void {
  if (value === undefined) return;
  const names = new Set<string>();
  assertArray(value, path).forEach((claim, i) => {
    const p = fieldPath(path, i);
    const o = assertPlainObject(claim, p);
    assertKnownKeys(o, CLAIM_FIELDS, p);
    if (o.apiVersion !== undefined) assertOneOf(o.apiVersion, ['v1'] as const, `${p}.apiVersion`);
    if (o.kind !== undefined) assertOneOf(o.kind, ['PersistentVolumeClaim'] as const, `${p}.kind`);
    if (o.metadata === undefined) throw new GvisorIacError('REQUIRED', `${p}.metadata`, undefined, 'is missing', 'give the claim a metadata.name (the volume name containers mount)');
    checkK8sObject(o.metadata, 'MetaV1ObjectMeta', `${p}.metadata`);
    const name = assertDnsLabel(ownValue(o.metadata, 'name'), `${p}.metadata.name`);
    if (names.has(name)) throw new GvisorIacError('DUPLICATE_NAME', `${p}.metadata.name`, name, 'is used by another claim template', 'give each claim template a unique name');
    names.add(name);
    if (o.spec === undefined) throw new GvisorIacError('REQUIRED', `${p}.spec`, undefined, 'is missing', 'give the claim a spec with accessModes and resources.requests.storage');
    checkK8sObject(o.spec, 'CoreV1PersistentVolumeClaimSpec', `${p}.spec`);
    const modes = ownValue(o.spec, 'accessModes') as unknown[] | undefined;
    if (!modes || modes.length === 0) {
      throw new GvisorIacError('REQUIRED', `${p}.spec.accessModes`, modes, 'is missing (the API server requires at least one access mode)', 'e.g. accessModes: ["ReadWriteOnce"]');
    }
    const storage = ownValue(ownValue(ownValue(o.spec, 'resources'), 'requests'), 'storage');
    if (storage === undefined) {
      throw new GvisorIacError('REQUIRED', `${p}.spec.resources.requests.storage`, undefined, 'is missing (the API server requires a storage request)', 'e.g. resources: { requests: { storage: "1Gi" } }');
    }
  });
}

/**
 * Builds a gVisor-sandboxed StatefulSet. The selector is
 * `app.kubernetes.io/name: <name>`, derived deterministically.
 */
export function renderSandboxedStatefulSet(propsIn: SandboxedStatefulSetProps, id: string, path = 'props'): Manifests {
  const props = plainProps(propsIn, path);
  checkProps(props, STATEFUL_SET_PROPS, path);
  const { identity, selector, podLabels, template } = workloadIdentity(props, id, path);
  assertNameFits(identity.name, STATEFUL_SET_MAX_NAME, `${path}.name`,
    `: a StatefulSet's pods cannot be created above ${STATEFUL_SET_MAX_NAME} (their controller-revision-hash label would exceed 63)`);
  const claims = props.volumeClaimTemplates ?? [];
  const podSpec = renderPodSpec(props, path, {}, claims.map((c, i) => ({ name: c.metadata!.name!, path: `${path}.volumeClaimTemplates[${i}].metadata.name` })));
  const statefulSet: StatefulSet & KubeObject = pruneBuilt({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: objectMeta(identity.name, identity.namespace, podLabels, identity.annotations),
    spec: {
      // Optional since Kubernetes 1.32 (kubernetes-types still types it required); pruned when absent.
      serviceName: props.serviceName as string,
      replicas: scalingReplicas(props, path),
      selector: { matchLabels: selector },
      podManagementPolicy: props.podManagementPolicy,
      updateStrategy: props.updateStrategy,
      volumeClaimTemplates: claims.length ? claims : undefined,
      persistentVolumeClaimRetentionPolicy: props.persistentVolumeClaimRetentionPolicy,
      minReadySeconds: props.minReadySeconds,
      revisionHistoryLimit: props.revisionHistoryLimit,
      ordinals: props.ordinals,
      template: { metadata: template, spec: podSpec },
    },
  });
  const scaling = scalingObjects(props, { apiVersion: 'apps/v1', kind: 'StatefulSet', name: identity.name, namespace: identity.namespace, labels: podLabels, podSelector: selector });
  return applyOverrides({ objects: [statefulSet, ...scaling], primary: 0 }, props.overrides, `${path}.overrides`);
}
