/* eslint-disable no-bitwise -- the property test builds networks from address integers: masks and shifts */
/*
 * Class 5 of issue 9: node-local metadata and agent endpoints must stay out
 * of reach whatever network a tenant or an untrusted run lists — in IPv4,
 * IPv6, and every IPv6 spelling of an IPv4 endpoint. Containment is checked
 * with Node's own address matcher (net.BlockList), not with the library's.
 */
import { readFileSync } from 'fs';
import { BlockList } from 'net';
import { join } from 'path';
import fc from 'fast-check';
import { formatIp } from '../../lib/core';
import { caught } from '../helpers/errors';
import { mockPulumi, settle } from '../helpers/pulumi';
import { synth } from '../helpers/synth';
import {
  GvisorIacError, IPV4_EMBEDDINGS, NEVER_REACHABLE_CIDRS, NODE_LOCAL_ENDPOINTS, SandboxEgress, egressRules,
  renderMultiTenantSandbox, renderUntrustedCodeSandbox,
} from 'gvisor-iac';
import * as k8s from 'gvisor-iac/cdk8s';
import * as pl from 'gvisor-iac/pulumi';

/** Published endpoints, as a pod would dial them. */
const V4_ENDPOINTS = [
  '169.254.169.254', // AWS, GCP, Azure, OCI, DigitalOcean, OpenStack, Akamai, Hetzner IMDS
  '169.254.169.253', // AWS DNS
  '169.254.169.123', // AWS NTP
  '169.254.170.2', // ECS task credentials
  '169.254.170.23', // EKS Pod Identity agent
  '169.254.42.42', // Scaleway
  '169.254.0.23', // Tencent Cloud
  '100.100.100.200', // Alibaba Cloud
  '168.63.129.16', // Azure WireServer
  '192.0.0.192', // Oracle Cloud Classic
];
const V6_ENDPOINTS = [
  'fd00:ec2::254', 'fd00:ec2::23', 'fd00:ec2::253', 'fd00:ec2::123', // AWS IMDS, Pod Identity, DNS, NTP
  'fd20:ce::254', // GCP
  'fd00:c1::a9fe:a9fe', // OCI
  'fd00:a9fe:a9fe::1', // Akamai/Linode
  'fd00:42::42', // Scaleway
  'fd00:100::100:200', // Alibaba
  'fe80::a9fe:a9fe', // OpenStack, Akamai
];
const hex = (v4: string) => v4.split('.').map(Number).reduce((a, b) => a * 256 + b, 0).toString(16).padStart(8, '0');
/** The IPv6 spellings of an IPv4 endpoint, written out by hand. */
const embedded = (v4: string): string[] => {
  const h = hex(v4);
  const g = `${h.slice(0, 4)}:${h.slice(4)}`;
  return [`::ffff:${v4}`, `::ffff:0:${v4}`, `::${v4}`, `64:ff9b::${v4}`, `64:ff9b::${g}`, `2002:${g}::1`, `2002:${g}:ffff::`];
};
const ENDPOINTS = [...V4_ENDPOINTS, ...V6_ENDPOINTS, ...V4_ENDPOINTS.flatMap(embedded)];

const family = (text: string): 'ipv4' | 'ipv6' => (text.includes(':') ? 'ipv6' : 'ipv4');
/**
 * An address or CIDR as Kubernetes reads it (Go's net.ParseCIDR): an
 * IPv4-mapped `::ffff:a.b.c.d` is the IPv4 address a.b.c.d, and
 * `::ffff:a.b.c.d/N` with N >= 96 the IPv4 network a.b.c.d/(N-96).
 */
function asKubernetes(text: string): { addr: string; prefix?: number } {
  const [addr, len] = text.split('/') as [string, string | undefined];
  const prefix = len === undefined ? undefined : Number(len);
  if (family(addr) === 'ipv6' && toBig(addr) >> 32n === 0xffffn && (prefix === undefined || prefix >= 96)) {
    const v = toBig(addr) & 0xffffffffn;
    return { addr: [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.'), prefix: prefix === undefined ? undefined : prefix - 96 };
  }
  return { addr, prefix };
}
/** `addr` lies in `cidr` as Kubernetes reads both (same family only: BlockList would match IPv4 against IPv4-mapped rules). */
function inCidr(address: string, cidr: string): boolean {
  const { addr } = asKubernetes(address);
  const { addr: net, prefix } = asKubernetes(cidr);
  if (family(addr) !== family(net)) return false;
  const list = new BlockList();
  list.addSubnet(net, prefix!, family(net));
  return list.check(addr, family(addr));
}
/** The prefix length of `cidr` as Kubernetes reads it. */
const prefixOf = (cidr: string): number => asKubernetes(cidr).prefix!;
type Block = { cidr: string; except?: string[] };
const admits = (b: Block, addr: string) => inCidr(addr, b.cidr) && !(b.except ?? []).some((x) => inCidr(addr, x));
/** Every ipBlock of every NetworkPolicy egress rule in `objects`. */
const ipBlocks = (objects: readonly any[]): Block[] => objects.filter((o) => o.kind === 'NetworkPolicy')
  .flatMap((o) => (o.spec.egress ?? []).flatMap((r: any) => (r.to ?? []).flatMap((p: any) => (p.ipBlock ? [p.ipBlock] : []))));
/** The endpoints some block admits (must be none), and the excepts not strictly inside their cidr (must be none). */
function leaks(blocks: Block[]): string[] {
  const out: string[] = [];
  for (const b of blocks) {
    for (const a of ENDPOINTS) if (admits(b, a)) out.push(`${b.cidr} admits ${a}`);
    for (const x of b.except ?? []) {
      if (!inCidr(x.split('/')[0]!, b.cidr) || prefixOf(x) <= prefixOf(b.cidr)) out.push(`${b.cidr} has a stray except ${x}`);
    }
  }
  return out;
}

/** The networks a tenant or a run may plausibly list to get "everything" of a family or a block. */
const WIDE = ['0.0.0.0/0', '::/0', 'fd00::/8', 'fc00::/7', '64:ff9b::/96', '::fffe:0:0/95', '::/80', '::/96', '2002::/16', 'fe00::/7', '168.0.0.0/8', '100.64.0.0/10', '192.0.0.0/24', '169.0.0.0/8', '8000::/1'];

describe('every endpoint is never-reachable, in every spelling', () => {
  test.each(ENDPOINTS)('%s lies in NEVER_REACHABLE_CIDRS', (addr) => {
    expect(NEVER_REACHABLE_CIDRS.some((c) => inCidr(addr, c))).toBe(true);
  });

  test.each(ENDPOINTS)('listing %s alone is refused, for a run and for a tenant', (addr) => {
    const cidr = `${addr}/${family(addr) === 'ipv4' ? 32 : 128}`;
    const run = caught(() => egressRules({ cidrs: [cidr] }, 'props.egress'));
    expect([run.code, run.path]).toEqual(['SANDBOX_ESCAPE', 'props.egress.cidrs[0]']);
    const tenant = caught(() => renderMultiTenantSandbox({ tenants: [{ name: 'a', egress: { cidrs: [cidr] } }] }, 'm'));
    expect([tenant.code, tenant.path]).toEqual(['SANDBOX_ESCAPE', 'props.tenants[0].egress.cidrs[0]']);
  });
});

describe('wide networks keep every endpoint out', () => {
  test.each(WIDE)('an untrusted run that lists %s', (cidr) => {
    const objects = renderUntrustedCodeSandbox({ image: 'python:3.12', egress: { dns: true, cidrs: [cidr] } }, 'run').objects;
    expect(ipBlocks(objects)).toHaveLength(1);
    expect(leaks(ipBlocks(objects))).toEqual([]);
  });

  test('a tenant that lists all of them at once, and one that asks for the internet', () => {
    const m = renderMultiTenantSandbox({ tenants: [{ name: 'a', egress: { cidrs: WIDE } }, { name: 'b', egress: 'internet' }] }, 'm');
    expect(ipBlocks(m.objects)).toHaveLength(WIDE.length + 2);
    expect(leaks(ipBlocks(m.objects))).toEqual([]);
  });

  test('"internet" of an untrusted run', () => {
    const blocks = egressRules('internet', 'p').flatMap((r) => (r.to ?? []).flatMap((p) => (p.ipBlock ? [p.ipBlock as Block] : [])));
    expect(blocks).toHaveLength(2);
    expect(leaks(blocks)).toEqual([]);
  });

  test('the issue\'s examples: ::/0 and fd00::/8 no longer reach fd20:ce::254 or fd00:ec2::23', () => {
    const [rule] = egressRules({ cidrs: ['::/0', 'fd00::/8'] }, 'p');
    for (const block of rule!.to!.map((p) => p.ipBlock as Block)) {
      expect(admits(block, 'fd20:ce::254')).toBe(false);
      expect(admits(block, 'fd00:ec2::23')).toBe(false);
      expect(admits(block, 'fd00::1')).toBe(true);
    }
  });
});

describe('property: for any allowed network, no emitted range admits an endpoint', () => {
  const v4 = fc.tuple(fc.bigInt(0n, (1n << 32n) - 1n), fc.integer({ min: 0, max: 32 })).map(([a, p]) => ({ family: 4 as const, a, p }));
  const v6 = fc.tuple(fc.bigInt(0n, (1n << 128n) - 1n), fc.integer({ min: 0, max: 128 })).map(([a, p]) => ({ family: 6 as const, a, p }));
  /** A network around a known endpoint: the dangerous case. */
  const around = fc.tuple(fc.constantFrom(...ENDPOINTS), fc.integer({ min: 0, max: 128 })).map(([addr, p]) => {
    const fam = family(addr) === 'ipv4' ? 4 as const : 6 as const;
    const bits = fam === 4 ? 32 : 128;
    const value = fam === 4 ? BigInt(`0x${hex(addr)}`) : toBig(addr);
    return { family: fam, a: value, p: Math.min(p, bits) };
  });
  const cidr = fc.oneof(v4, v6, around).map(({ family: f, a, p }) => {
    const bits = BigInt(f === 4 ? 32 : 128);
    const mask = ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(p))) - 1n);
    return `${formatIp(f, a & mask)}/${p}`;
  });

  test('untrusted runs and tenants, with up to four networks each', () => {
    fc.assert(fc.property(fc.uniqueArray(cidr, { minLength: 1, maxLength: 4 }), (cidrs) => {
      for (const render of [
        () => renderUntrustedCodeSandbox({ image: 'python:3.12', egress: { cidrs } as SandboxEgress }, 'run').objects,
        () => renderMultiTenantSandbox({ tenants: [{ name: 'a', egress: { cidrs } }] }, 'm').objects,
      ]) {
        let objects: readonly any[];
        try {
          objects = render();
        } catch (e) {
          // Refused: only because a listed network lies wholly inside a never-reachable range,
          // or is IPv4-mapped (which Kubernetes would read as IPv4).
          expect(e).toBeInstanceOf(GvisorIacError);
          const { code, value } = e as GvisorIacError;
          const listed = value as string;
          if (code === 'INVALID_CIDR') {
            expect([listed.includes(':'), family(asKubernetes(listed).addr)]).toEqual([true, 'ipv4']);
          } else {
            expect(code).toBe('SANDBOX_ESCAPE');
            expect(NEVER_REACHABLE_CIDRS.some((c) => inCidr(listed.split('/')[0]!, c))).toBe(true);
          }
          continue;
        }
        expect(leaks(ipBlocks(objects))).toEqual([]);
      }
    }), { numRuns: 400 });
  });
});

/** An IPv6 address as an integer, by expanding it by hand (independent of the library's parser). */
function toBig(addr: string): bigint {
  let text = addr;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) text = text.replace(dotted[1]!, `${hex(dotted[1]!).slice(0, 4)}:${hex(dotted[1]!).slice(4)}`);
  const [head, tail] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(`0x${g}`), 0n);
}

describe('both frontends emit the carved-out ranges', () => {
  test('cdk8s: an untrusted run and a tenant that list ::/0, fd00::/8 and 0.0.0.0/0', () => {
    const objects = synth((chart) => {
      new k8s.UntrustedCodeSandbox(chart, 'run', { image: 'python:3.12', egress: { cidrs: ['::/0', 'fd00::/8', '0.0.0.0/0'] } });
      new k8s.MultiTenantSandbox(chart, 'tenants', { tenants: [{ name: 'a', egress: { cidrs: ['::/0', 'fd00::/8', '0.0.0.0/0'] } }, { name: 'b', egress: 'internet' }] });
    });
    expect(ipBlocks(objects)).toHaveLength(8);
    expect(leaks(ipBlocks(objects))).toEqual([]);
  });

  test('Pulumi: the same, as registered', async () => {
    const rec = mockPulumi();
    const run = new pl.UntrustedCodeSandbox('run', { image: 'python:3.12', egress: { cidrs: ['::/0', 'fd00::/8', '0.0.0.0/0'] } });
    const tenants = new pl.MultiTenantSandbox('tenants', { tenants: [{ name: 'a', egress: { cidrs: ['::/0', 'fd00::/8', '0.0.0.0/0'] } }, { name: 'b', egress: 'internet' }] });
    await settle(rec, run, tenants);
    const blocks = ipBlocks(rec.kube().map((r) => r.inputs));
    expect(blocks).toHaveLength(8);
    expect(leaks(blocks)).toEqual([]);
  });
});

describe('the list is documented with its sources', () => {
  const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'never-reachable.md'), 'utf8');
  test.each(NODE_LOCAL_ENDPOINTS.map((e) => e.cidr))('docs/never-reachable.md lists %s', (c) => {
    expect(doc).toContain(`\`${c}\``);
  });
  test.each(IPV4_EMBEDDINGS.map((e) => e.prefix))('docs/never-reachable.md lists the %s embedding', (p) => {
    expect(doc).toContain(`\`${p}\``);
  });
  test('NEVER_REACHABLE_CIDRS is the endpoints plus one entry per IPv4 endpoint and embedding, canonical and in address order', () => {
    const v4 = NODE_LOCAL_ENDPOINTS.filter((e) => !e.cidr.includes(':')).length;
    expect(NEVER_REACHABLE_CIDRS).toHaveLength(NODE_LOCAL_ENDPOINTS.length + v4 * IPV4_EMBEDDINGS.length);
    expect(new Set(NEVER_REACHABLE_CIDRS).size).toBe(NEVER_REACHABLE_CIDRS.length);
    expect(NEVER_REACHABLE_CIDRS.slice(0, 4)).toEqual(['100.100.100.200/32', '168.63.129.16/32', '169.254.0.0/16', '192.0.0.192/32']);
  });
});
