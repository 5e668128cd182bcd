import type { NetworkPolicy } from 'kubernetes-types/networking/v1';
import { TENANT_INGRESS_POLICY_PREFIX, tenantIngressPolicy } from './tenant-ingress';
import { ResolvedTenant } from './tenant-validation';
import { EgressNetwork, egressRuleSet } from '../network/egress';
import { KubeObject, prune } from '../objects/manifest';
import { objectMeta } from '../objects/metadata';

/**
 * Names of the NetworkPolicies of a tenant namespace: `dns` only when its
 * egress allows DNS, `egress` only when it allows more; one
 * `allow-ingress-<rule name>` per `ingress` rule.
 */
export const TENANT_NETWORK_POLICY_NAMES = {
  defaultDeny: 'default-deny-all',
  dns: 'allow-dns',
  sameNamespace: 'allow-same-namespace',
  egress: 'allow-egress',
  ingressPrefix: TENANT_INGRESS_POLICY_PREFIX,
} as const;

/**
 * The tenant's NetworkPolicies: deny everything in and out, then allow what
 * its egress allows (DNS; the internet or CIDRs), optionally the namespace itself, and what its
 * `ingress` rules admit (each peer and port named). Other tenants' pods are
 * never reachable unless one names the other's namespace: their own default
 * deny refuses any other ingress from outside their namespace.
 */
export function tenantNetworkPolicies(tenant: ResolvedTenant, network: EgressNetwork, labels: Record<string, string>): KubeObject[] {
  const policy = (name: string, spec: NetworkPolicy['spec']): NetworkPolicy & KubeObject => prune({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: objectMeta(name, tenant.namespace, labels),
    spec,
  });
  const rules = egressRuleSet(tenant.egress, network);
  const out: KubeObject[] = [policy(TENANT_NETWORK_POLICY_NAMES.defaultDeny, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })];
  if (rules.dns) out.push(policy(TENANT_NETWORK_POLICY_NAMES.dns, { podSelector: {}, policyTypes: ['Egress'], egress: [rules.dns] }));
  if (tenant.allowIntraNamespace) {
    out.push(policy(TENANT_NETWORK_POLICY_NAMES.sameNamespace, {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    }));
  }
  if (rules.beyond) out.push(policy(TENANT_NETWORK_POLICY_NAMES.egress, { podSelector: {}, policyTypes: ['Egress'], egress: [rules.beyond] }));
  for (const rule of tenant.ingress) out.push(tenantIngressPolicy(rule, tenant.namespace, labels));
  return out;
}
