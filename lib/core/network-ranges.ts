/*
 * The address ranges every egress choice is built from, shared by all
 * sandbox constructs (UntrustedCodeSandbox, MultiTenantSandbox, …), and the
 * one way they are carved out of an allowed network.
 */
import type { IPBlock } from 'kubernetes-types/networking/v1';
import { IpNetwork, networkContains, parseCidr } from './cidr';

/**
 * Addresses a sandboxed pod may never reach, whatever egress it is given:
 * the IPv4 link-local range (169.254.169.254 is the metadata server of AWS,
 * GCP, Azure, OCI and others; 169.254.170.2 is ECS's credential endpoint),
 * Alibaba Cloud's metadata address, Azure's WireServer, the IPv6 link-local range, AWS's IPv6
 * metadata address, and the IPv4 link-local range written as an IPv4-mapped
 * or NAT64 IPv6 address.
 */
export const NEVER_REACHABLE_CIDRS: readonly string[] = [
  '100.100.100.200/32',
  '168.63.129.16/32',
  '169.254.0.0/16',
  '64:ff9b::a9fe:0/112',
  '::ffff:a9fe:0/112',
  'fd00:ec2::254/128',
  'fe80::/10',
];

/**
 * What "the public internet" leaves out besides `NEVER_REACHABLE_CIDRS`:
 * private, shared (CGNAT), loopback, "this network", multicast and reserved
 * IPv4 ranges, and loopback, IPv4-mapped, local NAT64, unique-local and
 * multicast IPv6 ranges — so that "internet" never means "the cluster and the
 * VPC it runs in".
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

const parseAll = (list: readonly string[], name: string): readonly IpNetwork[] => list.map((c) => parseCidr(c, name));

/** `NEVER_REACHABLE_CIDRS`, parsed once. */
export const NEVER_REACHABLE: readonly IpNetwork[] = parseAll(NEVER_REACHABLE_CIDRS, 'NEVER_REACHABLE_CIDRS');
/** `NON_PUBLIC_CIDRS`, parsed once. */
export const NON_PUBLIC: readonly IpNetwork[] = parseAll(NON_PUBLIC_CIDRS, 'NON_PUBLIC_CIDRS');

/** Every IPv4 and every IPv6 address: what "the internet" starts from. */
export const ANYWHERE: readonly IpNetwork[] = parseAll(['0.0.0.0/0', '::/0'], 'ANYWHERE');

/** The never-reachable range that contains all of `net`, if any (such a network may not be allowed at all). */
export function neverReachableContaining(net: IpNetwork): IpNetwork | undefined {
  return NEVER_REACHABLE.find((n) => networkContains(n, net));
}

/**
 * `cidr` as a NetworkPolicy ipBlock with `excluded` carved out: the excluded
 * networks strictly inside it, minimal (duplicates and networks covered by
 * another excluded one dropped), in the order given.
 */
export function ipBlockWithout(cidr: IpNetwork, excluded: readonly IpNetwork[]): IPBlock {
  const unique = excluded.filter((x, i) => excluded.findIndex((y) => y.text === x.text) === i);
  const except = unique
    .filter((x) => !unique.some((y) => y !== x && networkContains(y, x)))
    .filter((x) => x.prefix > cidr.prefix && networkContains(cidr, x))
    .map((x) => x.text);
  return except.length ? { cidr: cidr.text, except } : { cidr: cidr.text };
}
