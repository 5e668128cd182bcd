import { GvisorIacError } from './errors';

/**
 * A parsed CIDR block. Addresses are held as a bigint so that IPv4 and IPv6
 * share one containment test.
 */
export interface Cidr {
  /** 4 or 6. */
  readonly family: 4 | 6;
  /** The network address (host bits zero). */
  readonly address: bigint;
  /** Prefix length (0–32 for IPv4, 0–128 for IPv6). */
  readonly prefix: number;
  /** Canonical text: dotted quad, or RFC 5952 IPv6, then `/prefix`. */
  readonly text: string;
}

const FIX = 'use a CIDR such as "203.0.113.0/24" or "2001:db8::/32"';

function bitsOf(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    // No leading zeros: "010" is octal to some parsers and refused by the API server.
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256n + BigInt(p);
  }
  return n;
}

function parseIPv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  let head = text;
  let tail4: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    tail4 = parseIPv4(text.slice(lastColon + 1));
    if (tail4 === undefined) return undefined;
    // Keep the colon(s) so that "::1.2.3.4" stays "::" + tail.
    head = text.slice(0, lastColon + 1);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const wanted = tail4 === undefined ? 8 : 6;
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = wanted - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  let n = 0n;
  for (const g of [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right]) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = n * 65536n + BigInt(parseInt(g, 16));
  }
  return tail4 === undefined ? n : n * 2n ** 32n + tail4;
}

/** Formats an address of `family` canonically (RFC 5952 for IPv6: lowercase, longest zero run as "::"). */
export function formatAddress(address: bigint, family: 4 | 6): string {
  if (family === 4) return [3n, 2n, 1n, 0n].map((i) => String((address / 256n ** i) % 256n)).join('.');
  const g = Array.from({ length: 8 }, (_, i) => Number((address / 65536n ** BigInt(7 - i)) % 65536n));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/**
 * Parses an IPv4 or IPv6 CIDR (`"10.0.0.0/8"`, `"2001:db8::/32"`). Refuses
 * anything the API server would refuse, plus host bits set after the prefix
 * (`"10.0.0.1/8"`), whose meaning is ambiguous — the fix names the network.
 * Throws `INVALID_CIDR` naming `path`.
 */
export function parseCidr(value: unknown, path: string): Cidr {
  if (typeof value !== 'string') throw new GvisorIacError('INVALID_CIDR', path, value, 'is not a CIDR string', FIX);
  const m = /^([^/]+)\/(0|[1-9]\d{0,2})$/.exec(value);
  if (!m) throw new GvisorIacError('INVALID_CIDR', path, value, 'is not a CIDR (address/prefix)', FIX);
  const family: 4 | 6 = m[1]!.includes(':') ? 6 : 4;
  const address = family === 4 ? parseIPv4(m[1]!) : parseIPv6(m[1]!);
  if (address === undefined) throw new GvisorIacError('INVALID_CIDR', path, value, `is not a valid IPv${family} address`, FIX);
  const prefix = Number(m[2]);
  const bits = bitsOf(family);
  if (prefix > bits) throw new GvisorIacError('INVALID_CIDR', path, value, `has a prefix longer than ${bits} bits`, FIX);
  const network = address - (address % 2n ** BigInt(bits - prefix));
  const text = `${formatAddress(network, family)}/${prefix}`;
  if (network !== address) {
    throw new GvisorIacError('INVALID_CIDR', path, value, 'has host bits set after the prefix', `use the network address "${text}"`);
  }
  return { family, address: network, prefix, text };
}

/** True when every address of `inner` lies in `outer` (same family). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || inner.prefix < outer.prefix) return false;
  const size = 2n ** BigInt(bitsOf(outer.family) - outer.prefix);
  return inner.address / size === outer.address / size;
}

/** True when the two blocks share at least one address. */
export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}
