import fc from 'fast-check';
import { formatIp, networkContains, parseCidr, parseIp } from '../../../lib/core';
import { expectRefused } from '../../helpers/errors';
import { addressBits } from '../../helpers/network-policy';

describe('parseIp / formatIp', () => {
  test.each([
    ['192.0.2.1', 4, 0xc0000201n],
    ['0.0.0.0', 4, 0n],
    ['255.255.255.255', 4, 0xffffffffn],
    ['::', 6, 0n],
    ['::1', 6, 1n],
    ['fd00:ec2::254', 6, 0xfd000ec2000000000000000000000254n],
    ['::ffff:169.254.169.254', 6, 0xffffa9fea9fen],
    ['64:ff9b::a9fe:a9fe', 6, 0x0064ff9b0000000000000000a9fea9fen],
    ['2001:db8:0:0:0:0:0:1', 6, 0x20010db8000000000000000000000001n],
  ])('%s parses', (text, family, address) => {
    expect(parseIp(text)).toEqual({ family, address });
  });

  test.each([
    '256.0.0.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.a', '', ':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::8',
    'fe80::1%eth0', '12345::', '1.2.3.4::', 'g::1', '::1.2.3',
  ])('%j is not an address', (text) => {
    expect(parseIp(text)).toBeUndefined();
  });

  test.each([
    [6, 0n, '::'],
    [6, 1n, '::1'],
    [6, 0x20010db8000000000000000000000001n, '2001:db8::1'],
    [6, 0x20010db8000000010000000000000001n, '2001:db8:0:1::1'],
    [6, 0x00010000000100000000000000010001n, '1:0:1::1:1'],
    [6, 0x00010002000300040005000600070008n, '1:2:3:4:5:6:7:8'],
    [4, 0xa9fea9fen, '169.254.169.254'],
  ] as const)('formats %i/%s as %s (RFC 5952)', (family, address, text) => {
    expect(formatIp(family, address)).toBe(text);
  });

  test('format and parse are inverse, and agree with the test oracle (property)', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }), (a6, a4) => {
      expect(parseIp(formatIp(6, a6))).toEqual({ family: 6, address: a6 });
      expect(parseIp(formatIp(4, a4))).toEqual({ family: 4, address: a4 });
      expect(addressBits(formatIp(6, a6))).toBe(a6.toString(2).padStart(128, '0'));
      expect(addressBits(formatIp(4, a4))).toBe(a4.toString(2).padStart(32, '0'));
    }));
  });
});

describe('parseCidr', () => {
  test('parses IPv4 and IPv6 networks, keeping the text', () => {
    expect(parseCidr('10.0.0.0/8', 'p')).toEqual({ family: 4, address: 0x0a000000n, prefix: 8, text: '10.0.0.0/8' });
    expect(parseCidr('2001:db8::/32', 'p')).toEqual({ family: 6, address: 0x20010db8n * 2n ** 96n, prefix: 32, text: '2001:db8::/32' });
    expect(parseCidr('0.0.0.0/0', 'p').prefix).toBe(0);
  });

  test.each([
    [42, 'is not a CIDR string'],
    ['10.0.0.0', 'has no prefix length; write "10.0.0.0/32" for this one address'],
    ['fd00::1', 'has no prefix length; write "fd00::1/128" for this one address'],
    ['10.0.0.0/33', 'has a prefix length outside 0..32'],
    ['::/129', 'has a prefix length outside 0..128'],
    ['10.0.0.0/08', 'has a prefix length outside 0..32'],
    ['10.0.0.0/-1', 'has a prefix length outside 0..32'],
    ['10.0.0.0/', 'has a prefix length outside 0..32'],
    ['10.0.0.1/8', 'has host bits set: it means all of 10.0.0.0/8; write "10.0.0.0/8" for the network, or "10.0.0.1/32" for the one address'],
    ['2001:db8::1/32', 'has host bits set: it means all of 2001:db8::/32'],
    ['300.0.0.0/8', 'is not a valid IPv4 or IPv6 CIDR'],
    ['example.com/24', 'is not a valid IPv4 or IPv6 CIDR'],
  ])('%j is refused', (value, fragment) => {
    expectRefused(() => parseCidr(value, 'egress.cidrs[0]'), 'INVALID_CIDR', 'egress.cidrs[0]', fragment);
  });
});

describe('networkContains', () => {
  const n = (s: string) => parseCidr(s, 'p');
  test.each([
    ['0.0.0.0/0', '169.254.169.254/32', true],
    ['169.254.0.0/16', '169.254.169.254/32', true],
    ['169.254.0.0/16', '169.254.0.0/16', true],
    ['169.254.0.0/16', '169.0.0.0/8', false],
    ['169.254.0.0/16', '169.255.0.0/16', false],
    ['::/0', 'fd00:ec2::254/128', true],
    ['fc00::/7', 'fd00:ec2::254/128', true],
    ['::/0', '0.0.0.0/0', false],
    ['0.0.0.0/0', '::/0', false],
  ])('%s contains %s: %s', (outer, inner, expected) => {
    expect(networkContains(n(outer), n(inner))).toBe(expected);
  });
});
