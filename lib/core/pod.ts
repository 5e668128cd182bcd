import type { Pod } from 'kubernetes-types/core/v1';
import { NAME_LABEL } from './defaults';
import { KubeObject, Manifests } from './manifest';
import { ObjectIdentityProps, objectMeta, resolveIdentity } from './metadata';
import { ManifestOverride, applyOverrides } from './overrides';
import { ownValue, plainProps } from './plain-data';
import { POD_SPEC_PROP_KEYS, SandboxedPodSpecProps, buildSandboxedPodSpec } from './pod-spec';
import { assertKnownKeys, assertOneOf, assertPlainObject } from './validate';

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

/** The known keys of a workload with `extraKeys`, built once per list of extra keys (the constructs pass constants). */
const KNOWN_KEYS = new WeakMap<readonly string[], readonly string[]>();

/** Validates props and identity common to all workloads; returns the identity and pod labels. */
export function workloadIdentity(props: SandboxedWorkloadProps, id: string, path: string, extraKeys: readonly string[]) {
  let known = KNOWN_KEYS.get(extraKeys);
  if (!known) KNOWN_KEYS.set(extraKeys, (known = [...WORKLOAD_PROP_KEYS, ...extraKeys]));
  assertKnownKeys(assertPlainObject(props, path), known, path);
  const identity = resolveIdentity(props, id, path);
  const selector = { [NAME_LABEL]: (ownValue(identity.labels, NAME_LABEL) as string | undefined) ?? identity.name };
  const podLabels = { ...identity.labels, ...selector };
  return { identity, selector, podLabels };
}

const POD_PROP_KEYS = ['restartPolicy'] as const;

/** Builds a gVisor-sandboxed Pod. `id` names it when `props.name` is absent. */
export function renderSandboxedPod(propsIn: SandboxedPodProps, id: string, path = 'props'): Manifests {
  const props = plainProps(propsIn, path);
  const { identity, podLabels } = workloadIdentity(props, id, path, POD_PROP_KEYS);
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
