import type { LimitRange, Namespace, ResourceQuota, ServiceAccount } from 'kubernetes-types/core/v1';
import { DEFAULTS, MANAGED_BY_LABEL, MULTI_TENANT_DEFAULTS } from '../defaults';
import { GvisorIacError } from '../errors';
import { tenantAdmissionPolicy, tenantObjectPolicy } from './tenant-admission';
import { tenantNetworkPolicies } from './tenant-network';
import { SANDBOX_LABEL, TENANT_LABEL, TenantProps } from './tenant-props';
import { tenantRbac } from './tenant-rbac';
import { ResolvedTenant, resolveTenant } from './tenant-validation';
import { EGRESS_NETWORK_PROPS, EgressNetwork, EgressNetworkProps } from '../network/egress';
import { KubeObject, Manifests, sortForApply } from '../objects/manifest';
import { deriveName, objectMeta } from '../objects/metadata';
import { ManifestOverride, applyOverrides } from '../objects/overrides';
import { runtimeClassName } from '../pod/pod-spec';
import { RuntimeClassRef } from '../pod/runtime-class';
import { plainProps } from '../validation/plain-data';
import { PropTable, optional, resolveProps } from '../validation/props';
import { parseQuantity } from '../validation/quantity';
import { assertArray, assertDnsLabel, assertLabels, assertPlainObject, isDnsLabel } from '../validation/validate';

/**
 * Props of a MultiTenantSandbox: one namespace per tenant, sealed by Pod
 * Security "restricted", a ResourceQuota, a LimitRange, NetworkPolicies,
 * RBAC, and a shared ValidatingAdmissionPolicy that only admits gVisor pods.
 */
export interface MultiTenantSandboxProps extends EgressNetworkProps {
  /**
   * Name of the sandbox: value of the `gvisor-iac.dev/sandbox` label on every
   * tenant namespace, and prefix of the admission policy's name.
   * @default - derived from the construct id (cdk8s) or the resource name (Pulumi)
   */
  readonly name?: string;
  /**
   * The RuntimeClass tenant pods must use. Its `overhead` sizes the quota
   * check; a bare name is assumed to charge the gVisor default overhead.
   * @default "gvisor" (with overhead 100m / 160Mi)
   */
  readonly runtimeClass?: RuntimeClassRef | string;
  /** The tenants (at least one). */
  readonly tenants: TenantProps[];
  /** Prefix of every tenant namespace: `namespacePrefix + tenant.name`. @default "" (the namespace is the tenant name) */
  readonly namespacePrefix?: string;
  /**
   * Value of the `pod-security.kubernetes.io/*-version` labels: "latest", or
   * "v1.N" with N at least 34 (`MIN_POD_SECURITY_VERSION`). An older pin
   * would enforce an older "restricted" profile on tenant pods, one without
   * checks the sandbox relies on (e.g. `host` in probes and lifecycle
   * hooks, checked since v1.34); a pin newer than the cluster is evaluated
   * as the cluster's latest.
   * @default "latest"
   */
  readonly podSecurityVersion?: string;
  /** Labels added to every emitted object. @default - none */
  readonly labels?: Record<string, string>;
  /** JSON-patch escape hatch (default target: the ValidatingAdmissionPolicy). @default - none */
  readonly overrides?: ManifestOverride[];
}

/** What a rendered tenant is called in the cluster. */
export interface TenantOutput {
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccountName: string;
}

/** The rendered sandbox: objects in apply order plus the names a caller may want to export. */
export interface MultiTenantManifests extends Manifests {
  /** The sandbox's name (`props.name`, or derived from the construct id): the prefix of its policies. */
  readonly name: string;
  readonly tenants: readonly TenantOutput[];
  /** Tenant namespaces, in tenant order. */
  readonly namespaces: readonly string[];
  /** Name of the ValidatingAdmissionPolicy and of its binding. */
  readonly policyName: string;
  /** The RuntimeClass the policy requires. */
  readonly runtimeClassName: string;
}

/**
 * The oldest Pod Security version a tenant namespace may pin: the first whose
 * profiles include every check the hardening relies on (v1.34 added the
 * refusal of `host` in probes and lifecycle hooks to "baseline").
 */
export const MIN_POD_SECURITY_VERSION = 'v1.34';

/**
 * How each prop of a MultiTenantSandbox is checked and resolved (the tenants
 * one by one, and against each other, come after).
 */
const MULTI_TENANT_PROPS = {
  name: optional((v, p) => assertDnsLabel(v, p)),
  runtimeClass: (v: unknown, p: string) => {
    const rc = v as RuntimeClassRef | string | undefined;
    const className = runtimeClassName(rc, p);
    const overhead = typeof rc === 'object' && rc !== null ? rc.overhead ?? { cpu: '0', memory: '0' } : DEFAULTS.podOverhead;
    assertPlainObject(overhead, `${p}.overhead`);
    parseQuantity(overhead.cpu, `${p}.overhead.cpu`, 'cpu');
    parseQuantity(overhead.memory, `${p}.overhead.memory`, 'memory');
    return { name: className, overhead };
  },
  tenants: (v: unknown, p: string) => {
    const list = assertArray<TenantProps>(v, p);
    if (list.length === 0) throw new GvisorIacError('REQUIRED', p, v, 'lists no tenant', 'add at least one tenant, e.g. [{ name: "tenant-a" }]');
    return list;
  },
  namespacePrefix: (v: unknown, p: string) => {
    const prefix = v ?? MULTI_TENANT_DEFAULTS.namespacePrefix;
    if (typeof prefix !== 'string' || (prefix !== '' && (prefix.length > 62 || !isDnsLabel(`${prefix}x`)))) {
      throw new GvisorIacError('INVALID_NAME', p, prefix, 'cannot start a DNS-1123 label', 'use lowercase letters, digits and "-", e.g. "tenant-"');
    }
    return prefix;
  },
  podSecurityVersion: (v: unknown, p: string) => {
    const psaVersion = v ?? MULTI_TENANT_DEFAULTS.podSecurityVersion;
    if (typeof psaVersion !== 'string' || !/^(latest|v1\.\d{1,3})$/.test(psaVersion)) {
      throw new GvisorIacError('INVALID_VALUE', p, psaVersion, 'is not a Pod Security version', `use "latest" or a Kubernetes minor version such as "${MIN_POD_SECURITY_VERSION}"`);
    }
    if (psaVersion !== 'latest' && Number(psaVersion.slice(3)) < Number(MIN_POD_SECURITY_VERSION.slice(3))) {
      throw new GvisorIacError('SANDBOX_ESCAPE', p, psaVersion,
        `pins Pod Security to an older "restricted" profile than the sandbox relies on (host in probes and lifecycle hooks is checked from ${MIN_POD_SECURITY_VERSION})`,
        `use "latest" or "${MIN_POD_SECURITY_VERSION}" or newer (a newer pin than the cluster's version is evaluated as its latest)`);
    }
    return psaVersion;
  },
  ...EGRESS_NETWORK_PROPS,
  labels: (v: unknown, p: string) => ({ ...MANAGED_BY_LABEL, ...checkedLabels(v, p) }),
  overrides: optional((v, p) => assertArray<ManifestOverride>(v, p)),
} satisfies PropTable<MultiTenantSandboxProps>;
const PSA_MODES = ['enforce', 'audit', 'warn'] as const;
const PROTECTED_LABEL = (k: string) => k.startsWith('pod-security.kubernetes.io/') || k === SANDBOX_LABEL || k === TENANT_LABEL || k === 'kubernetes.io/metadata.name';

/**
 * Builds a multi-tenant gVisor sandbox. Every input is validated before
 * anything is built; a bad tenant fails with a `GvisorIacError` naming it.
 */
export function renderMultiTenantSandbox(propsIn: MultiTenantSandboxProps, id: string, path = 'props'): MultiTenantManifests {
  const props = plainProps(propsIn, path);
  const r = resolveProps(props, MULTI_TENANT_PROPS, path);
  const name = r.name ?? deriveName(id, `${path}.name`);
  const { name: rcName, overhead } = r.runtimeClass;
  const { namespacePrefix: prefix, podSecurityVersion: psaVersion, labels } = r;
  const network: EgressNetwork = { ...r.dns, internetExcept: r.internetExcept };

  const list = r.tenants;
  const tenants: ResolvedTenant[] = [];
  list.forEach((t, i) => {
    const tenant = resolveTenant(t, `${path}.tenants[${i}]`, prefix, overhead);
    checkedLabels(tenant.labels, `${path}.tenants[${i}].labels`);
    const clash = tenants.find((o) => o.name === tenant.name);
    if (clash) throw new GvisorIacError('DUPLICATE_NAME', `${path}.tenants[${i}].name`, tenant.name, `is already the name of ${clash.path}`, 'give every tenant its own name');
    tenants.push(tenant);
  });

  const policyName = `${name}-require-gvisor`;
  const objects: KubeObject[] = [];
  for (const t of tenants) {
    objects.push(
      tenantNamespace(t, name, psaVersion, labels),
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: objectMeta(t.serviceAccountName, t.namespace, labels),
        automountServiceAccountToken: false,
      } satisfies ServiceAccount & KubeObject,
      {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: objectMeta('tenant-quota', t.namespace, labels),
        spec: { hard: { ...t.hard } },
      } satisfies ResourceQuota & KubeObject,
      {
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: objectMeta('container-defaults', t.namespace, labels),
        spec: { limits: [{ type: 'Container', defaultRequest: { ...t.containerDefaults.requests }, default: { ...t.containerDefaults.limits } }] },
      } satisfies LimitRange & KubeObject,
      ...tenantNetworkPolicies(t, network, labels),
      ...tenantRbac(t, labels),
    );
  }
  objects.push(...tenantAdmissionPolicy(policyName, name, rcName, labels), ...tenantObjectPolicy(`${name}-restrict-tenant-objects`, name, labels));
  const sorted = sortForApply(objects);
  const primary = sorted.findIndex((o) => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name === policyName);
  const manifests = applyOverrides({ objects: sorted, primary }, props.overrides, `${path}.overrides`);
  return {
    ...manifests,
    name,
    tenants: tenants.map((t) => ({ name: t.name, namespace: t.namespace, serviceAccountName: t.serviceAccountName })),
    namespaces: tenants.map((t) => t.namespace),
    policyName,
    runtimeClassName: rcName,
  };
}

function tenantNamespace(t: ResolvedTenant, sandbox: string, psaVersion: string, labels: Record<string, string>): Namespace & KubeObject {
  const psa: Record<string, string> = {};
  for (const mode of PSA_MODES) {
    psa[`pod-security.kubernetes.io/${mode}`] = 'restricted';
    psa[`pod-security.kubernetes.io/${mode}-version`] = psaVersion;
  }
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: objectMeta(t.namespace, undefined, { ...labels, ...t.labels, [TENANT_LABEL]: t.name, [SANDBOX_LABEL]: sandbox, ...psa }),
  };
}

/** Labels a caller may add, refusing the ones that would unseal a namespace. */
function checkedLabels(value: unknown, path: string): Record<string, string> {
  const labels = assertLabels(value, path) ?? {};
  for (const k of Object.keys(labels)) {
    if (PROTECTED_LABEL(k)) {
      throw new GvisorIacError('SANDBOX_ESCAPE', `${path}[${JSON.stringify(k)}]`, labels[k], 'would change a label that seals the tenant namespace (Pod Security, admission binding)', `remove "${k}"; the sandbox sets it`);
    }
  }
  return labels;
}
