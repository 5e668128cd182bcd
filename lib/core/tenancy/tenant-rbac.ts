import type { PolicyRule, Role, RoleBinding, Subject } from 'kubernetes-types/rbac/v1';
import { ResolvedTenant } from './tenant-validation';
import { KubeObject } from '../objects/manifest';
import { objectMeta } from '../objects/metadata';

/** Name of the tenant-admin Role and its RoleBinding. */
export const TENANT_ADMIN_ROLE = 'tenant-admin';

const READ = ['get', 'list', 'watch'];
const WRITE = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

/**
 * What a tenant admin may do in their namespace: run and manage workloads,
 * their config and storage — and read, never write, what seals the sandbox
 * (NetworkPolicies, ResourceQuotas, LimitRanges, Roles, RoleBindings,
 * ServiceAccounts). No wildcard, no `escalate`, `bind` or `impersonate`;
 * Namespaces are cluster-scoped and out of reach of a Role.
 *
 * Nothing here makes a cluster component act for the tenant outside its
 * namespace (docs/security-model-boundary.md walks through every path):
 * Endpoints and EndpointSlices are read-only (writing them steers a
 * Service, and every proxy that trusts it, to any address); no
 * `services/proxy`, `pods/proxy` or `nodes/*` (the API server would connect
 * from the control plane's network); no `serviceaccounts/token`; no
 * PersistentVolumes, StorageClasses, Gateway API routes or other
 * cluster-scoped or controller-facing kinds; Ingresses are read-only unless
 * the tenant has `allowIngress` (`TENANT_INGRESS_RULE`). What the Role does
 * allow — Services, Ingresses, PersistentVolumeClaims — the shared admission
 * policy confines (no externalIPs, no ExternalName, no controller snippets,
 * no volumeName).
 */
export const TENANT_ADMIN_RULES: readonly PolicyRule[] = [
  { apiGroups: [''], resources: ['pods', 'pods/ephemeralcontainers', 'services', 'configmaps', 'secrets', 'persistentvolumeclaims'], verbs: WRITE },
  { apiGroups: [''], resources: ['pods/exec', 'pods/attach', 'pods/portforward'], verbs: ['get', 'create'] },
  { apiGroups: [''], resources: ['pods/log', 'pods/status', 'events', 'endpoints', 'serviceaccounts', 'resourcequotas', 'limitranges'], verbs: READ },
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'replicasets', 'deployments/scale', 'statefulsets/scale', 'replicasets/scale'], verbs: WRITE },
  { apiGroups: ['apps'], resources: ['controllerrevisions'], verbs: READ },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: WRITE },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: WRITE },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: WRITE },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: READ },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: READ },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ },
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: READ },
];

/** What `allowIngress: true` adds to the tenant-admin Role: writing Ingresses. */
export const TENANT_INGRESS_RULE: PolicyRule = { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: WRITE };

/** The rules of a tenant's admin Role: `TENANT_ADMIN_RULES`, with Ingresses writable when the tenant has `allowIngress`. */
export function tenantAdminRules(tenant: Pick<ResolvedTenant, 'allowIngress'>): PolicyRule[] {
  const copy = (r: PolicyRule): PolicyRule => ({ apiGroups: [...r.apiGroups!], resources: [...r.resources!], verbs: [...r.verbs] });
  return TENANT_ADMIN_RULES.map((r) => (tenant.allowIngress && r.resources!.includes('ingresses') ? copy(TENANT_INGRESS_RULE) : copy(r)));
}

/** The tenant-admin Role and RoleBinding; none when the tenant names no admins. */
export function tenantRbac(tenant: ResolvedTenant, labels: Record<string, string>): KubeObject[] {
  const subjects: Subject[] = [
    ...tenant.admins.users.map((name) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name })),
    ...tenant.admins.groups.map((name) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name })),
  ];
  if (subjects.length === 0) return [];
  const role: Role & KubeObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: objectMeta(TENANT_ADMIN_ROLE, tenant.namespace, labels),
    rules: tenantAdminRules(tenant),
  };
  const binding: RoleBinding & KubeObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: objectMeta(TENANT_ADMIN_ROLE, tenant.namespace, labels),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: TENANT_ADMIN_ROLE },
    subjects,
  };
  return [role, binding];
}
