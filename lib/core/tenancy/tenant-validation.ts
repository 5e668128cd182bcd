import { DEFAULTS, MULTI_TENANT_DEFAULTS } from '../defaults';
import { GvisorIacError, fieldPath } from '../errors';
import { TenantAdmins, TenantProps, TenantQuota } from './tenant-props';
import { ResolvedEgress, resolveEgress } from '../network/egress';
import { resolveResources } from '../pod/container';
import { emptyRecord } from '../validation/plain-data';
import { formatCpu, parseQuantity } from '../validation/quantity';
import {
  assertArray, assertBoolean, assertDnsLabel, assertInteger, assertKnownKeys, assertLabelKey, assertLabels, assertPlainObject,
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
  readonly allowIntraNamespace: boolean;
  readonly allowIngress: boolean;
  readonly admins: { users: readonly string[]; groups: readonly string[] };
  readonly serviceAccountName: string;
  readonly labels: Record<string, string>;
}

const TENANT_KEYS = ['name', 'quota', 'egress', 'allowIntraNamespace', 'allowIngress', 'admins', 'containerDefaults', 'serviceAccountName', 'labels'] as const;
const QUOTA_KEYS = ['cpu', 'memory', 'pods', 'services', 'loadBalancers', 'nodePorts', 'persistentVolumeClaims', 'storage', 'configMaps', 'secrets', 'hard'] as const;
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
  assertKnownKeys(t as unknown as Record<string, unknown>, TENANT_KEYS, path);
  const name = assertDnsLabel(t.name, `${path}.name`, 63 - prefix.length);
  const namespace = `${prefix}${name}`;
  for (const n of new Set([name, namespace])) {
    if (isReservedNamespace(n)) {
      throw new GvisorIacError('RESERVED_NAME', `${path}.name`, t.name, `${n === name ? 'is' : `makes the namespace "${n}", which is`} reserved by Kubernetes (default, kube-*)`, `pick another name, e.g. "tenant-${toDnsLabel(name.replace(/^kube-/, '')) || 'a'}"`);
    }
  }
  const containerDefaults = resolveContainerDefaults(t.containerDefaults, `${path}.containerDefaults`);
  const hard = resolveQuota(t.quota, `${path}.quota`);
  if (overhead) checkQuotaFitsOnePod(name, `${path}.quota`, t.quota, hard, containerDefaults, overhead);
  return {
    name,
    namespace,
    path,
    hard,
    containerDefaults,
    egress: resolveEgress(t.egress, `${path}.egress`, MULTI_TENANT_DEFAULTS.egress),
    allowIntraNamespace: t.allowIntraNamespace === undefined ? MULTI_TENANT_DEFAULTS.allowIntraNamespace : assertBoolean(t.allowIntraNamespace, `${path}.allowIntraNamespace`),
    allowIngress: t.allowIngress === undefined ? MULTI_TENANT_DEFAULTS.allowIngress : assertBoolean(t.allowIngress, `${path}.allowIngress`),
    admins: resolveAdmins(t.admins, `${path}.admins`),
    serviceAccountName: t.serviceAccountName === undefined ? MULTI_TENANT_DEFAULTS.serviceAccountName : assertDnsLabel(t.serviceAccountName, `${path}.serviceAccountName`),
    labels: assertLabels(t.labels, `${path}.labels`) ?? {},
  };
}

function resolveContainerDefaults(r: unknown, path: string): ResolvedTenant['containerDefaults'] {
  if (r !== undefined) assertKnownKeys(assertPlainObject(r, path), ['requests', 'limits'], path);
  const resolved = resolveResources(r as never, path, DEFAULTS.containerResources);
  return { requests: { ...resolved.requests } as Record<string, string>, limits: { ...resolved.limits } as Record<string, string> };
}

function quotaKind(key: string): 'cpu' | 'memory' | 'count' {
  if (key === 'cpu' || key.endsWith('.cpu')) return 'cpu';
  if (/memory|storage|hugepages/.test(key)) return 'memory';
  return 'count';
}

/** Builds `spec.hard` from the friendly fields and the raw map, validating every quantity. */
function resolveQuota(q: TenantQuota | undefined, path: string): Record<string, string> {
  const quota = q === undefined ? emptyRecord<TenantQuota>() : assertPlainObject(q, path) as TenantQuota;
  assertKnownKeys(quota as Record<string, unknown>, QUOTA_KEYS, path);
  const hard = emptyRecord<Record<string, string>>();
  for (const [field, keys] of Object.entries(QUOTA_FIELDS) as [keyof typeof QUOTA_FIELDS, readonly string[]][]) {
    const given = quota[field];
    const p = `${path}.${field}`;
    let value: string;
    if (given === undefined) {value = String(MULTI_TENANT_DEFAULTS.quota[field]);} else if (field === 'cpu' || field === 'memory' || field === 'storage') {
      parseQuantity(given, p, field === 'cpu' ? 'cpu' : 'memory');
      value = String(given);
    } else {value = String(assertInteger(given, p, 0));}
    for (const k of keys) hard[k] = value;
  }
  if (quota.hard !== undefined) {
    for (const [k, v] of Object.entries(assertPlainObject(quota.hard, `${path}.hard`))) {
      const p = `${path}.hard[${JSON.stringify(k)}]`;
      assertLabelKey(k, p);
      parseQuantity(v, p, quotaKind(k));
      hard[k] = String(v);
    }
  }
  return hard;
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

function resolveAdmins(a: TenantAdmins | undefined, path: string): ResolvedTenant['admins'] {
  if (a === undefined) return { users: [], groups: [] };
  assertKnownKeys(assertPlainObject(a, path), ['users', 'groups'], path);
  const names = (v: unknown, p: string, forbidden: readonly string[]) =>
    (v === undefined ? [] : assertArray<unknown>(v, p)).map((n, i) => {
      const s = assertString(n, fieldPath(p, i), 'a user or group name');
      if (forbidden.includes(s)) {
        throw new GvisorIacError('SANDBOX_ESCAPE', fieldPath(p, i), s, 'would make everyone (or every service account) a tenant admin', 'name the tenant\'s own users or groups');
      }
      return s;
    });
  const users = names(a.users, `${path}.users`, FORBIDDEN_USERS);
  const groups = names(a.groups, `${path}.groups`, FORBIDDEN_GROUPS);
  return { users: [...new Set(users)], groups: [...new Set(groups)] };
}
