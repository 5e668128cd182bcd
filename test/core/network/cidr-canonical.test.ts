import fc from 'fast-check';
import { GvisorIacError, networkContains, networksOverlap, formatIp, parseCidr } from '../../../lib/core';

const formatAddress = (address: bigint, family: 4 | 6): string => formatIp(family, address);

describe('parseCidr', () => {
  test.each([
    ['10.0.0.0/8', 4, 8, '10.0.0.0/8'],
    ['0.0.0.0/0', 4, 0, '0.0.0.0/0'],
    ['169.254.169.254/32', 4, 32, '169.254.169.254/32'],
    ['::/0', 6, 0, '::/0'],
    ['2001:DB8::/32', 6, 32, '2001:db8::/32'],
    ['fd00:ec2::254/128', 6, 128, 'fd00:ec2::254/128'],
    ['2001:db8:0:0:1:0:0:1/128', 6, 128, '2001:db8::1:0:0:1/128'],
    ['::ffff:169.254.169.254/128', 6, 128, '::ffff:a9fe:a9fe/128'],
    ['::ffff:0:0/96', 6, 96, '::ffff:0:0/96'],
    ['fe80::/10', 6, 10, 'fe80::/10'],
    ['1:2:3:4:5:6:7:8/128', 6, 128, '1:2:3:4:5:6:7:8/128'],
  ])('%s → IPv%s /%s, canonical %s', (input, family, prefix, text) => {
    expect(parseCidr(input, 'p')).toMatchObject({ family, prefix, text });
  });

  test.each([
    ['10.0.0.0', /has no prefix length/],
    ['10.0.0.0/33', /prefix length outside 0\.\.32/],
    ['::/129', /prefix length outside 0\.\.128/],
    ['10.0.0/8', /is not a valid IPv4 or IPv6 CIDR/],
    ['10.0.0.256/32', /is not a valid IPv4 or IPv6 CIDR/],
    ['010.0.0.0/8', /is not a valid IPv4 or IPv6 CIDR/],
    ['10.0.0.0/08', /prefix length outside/],
    ['1::2::3/128', /is not a valid IPv4 or IPv6 CIDR/],
    ['1:2:3:4:5:6:7:8:9/128', /is not a valid IPv4 or IPv6 CIDR/],
    ['12345::/16', /is not a valid IPv4 or IPv6 CIDR/],
    ['g::/16', /is not a valid IPv4 or IPv6 CIDR/],
    [' 10.0.0.0/8', /is not a valid IPv4 or IPv6 CIDR/],
  ])('refuses %s', (input, message) => {
    expect(() => parseCidr(input, 'tenants[0].egress[1]')).toThrow(message);
    try {
      parseCidr(input, 'tenants[0].egress[1]');
    } catch (e) {
      expect(e).toBeInstanceOf(GvisorIacError);
      expect((e as GvisorIacError).code).toBe('INVALID_CIDR');
      expect((e as Error).message.startsWith(`tenants[0].egress[1]: ${JSON.stringify(input)}`)).toBe(true);
    }
  });

  test.each([
    ['10.0.0.1/8', '10.0.0.0/8'],
    ['2001:db8::1/32', '2001:db8::/32'],
  ])('refuses host bits in %s and names the network %s', (input, network) => {
    expect(() => parseCidr(input, 'x')).toThrow(`x: "${input}" has host bits set: it means all of ${network}; write "${network}" for the network`);
  });

  test.each([[undefined], [42], [null], [['10.0.0.0/8']]])('refuses the non-string %p', (v) => {
    expect(() => parseCidr(v, 'x')).toThrow(/is not a CIDR string/);
  });
});

describe('networkContains / networksOverlap', () => {
  const c = (s: string) => parseCidr(s, 'x');
  test.each([
    ['0.0.0.0/0', '169.254.169.254/32', true],
    ['169.254.0.0/16', '169.254.169.254/32', true],
    ['169.254.169.254/32', '169.254.0.0/16', false],
    ['10.0.0.0/8', '11.0.0.0/8', false],
    ['::/0', '10.0.0.0/8', false],
    ['fc00::/7', 'fd00:ec2::254/128', true],
    ['fe80::/10', 'fec0::/10', false],
  ])('%s contains %s: %s', (outer, inner, expected) => {
    expect(networkContains(c(outer), c(inner))).toBe(expected);
  });

  test('overlap is symmetric containment', () => {
    expect(networksOverlap(c('169.254.169.254/32'), c('169.0.0.0/8'))).toBe(true);
    expect(networksOverlap(c('10.0.0.0/8'), c('192.168.0.0/16'))).toBe(false);
  });
});

describe('properties', () => {
  const v4 = fc.tuple(fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }), fc.integer({ min: 0, max: 32 }));
  const v6 = fc.tuple(fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }), fc.integer({ min: 0, max: 128 }));
  const mask = (a: bigint, p: number, bits: number) => a - (a % 2n ** BigInt(bits - p));

  test('formatting a network and parsing it back is the identity (IPv4 and IPv6)', () => {
    fc.assert(fc.property(fc.oneof(v4.map(([a, p]) => [4, a, p] as const), v6.map(([a, p]) => [6, a, p] as const)), ([family, a, p]) => {
      const net = mask(a, p, family === 4 ? 32 : 128);
      const text = `${formatAddress(net, family)}/${p}`;
      const parsed = parseCidr(text, 'x');
      expect(parsed).toEqual({ family, address: net, prefix: p, text });
    }), { numRuns: 500 });
  });

  test('every block contains its sub-blocks and any address of it', () => {
    fc.assert(fc.property(v6, fc.integer({ min: 0, max: 128 }), ([a, p], extra) => {
      const outer = parseCidr(`${formatAddress(mask(a, p, 128), 6)}/${p}`, 'x');
      const q = Math.min(128, p + extra);
      const inner = parseCidr(`${formatAddress(mask(a, q, 128), 6)}/${q}`, 'x');
      expect(networkContains(outer, inner)).toBe(true);
      expect(networkContains(inner, outer)).toBe(q === p);
    }), { numRuns: 300 });
  });
});
