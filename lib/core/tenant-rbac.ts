import type { PolicyRule, Role, RoleBinding, Subject } from 'kubernetes-types/rbac/v1';
import { KubeObject } from './manifest';
import { objectMeta } from './metadata';
import { ResolvedTenant } from './tenant-validation';

/** Name of the tenant-admin Role and its RoleBinding. */
export const TENANT_ADMIN_ROLE = 'tenant-admin';

const READ = ['get', 'list', 'watch'];
const WRITE = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

/**
 * What a tenant admin may do in their namespace: run and manage workloads,
 * their config and storage — and read, never write, what seals the sandbox
 * (NetworkPolicies, ResourceQuotas, LimitRanges, Roles, RoleBindings,
 * ServiceAccounts). No wildcard, no `escalate`, `bind` or `impersonate`;
 * Namespaces are cluster-scoped and out of reach of a Role. Endpoints and
 * EndpointSlices are read-only: writing them can steer traffic to
 * addresses outside the namespace.
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
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: WRITE },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: READ },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ },
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: READ },
];

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
    rules: TENANT_ADMIN_RULES.map((r) => ({ apiGroups: [...r.apiGroups!], resources: [...r.resources!], verbs: [...r.verbs] })),
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
