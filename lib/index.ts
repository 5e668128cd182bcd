// Public API of `gvisor-iac` (the core, the node renderers and the policy engine): re-exports only.
//
// Only what is listed here is public; api/gvisor-iac.api.md records it and CI fails when it
// changes unreviewed (`npx projen api` updates the reports). Everything else under lib/core,
// lib/node and lib/policy is internal: importable inside the package through those folders'
// own index.ts, never from here.

// ---- Errors
export { GvisorIacError, DuplicateObjectError } from './core';
export type { GvisorIacErrorCode } from './core';

// ---- Plain Kubernetes objects, and the escape hatch over them
export type { KubeObject, Manifests, ManifestOverride, JsonPatchOperation } from './core';

// ---- The constructs' core: props in, plain objects out
export { renderRuntimeClass, edgeRuntimeClassProps } from './core';
export type { GvisorRuntimeClassProps, PodOverhead, RuntimeClassRef, RuntimeClassManifests } from './core';
export {
  renderSandboxedPod, renderSandboxedDeployment, renderSandboxedJob, renderSandboxedDaemonSet, renderSandboxedStatefulSet, renderSandboxedCronJob,
} from './core';
export type {
  ObjectIdentityProps, HardeningOptions, SandboxedPodSpecProps, SandboxedWorkloadProps,
  SandboxedPodProps, SandboxedDeploymentProps, SandboxedJobProps, SandboxedDaemonSetProps, SandboxedStatefulSetProps, SandboxedCronJobProps,
  PodTemplateMetadataProps,
} from './core';
export type { ScalingProps, DisruptionBudgetProps, AutoscalingProps, ScaleTarget } from './core';
export { scalingObjects } from './core';
// ---- Exposing a workload: the Service of its pods
export { renderExposedService, exposeTarget } from './core';
export type { ExposeOptions, ExposedPort, ExposeTarget } from './core';
export { renderUntrustedCodeSandbox, renderEdgeSandbox } from './core';
export type { UntrustedCodeSandboxProps, EdgeSandboxProps } from './core';
export { renderMultiTenantSandbox } from './core';
export type {
  MultiTenantSandboxProps, MultiTenantManifests, TenantProps, TenantQuota, TenantAdmins,
  TenantOutput, ClusterDnsProps, EgressNetworkProps, TenantIngressRule, TenantIngressPeer, TenantIngressPort,
} from './core';
export { TENANT_ADMIN_RULES } from './core';

// ---- What every construct exposes (the same in cdk8s and Pulumi)
export { CONSTRUCT_ATTRIBUTES } from './core';
export type { ConstructAttributes, ObjectIdentity, RuntimeClassAttributes, WorkloadAttributes, UntrustedCodeAttributes, MultiTenantAttributes } from './core';

// ---- Egress: the isolation policy on its own, and the networks no sandbox may reach
export { egressRules, sandboxNetworkPolicy } from './core';
export type { SandboxEgress, SandboxEgressAllowList, SandboxEgressPort, SandboxNetworkPolicyOptions } from './core';
export { NEVER_REACHABLE_CIDRS, NON_PUBLIC_CIDRS, NODE_LOCAL_ENDPOINTS, IPV4_EMBEDDINGS } from './core';
export type { NodeLocalEndpoint } from './core';

// ---- Node setup: runsc, containerd, Docker
export { runscFlags, renderRunscToml, renderRunscWrapper, renderContainerdConfig } from './node';
export { renderDockerDaemonConfig, dockerDaemonConfig, renderComposeService, composeService } from './node';
export { runscPreset, RUNSC_PRESET_NAMES } from './node';
export type {
  RunscOptions, RunscPlatform, RunscNetwork, RunscFileAccess, RunscHostUds, RunscHostFifo, RunscWatchdogAction,
  RunscOverlay2, RunscOverlayMount, RunscOverlayMedium, RunscRelease, RunscPresetName,
  RunscFlagsOptions, RunscTomlOptions, RunscShimLogLevel, RunscWrapperOptions, ContainerdConfigOptions, ContainerdSchema,
  DockerDaemonConfigOptions, ComposeServiceOptions, NodeWarning, NodeWarningId, NodeWarningOptions,
} from './node';

// ---- Policy: check any manifests, sandbox foreign ones, and the cdk8s validation plugin
export { checkObjects, failingFindings, loadManifests, sandboxObjects, ManifestParseError, PACKS } from './policy';
export type {
  CheckOptions, Finding, FindingObject, Severity, PolicyObject, LoadedManifests, ManifestSource, SandboxOptions, SandboxResult,
  // Packs: CheckOptions.packs takes your own Pack of Rules next to the built-in ones.
  Pack, PackName, Rule, RuleContext, Violation,
} from './policy';
// cdk8s loads the validation plugin by class name from the package's main entry (cdk8s.yaml `validations`).
export { GvisorIacValidation } from './policy';
export type { GvisorIacValidationProperties, Cdk8sValidationContext } from './policy';
