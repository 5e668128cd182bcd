import type { NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyPeer, NetworkPolicyPort } from 'kubernetes-types/networking/v1';
import { IpNetwork, parseCidr } from './cidr';
import { DEFAULTS } from '../defaults';
import { GvisorIacError, fieldPath } from '../errors';
import { ANYWHERE, NEVER_REACHABLE, NON_PUBLIC, ipBlockWithout, neverReachableContaining, refuseIpv4Mapped } from './network-ranges';
import { KubeObject, prune } from '../objects/manifest';
import { objectMeta } from '../objects/metadata';
import { emptyRecord, ownValue, plainProps } from '../validation/plain-data';
import { PropTable, keysOf, resolveProps } from '../validation/props';
import { assertArray, assertBoolean, assertDnsLabel, assertInteger, assertKnownKeys, assertLabels, assertOneOf, assertPlainObject } from '../validation/validate';

/**
 * The egress rule for DNS lookups: UDP and TCP port 53 to the cluster DNS
 * pods (label `k8s-app: kube-dns` in namespace `kube-system`, as CoreDNS is
 * labelled by kubeadm, GKE, EKS and AKS).
 */
export const CLUSTER_DNS_EGRESS_RULE: NetworkPolicyEgressRule = dnsEgressRule();

/** One destination port (or range) for `internet` and `cidrs` egress. */
export interface SandboxEgressPort {
  /** Port number (1–65535). */
  readonly port: number;
  /** Last port of a range (≥ `port`). @default - just `port` */
  readonly endPort?: number;
  /** @default "TCP" */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/** An explicit egress allow-list. Everything not listed stays denied. */
export interface SandboxEgressAllowList {
  /** Allow DNS lookups: UDP/TCP 53 to the cluster DNS (the construct's `dns`, default `CLUSTER_DNS_EGRESS_RULE`). @default false */
  readonly dns?: boolean;
  /** Allow the public internet: `0.0.0.0/0` and `::/0` minus `NON_PUBLIC_CIDRS`, `NEVER_REACHABLE_CIDRS` and the construct's `internetExcept`. @default false */
  readonly internet?: boolean;
  /**
   * Allow these destination networks (e.g. `"203.0.113.0/24"`). The
   * never-reachable ranges are cut out of each; a network that lies inside
   * one of them is refused, and so is an IPv4-mapped one (`::ffff:0:0/96`
   * and inside, which Kubernetes reads as IPv4: write the IPv4 form).
   * @default - none
   */
  readonly cidrs?: readonly string[];
  /** Restrict `internet` and `cidrs` to these ports (DNS keeps port 53). @default - all ports */
  readonly ports?: readonly SandboxEgressPort[];
}

/**
 * Where a sandboxed pod may connect, for every construct that takes
 * `egress` (`UntrustedCodeSandbox`, each tenant of `MultiTenantSandbox`):
 * - `"none"`: nowhere, not even DNS;
 * - `"dns"`: DNS lookups only (UDP/TCP 53 to the cluster DNS, see `ClusterDnsProps`);
 * - `"internet"`: DNS, and `0.0.0.0/0` / `::/0` minus `NON_PUBLIC_CIDRS`,
 *   `NEVER_REACHABLE_CIDRS` and the construct's `internetExcept`;
 * - an allow-list `{ dns?, internet?, cidrs?, ports? }`: exactly what it lists.
 * The cloud metadata address and the link-local range are never reachable,
 * whatever is chosen.
 */
export type SandboxEgress = 'none' | 'dns' | 'internet' | SandboxEgressAllowList;

/** Where the cluster DNS runs: the peer of the DNS egress rule. */
export interface ClusterDnsProps {
  /** Namespace of the cluster DNS pods. @default "kube-system" */
  readonly namespace?: string;
  /**
   * Labels of the DNS pods. `false` allows port 53 to every pod of `namespace`.
   * @default { "k8s-app": "kube-dns" } (CoreDNS and kube-dns on kubeadm, GKE, EKS, AKS)
   */
  readonly podLabels?: Record<string, string> | false;
}

/** The props every construct with `egress` shares: where DNS is, and what `"internet"` leaves out. */
export interface EgressNetworkProps {
  /** Where the cluster DNS runs (the peer of DNS egress). @default { namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" } } */
  readonly dns?: ClusterDnsProps;
  /**
   * CIDRs that `internet` egress excludes besides the built-in private,
   * link-local and metadata ranges — e.g. pod, Service or node ranges in
   * public address space. An IPv4-mapped CIDR (`::ffff:0:0/96` and inside)
   * is refused: Kubernetes reads it as IPv4, so write the IPv4 form.
   * @default - none
   */
  readonly internetExcept?: string[];
}

/** `EgressNetworkProps`, validated: the DNS rule and the extra `internet` exclusions. */
export interface EgressNetwork {
  /** Namespace of the cluster DNS pods. */
  readonly dnsNamespace: string;
  /** Labels of the DNS pods; `false`: every pod of the namespace. */
  readonly dnsPodLabels: Readonly<Record<string, string>> | false;
  readonly internetExcept: readonly IpNetwork[];
}

/** An egress choice, validated. */
export interface ResolvedEgress {
  readonly dns: boolean;
  readonly internet: boolean;
  readonly cidrs: readonly IpNetwork[];
  /** `undefined`: every port. */
  readonly ports?: readonly NetworkPolicyPort[];
}

const MODES = { none: {}, dns: { dns: true }, internet: { dns: true, internet: true } } as const;

/** Networks in address order: the order every `except` list of every egress policy is written in. */
const byAddress = (list: readonly IpNetwork[]): IpNetwork[] =>
  [...list].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.prefix - b.prefix));
const NEVER_BY_ADDRESS = byAddress(NEVER_REACHABLE);
const NOT_INTERNET_BY_ADDRESS = byAddress([...NEVER_REACHABLE, ...NON_PUBLIC]);
/** What "internet" excludes, per list of extra exclusions (one array per list, so `ipBlockWithout`'s cache applies). */
const NOT_INTERNET_WITH = new WeakMap<readonly IpNetwork[], readonly IpNetwork[]>();

/**
 * The one builder of egress destinations beyond DNS, for every construct:
 * with `internet`, `0.0.0.0/0` and `::/0` minus `NON_PUBLIC_CIDRS`,
 * `NEVER_REACHABLE_CIDRS` and `internetExcept`; then each of `cidrs` minus
 * the never-reachable ranges. Every `except` list is in address order.
 */
export function egressPeers(internet: boolean, cidrs: readonly IpNetwork[], internetExcept: readonly IpNetwork[] = []): NetworkPolicyPeer[] {
  const peers: NetworkPolicyPeer[] = [];
  if (internet) {
    let excluded = internetExcept.length === 0 ? NOT_INTERNET_BY_ADDRESS : NOT_INTERNET_WITH.get(internetExcept);
    if (!excluded) {
      excluded = byAddress([...NEVER_REACHABLE, ...NON_PUBLIC, ...internetExcept]);
      NOT_INTERNET_WITH.set(internetExcept, excluded);
    }
    for (const any of ANYWHERE) peers.push({ ipBlock: ipBlockWithout(any, excluded) });
  }
  for (const net of cidrs) peers.push({ ipBlock: ipBlockWithout(net, NEVER_BY_ADDRESS) });
  return peers;
}

/**
 * The one DNS egress rule: UDP and TCP port 53 to the DNS pods (`podLabels`,
 * or every pod when `false`) of `namespace`.
 * @default - the cluster DNS of `CLUSTER_DNS_EGRESS_RULE`
 */
export function dnsEgressRule(
  namespace: string = DEFAULTS.clusterDns.namespace,
  podLabels: Readonly<Record<string, string>> | false = DEFAULTS.clusterDns.podLabels,
): NetworkPolicyEgressRule {
  return prune({
    to: [{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
      podSelector: podLabels ? { matchLabels: { ...podLabels } } : undefined,
    }],
    ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
  });
}

const EGRESS_PORT_KEYS = keysOf<SandboxEgressPort>({ port: true, endPort: true, protocol: true });
const ALLOW_LIST_KEYS = keysOf<SandboxEgressAllowList>({ dns: true, internet: true, cidrs: true, ports: true });

/**
 * Validates a list of egress destination ports (protocol defaults to TCP).
 * `undefined` means every port; an empty list is refused.
 */
export function checkEgressPorts(value: unknown, path: string): NetworkPolicyPort[] | undefined {
  if (value === undefined) return undefined;
  const list = assertArray<SandboxEgressPort>(value, path);
  if (list.length === 0) {
    const field = path.slice(path.lastIndexOf('.') + 1);
    throw new GvisorIacError('INVALID_VALUE', path, list, 'is empty', `omit ${field} to allow every port, or list at least one`);
  }
  return list.map((p, i) => {
    const pp = fieldPath(path, i);
    assertKnownKeys(assertPlainObject(p, pp), EGRESS_PORT_KEYS, pp);
    const port = assertInteger(p.port, `${pp}.port`, 1, 65535);
    const endPort = p.endPort === undefined ? undefined : assertInteger(p.endPort, `${pp}.endPort`, port, 65535);
    const protocol = p.protocol === undefined ? 'TCP' : assertOneOf(p.protocol, ['TCP', 'UDP', 'SCTP'] as const, `${pp}.protocol`);
    return prune({ protocol, port, endPort });
  });
}

const EGRESS_FIX = 'use "none", "dns", "internet" or { dns?, internet?, cidrs?, ports? }';

/**
 * Validates an egress choice (`undefined` is `fallback`). Every construct
 * reads `egress` through here, so each word means the same everywhere.
 */
export function resolveEgress(egress: unknown, path: string, fallback: 'none' | 'dns' = 'none'): ResolvedEgress {
  if (Array.isArray(egress)) {
    // The list of CIDRs tenants once took: name the allow-list that means what it meant (DNS and those networks).
    const cidrs = JSON.stringify(egress);
    throw new GvisorIacError('INVALID_VALUE', path, egress, 'is a list of CIDRs, a form egress no longer takes',
      `write { dns: true, cidrs: ${cidrs} } for DNS and these networks (or { cidrs: ${cidrs} } without DNS)`);
  }
  const choice: SandboxEgressAllowList = egress === undefined || typeof egress === 'string'
    // A null-prototype copy: a mode's absent fields never come from a polluted Object.prototype.
    ? Object.assign(emptyRecord(), MODES[assertOneOf(egress ?? fallback, ['none', 'dns', 'internet'] as const, path, EGRESS_FIX)])
    : assertPlainObject(plainProps(egress, path), path);
  assertKnownKeys(choice as Record<string, unknown>, ALLOW_LIST_KEYS, path);
  const dns = choice.dns === undefined ? false : assertBoolean(choice.dns, `${path}.dns`);
  const internet = choice.internet === undefined ? false : assertBoolean(choice.internet, `${path}.internet`);
  const cidrsIn = choice.cidrs === undefined ? [] : assertArray<string>(choice.cidrs, `${path}.cidrs`);
  const ports = checkEgressPorts(choice.ports, `${path}.ports`);

  const seen = new Set<string>();
  const cidrs = cidrsIn.map((text, i) => {
    const p = fieldPath(`${path}.cidrs`, i);
    const net = parseCidr(text, p);
    const blocked = neverReachableContaining(net);
    if (blocked) {
      throw new GvisorIacError('SANDBOX_ESCAPE', p, text, `lies inside ${blocked.text}, which sandboxed pods may never reach (cloud metadata / link-local)`, 'remove it; credentials of the node must stay out of reach of the sandbox (workloads that need cloud credentials should use workload identity)');
    }
    refuseIpv4Mapped(net, text, p);
    if (seen.has(net.text)) throw new GvisorIacError('INVALID_VALUE', p, text, 'is listed twice', 'list each network once');
    seen.add(net.text);
    return net;
  });
  if (ports && !internet && cidrs.length === 0) {
    throw new GvisorIacError('INVALID_VALUE', `${path}.ports`, choice.ports, 'restrict nothing: neither internet nor cidrs is allowed', 'allow internet or list cidrs, or drop ports');
  }
  return { dns, internet, cidrs, ports };
}

/** Validates `dns` and `internetExcept` (paths `<path>.dns`, `<path>.internetExcept`). */
export function resolveEgressNetwork(props: EgressNetworkProps, path: string): EgressNetwork {
  const dns = EGRESS_NETWORK_PROPS.dns(ownValue(props, 'dns'), `${path}.dns`);
  return { ...dns, internetExcept: EGRESS_NETWORK_PROPS.internetExcept(ownValue(props, 'internetExcept'), `${path}.internetExcept`) };
}

/** How each field of `dns` is checked, its default filled in. */
const CLUSTER_DNS_PROPS = {
  namespace: (v: unknown, p: string) => (v === undefined ? DEFAULTS.clusterDns.namespace : assertDnsLabel(v, p)),
  podLabels: (v: unknown, p: string): Readonly<Record<string, string>> | false => {
    if (v === undefined) return DEFAULTS.clusterDns.podLabels;
    if (v === false) return false;
    const labels = assertLabels(v, p);
    if (!labels || Object.keys(labels).length === 0) {
      throw new GvisorIacError('INVALID_VALUE', p, v, 'selects no labels', 'name the DNS pods\' labels, or pass false to allow port 53 to the whole DNS namespace');
    }
    return labels;
  },
} satisfies PropTable<ClusterDnsProps>;

/**
 * How `dns` and `internetExcept` are checked and resolved: a construct's
 * table spreads this one (or calls {@link resolveEgressNetwork}).
 * @internal
 */
export const EGRESS_NETWORK_PROPS = {
  dns: (v: unknown, p: string): Omit<EgressNetwork, 'internetExcept'> => {
    const dns = resolveProps(v === undefined ? emptyRecord() : v, CLUSTER_DNS_PROPS, p);
    return { dnsNamespace: dns.namespace, dnsPodLabels: dns.podLabels };
  },
  internetExcept: (v: unknown, p: string): IpNetwork[] => (v === undefined ? [] : assertArray<unknown>(v, p)).map((c, i) => {
    const cidr = refuseIpv4Mapped(parseCidr(c, `${p}[${i}]`), c, `${p}[${i}]`);
    if (cidr.prefix === 0) throw new GvisorIacError('INVALID_CIDR', `${p}[${i}]`, c, 'excludes the whole address family', 'use egress "dns" or "none" instead, or list narrower ranges');
    return cidr;
  }),
} satisfies PropTable<EgressNetworkProps>;

/** The network of a construct that leaves `dns` and `internetExcept` at their defaults. */
export const DEFAULT_EGRESS_NETWORK: EgressNetwork = {
  dnsNamespace: DEFAULTS.clusterDns.namespace,
  dnsPodLabels: DEFAULTS.clusterDns.podLabels,
  internetExcept: [],
};

/**
 * The one rule builder: a validated egress choice as (at most) two
 * NetworkPolicy egress rules — `dns` (port 53 to the cluster DNS) and
 * `beyond` (the `internet` and `cidrs` destinations, limited to `ports`).
 * Never a rule without `to`: Kubernetes reads a missing `to` as "everywhere".
 */
export function egressRuleSet(
  egress: ResolvedEgress, network: EgressNetwork = DEFAULT_EGRESS_NETWORK,
): { dns?: NetworkPolicyEgressRule; beyond?: NetworkPolicyEgressRule } {
  const peers = egressPeers(egress.internet, egress.cidrs, network.internetExcept);
  return {
    dns: egress.dns ? dnsEgressRule(network.dnsNamespace, network.dnsPodLabels) : undefined,
    beyond: peers.length ? prune({ to: peers, ports: egress.ports?.map((p) => ({ ...p })) }) : undefined,
  };
}

/** `egressRules` for a network already validated (what the constructs call). */
export function resolvedEgressRules(
  egress: SandboxEgress | undefined, path: string, network: EgressNetwork = DEFAULT_EGRESS_NETWORK,
): NetworkPolicyEgressRule[] {
  const { dns, beyond } = egressRuleSet(resolveEgress(egress, path), network);
  const rules: NetworkPolicyEgressRule[] = [];
  if (dns) rules.push(dns);
  if (beyond) rules.push(beyond);
  return rules;
}

/**
 * Turns an egress choice into NetworkPolicy egress rules, validating it
 * first. The result never lets traffic reach `NEVER_REACHABLE_CIDRS`; an
 * empty list (for `"none"`) denies all egress when the policy lists
 * `Egress` in its `policyTypes`. `network` says where the cluster DNS is
 * and what `internet` leaves out, as `MultiTenantSandbox` and
 * `UntrustedCodeSandbox` take them (errors name `network.dns…`).
 */
export function egressRules(
  egress: SandboxEgress | undefined, path: string, network?: EgressNetworkProps,
): NetworkPolicyEgressRule[] {
  return resolvedEgressRules(egress, path, network === undefined ? DEFAULT_EGRESS_NETWORK : resolveEgressNetwork(network, 'network'));
}

/** What `sandboxNetworkPolicy` needs to know about the pods it isolates. */
export interface SandboxNetworkPolicyOptions {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  /** Labels that select exactly the isolated pods. */
  readonly podSelector: Record<string, string>;
  readonly egress?: SandboxEgress;
  /** Where DNS is and what `internet` leaves out. @default - the cluster DNS in kube-system; nothing more left out */
  readonly network?: EgressNetworkProps;
}

/**
 * A NetworkPolicy that selects exactly `podSelector`'s pods and isolates
 * them: no ingress at all, egress only as `egress` allows (default none).
 * `path` names the `egress` prop in errors.
 */
export function sandboxNetworkPolicy(options: SandboxNetworkPolicyOptions, path: string): NetworkPolicy & KubeObject {
  const network = options.network === undefined ? DEFAULT_EGRESS_NETWORK : resolveEgressNetwork(options.network, 'network');
  return isolatingNetworkPolicy({ ...options, network }, path);
}

/** `sandboxNetworkPolicy` for a network already validated (what the constructs call). */
export function isolatingNetworkPolicy(
  options: Omit<SandboxNetworkPolicyOptions, 'network'> & { readonly network: EgressNetwork }, path: string,
): NetworkPolicy & KubeObject {
  const egress = resolvedEgressRules(options.egress, path, options.network);
  return prune({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: objectMeta(options.name, options.namespace, options.labels),
    spec: {
      podSelector: { matchLabels: { ...options.podSelector } },
      policyTypes: ['Ingress', 'Egress'],
      egress,
    },
  });
}
