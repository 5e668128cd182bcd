import type { NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyPeer } from 'kubernetes-types/networking/v1';
import { IpNetwork } from './cidr';
import { KubeObject, prune } from './manifest';
import { objectMeta } from './metadata';
import { ANYWHERE, NEVER_REACHABLE, NON_PUBLIC, ipBlockWithout } from './network-ranges';
import { ResolvedTenant } from './tenant-validation';

/** Names of the NetworkPolicies every tenant namespace gets (the egress one only when egress is not "none"). */
export const TENANT_NETWORK_POLICY_NAMES = {
  defaultDeny: 'default-deny-all',
  dns: 'allow-dns',
  sameNamespace: 'allow-same-namespace',
  egress: 'allow-egress',
} as const;

/** Resolved network settings shared by all tenants. */
export interface TenantNetworkSettings {
  readonly dnsNamespace: string;
  readonly dnsPodLabels?: Record<string, string>;
  /** Extra ranges `egress: "internet"` excludes. */
  readonly internetExcept: readonly IpNetwork[];
}


/** What `egress: "internet"` excludes for these settings, built once per settings object (ipBlockWithout caches per list). */
const INTERNET_EXCLUDED = new WeakMap<TenantNetworkSettings, readonly IpNetwork[]>();

function internetExcluded(settings: TenantNetworkSettings): readonly IpNetwork[] {
  let list = INTERNET_EXCLUDED.get(settings);
  if (!list) {
    list = [...NEVER_REACHABLE, ...NON_PUBLIC, ...settings.internetExcept];
    INTERNET_EXCLUDED.set(settings, list);
  }
  return list;
}

/** The egress peers of a tenant beyond DNS and its namespace (empty for "none"). */
export function egressPeers(tenant: ResolvedTenant, settings: TenantNetworkSettings): NetworkPolicyPeer[] {
  switch (tenant.egress.kind) {
    case 'none':
      return [];
    case 'internet':
      return ANYWHERE.map((any) => ({ ipBlock: ipBlockWithout(any, internetExcluded(settings)) }));
    case 'cidrs':
      return tenant.egress.cidrs.map((c) => ({ ipBlock: ipBlockWithout(c, NEVER_REACHABLE) }));
  }
}

/**
 * The tenant's NetworkPolicies: deny everything in and out, then allow DNS,
 * (optionally) the namespace itself, and the chosen egress. Other tenants'
 * pods are never reachable: their own default deny refuses any ingress from
 * outside their namespace.
 */
export function tenantNetworkPolicies(tenant: ResolvedTenant, settings: TenantNetworkSettings, labels: Record<string, string>): KubeObject[] {
  const policy = (name: string, spec: NetworkPolicy['spec']): NetworkPolicy & KubeObject => prune({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: objectMeta(name, tenant.namespace, labels),
    spec,
  });
  const dnsPeer: NetworkPolicyPeer = {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': settings.dnsNamespace } },
    podSelector: settings.dnsPodLabels ? { matchLabels: { ...settings.dnsPodLabels } } : undefined,
  };
  const out: KubeObject[] = [
    policy(TENANT_NETWORK_POLICY_NAMES.defaultDeny, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy(TENANT_NETWORK_POLICY_NAMES.dns, {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [dnsPeer], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }],
    }),
  ];
  if (tenant.allowIntraNamespace) {
    out.push(policy(TENANT_NETWORK_POLICY_NAMES.sameNamespace, {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    }));
  }
  const peers = egressPeers(tenant, settings);
  if (peers.length) {
    const rule: NetworkPolicyEgressRule = { to: peers, ports: tenant.egressPorts?.map((p) => ({ ...p })) };
    out.push(policy(TENANT_NETWORK_POLICY_NAMES.egress, { podSelector: {}, policyTypes: ['Egress'], egress: [rule] }));
  }
  return out;
}
