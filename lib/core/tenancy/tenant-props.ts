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

/**
 * One port (or range) a tenant ingress rule opens on the tenant's pods.
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#targeting-a-range-of-ports
 */
export interface TenantIngressPort {
  /**
   * Port number (1–65535) on the receiving pod, or the name of one of its
   * container ports (e.g. `"http"`: at most 15 lowercase letters, digits and
   * '-', with a letter).
   */
  readonly port: number | string;
  /** Last port of a range (≥ `port`; only with a numeric `port`). @default - just `port` */
  readonly endPort?: number;
  /** @default "TCP" */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/**
 * Where traffic into a tenant may come from: pods of one namespace (by name),
 * of the namespaces carrying some labels, or — only when said explicitly —
 * of every namespace; `podLabels` narrows it to some of their pods. Exactly
 * one of `namespace`, `namespaceLabels` and `allNamespaces` is required: an
 * empty selector would admit every namespace by accident.
 */
export interface TenantIngressPeer {
  /**
   * One namespace, by name (its `kubernetes.io/metadata.name` label, which
   * the API server sets and nobody can forge). Another tenant's namespace is
   * allowed: naming it is the explicit opening (that tenant's own egress must
   * allow the traffic too).
   * @default - none (set exactly one of namespace, namespaceLabels, allNamespaces)
   */
  readonly namespace?: string;
  /**
   * The namespaces carrying all these labels (not empty). Whoever may label a
   * namespace can join them: prefer `namespace` unless you control those labels.
   * @default - none (set exactly one of namespace, namespaceLabels, allNamespaces)
   */
  readonly namespaceLabels?: Record<string, string>;
  /**
   * Every namespace of the cluster, other tenants included: the explicit
   * opt-in to what an empty selector would mean (`false` is refused: omit it).
   * @default - none (set exactly one of namespace, namespaceLabels, allNamespaces)
   */
  readonly allNamespaces?: true;
  /** Only the pods carrying all these labels (not empty) in those namespaces. @default - every pod of those namespaces */
  readonly podLabels?: Record<string, string>;
}

/**
 * One opening in a tenant's default-deny ingress: the peers of `from` may
 * connect to the tenant's pods (those of `podLabels`) on `ports`. Becomes a
 * NetworkPolicy `allow-ingress-<name>` in the tenant namespace. Peers are
 * pods only: traffic from outside the cluster arrives through an ingress
 * controller or a load balancer's pods, so allow their namespace.
 */
export interface TenantIngressRule {
  /**
   * Name of the rule: the NetworkPolicy is `allow-ingress-<name>`. A DNS-1123
   * label of at most 49 characters, unique within the tenant.
   * @default - the rule's index in `ingress` ("0", "1", …)
   */
  readonly name?: string;
  /** Who may connect (at least one peer). */
  readonly from: TenantIngressPeer[];
  /**
   * On which ports of the tenant's pods (at least one), or `"all"` for every
   * port, said explicitly: a rule without ports is refused.
   */
  readonly ports: TenantIngressPort[] | 'all';
  /** Which of the tenant's pods receive it: those carrying all these labels (not empty). @default - every pod of the tenant */
  readonly podLabels?: Record<string, string>;
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
  /**
   * What may connect to the tenant's pods from outside its namespace, e.g.
   * an ingress controller: `[{ from: [{ namespace: "ingress-nginx" }],
   * ports: [{ port: 8080 }] }]`. Every rule names its peers and ports;
   * everything else stays denied, other tenants included. (Writing Ingress
   * objects is `allowIngress`.)
   * @default - none: no ingress from outside the namespace
   */
  readonly ingress?: TenantIngressRule[];
  /** Pods of the tenant may talk to each other (ingress and egress inside the namespace). @default true */
  readonly allowIntraNamespace?: boolean;
  /**
   * Tenant admins may create and change Ingresses. An Ingress makes the
   * cluster's shared ingress controller (outside gVisor, with its own network
   * position and usually every Secret of the cluster in reach) act for the
   * tenant: the admission policy refuses the annotations and backends known
   * to abuse that, but the controller's own hardening (e.g. ingress-nginx
   * `allow-snippet-annotations: false`, host ownership between tenants) is
   * the operator's. Without it tenant admins can read Ingresses only. The
   * controller reaches the tenant's pods only where `ingress` lets it in.
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

