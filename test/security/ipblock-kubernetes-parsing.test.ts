/*
 * Regression: Kubernetes v1.34 refused every NetworkPolicy with "internet"
 * egress: `ipBlock.except[2]: Invalid value: "::ffff:0:0/96": must be a
 * strict subset of cidr`. The API server parses ipBlock CIDRs with Go's
 * net.ParseCIDR, which reads `::ffff:a.b.c.d/N` (N >= 96) as IPv4, then
 * requires `cidr.Contains(except.IP)` and a longer except mask. This file
 * models exactly that (independently of the library's CIDR code) and checks
 * every ipBlock any construct emits, for any egress choice.
 */
import fc from 'fast-check';
import { GvisorIacError, SandboxEgress, renderMultiTenantSandbox, renderUntrustedCodeSandbox } from '../../lib';
import { cidrArb, egressArb } from '../helpers/egress-arbitraries';
import { addressBits } from '../helpers/network-policy';

type Any = Record<string, any>;
const MAPPED = `${'0'.repeat(80)}${'1'.repeat(16)}`;

/**
 * What Go's net.ParseCIDR and net.IPNet.Contains make of a CIDR: the network
 * number as Contains sees it (a 16-byte IP in ::ffff:0:0/96 shrinks to 4
 * bytes, and its mask to the last 4 bytes), and the raw mask size that
 * Kubernetes' validation compares (Mask.Size()).
 */
function goCidr(text: string): { bits: string; containsPrefix: number; maskSize: number } {
  const [addr, len] = text.split('/') as [string, string];
  const raw = addressBits(addr);
  const maskSize = Number(len);
  const masked = raw.slice(0, maskSize).padEnd(raw.length, '0');
  if (masked.length === 128 && masked.startsWith(MAPPED)) return { bits: masked.slice(96), containsPrefix: maskSize - 96, maskSize };
  return { bits: masked, containsPrefix: maskSize, maskSize };
}

/** The API server's check of one `except` entry: inside `cidr` (as Contains sees it) and a longer mask. */
function strictSubset(cidr: string, except: string): boolean {
  const c = goCidr(cidr);
  const x = goCidr(except);
  const contains = x.bits.length === c.bits.length && x.bits.slice(0, c.containsPrefix) === c.bits.slice(0, c.containsPrefix);
  return contains && c.maskSize < x.maskSize;
}

/** Every except entry of every emitted ipBlock that the API server would refuse. */
function refusedExcepts(objects: readonly Any[]): string[] {
  return objects.filter((o) => o.kind === 'NetworkPolicy')
    .flatMap((o) => (o.spec.egress ?? []).flatMap((r: Any) => (r.to ?? []).flatMap((p: Any) => (p.ipBlock ? [p.ipBlock] : []))))
    .flatMap((b: Any) => (b.except ?? []).filter((x: string) => !strictSubset(b.cidr, x)).map((x: string) => `${b.cidr} except ${x}`));
}

describe('the model of the API server\'s ipBlock check', () => {
  test.each([
    ['::/0', '::ffff:0:0/96', false], // the reported error
    ['::/0', '::ffff:a9fe:0/112', false],
    ['::/0', '::ffff:0:a9fe:0/112', true], // IPv4-translated stays IPv6
    ['::/0', '64:ff9b::/96', true],
    ['0.0.0.0/0', '169.254.0.0/16', true],
    ['0.0.0.0/0', '0.0.0.0/0', false],
    ['10.0.0.0/8', '10.1.0.0/16', true],
    ['10.0.0.0/8', '11.0.0.0/16', false],
    ['::ffff:a00:0/104', '::ffff:a01:0/112', true], // both mapped: IPv4 to Contains, masks compared raw
    ['::ffff:a00:0/104', '10.1.0.0/16', false], // raw masks 104 vs 16
    ['::fffe:0:0/95', '::ffff:0:0/96', false], // a 95-bit network is IPv6; the mapped except is IPv4
  ] as const)('%s except %s: %s', (cidr, except, ok) => {
    expect(strictSubset(cidr, except)).toBe(ok);
  });
});

describe('property: no emitted ipBlock has an except the API server refuses', () => {
  test('UntrustedCodeSandbox, for any egress choice', () => {
    let emitted = 0;
    fc.assert(fc.property(egressArb, (egress) => {
      let objects: readonly Any[];
      try {
        objects = renderUntrustedCodeSandbox({ image: 'python:3.12', egress: egress as SandboxEgress }, 'run').objects;
      } catch (e) {
        expect(e).toBeInstanceOf(GvisorIacError);
        return;
      }
      emitted++;
      expect(refusedExcepts(objects)).toEqual([]);
    }), { numRuns: 1000 });
    expect(emitted).toBeGreaterThan(300);
  });

  const tenantEgress: fc.Arbitrary<SandboxEgress> = fc.oneof(
    fc.constantFrom<SandboxEgress>('none', 'dns', 'internet'),
    fc.uniqueArray(cidrArb, { minLength: 1, maxLength: 5 }).map((cidrs): SandboxEgress => ({ dns: true, cidrs })),
  );
  test('MultiTenantSandbox, for any tenant egress and internetExcept', () => {
    let emitted = 0;
    const internetExceptArb = fc.option(fc.uniqueArray(cidrArb, { maxLength: 4 }), { nil: undefined });
    fc.assert(fc.property(fc.array(tenantEgress, { minLength: 1, maxLength: 3 }), internetExceptArb, (egresses, internetExcept) => {
      let objects: readonly Any[];
      try {
        objects = renderMultiTenantSandbox({ tenants: egresses.map((egress, i) => ({ name: `t${i}`, egress })), internetExcept }, 'm').objects;
      } catch (e) {
        expect(e).toBeInstanceOf(GvisorIacError);
        return;
      }
      emitted++;
      expect(refusedExcepts(objects)).toEqual([]);
    }), { numRuns: 400 });
    expect(emitted).toBeGreaterThan(50);
  });

  test('the constructs the API server refused: tenant "internet", a run\'s "internet", ::/0 listed', () => {
    const tenants = renderMultiTenantSandbox({ tenants: [{ name: 'a', egress: 'internet' }, { name: 'b', egress: { cidrs: ['::/0', '0.0.0.0/0'] } }] }, 'm').objects;
    const run = renderUntrustedCodeSandbox({ image: 'python:3.12', egress: { internet: true, cidrs: ['::/0'] } }, 'run').objects;
    expect(refusedExcepts([...tenants, ...run])).toEqual([]);
  });
});

describe('an IPv4-mapped network a user lists is refused with its IPv4 form (Kubernetes would read it as that)', () => {
  const fix = (v4: string) => `write "${v4}" (a pod's traffic to IPv4-mapped addresses leaves as IPv4)`;
  test.each([
    ['::ffff:0:0/96', '0.0.0.0/0'],
    ['::ffff:10.0.0.0/104', '10.0.0.0/8'],
    ['::ffff:8.8.8.8/128', '8.8.8.8/32'],
  ])('%s, as a run\'s cidr, a tenant\'s egress and an internetExcept entry', (listed, v4) => {
    const problem = `is an IPv4-mapped IPv6 network, which Kubernetes reads as the IPv4 network ${v4}`;
    const attempts: [() => unknown, string][] = [
      [() => renderUntrustedCodeSandbox({ image: 'python:3.12', egress: { cidrs: [listed] } }, 'run'), 'props.egress.cidrs[0]'],
      [() => renderMultiTenantSandbox({ tenants: [{ name: 'a', egress: { cidrs: ['8.8.8.8/32', listed] } }] }, 'm'), 'props.tenants[0].egress.cidrs[1]'],
      [() => renderMultiTenantSandbox({ tenants: [{ name: 'a', egress: 'internet' }], internetExcept: [listed] }, 'm'), 'props.internetExcept[0]'],
    ];
    for (const [attempt, path] of attempts) {
      let error: unknown;
      try {
        attempt();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(GvisorIacError);
      const { code, path: p, value, message, fix: f } = error as GvisorIacError;
      expect({ code, path: p, value, message, fix: f }).toEqual({ code: 'INVALID_CIDR', path, value: listed, message: `${path}: "${listed}" ${problem}; ${fix(v4)}`, fix: fix(v4) });
    }
  });

  test('a never-reachable endpoint in its mapped spelling is still refused as SANDBOX_ESCAPE first', () => {
    expect(() => renderUntrustedCodeSandbox({ image: 'python:3.12', egress: { cidrs: ['::ffff:169.254.169.254/128'] } }, 'run')).toThrow(/^props\.egress\.cidrs\[0\]: "::ffff:169\.254\.169\.254\/128" lies inside ::ffff:a9fe:0\/112, which sandboxed pods may never reach/);
  });

  test('an IPv6 network that merely contains ::ffff:0:0/96 is accepted, without the mapped carve-outs', () => {
    const objects: readonly Any[] = renderUntrustedCodeSandbox({ image: 'python:3.12', egress: { cidrs: ['::/80'] } }, 'run').objects;
    const block = objects.find((o) => o.kind === 'NetworkPolicy')!.spec.egress[0].to[0].ipBlock;
    expect(block).toEqual({ cidr: '::/80', except: ['::6464:64c8/128', '::a83f:8110/128', '::a9fe:0/112', '::c000:c0/128'] });
  });
});
