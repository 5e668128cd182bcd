// gvisor-iac/cdk8s: the constructs as cdk8s Constructs. Never loads Pulumi. Re-exports only.
//
// Only what is listed here is public (api/gvisor-iac-cdk8s.api.md); the emitter and the helpers
// the constructs share stay internal.
export { GvisorRuntimeClass } from './runtime-class';
export { SandboxedPod, SandboxedDeployment, SandboxedJob, SandboxedDaemonSet, SandboxedStatefulSet, SandboxedCronJob } from './workloads';
export type {
  SandboxedPodProps, SandboxedDeploymentProps, SandboxedJobProps, SandboxedDaemonSetProps, SandboxedStatefulSetProps, SandboxedCronJobProps,
  RuntimeClassInput, WithRuntimeClass,
} from './workloads';
// The constructs' common base: a type to hold "any gvisor-iac construct", not a class to extend.
export type { SandboxConstruct, SandboxWorkload } from './workloads';
export type { PodSelectorConfig, NetworkPolicyPeerConfig, PodLabelSelector } from './selection';
export { UntrustedCodeSandbox } from './untrusted-code';
export type { UntrustedCodeSandboxProps } from './untrusted-code';
export { EdgeSandbox, EdgeRuntimeClass } from './edge';
export type { EdgeSandboxProps } from './edge';
export { MultiTenantSandbox } from './multi-tenant';
export type { MultiTenantSandboxProps } from './multi-tenant';
export { enforceGvisor } from './enforce';
export type { EnforceGvisorProps } from './enforce';
