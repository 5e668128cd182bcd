/*
 * What may connect to a tenant's pods from outside its namespace: the
 * `ingress` rules of a tenant, validated, and the NetworkPolicies they become.
 * Every tenant namespace denies all ingress (`default-deny-all`); each rule
 * adds one policy that admits exactly the peers and ports it names.
 */
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from 'kubernetes-types/networking/v1';
import { TenantIngressPeer, TenantIngressPort, TenantIngressRule } from './tenant-props';
import { GvisorIacError, fieldPath } from '../errors';
import { KubeObject, prune } from '../objects/manifest';
import { objectMeta } from '../objects/metadata';
import { ownValue } from '../validation/plain-data';
import { PropTable, optional, resolveProps } from '../validation/props';
import { assertArray, assertDnsLabel, assertInteger, assertLabels, assertOneOf, assertPlainObject, assertPortName } from '../validation/validate';

/** Prefix of the NetworkPolicy each ingress rule becomes: `allow-ingress-<rule name>`. */
export const TENANT_INGRESS_POLICY_PREFIX = 'allow-ingress-';

/** An ingress rule, validated: its NetworkPolicy's name, target pods, peers and ports. */
export interface ResolvedIngressRule {
  /** Name of the NetworkPolicy (`allow-ingress-<name>`). */
  readonly policyName: string;
  /** Labels of the tenant pods it opens; `undefined`: every pod of the tenant. */
  readonly podLabels?: Readonly<Record<string, string>>;
  readonly from: readonly NetworkPolicyPeer[];
  /** `undefined`: every port (`ports: "all"`). */
  readonly ports?: readonly NetworkPolicyPort[];
}

/** The label the API server sets on every namespace to its name: the one namespace selector nobody can forge. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
const PODS_ONLY = 'ingress peers are namespaces and pods: traffic from outside the cluster arrives through an ingress controller or load balancer pods, so allow their namespace';
/** Peer fields of NetworkPolicy (or of egress) that a tenant ingress peer does not take, and what to write instead. */
const NOT_A_PEER: Record<string, string> = {
  ipBlock: PODS_ONLY,
  cidrs: PODS_ONLY,
  namespaceSelector: 'write namespace: "<name>" for one namespace, namespaceLabels: { … } for labelled ones, or allNamespaces: true',
  podSelector: 'write podLabels: { … } (labels only)',
};
const RULE_NAME_MAX = 63 - TENANT_INGRESS_POLICY_PREFIX.length;

/** Labels that must select something: an empty map would mean "every namespace" or "every pod". */
function selectorLabels(what: string, wider: string) {
  return optional((v: unknown, p: string): Record<string, string> => {
    const labels = assertLabels(v, p)!;
    if (Object.keys(labels).length === 0) throw new GvisorIacError('INVALID_VALUE', p, v, `selects no labels, which would mean ${what}`, wider);
    return { ...labels };
  });
}

/** How each field of a peer is checked. */
const PEER_PROPS = {
  namespace: optional((v, p) => assertDnsLabel(v, p)),
  namespaceLabels: selectorLabels('every namespace', 'name the namespaces\' labels, or write allNamespaces: true if every namespace is meant'),
  allNamespaces: optional((v, p) => assertOneOf(v, [true] as const, p, 'write allNamespaces: true to admit every namespace, or omit it and name a namespace')),
  podLabels: selectorLabels('every pod', 'name the pods\' labels, or omit podLabels to admit every pod of the namespaces'),
} satisfies PropTable<TenantIngressPeer>;

function resolvePeer(value: unknown, path: string): NetworkPolicyPeer {
  const o = assertPlainObject(value, path);
  for (const [key, fix] of Object.entries(NOT_A_PEER)) {
    const given = ownValue(o, key);
    if (given !== undefined) throw new GvisorIacError('UNKNOWN_FIELD', fieldPath(path, key), given, 'is not a field of a tenant ingress peer', fix);
  }
  const peer = resolveProps(o, PEER_PROPS, path);
  const scopes = (['namespace', 'namespaceLabels', 'allNamespaces'] as const).filter((k) => peer[k] !== undefined);
  if (scopes.length === 0) {
    throw new GvisorIacError('REQUIRED', path, value, 'names no namespace (an empty selector would admit every namespace)',
      'set namespace: "<name>", namespaceLabels: { … }, or allNamespaces: true to admit every namespace');
  }
  if (scopes.length > 1) {
    throw new GvisorIacError('INVALID_VALUE', path, value, `sets ${scopes.join(' and ')}, which each choose the namespaces`, 'set exactly one of namespace, namespaceLabels, allNamespaces (use one peer per choice)');
  }
  const namespaceSelector = peer.namespace !== undefined ? { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace } }
    : peer.namespaceLabels !== undefined ? { matchLabels: peer.namespaceLabels } : {};
  return prune({ namespaceSelector, podSelector: peer.podLabels && { matchLabels: peer.podLabels } });
}

/** How each field of a port is checked (`endPort` against `port` comes after). */
const PORT_PROPS = {
  port: (v: unknown, p: string): number | string => {
    if (typeof v === 'string') {
      if (/^\d+$/.test(v)) throw new GvisorIacError('INVALID_TYPE', p, v, 'is a port number written as a string', `write it as a number: ${Number(v)}`);
      return assertPortName(v, p);
    }
    return assertInteger(v, p, 1, 65535);
  },
  endPort: optional((v, p) => assertInteger(v, p, 1, 65535)),
  protocol: (v: unknown, p: string) => (v === undefined ? 'TCP' : assertOneOf(v, ['TCP', 'UDP', 'SCTP'] as const, p)),
} satisfies PropTable<TenantIngressPort>;

function resolvePorts(value: unknown, path: string): NetworkPolicyPort[] | undefined {
  if (value === undefined) {
    throw new GvisorIacError('REQUIRED', path, value, 'is required: a rule names the ports it opens',
      'list them, e.g. ports: [{ port: 8080 }], or write ports: "all" to open every port');
  }
  if (typeof value === 'string') {
    assertOneOf(value, ['all'] as const, path, 'write "all" for every port, or list them, e.g. [{ port: 8080 }]');
    return undefined;
  }
  const list = assertArray<unknown>(value, path);
  if (list.length === 0) throw new GvisorIacError('INVALID_VALUE', path, list, 'is empty', 'list at least one port, or write "all" to open every port');
  const seen = new Set<string>();
  return list.map((item, i) => {
    const pp = fieldPath(path, i);
    const port = resolveProps(item, PORT_PROPS, pp);
    if (port.endPort !== undefined) {
      if (typeof port.port === 'string') throw new GvisorIacError('INVALID_VALUE', `${pp}.endPort`, port.endPort, 'ends a range that starts at a named port', 'use a port number with endPort, or drop endPort');
      assertInteger(port.endPort, `${pp}.endPort`, port.port, 65535);
    }
    const out = prune({ protocol: port.protocol, port: port.port, endPort: port.endPort });
    const key = JSON.stringify(out);
    if (seen.has(key)) throw new GvisorIacError('INVALID_VALUE', pp, item, 'is listed twice', 'list each port once');
    seen.add(key);
    return out;
  });
}

/** How each field of a rule is checked. */
const RULE_PROPS = {
  name: optional((v, p) => assertDnsLabel(v, p, RULE_NAME_MAX)),
  from: (v: unknown, p: string): NetworkPolicyPeer[] => {
    const list = assertArray<unknown>(v, p);
    if (list.length === 0) throw new GvisorIacError('REQUIRED', p, v, 'lists no peer', 'name who may connect, e.g. [{ namespace: "ingress-nginx" }]');
    const seen = new Map<string, number>();
    return list.map((peer, i) => {
      const resolved = resolvePeer(peer, fieldPath(p, i));
      const key = JSON.stringify(resolved);
      const twin = seen.get(key);
      if (twin !== undefined) throw new GvisorIacError('INVALID_VALUE', fieldPath(p, i), peer, `admits the same pods as ${fieldPath(p, twin)}`, 'list each peer once');
      seen.set(key, i);
      return resolved;
    });
  },
  ports: (v: unknown, p: string) => resolvePorts(v, p),
  podLabels: selectorLabels('every pod of the tenant', 'name the receiving pods\' labels, or omit podLabels to open every pod of the tenant'),
} satisfies PropTable<TenantIngressRule>;

/**
 * Validates a tenant's `ingress` (`undefined`: no rule). Each rule names its
 * peers (an explicit namespace choice each) and its ports (or `"all"`);
 * rule names are unique.
 */
export function resolveTenantIngress(value: unknown, path: string): ResolvedIngressRule[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new GvisorIacError('INVALID_TYPE', path, value, 'is not a list of ingress rules',
      'write [{ from: [{ namespace: "<name>" }], ports: [{ port: 8080 }] }] (to let tenant admins write Ingress objects, set allowIngress: true)');
  }
  const names = new Map<string, number>();
  return value.map((rule, i) => {
    const rp = fieldPath(path, i);
    const r = resolveProps(rule, RULE_PROPS, rp);
    const name = r.name ?? String(i);
    const twin = names.get(name);
    if (twin !== undefined) {
      throw new GvisorIacError('DUPLICATE_NAME', r.name === undefined ? rp : `${rp}.name`, r.name ?? name,
        `is already the name of ${fieldPath(path, twin)} (a rule without a name is named by its index)`, 'give every ingress rule its own name');
    }
    names.set(name, i);
    return { policyName: `${TENANT_INGRESS_POLICY_PREFIX}${name}`, podLabels: r.podLabels, from: r.from, ports: r.ports };
  });
}

/** The NetworkPolicy of one ingress rule in `namespace`: the rule's pods admit its peers on its ports, nothing else. */
export function tenantIngressPolicy(rule: ResolvedIngressRule, namespace: string, labels: Record<string, string>): NetworkPolicy & KubeObject {
  return prune<NetworkPolicy & KubeObject>({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: objectMeta(rule.policyName, namespace, labels),
    spec: {
      podSelector: rule.podLabels ? { matchLabels: { ...rule.podLabels } } : {},
      policyTypes: ['Ingress'],
      ingress: [{
        // prune copies: nothing of the resolved rule is shared with the output.
        from: rule.from as NetworkPolicyPeer[],
        ports: rule.ports as NetworkPolicyPort[] | undefined,
      }],
    },
  });
}
