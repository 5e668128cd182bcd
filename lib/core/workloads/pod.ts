import type { Pod } from 'kubernetes-types/core/v1';
import type { ObjectMeta } from 'kubernetes-types/meta/v1';
import { NAME_LABEL } from '../defaults';
import { GvisorIacError } from '../errors';
import { KubeObject, Manifests } from '../objects/manifest';
import { IDENTITY_PROPS, ObjectIdentityProps, checkAnnotations, objectMeta, resolveIdentity } from '../objects/metadata';
import { ManifestOverride, applyOverrides } from '../objects/overrides';
import { POD_SPEC_PROPS, SandboxedPodSpecProps, renderPodSpec } from '../pod/pod-spec';
import { ownValue, plainProps } from '../validation/plain-data';
import { PropTable, checkProps, optional, propNames } from '../validation/props';
import { assertArray, assertLabels, assertOneOf } from '../validation/validate';

/** Metadata of a workload's pods (the pod template's), beside the workload's own. */
export interface PodTemplateMetadataProps {
  /**
   * Labels of the pods only (the pod template's), over `labels`. The
   * selector label `app.kubernetes.io/name` is not one of them: set it in
   * `labels`, which the selector follows.
   * @default - none (the pods carry `labels` and the selector label)
   */
  readonly podLabels?: Record<string, string>;
  /**
   * Annotations of the pods only (the pod template's), e.g. Prometheus
   * scraping or a service-mesh opt-out. Annotations that loosen the
   * sandbox (unconfined AppArmor or seccomp, `dev.gvisor.*` runsc
   * overrides) are refused, as on `annotations`. On a `SandboxedPod` the
   * pod is its own template: they merge over `annotations`.
   * @default - none
   */
  readonly podAnnotations?: Record<string, string>;
}

/** Props shared by every sandboxed workload: identity, pod metadata, pod spec, overrides. */
export interface SandboxedWorkloadProps extends ObjectIdentityProps, PodTemplateMetadataProps, SandboxedPodSpecProps {
  /** JSON-patch escape hatch applied after the objects are built. @default - none */
  readonly overrides?: ManifestOverride[];
}

/** How the pod-template metadata props are checked: Kubernetes label and annotation syntax, and the confinement refusals. @internal */
export const POD_TEMPLATE_METADATA_PROPS = {
  podLabels: (v, p) => assertLabels(v, p),
  podAnnotations: (v, p) => checkAnnotations(v, p),
} satisfies PropTable<PodTemplateMetadataProps>;

/** Props of a single sandboxed Pod. */
export interface SandboxedPodProps extends SandboxedWorkloadProps {
  /** @default - Kubernetes' "Always" */
  readonly restartPolicy?: 'Always' | 'OnFailure' | 'Never';
}

/** How each prop every workload accepts is checked; a workload's own table spreads this one. @internal */
export const WORKLOAD_PROPS = {
  ...IDENTITY_PROPS,
  ...POD_TEMPLATE_METADATA_PROPS,
  overrides: optional((v, p) => assertArray(v, p)),
  ...POD_SPEC_PROPS,
} satisfies PropTable<SandboxedWorkloadProps>;

/** Keys every workload accepts. */
export const WORKLOAD_PROP_KEYS: readonly string[] = propNames(WORKLOAD_PROPS);

/** How each prop of a sandboxed Pod is checked. */
const POD_PROPS = {
  ...WORKLOAD_PROPS,
  restartPolicy: optional((v, p) => assertOneOf(v, ['Always', 'OnFailure', 'Never'] as const, p)),
} satisfies PropTable<SandboxedPodProps>;

/**
 * The identity, selector, labels (`podLabels`: those of the workload's own
 * objects, the selector label included) and pod-template metadata
 * (`template`: `labels` and the selector label, with the user's
 * `podLabels` and `podAnnotations`) of workload props already checked
 * against their table. `podLabels["app.kubernetes.io/name"]` other than the
 * selector's value is refused: the pods would leave their own selector.
 */
export function workloadIdentity(props: SandboxedWorkloadProps, id: string, path: string) {
  const identity = resolveIdentity(props, id, path);
  const selector = { [NAME_LABEL]: (ownValue(identity.labels, NAME_LABEL) as string | undefined) ?? identity.name };
  const podLabels = { ...identity.labels, ...selector };
  const ownPodLabels = props.podLabels ?? {};
  const named = ownValue(ownPodLabels, NAME_LABEL);
  if (named !== undefined && named !== selector[NAME_LABEL]) {
    throw new GvisorIacError(
      'RESERVED_NAME', `${path}.podLabels[${JSON.stringify(NAME_LABEL)}]`, named,
      `is the selector label (${NAME_LABEL}: ${selector[NAME_LABEL]}): pods labelled otherwise would leave their own selector`,
      `remove it; set labels[${JSON.stringify(NAME_LABEL)}] to rename the selector of the workload and its pods alike`,
    );
  }
  const templateLabels = { ...podLabels, ...ownPodLabels, ...selector };
  const podAnnotations = props.podAnnotations && Object.keys(props.podAnnotations).length ? { ...props.podAnnotations } : undefined;
  const template: ObjectMeta = podAnnotations ? { labels: templateLabels, annotations: podAnnotations } : { labels: templateLabels };
  return { identity, selector, podLabels, templateLabels, podAnnotations, template };
}

/**
 * Builds a gVisor-sandboxed Pod. `id` names it when `props.name` is absent.
 * `podLabels` and `podAnnotations` merge over `labels` and `annotations`
 * (the pod is its own template), so props move between a Pod and a
 * Deployment unchanged.
 */
export function renderSandboxedPod(propsIn: SandboxedPodProps, id: string, path = 'props'): Manifests {
  const props = plainProps(propsIn, path);
  checkProps(props, POD_PROPS, path);
  const { identity, templateLabels, podAnnotations } = workloadIdentity(props, id, path);
  const restartPolicy = props.restartPolicy;
  const spec = renderPodSpec(props, path, restartPolicy ? { restartPolicy } : {});
  // The pod is its own template: its pod labels and annotations merge over `labels` and `annotations`.
  const pod: Pod & KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: objectMeta(identity.name, identity.namespace, templateLabels, { ...identity.annotations, ...podAnnotations }),
    spec,
  };
  return applyOverrides({ objects: [pod], primary: 0 }, props.overrides, `${path}.overrides`);
}
