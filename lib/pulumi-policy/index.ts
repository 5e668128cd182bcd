// gvisor-iac/pulumi-policy: gvisor-iac's rules as a Pulumi policy pack (@pulumi/policy). Never loads cdk8s.
// Re-exports only; api/gvisor-iac-pulumi-policy.api.md records the surface.
export { gvisorIacPolicyPack, gvisorIacPolicies } from './policies';
export type { GvisorIacPolicyOptions } from './policies';
