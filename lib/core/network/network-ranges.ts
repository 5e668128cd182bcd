/*
 * The address ranges every egress choice is built from, shared by all
 * sandbox constructs (UntrustedCodeSandbox, MultiTenantSandbox, …), and the
 * one way they are carved out of an allowed network.
 *
 * The never-reachable list, its sources and what it leaves to the operator
 * are documented in docs/never-reachable.md; keep the two in step.
 */
import type { IPBlock } from 'kubernetes-types/networking/v1';
import { IpNetwork, formatIp, networkContains, parseCidr } from './cidr';
import { GvisorIacError } from '../errors';

/** One published node-local endpoint (or range of them) that a sandboxed pod may never reach. */
export interface NodeLocalEndpoint {
  /** The network, as a canonical CIDR. */
  readonly cidr: string;
  /** Whose endpoint it is and what it serves. */
  readonly what: string;
}

/**
 * Node-local metadata, credential and platform-agent endpoints of the major
 * clouds, in their native form (sources in docs/never-reachable.md).
 * Every IPv4 entry is also carved out in each of its IPv6 spellings (see
 * `IPV4_EMBEDDINGS`).
 */
export const NODE_LOCAL_ENDPOINTS: readonly NodeLocalEndpoint[] = [
  {
    cidr: '169.254.0.0/16',
    what: 'IPv4 link-local: the instance metadata service of AWS, GCP, Azure, Oracle, DigitalOcean, OpenStack, Akamai/Linode, Hetzner, IBM (169.254.169.254), '
      + 'the ECS task credential endpoint (169.254.170.2), the EKS Pod Identity agent (169.254.170.23), Scaleway (169.254.42.42), Tencent (169.254.0.23)',
  },
  { cidr: '100.100.100.200/32', what: 'Alibaba Cloud instance metadata service' },
  { cidr: '168.63.129.16/32', what: 'Azure WireServer (VM agent, health probes, platform DNS)' },
  { cidr: '192.0.0.192/32', what: 'Oracle Cloud Classic / Cloud@Customer instance metadata service' },
  { cidr: 'fe80::/10', what: 'IPv6 link-local, including OpenStack and Akamai/Linode metadata at fe80::a9fe:a9fe' },
  { cidr: 'fd00:ec2::/32', what: 'AWS instance services over IPv6: IMDS (fd00:ec2::254), EKS Pod Identity agent (fd00:ec2::23), DNS (::253), NTP (::123)' },
  { cidr: 'fd20:ce::254/128', what: 'Google Cloud metadata server over IPv6' },
  { cidr: 'fd00:c1::a9fe:a9fe/128', what: 'Oracle Cloud (OCI) instance metadata service over IPv6' },
  { cidr: 'fd00:a9fe:a9fe::1/128', what: 'Akamai/Linode metadata service over IPv6' },
  { cidr: 'fd00:42::42/128', what: 'Scaleway instance metadata over IPv6' },
  { cidr: 'fd00:100::100:200/128', what: 'Alibaba Cloud instance metadata over IPv6 (as reported; carved out as a precaution)' },
];

/**
 * The IPv6 spellings of an IPv4 address that a pod's IPv6 socket, the node,
 * or a translator on the way may turn back into that IPv4 address: the
 * prefix the 32 IPv4 bits follow, and where they start (bit offset from the
 * top of the 128-bit address).
 */
export const IPV4_EMBEDDINGS: readonly { readonly prefix: string; readonly offset: number; readonly what: string }[] = [
  { prefix: '::ffff:0:0/96', offset: 96, what: 'IPv4-mapped (RFC 4291)' },
  { prefix: '::ffff:0:0:0/96', offset: 96, what: 'IPv4-translated (SIIT, RFC 6145)' },
  { prefix: '::/96', offset: 96, what: 'IPv4-compatible (deprecated, RFC 4291)' },
  { prefix: '64:ff9b::/96', offset: 96, what: 'NAT64 well-known prefix (RFC 6052)' },
  { prefix: '2002::/16', offset: 16, what: '6to4 (RFC 3056)' },
];

/** `v4` written inside the IPv6 `embedding`: the IPv6 network that holds exactly its addresses. */
export function embedIpv4(v4: IpNetwork, embedding: { readonly prefix: string; readonly offset: number }): IpNetwork {
  const base = parseCidr(embedding.prefix, 'IPV4_EMBEDDINGS');
  // eslint-disable-next-line no-bitwise -- address arithmetic: the IPv4 bits go below the prefix
  const address = base.address | (v4.address << BigInt(128 - embedding.offset - 32));
  const prefix = embedding.offset + v4.prefix;
  return { family: 6, address, prefix, text: `${formatIp(6, address)}/${prefix}` };
}

const parseAll = (list: readonly string[], name: string): readonly IpNetwork[] => list.map((c) => parseCidr(c, name));

/** Networks in address order (IPv4 first), then shorter prefixes first. */
function byAddress(list: readonly IpNetwork[]): IpNetwork[] {
  return [...list].sort((a, b) => a.family - b.family || (a.address < b.address ? -1 : a.address > b.address ? 1 : a.prefix - b.prefix));
}

function neverReachable(): readonly IpNetwork[] {
  const native = NODE_LOCAL_ENDPOINTS.map((e) => parseCidr(e.cidr, 'NODE_LOCAL_ENDPOINTS'));
  const embedded = native.filter((n) => n.family === 4).flatMap((v4) => IPV4_EMBEDDINGS.map((e) => embedIpv4(v4, e)));
  const unique = new Map<string, IpNetwork>();
  for (const n of [...native, ...embedded]) unique.set(n.text, n);
  return byAddress([...unique.values()]);
}

/** Every never-reachable network, parsed, in address order. */
export const NEVER_REACHABLE: readonly IpNetwork[] = neverReachable();

/**
 * Addresses a sandboxed pod may never reach, whatever egress it is given:
 * `NODE_LOCAL_ENDPOINTS` (cloud metadata servers, credential agents, Azure's
 * WireServer, the IPv4 and IPv6 link-local ranges) and every IPv4 one of
 * them written as an IPv4-mapped, IPv4-translated, IPv4-compatible, NAT64
 * (64:ff9b::/96) or 6to4 IPv6 address. Canonical CIDRs, in address order.
 */
export const NEVER_REACHABLE_CIDRS: readonly string[] = NEVER_REACHABLE.map((n) => n.text);

/**
 * What "the public internet" leaves out besides `NEVER_REACHABLE_CIDRS`:
 * private, shared (CGNAT), loopback, "this network", multicast and reserved
 * IPv4 ranges, and loopback, IPv4-mapped, local NAT64, unique-local and
 * multicast IPv6 ranges — so that "internet" never means "the cluster and the
 * VPC it runs in". (`::ffff:0:0/96` is IPv4 to Kubernetes: `ipBlockWithout`
 * never writes it into an IPv6 block; the IPv4 entries cover it.)
 */
export const NON_PUBLIC_CIDRS: readonly string[] = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '::1/128',
  '::ffff:0:0/96',
  '64:ff9b::/96',
  '64:ff9b:1::/48',
  'fc00::/7',
  'ff00::/8',
];

/** `NON_PUBLIC_CIDRS`, parsed once. */
export const NON_PUBLIC: readonly IpNetwork[] = parseAll(NON_PUBLIC_CIDRS, 'NON_PUBLIC_CIDRS');

/** Every IPv4 and every IPv6 address: what "the internet" starts from. */
export const ANYWHERE: readonly IpNetwork[] = parseAll(['0.0.0.0/0', '::/0'], 'ANYWHERE');

/** The never-reachable range that contains all of `net`, if any (such a network may not be allowed at all). */
export function neverReachableContaining(net: IpNetwork): IpNetwork | undefined {
  return NEVER_REACHABLE.find((n) => networkContains(n, net));
}

/**
 * The IPv4-mapped range. Kubernetes parses a CIDR inside it with Go's
 * `net.ParseCIDR`, which reads `::ffff:a.b.c.d/N` (N ≥ 96) as the IPv4
 * network `a.b.c.d/(N-96)`: such a CIDR is IPv4 to the API server and to
 * NetworkPolicy implementations, never IPv6.
 */
export const IPV4_MAPPED: IpNetwork = parseCidr('::ffff:0:0/96', 'IPV4_MAPPED');

/** `net` as Kubernetes reads it: an IPv4-mapped network becomes its IPv4 network, anything else stays as it is. */
export function kubernetesNetwork(net: IpNetwork): IpNetwork {
  if (!networkContains(IPV4_MAPPED, net)) return net;
  const address = net.address - IPV4_MAPPED.address;
  const prefix = net.prefix - 96;
  return { family: 4, address, prefix, text: `${formatIp(4, address)}/${prefix}` };
}

/**
 * Refuses (`INVALID_CIDR`, naming `path`) a network a user lists for a
 * NetworkPolicy ipBlock (an egress CIDR, an `internetExcept` entry) that lies
 * inside `::ffff:0:0/96`, with its IPv4 form as the fix: Kubernetes would
 * read it as that IPv4 network, so the props would say one thing and the
 * cluster do another. Returns `net` otherwise.
 */
export function refuseIpv4Mapped(net: IpNetwork, value: unknown, path: string): IpNetwork {
  if (networkContains(IPV4_MAPPED, net)) {
    const v4 = kubernetesNetwork(net);
    throw new GvisorIacError(
      'INVALID_CIDR', path, value, `is an IPv4-mapped IPv6 network, which Kubernetes reads as the IPv4 network ${v4.text}`,
      `write "${v4.text}" (a pod's traffic to IPv4-mapped addresses leaves as IPv4)`,
    );
  }
  return net;
}

/** Carve-outs already computed, per excluded list (by identity) and allowed network. */
const CARVED = new WeakMap<readonly IpNetwork[], Map<string, readonly string[]>>();

/**
 * `cidr` as a NetworkPolicy ipBlock with `excluded` carved out: the excluded
 * networks strictly inside it, minimal (duplicates and networks covered by
 * another excluded one dropped), in the order given. An excluded network
 * inside `::ffff:0:0/96` is kept only when `cidr` itself lies there:
 * Kubernetes reads it as IPv4, so it is never a subset of an IPv6 block
 * (the API server refuses the policy), and a pod's packets to an
 * IPv4-mapped address leave as IPv4, under the IPv4 block's carve-outs. Results are cached per
 * `excluded` array, so callers pass the same array for the same list.
 */
export function ipBlockWithout(cidr: IpNetwork, excluded: readonly IpNetwork[]): IPBlock {
  let cache = CARVED.get(excluded);
  if (!cache) {
    cache = new Map();
    CARVED.set(excluded, cache);
  }
  let except = cache.get(cidr.text);
  if (!except) {
    const mapped = networkContains(IPV4_MAPPED, cidr);
    const inside = excluded.filter((x) => x.prefix > cidr.prefix && networkContains(cidr, x) && (mapped || !networkContains(IPV4_MAPPED, x)));
    const seen = new Set<string>();
    const unique = inside.filter((x) => !seen.has(x.text) && seen.add(x.text));
    except = unique.filter((x) => !unique.some((y) => y !== x && networkContains(y, x))).map((x) => x.text);
    cache.set(cidr.text, except);
  }
  return except.length ? { cidr: cidr.text, except: [...except] } : { cidr: cidr.text };
}
