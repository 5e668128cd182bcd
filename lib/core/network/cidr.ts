/* eslint-disable no-bitwise -- address arithmetic is bit arithmetic: masks and shifts on 32/128-bit integers */
import { GvisorIacError } from '../errors';

/** A parsed IP network: address family, network address as an integer, prefix length. */
export interface IpNetwork {
  readonly family: 4 | 6;
  /** The network address (host bits zero) as an unsigned integer of 32 or 128 bits. */
  readonly address: bigint;
  readonly prefix: number;
  /** Canonical text: dotted quad, or RFC 5952 IPv6, then `/prefix`. */
  readonly text: string;
}

const IPV4_OCTET = /^(0|[1-9]\d{0,2})$/;
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;

function bitsOf(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const p of parts) {
    // Leading zeros are refused, as Go (and so the API server) refuses them: "010" is not 10 nor 8.
    if (!IPV4_OCTET.test(p) || Number(p) > 255) return undefined;
    value = (value << 8n) | BigInt(p);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  if (text.includes('%')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  // A dotted IPv4 tail ("::ffff:192.0.2.1") may only end the address.
  const groupsOf = (s: string, last: boolean): bigint[] | undefined => {
    if (s === '') return [];
    const parts = s.split(':');
    const out: bigint[] = [];
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (last && i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIpv4(p);
        if (v4 === undefined) return undefined;
        out.push(v4 >> 16n, v4 & 0xffffn);
      } else if (IPV6_GROUP.test(p)) {
        out.push(BigInt(`0x${p}`));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groupsOf(halves[0]!, halves.length === 1);
  const tail = halves.length === 2 ? groupsOf(halves[1]!, true) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<bigint>(halves.length === 2 ? missing : 0).fill(0n), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** Parses an IPv4 or IPv6 address (no zone, no prefix); `undefined` when it is not one. */
export function parseIp(text: string): { family: 4 | 6; address: bigint } | undefined {
  if (text.includes(':')) {
    const address = parseIpv6(text);
    return address === undefined ? undefined : { family: 6, address };
  }
  const address = parseIpv4(text);
  return address === undefined ? undefined : { family: 4, address };
}

/** Formats an address: dotted quad, or RFC 5952 IPv6 (lowercase, longest zero run as `::`). */
export function formatIp(family: 4 | 6, address: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((address >> s) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((address >> BigInt((7 - i) * 16)) & 0xffffn));
  let best = { start: -1, len: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len) best = { start: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.len).join(':')}`;
}

/** Mask of the host bits of a `prefix` in a `family` address. */
function hostMask(family: 4 | 6, prefix: number): bigint {
  return (1n << BigInt(bitsOf(family) - prefix)) - 1n;
}

/**
 * Parses a CIDR such as `"203.0.113.0/24"` or `"2001:db8::/32"`. Refuses
 * (`INVALID_CIDR`, naming `path`) anything that is not one, a missing
 * prefix length, and host bits set after the prefix (`"10.0.0.1/8"`, which
 * reads as a single host but means all of 10.0.0.0/8).
 */
export function parseCidr(value: unknown, path: string): IpNetwork {
  const example = 'write a network such as "203.0.113.0/24" or "2001:db8::/32"';
  if (typeof value !== 'string') throw new GvisorIacError('INVALID_CIDR', path, value, 'is not a CIDR string', example);
  const slash = value.indexOf('/');
  const ip = parseIp(slash < 0 ? value : value.slice(0, slash));
  if (!ip) throw new GvisorIacError('INVALID_CIDR', path, value, 'is not a valid IPv4 or IPv6 CIDR', example);
  const max = bitsOf(ip.family);
  if (slash < 0) {
    throw new GvisorIacError('INVALID_CIDR', path, value, 'has no prefix length', `write "${value}/${max}" for this one address`);
  }
  const prefixText = value.slice(slash + 1);
  const prefix = /^(0|[1-9]\d{0,2})$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= max)) {
    throw new GvisorIacError('INVALID_CIDR', path, value, `has a prefix length outside 0..${max}`, example);
  }
  if ((ip.address & hostMask(ip.family, prefix)) !== 0n) {
    const network = formatIp(ip.family, ip.address & ~hostMask(ip.family, prefix));
    throw new GvisorIacError(
      'INVALID_CIDR', path, value, `has host bits set: it means all of ${network}/${prefix}`,
      `write "${network}/${prefix}" for the network, or "${value.slice(0, slash)}/${max}" for the one address`,
    );
  }
  return { family: ip.family, address: ip.address, prefix, text: `${formatIp(ip.family, ip.address)}/${prefix}` };
}

/** True when `outer` contains every address of `inner` (same family). */
export function networkContains(outer: IpNetwork, inner: IpNetwork): boolean {
  if (outer.family !== inner.family || outer.prefix > inner.prefix) return false;
  return (inner.address & ~hostMask(outer.family, outer.prefix)) === outer.address;
}

/** True when the two networks share at least one address. */
export function networksOverlap(a: IpNetwork, b: IpNetwork): boolean {
  return networkContains(a, b) || networkContains(b, a);
}
