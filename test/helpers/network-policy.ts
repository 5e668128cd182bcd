/*
 * A small, independent evaluator of Kubernetes NetworkPolicy egress, used as
 * a test oracle: given the emitted objects, a source pod and a destination,
 * may the pod send traffic there? It deliberately does not reuse the
 * library's CIDR code: addresses become bit strings and a CIDR match is a
 * prefix match on them.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
type Any = Record<string, any>;

/** An address as a string of '0'/'1' (32 bits for IPv4, 128 for IPv6); throws on anything else. */
export function addressBits(ip: string): string {
  const v4 = (text: string): string => {
    const parts = text.split('.');
    if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new Error(`bad IPv4 address ${text}`);
    return parts.map((p) => Number(p).toString(2).padStart(8, '0')).join('');
  };
  if (!ip.includes(':')) return v4(ip);
  // Move a dotted IPv4 tail into two hex groups, then expand "::".
  let text = ip;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const b = v4(dotted[1]!);
    text = `${text.slice(0, dotted.index)}${parseInt(b.slice(0, 16), 2).toString(16)}:${parseInt(b.slice(16), 2).toString(16)}`;
  }
  const [head, tail, extra] = text.split('::');
  if (extra !== undefined) throw new Error(`bad IPv6 address ${ip}`);
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) throw new Error(`bad IPv6 address ${ip}`);
  return groups.map((g) => parseInt(g, 16).toString(2).padStart(16, '0')).join('');
}

const MAPPED_PREFIX = `${'0'.repeat(80)}${'1'.repeat(16)}`;

/**
 * An address or CIDR as Kubernetes reads it (Go's net.ParseCIDR / net.IP.To4):
 * an IPv4-mapped IPv6 address `::ffff:a.b.c.d` is the IPv4 address a.b.c.d,
 * and `::ffff:a.b.c.d/N` with N ≥ 96 the IPv4 network a.b.c.d/(N-96). Returns
 * the bits and the prefix length (undefined for a bare address).
 */
export function kubernetesBits(text: string): { bits: string; prefix?: number } {
  const [addr, len] = text.split('/') as [string, string | undefined];
  const bits = addressBits(addr);
  const prefix = len === undefined ? undefined : Number(len);
  if (bits.length === 128 && bits.startsWith(MAPPED_PREFIX) && (prefix === undefined || prefix >= 96)) {
    return { bits: bits.slice(96), prefix: prefix === undefined ? undefined : prefix - 96 };
  }
  return { bits, prefix };
}

/** True when `ip` lies in `cidr`, both read as Kubernetes reads them (an IPv4-mapped address or CIDR is IPv4). */
export function inCidr(ip: string, cidr: string): boolean {
  const a = kubernetesBits(ip).bits;
  const n = kubernetesBits(cidr);
  return a.length === n.bits.length && a.slice(0, n.prefix) === n.bits.slice(0, n.prefix);
}

function labelsMatch(selector: Any | undefined, labels: Record<string, string>): boolean {
  if (selector === undefined) return true;
  if (selector.matchExpressions?.length) throw new Error('evaluator: matchExpressions not supported');
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

/** A pod that sends (or receives) traffic. */
export interface PodRef {
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  /** Labels of the pod's namespace (for namespaceSelector). */
  readonly namespaceLabels?: Record<string, string>;
}

/** Where traffic goes: an IP address, or a pod; a port and protocol, or (when absent) any. */
export interface Destination {
  readonly ip?: string;
  readonly pod?: PodRef;
  readonly port?: number;
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

function peerMatches(peer: Any, policyNs: string | undefined, dest: Destination, ip: string | undefined): boolean {
  if (peer.ipBlock) {
    if (ip === undefined) return false;
    return inCidr(ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((x: string) => inCidr(ip, x));
  }
  if (!dest.pod) return false;
  const nsOk = peer.namespaceSelector === undefined
    ? dest.pod.namespace === policyNs
    : labelsMatch(peer.namespaceSelector, dest.pod.namespaceLabels ?? {});
  return nsOk && labelsMatch(peer.podSelector, dest.pod.labels);
}

function portMatches(ports: Any[] | undefined, dest: Destination): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if (dest.protocol !== undefined && (p.protocol ?? 'TCP') !== dest.protocol) return false;
    if (dest.port === undefined || p.port === undefined || typeof p.port === 'string') return true;
    return dest.port >= p.port && dest.port <= (p.endPort ?? p.port);
  });
}

/**
 * May `source` send traffic to `dest` under the NetworkPolicies in
 * `objects`? Policies are additive: a pod no egress policy selects may go
 * anywhere; a selected pod only where some rule of some selecting policy
 * allows. A rule without `to` allows every destination; without `ports`,
 * every port. An IPv4-mapped IPv6 destination is the IPv4 address it maps
 * (the pod's packets leave as IPv4), as is an IPv4-mapped CIDR.
 */
export function egressAllowed(objects: readonly Any[], source: PodRef, dest: Destination): boolean {
  const policies = objects.filter((o) =>
    o.kind === 'NetworkPolicy' &&
    o.metadata?.namespace === source.namespace &&
    labelsMatch(o.spec?.podSelector ?? {}, source.labels) &&
    (o.spec.policyTypes ?? (o.spec.egress ? ['Ingress', 'Egress'] : ['Ingress'])).includes('Egress'));
  if (policies.length === 0) return true;
  return policies.some((pol) => (pol.spec.egress ?? []).some((rule: Any) =>
    portMatches(rule.ports, dest) &&
    (!rule.to || rule.to.length === 0 || rule.to.some((peer: Any) => peerMatches(peer, pol.metadata?.namespace, dest, dest.ip)))));
}

/** May anything send traffic to `target`? (Selection and whether any ingress rule exists are modelled, not the rules themselves.) */
export function ingressAllowed(objects: readonly Any[], target: PodRef): boolean {
  const policies = objects.filter((o) =>
    o.kind === 'NetworkPolicy' &&
    o.metadata?.namespace === target.namespace &&
    labelsMatch(o.spec?.podSelector ?? {}, target.labels) &&
    (o.spec.policyTypes ?? ['Ingress']).includes('Ingress'));
  if (policies.length === 0) return true;
  return policies.some((pol) => (pol.spec.ingress ?? []).length > 0);
}

/** A port of the receiving pod: its number, and its name when the container port has one. */
export interface IngressPort {
  readonly port: number;
  readonly name?: string;
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

function ingressPortMatches(ports: Any[] | undefined, port: IngressPort): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP') && (p.port === undefined
    || (typeof p.port === 'string' ? p.port === port.name : port.port >= p.port && port.port <= (p.endPort ?? p.port))));
}

/**
 * May pod `source` connect to `target` on `port` under the NetworkPolicies in
 * `objects`? Only the target's side is evaluated (the source's egress is
 * `egressAllowed`). A pod no ingress policy selects accepts everything; a
 * selected pod only what some rule of some selecting policy admits: a rule
 * without `from` admits every source, without `ports` every port; a peer
 * without `namespaceSelector` means the policy's own namespace, an empty
 * selector every namespace (or pod). The source's namespace labels must
 * include `kubernetes.io/metadata.name` when peers select by name, as the
 * API server sets it.
 */
export function ingressAllowedFrom(objects: readonly Any[], target: PodRef, source: PodRef, port: IngressPort): boolean {
  const policies = objects.filter((o) =>
    o.kind === 'NetworkPolicy' &&
    o.metadata?.namespace === target.namespace &&
    labelsMatch(o.spec?.podSelector ?? {}, target.labels) &&
    (o.spec.policyTypes ?? ['Ingress']).includes('Ingress'));
  if (policies.length === 0) return true;
  return policies.some((pol) => (pol.spec.ingress ?? []).some((rule: Any) =>
    ingressPortMatches(rule.ports, port) &&
    (!rule.from || rule.from.length === 0 || rule.from.some((peer: Any) => {
      if (peer.ipBlock) return false;
      const nsOk = peer.namespaceSelector === undefined
        ? source.namespace === pol.metadata?.namespace
        : labelsMatch(peer.namespaceSelector, source.namespaceLabels ?? {});
      return nsOk && labelsMatch(peer.podSelector, source.labels);
    }))));
}

/** A pod in `namespace` with `labels`, its namespace labelled as the API server labels it (plus `namespaceLabels`). */
export function podIn(namespace: string, labels: Record<string, string> = {}, namespaceLabels: Record<string, string> = {}): PodRef {
  return { namespace, labels, namespaceLabels: { ...namespaceLabels, 'kubernetes.io/metadata.name': namespace } };
}

/** The pods a pod-bearing object would create: its namespace and pod-template labels. */
export function podRefOf(obj: Any): PodRef {
  const template = obj.kind === 'Pod' ? obj : obj.spec.template;
  return { namespace: obj.metadata?.namespace, labels: template.metadata?.labels ?? {} };
}
