import { Construct } from 'constructs';
import { MultiTenantAttributes, MultiTenantSandboxProps as CoreMultiTenantSandboxProps, TenantOutput, multiTenantAttributes, renderMultiTenantSandbox } from '../core';
import { SandboxConstruct, WithRuntimeClass } from './workloads';

/** Props of `MultiTenantSandbox` (cdk8s): `runtimeClass` also takes a `GvisorRuntimeClass`. */
export type MultiTenantSandboxProps = WithRuntimeClass<CoreMultiTenantSandboxProps>;

/**
 * A namespace per tenant, sealed by Pod Security "restricted", a
 * ResourceQuota sized for the gVisor overhead, a LimitRange,
 * default-deny NetworkPolicies (DNS allowed, cloud metadata never; ingress
 * only from the peers, on the ports, a tenant's `ingress` rules name), a
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
export class MultiTenantSandbox extends SandboxConstruct<MultiTenantAttributes> {
  /** The RuntimeClass tenant pods must use. */
  public declare readonly runtimeClassName: string;
  /** The tenants' names, namespaces and workload ServiceAccounts, in tenant order. */
  public readonly tenants: readonly TenantOutput[];
  /** The tenant namespaces, in tenant order. */
  public readonly namespaces: readonly string[];
  /** Name of the ValidatingAdmissionPolicy (and its binding). */
  public readonly policyName: string;

  public constructor(scope: Construct, id: string, props: MultiTenantSandboxProps) {
    super(scope, id, props, renderMultiTenantSandbox, multiTenantAttributes);
    this.tenants = this.attributes.tenants;
    this.namespaces = this.attributes.namespaces;
    this.policyName = this.attributes.policyName;
  }
}
