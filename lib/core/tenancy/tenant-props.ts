import type { ResourceRequirements } from 'kubernetes-types/core/v1';
import type { SandboxEgress } from '../network/egress';

/**
 * A tenant's ResourceQuota. The friendly fields map onto `spec.hard` keys;
 * `hard` adds or overrides raw keys. Every pod is charged the
 * RuntimeClass's `overhead.podFixed` on top of its containers, so the budget
 * must hold at least one pod of the LimitRange's default size plus that
 * overhead — checked at construction.
 * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/
 */
export interface TenantQuota {
  /** Both `requests.cpu` and `limits.cpu`. @default "4" */
  readonly cpu?: string;
  /** Both `requests.memory` and `limits.memory`. @default "8Gi" */
  readonly memory?: string;
  /** `pods`. @default 20 */
  readonly pods?: number;
  /** `services`. @default 10 */
  readonly services?: number;
  /** `services.loadbalancers`: each one is a cloud load balancer someone pays for. @default 0 */
  readonly loadBalancers?: number;
  /** `services.nodeports`: each one opens a port on every node. @default 0 */
  readonly nodePorts?: number;
  /** `persistentvolumeclaims`. @default 10 */
  readonly persistentVolumeClaims?: number;
  /** `requests.storage` (sum over the tenant's PVCs). @default "100Gi" */
  readonly storage?: string;
  /** `configmaps`. @default 50 */
  readonly configMaps?: number;
  /** `secrets`. @default 50 */
  readonly secrets?: number;
  /** Raw `spec.hard` entries, merged over the ones above (e.g. `{ "count/jobs.batch": "10" }`). @default - none */
  readonly hard?: Record<string, string>;
}

/** Who administers a tenant's namespace (RBAC subjects). */
export interface TenantAdmins {
  /** User names, as your authenticator reports them. @default - none */
  readonly users?: string[];
  /** Group names. @default - none */
  readonly groups?: string[];
}

/** One tenant of a `MultiTenantSandbox`. */
export interface TenantProps {
  /**
   * The tenant's name: a DNS-1123 label; the namespace is
   * `namespacePrefix + name`. `default` and `kube-*` are refused.
   */
  readonly name: string;
  /** The tenant's ResourceQuota. @default - every TenantQuota default */
  readonly quota?: TenantQuota;
  /**
   * Where the tenant's pods may connect beyond their own namespace: the same
   * choice, with the same meaning, as an `UntrustedCodeSandbox`'s `egress`
   * (`"none"` blocks DNS too). Limit ports with `{ ..., ports: [{ port: 443 }] }`.
   * @default "dns"
   */
  readonly egress?: SandboxEgress;
  /** Pods of the tenant may talk to each other (ingress and egress inside the namespace). @default true */
  readonly allowIntraNamespace?: boolean;
  /**
   * Tenant admins may create and change Ingresses. An Ingress makes the
   * cluster's shared ingress controller (outside gVisor, with its own network
   * position and usually every Secret of the cluster in reach) act for the
   * tenant: the admission policy refuses the annotations and backends known
   * to abuse that, but the controller's own hardening (e.g. ingress-nginx
   * `allow-snippet-annotations: false`, host ownership between tenants) is
   * the operator's. Without it tenant admins can read Ingresses only.
   * @default false
   */
  readonly allowIngress?: boolean;
  /** Users/groups who get the tenant-admin Role in the namespace. @default - none (no Role/RoleBinding emitted) */
  readonly admins?: TenantAdmins;
  /**
   * Container defaults of the LimitRange (`defaultRequest` = requests, `default` = limits).
   * @default { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } }
   */
  readonly containerDefaults?: ResourceRequirements;
  /** Name of the workload ServiceAccount (no token automount). @default "workload" */
  readonly serviceAccountName?: string;
  /** Extra labels on the tenant's Namespace. @default - none */
  readonly labels?: Record<string, string>;
}

/** Label on every tenant Namespace naming the tenant. */
export const TENANT_LABEL = 'gvisor-iac.dev/tenant';
/** Label on every tenant Namespace naming the MultiTenantSandbox; the admission-policy binding selects on it. */
export const SANDBOX_LABEL = 'gvisor-iac.dev/sandbox';

