import type { Pod } from 'kubernetes-types/core/v1';
import { NAME_LABEL } from '../defaults';
import { KubeObject, Manifests } from '../objects/manifest';
import { IDENTITY_PROPS, ObjectIdentityProps, objectMeta, resolveIdentity } from '../objects/metadata';
import { ManifestOverride, applyOverrides } from '../objects/overrides';
import { POD_SPEC_PROPS, SandboxedPodSpecProps, renderPodSpec } from '../pod/pod-spec';
import { ownValue, plainProps } from '../validation/plain-data';
import { PropTable, checkProps, optional, propNames } from '../validation/props';
import { assertArray, assertOneOf } from '../validation/validate';

/** Props shared by every sandboxed workload: identity, pod spec, overrides. */
export interface SandboxedWorkloadProps extends ObjectIdentityProps, SandboxedPodSpecProps {
  /** JSON-patch escape hatch applied after the objects are built. @default - none */
  readonly overrides?: ManifestOverride[];
}

/** Props of a single sandboxed Pod. */
export interface SandboxedPodProps extends SandboxedWorkloadProps {
  /** @default - Kubernetes' "Always" */
  readonly restartPolicy?: 'Always' | 'OnFailure' | 'Never';
}

/** How each prop every workload accepts is checked; a workload's own table spreads this one. @internal */
export const WORKLOAD_PROPS = {
  ...IDENTITY_PROPS,
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

/** The identity, selector and pod labels of workload props already checked against their table. */
export function workloadIdentity(props: SandboxedWorkloadProps, id: string, path: string) {
  const identity = resolveIdentity(props, id, path);
  const selector = { [NAME_LABEL]: (ownValue(identity.labels, NAME_LABEL) as string | undefined) ?? identity.name };
  const podLabels = { ...identity.labels, ...selector };
  return { identity, selector, podLabels };
}

/** Builds a gVisor-sandboxed Pod. `id` names it when `props.name` is absent. */
export function renderSandboxedPod(propsIn: SandboxedPodProps, id: string, path = 'props'): Manifests {
  const props = plainProps(propsIn, path);
  checkProps(props, POD_PROPS, path);
  const { identity, podLabels } = workloadIdentity(props, id, path);
  const restartPolicy = props.restartPolicy;
  const spec = renderPodSpec(props, path, restartPolicy ? { restartPolicy } : {});
  const pod: Pod & KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: objectMeta(identity.name, identity.namespace, podLabels, identity.annotations),
    spec,
  };
  return applyOverrides({ objects: [pod], primary: 0 }, props.overrides, `${path}.overrides`);
}
