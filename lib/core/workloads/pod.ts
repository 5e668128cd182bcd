import type { Pod } from 'kubernetes-types/core/v1';
import { NAME_LABEL } from '../defaults';
import { KubeObject, Manifests } from '../objects/manifest';
import { ObjectIdentityProps, objectMeta, resolveIdentity } from '../objects/metadata';
import { ManifestOverride, applyOverrides } from '../objects/overrides';
import { POD_SPEC_PROP_KEYS, SandboxedPodSpecProps, buildSandboxedPodSpec } from '../pod/pod-spec';
import { ownValue, plainProps } from '../validation/plain-data';
import { assertKnownKeys, assertOneOf, assertPlainObject } from '../validation/validate';

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

/** Keys every workload accepts. */
export const WORKLOAD_PROP_KEYS = ['name', 'namespace', 'labels', 'annotations', 'overrides', ...POD_SPEC_PROP_KEYS] as const;

/** Validates props and identity common to all workloads; returns the identity and pod labels. */
export function workloadIdentity(props: SandboxedWorkloadProps, id: string, path: string, extraKeys: readonly string[]) {
  assertKnownKeys(assertPlainObject(props, path), [...WORKLOAD_PROP_KEYS, ...extraKeys], path);
  const identity = resolveIdentity(props, id, path);
  const selector = { [NAME_LABEL]: (ownValue(identity.labels, NAME_LABEL) as string | undefined) ?? identity.name };
  const podLabels = { ...identity.labels, ...selector };
  return { identity, selector, podLabels };
}

/** Builds a gVisor-sandboxed Pod. `id` names it when `props.name` is absent. */
export function renderSandboxedPod(propsIn: SandboxedPodProps, id: string, path = 'props'): Manifests {
  const props = plainProps(propsIn, path);
  const { identity, podLabels } = workloadIdentity(props, id, path, ['restartPolicy']);
  const restartPolicy = props.restartPolicy === undefined ? undefined : assertOneOf(props.restartPolicy, ['Always', 'OnFailure', 'Never'] as const, `${path}.restartPolicy`);
  const spec = buildSandboxedPodSpec(props, path, restartPolicy ? { restartPolicy } : {});
  const pod: Pod & KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: objectMeta(identity.name, identity.namespace, podLabels, identity.annotations),
    spec,
  };
  return applyOverrides({ objects: [pod], primary: 0 }, props.overrides, `${path}.overrides`);
}
