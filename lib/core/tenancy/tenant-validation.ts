import type { ResourceRequirements } from 'kubernetes-types/core/v1';
import { DEFAULTS, MULTI_TENANT_DEFAULTS } from '../defaults';
import { GvisorIacError, fieldPath } from '../errors';
import { ResolvedIngressRule, resolveTenantIngress } from './tenant-ingress';
import { TenantAdmins, TenantProps, TenantQuota } from './tenant-props';
import { ResolvedEgress, resolveEgress } from '../network/egress';
import { resolveResources } from '../pod/container';
import { emptyRecord } from '../validation/plain-data';
import { PropTable, checkProps, optional, resolveProps } from '../validation/props';
import { formatCpu, parseQuantity } from '../validation/quantity';
import {
  assertArray, assertBoolean, assertDnsLabel, assertInteger, assertLabelKey, assertLabels, assertPlainObject,
  assertString, toDnsLabel,
} from '../validation/validate';

/** A tenant after validation, ready to render. */
export interface ResolvedTenant {
  readonly name: string;
  readonly namespace: string;
  /** Props path of the tenant (`props.tenants[2]`), for messages. */
  readonly path: string;
  readonly hard: Record<string, string>;
  readonly containerDefaults: { requests: Record<string, string>; limits: Record<string, string> };
  readonly egress: ResolvedEgress;
  /** What may connect from outside the namespace: one NetworkPolicy per rule. */
  readonly ingress: readonly ResolvedIngressRule[];
  readonly allowIntraNamespace: boolean;
  readonly allowIngress: boolean;
  readonly admins: { users: readonly string[]; groups: readonly string[] };
  readonly serviceAccountName: string;
  readonly labels: Record<string, string>;
}

/** How each prop of a tenant is checked and resolved (its name leaves room for the namespace prefix). */
function tenantProps(prefix: string) {
  return {
    name: (v: unknown, p: string) => assertDnsLabel(v, p, 63 - prefix.length),
    quota: (v: unknown, p: string) => resolveQuota(v, p),
    egress: (v: unknown, p: string) => resolveEgress(v as TenantProps['egress'], p, MULTI_TENANT_DEFAULTS.egress),
    ingress: (v: unknown, p: string) => resolveTenantIngress(v, p),
    allowIntraNamespace: (v: unknown, p: string) => (v === undefined ? MULTI_TENANT_DEFAULTS.allowIntraNamespace : assertBoolean(v, p)),
    allowIngress: (v: unknown, p: string) => (v === undefined ? MULTI_TENANT_DEFAULTS.allowIngress : assertBoolean(v, p)),
    admins: (v: unknown, p: string) => resolveAdmins(v, p),
    containerDefaults: (v: unknown, p: string) => resolveContainerDefaults(v, p),
    serviceAccountName: (v: unknown, p: string) => (v === undefined ? MULTI_TENANT_DEFAULTS.serviceAccountName : assertDnsLabel(v, p)),
    labels: (v: unknown, p: string) => assertLabels(v, p) ?? {},
  } satisfies PropTable<TenantProps>;
}

/** A friendly quota quantity (cpu, memory, storage), as `spec.hard` writes it. */
const quantity = (kind: 'cpu' | 'memory') => optional((v, p) => {
  parseQuantity(v, p, kind);
  return String(v);
});
/** A friendly quota count, as `spec.hard` writes it. */
const count = optional((v, p) => String(assertInteger(v, p, 0)));

/** How each friendly quota field, and the raw `hard` map, is checked; each gives its `spec.hard` value. */
const QUOTA_PROPS = {
  cpu: quantity('cpu'),
  memory: quantity('memory'),
  pods: count,
  services: count,
  loadBalancers: count,
  nodePorts: count,
  persistentVolumeClaims: count,
  storage: quantity('memory'),
  configMaps: count,
  secrets: count,
  hard: optional((v, p) => {
    const hard = emptyRecord<Record<string, string>>();
    for (const [k, q] of Object.entries(assertPlainObject(v, p))) {
      const kp = `${p}[${JSON.stringify(k)}]`;
      assertLabelKey(k, kp);
      parseQuantity(q, kp, quotaKind(k));
      hard[k] = String(q);
    }
    return hard;
  }),
} satisfies PropTable<TenantQuota>;
/** Friendly quota field → the `spec.hard` keys it sets. */
const QUOTA_FIELDS: Record<Exclude<keyof TenantQuota, 'hard'>, readonly string[]> = {
  cpu: ['requests.cpu', 'limits.cpu'],
  memory: ['requests.memory', 'limits.memory'],
  pods: ['pods'],
  services: ['services'],
  loadBalancers: ['services.loadbalancers'],
  nodePorts: ['services.nodeports'],
  persistentVolumeClaims: ['persistentvolumeclaims'],
  storage: ['requests.storage'],
  configMaps: ['configmaps'],
  secrets: ['secrets'],
};
/** Subjects that would hand a tenant namespace to everybody. */
const FORBIDDEN_GROUPS = ['system:authenticated', 'system:unauthenticated', 'system:serviceaccounts'];
const FORBIDDEN_USERS = ['system:anonymous'];

/** True for namespace names Kubernetes reserves (`default`, `kube-*`). */
export function isReservedNamespace(name: string): boolean {
  return name === 'default' || name.startsWith('kube-');
}

/** Validates one tenant (not yet against the others). */
export function resolveTenant(t: TenantProps, path: string, prefix: string, overhead: { cpu: string; memory: string } | undefined): ResolvedTenant {
  refuseEgressPorts(assertPlainObject(t, path) as unknown as TenantProps, path);
  const r = resolveProps(t, tenantProps(prefix), path);
  const name = r.name;
  const namespace = `${prefix}${name}`;
  for (const n of new Set([name, namespace])) {
    if (isReservedNamespace(n)) {
      throw new GvisorIacError('RESERVED_NAME', `${path}.name`, t.name, `${n === name ? 'is' : `makes the namespace "${n}", which is`} reserved by Kubernetes (default, kube-*)`, `pick another name, e.g. "tenant-${toDnsLabel(name.replace(/^kube-/, '')) || 'a'}"`);
    }
  }
  if (overhead) checkQuotaFitsOnePod(name, `${path}.quota`, t.quota, r.quota, r.containerDefaults, overhead);
  return {
    name,
    namespace,
    path,
    hard: r.quota,
    containerDefaults: r.containerDefaults,
    egress: r.egress,
    ingress: r.ingress,
    allowIntraNamespace: r.allowIntraNamespace,
    allowIngress: r.allowIngress,
    admins: r.admins,
    serviceAccountName: r.serviceAccountName,
    labels: r.labels,
  };
}

/** The LimitRange defaults: `requests` and `limits` only (no `claims`, which a LimitRange cannot default). */
const CONTAINER_DEFAULTS_PROPS = {
  requests: () => undefined,
  limits: () => undefined,
} satisfies PropTable<Pick<ResourceRequirements, 'requests' | 'limits'>>;

function resolveContainerDefaults(r: unknown, path: string): ResolvedTenant['containerDefaults'] {
  // Known keys here; the quantities themselves are checked by resolveResources, with the request ≤ limit rule.
  if (r !== undefined) checkProps(r, CONTAINER_DEFAULTS_PROPS, path);
  const resolved = resolveResources(r as never, path, DEFAULTS.containerResources);
  return { requests: { ...resolved.requests } as Record<string, string>, limits: { ...resolved.limits } as Record<string, string> };
}

function quotaKind(key: string): 'cpu' | 'memory' | 'count' {
  if (key === 'cpu' || key.endsWith('.cpu')) return 'cpu';
  if (/memory|storage|hugepages/.test(key)) return 'memory';
  return 'count';
}

/** Builds `spec.hard` from the friendly fields (or their defaults) and the raw map, validating every quantity. */
function resolveQuota(q: unknown, path: string): Record<string, string> {
  const quota = resolveProps(q === undefined ? emptyRecord() : q, QUOTA_PROPS, path);
  const hard = emptyRecord<Record<string, string>>();
  for (const [field, keys] of Object.entries(QUOTA_FIELDS) as [keyof typeof QUOTA_FIELDS, readonly string[]][]) {
    const value = quota[field] ?? String(MULTI_TENANT_DEFAULTS.quota[field]);
    for (const k of keys) hard[k] = value;
  }
  return Object.assign(hard, quota.hard);
}

/**
 * A quota whose budget cannot hold one pod of the LimitRange's default size
 * plus the RuntimeClass overhead admits nothing: refuse it, naming the numbers.
 */
function checkQuotaFitsOnePod(
  tenant: string, path: string, given: TenantQuota | undefined, hard: Record<string, string>,
  defaults: ResolvedTenant['containerDefaults'], overhead: { cpu: string; memory: string },
): void {
  const fromHard = (key: string) => given?.hard?.[key] !== undefined;
  for (const resource of ['cpu', 'memory'] as const) {
    for (const [scope, container] of [['requests', defaults.requests[resource]], ['limits', defaults.limits[resource]]] as const) {
      const keys = scope === 'requests' ? [`requests.${resource}`, resource] : [`limits.${resource}`];
      for (const key of keys) {
        if (hard[key] === undefined || container === undefined) continue;
        const budget = parseQuantity(hard[key], '', resource);
        const need = parseQuantity(container, '', resource) + parseQuantity(overhead[resource], '', resource);
        if (budget + 1e-9 < need) {
          const p = fromHard(key) ? `${path}.hard[${JSON.stringify(key)}]` : `${path}.${resource}`;
          throw new GvisorIacError(
            'INVALID_RESOURCES', p, hard[key],
            `(${key}) cannot fit one pod of tenant "${tenant}": the LimitRange default ${scope === 'requests' ? 'request' : 'limit'} ${container} plus the RuntimeClass overhead ${overhead[resource]} needs ${resource === 'cpu' ? formatCpu(need) : mebibytesUp(need)}`,
            `raise it to at least ${resource === 'cpu' ? formatCpu(need) : mebibytesUp(need)}, or lower containerDefaults.${scope}.${resource}`,
          );
        }
      }
    }
  }
  if (hard.pods !== undefined && Number(hard.pods) < 1) {
    throw new GvisorIacError('INVALID_RESOURCES', fromHard('pods') ? `${path}.hard["pods"]` : `${path}.pods`, hard.pods, `lets tenant "${tenant}" run no pod at all`, 'allow at least 1 pod');
  }
}

/** Bytes rounded up to whole mebibytes: the least memory that satisfies a need, as the fix names it. */
function mebibytesUp(bytes: number): string {
  return `${Math.ceil(bytes / 2 ** 20 - 1e-9)}Mi`;
}

/**
 * `egressPorts`, the separate port list tenants once took, refused with the
 * `egress` allow-list that means what the pair meant.
 */
function refuseEgressPorts(t: TenantProps, path: string): void {
  const ports = (t as { egressPorts?: unknown }).egressPorts;
  if (ports === undefined) return;
  const where = Array.isArray(t.egress) ? `cidrs: ${JSON.stringify(t.egress)}` : 'internet: true';
  throw new GvisorIacError('UNKNOWN_FIELD', `${path}.egressPorts`, ports, 'is no longer a field: egress carries its own ports',
    `write egress: { dns: true, ${where}, ports: ${JSON.stringify(ports)} } and drop egressPorts`);
}

/** Subject names, none of them one that means everybody; duplicates dropped. */
function subjectNames(forbidden: readonly string[]) {
  return (v: unknown, p: string): readonly string[] => [...new Set((v === undefined ? [] : assertArray<unknown>(v, p)).map((n, i) => {
    const s = assertString(n, fieldPath(p, i), 'a user or group name');
    if (forbidden.includes(s)) {
      throw new GvisorIacError('SANDBOX_ESCAPE', fieldPath(p, i), s, 'would make everyone (or every service account) a tenant admin', 'name the tenant\'s own users or groups');
    }
    return s;
  }))];
}

/** How each prop of a tenant's `admins` is checked. */
const ADMINS_PROPS = {
  users: subjectNames(FORBIDDEN_USERS),
  groups: subjectNames(FORBIDDEN_GROUPS),
} satisfies PropTable<TenantAdmins>;

function resolveAdmins(a: unknown, path: string): ResolvedTenant['admins'] {
  return a === undefined ? { users: [], groups: [] } : resolveProps(a, ADMINS_PROPS, path);
}
