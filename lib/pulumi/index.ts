// gvisor-iac/pulumi: the constructs as Pulumi ComponentResources. Never loads cdk8s. Re-exports only.
//
// Only what is listed here is public (api/gvisor-iac-pulumi.api.md); the emitter, the Input
// lifting and the helpers the components share stay internal.
export { GvisorRuntimeClass } from './runtime-class';
export type { GvisorRuntimeClassArgs } from './runtime-class';
export { SandboxedPod, SandboxedDeployment, SandboxedJob, SandboxedDaemonSet, SandboxedStatefulSet, SandboxedCronJob } from './workloads';
export type {
  SandboxedPodArgs, SandboxedDeploymentArgs, SandboxedJobArgs, SandboxedDaemonSetArgs, SandboxedStatefulSetArgs, SandboxedCronJobArgs,
  SandboxArgs, RuntimeClassInput,
} from './workloads';
export type { PulumiArgs, InputContainers, InputContainer, InputContainerPort, InputEnvVar, InputIf, InputStrings } from './inputs';
// The components' common bases: types to hold "any gvisor-iac component", not classes to extend.
export type { SandboxComponent, PreparedManifests, AttributeValue, PulumiObjectIdentity } from './component';
export type { SandboxWorkload } from './workloads';
export { UntrustedCodeSandbox } from './untrusted-code';
export type { UntrustedCodeSandboxArgs } from './untrusted-code';
export { EdgeSandbox, EdgeRuntimeClass } from './edge';
export type { EdgeSandboxArgs } from './edge';
export { MultiTenantSandbox } from './multi-tenant';
export type { MultiTenantSandboxArgs } from './multi-tenant';
export { enforceGvisor, gvisorTransform, MOCKS_WARNING } from './enforce';
export type { EnforceGvisorOptions } from './enforce';
