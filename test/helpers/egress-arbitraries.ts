/* eslint-disable no-bitwise -- masking random addresses to a prefix */
/* fast-check arbitraries for egress choices and for destinations a sandbox must never reach. */
import fc from 'fast-check';
import { kubernetesBits } from './network-policy';
import { GvisorIacError, type SandboxEgress } from '../../lib/core';

const hex = (n: number) => n.toString(16);

/** Text of a canonical IPv4 network: a random address masked to a random prefix. */
const ipv4Network = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })).map(([a, p]) => {
  const masked = p === 0 ? 0 : Number((BigInt(a) >> BigInt(32 - p)) << BigInt(32 - p));
  return `${[24, 16, 8, 0].map((s) => (masked >>> s) & 0xff).join('.')}/${p}`;
});

/** Text of a canonical IPv6 network, written in full (eight groups). */
const ipv6Network = fc.tuple(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.integer({ min: 0, max: 128 })).map(([a, p]) => {
  const masked = p === 0 ? 0n : (a >> BigInt(128 - p)) << BigInt(128 - p);
  const groups = Array.from({ length: 8 }, (_, i) => hex(Number((masked >> BigInt((7 - i) * 16)) & 0xffffn)));
  return `${groups.join(':')}/${p}`;
});

/** Networks around the dangerous ranges: supersets, the ranges themselves, and neighbours. */
const interesting = fc.constantFrom(
  '0.0.0.0/0', '::/0', '128.0.0.0/1', '160.0.0.0/3', '169.0.0.0/8', '169.254.0.0/15', '169.252.0.0/14', '169.255.0.0/16',
  '100.64.0.0/10', '100.100.100.0/24', '10.0.0.0/8', '203.0.113.0/24', '8.8.8.8/32', '::ffff:0:0/96', '::ffff:a9fe:0/111',
  '::ffff:a00:0/104', '::ffff:a9fe:a9fe/128', '::fffe:0:0/95', '::/80', '::/64',
  '64:ff9b::/96', '64:ff9b::/64', 'fc00::/7', 'fd00::/8', 'fd00:ec2::/32', 'fe00::/7', 'fe80::/9', '2000::/3', '2001:db8::/32',
);

/** A canonical CIDR: IPv4, IPv6, or one near the never-reachable ranges. */
export const cidrArb = fc.oneof(interesting, ipv4Network, ipv6Network);

/** Any egress choice the props accept (some CIDRs may lie inside a forbidden range and be refused). */
export const egressArb: fc.Arbitrary<SandboxEgress> = fc.oneof(
  fc.constantFrom<SandboxEgress>('none', 'dns', 'internet'),
  fc.record(
    {
      dns: fc.boolean(),
      internet: fc.boolean(),
      cidrs: fc.uniqueArray(cidrArb, { maxLength: 6 }),
      ports: fc.array(
        fc.record({ port: fc.integer({ min: 1, max: 65535 }), protocol: fc.constantFrom<'TCP' | 'UDP' | 'SCTP'>('TCP', 'UDP', 'SCTP') }),
        { minLength: 1, maxLength: 3 },
      ),
    },
    { requiredKeys: [] },
  ),
);

/**
 * Destinations no sandbox may reach: the metadata addresses in every
 * spelling, anything in 169.254.0.0/16 and fe80::/10.
 */
export const forbiddenDestinationArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '169.254.169.254', '169.254.170.2', '169.254.0.1', '100.100.100.200', 'fd00:ec2::254', 'fe80::1',
    '::ffff:169.254.169.254', '::ffff:a9fe:a9fe', '64:ff9b::a9fe:a9fe', '64:ff9b::169.254.169.254',
  ),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })).map(([a, b]) => `169.254.${a}.${b}`),
  fc.tuple(fc.integer({ min: 0xfe80, max: 0xfebf }), fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 7, maxLength: 7 }))
    .map(([first, rest]) => [first, ...rest].map(hex).join(':')),
);

/** A destination port, or none (any port). */
export const portArb: fc.Arbitrary<number | undefined> = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });

/**
 * True when `e` refuses a listed IPv4-mapped network (`::ffff:0:0/96` and
 * inside): Kubernetes reads those as IPv4, so the library asks for the IPv4
 * form (`INVALID_CIDR`) instead of emitting them.
 */
export function isIpv4MappedRefusal(e: unknown): boolean {
  if (!(e instanceof GvisorIacError) || e.code !== 'INVALID_CIDR') return false;
  const v = e.value;
  return typeof v === 'string' && v.includes(':') && kubernetesBits(v).bits.length === 32;
}
