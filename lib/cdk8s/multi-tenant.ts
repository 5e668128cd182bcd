import { Construct } from 'constructs';
import { MultiTenantManifests, MultiTenantSandboxProps as CoreMultiTenantSandboxProps, TenantOutput, renderMultiTenantSandbox } from '../core';
import { SandboxConstruct, WithRuntimeClass } from './workloads';

/** Props of `MultiTenantSandbox` (cdk8s): `runtimeClass` also takes a `GvisorRuntimeClass`. */
export type MultiTenantSandboxProps = WithRuntimeClass<CoreMultiTenantSandboxProps>;

/**
 * A namespace per tenant, sealed by Pod Security "restricted", a
 * ResourceQuota sized for the gVisor overhead, a LimitRange,
 * default-deny NetworkPolicies (DNS allowed, cloud metadata never), a
 * token-less workload ServiceAccount, a tenant-admin Role that cannot loosen
 * any of it, and a shared ValidatingAdmissionPolicy that only admits
 * gVisor pods in tenant namespaces.
 *
 * @example
 * const gvisor = new GvisorRuntimeClass(chart, 'gvisor');
 * new MultiTenantSandbox(chart, 'tenants', {
 *   runtimeClass: gvisor,
 *   tenants: [{ name: 'tenant-a', admins: { groups: ['team-a'] } }, { name: 'tenant-b', egress: 'internet' }],
 * });
 */
export class MultiTenantSandbox extends SandboxConstruct {
  /** The tenants' names, namespaces and workload ServiceAccounts, in tenant order. */
  public readonly tenants: readonly TenantOutput[];
  /** The tenant namespaces, in tenant order. */
  public readonly namespaces: readonly string[];
  /** Name of the ValidatingAdmissionPolicy (and its binding). */
  public readonly policyName: string;

  public constructor(scope: Construct, id: string, props: MultiTenantSandboxProps) {
    let rendered: MultiTenantManifests | undefined;
    super(scope, id, props, (p: CoreMultiTenantSandboxProps, i: string) => (rendered = renderMultiTenantSandbox(p, i)));
    this.tenants = rendered!.tenants;
    this.namespaces = rendered!.namespaces;
    this.policyName = rendered!.policyName;
  }
}
