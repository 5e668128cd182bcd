import type { ValidatingAdmissionPolicy } from '@pulumi/kubernetes/admissionregistration/v1';
import * as pulumi from '@pulumi/pulumi';
import { MultiTenantAttributes, MultiTenantManifests, MultiTenantSandboxProps, TenantOutput, multiTenantAttributes, renderMultiTenantSandbox } from '../core';
import { SandboxComponent } from './component';
import { SandboxArgs, prepareSandbox } from './workloads';

/**
 * Args of `MultiTenantSandbox` (Pulumi): the core props, as plain values (the
 * tenants' names decide which namespaces and objects exist, so none may come
 * from another resource); `runtimeClass` also takes the Pulumi `GvisorRuntimeClass`.
 */
export type MultiTenantSandboxArgs = SandboxArgs<MultiTenantSandboxProps>;

/**
 * A namespace per tenant, sealed by Pod Security "restricted", a quota sized
 * for the gVisor overhead, a LimitRange, default-deny NetworkPolicies (DNS
 * allowed, cloud metadata never; ingress only from the peers, on the ports,
 * a tenant's `ingress` rules name), a token-less workload ServiceAccount, a
 * tenant-admin Role that cannot loosen any of it, and a shared
 * ValidatingAdmissionPolicy that only admits gVisor pods in tenant namespaces.
 *
 * Children: the Namespaces first, then what lives in them; the policy before
 * its binding. Outputs: `name` (the sandbox's), `runtimeClassName`, `objects`, `namespaces`, `tenants`, `policyName`.
 */
export class MultiTenantSandbox extends SandboxComponent<MultiTenantAttributes> {
  /** The main resource: the ValidatingAdmissionPolicy that admits only gVisor pods (cdk8s: `apiObject`). */
  public readonly resource: ValidatingAdmissionPolicy;
  /** The tenant namespaces, in tenant order. */
  public readonly namespaces: readonly string[];
  /** The tenants' names, namespaces and workload ServiceAccounts, in tenant order. */
  public readonly tenants: readonly TenantOutput[];
  /** Name of the ValidatingAdmissionPolicy (and its binding). */
  public readonly policyName: string;
  /** The RuntimeClass tenant pods must use. */
  public readonly runtimeClassName: string;

  public constructor(name: string, args: MultiTenantSandboxArgs, opts?: pulumi.ComponentResourceOptions) {
    let rendered: MultiTenantManifests | undefined;
    const prepared = prepareSandbox(name, args, (props: MultiTenantSandboxProps, id) => (rendered = renderMultiTenantSandbox(props, id)));
    super('gvisor-iac:index:MultiTenantSandbox', name, prepared, opts, multiTenantAttributes(rendered!));
    this.resource = this.resources[prepared.manifests.primary ?? 0]! as ValidatingAdmissionPolicy;
    this.tenants = this.attributes.tenants;
    this.namespaces = this.attributes.namespaces;
    this.policyName = this.attributes.policyName;
    this.runtimeClassName = this.attributes.runtimeClassName;
  }
}
