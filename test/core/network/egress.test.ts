import fc from 'fast-check';
import {
  CLUSTER_DNS_EGRESS_RULE, GvisorIacError, NEVER_REACHABLE_CIDRS, NON_PUBLIC_CIDRS, SandboxEgress, egressRules, sandboxNetworkPolicy,
} from '../../../lib/core';
import { egressArb, forbiddenDestinationArb, isIpv4MappedRefusal, portArb } from '../../helpers/egress-arbitraries';
import { expectRefused } from '../../helpers/errors';
import { Destination, egressAllowed, inCidr, ingressAllowed } from '../../helpers/network-policy';
import { assertSchemaValid } from '../../helpers/schema';

const DNS_RULE = {
  to: [{
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
    podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
  }],
  ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
};
const PUBLIC_V4 = {
  ipBlock: {
    cidr: '0.0.0.0/0',
    except: ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '168.63.129.16/32', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.192/32', '192.168.0.0/16', '224.0.0.0/4', '240.0.0.0/4'],
  },
};
const PUBLIC_V6 = {
  ipBlock: {
    cidr: '::/0',
    except: [
      '::1/128', '::6464:64c8/128', '::a83f:8110/128', '::a9fe:0/112', '::c000:c0/128',
      '::ffff:0:6464:64c8/128', '::ffff:0:a83f:8110/128', '::ffff:0:a9fe:0/112', '::ffff:0:c000:c0/128',
      '64:ff9b::/96', '64:ff9b:1::/48', '2002:6464:64c8::/48', '2002:a83f:8110::/48', '2002:a9fe::/32', '2002:c000:c0::/48',
      'fc00::/7', 'fe80::/10', 'ff00::/8',
    ],
  },
};

/** The IPv4-mapped spellings of the IPv4 never-reachable endpoints. */
const MAPPED_NEVER_REACHABLE = ['::ffff:6464:64c8/128', '::ffff:a83f:8110/128', '::ffff:a9fe:0/112', '::ffff:c000:c0/128'];

const pod = { namespace: 'runs', labels: { 'gvisor-iac.dev/run': 'r1' } };
const kubeDns: Destination = {
  pod: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, namespaceLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
  port: 53,
  protocol: 'UDP',
};
const policyFor = (egress: SandboxEgress | undefined) =>
  sandboxNetworkPolicy({ name: 'r1', namespace: 'runs', labels: {}, podSelector: pod.labels, egress }, 'props.egress');

describe('egressRules', () => {
  test('default and "none": no rule at all (with policyTypes Egress, nothing leaves)', () => {
    expect(egressRules(undefined, 'p')).toEqual([]);
    expect(egressRules('none', 'p')).toEqual([]);
    expect(egressRules({}, 'p')).toEqual([]);
  });

  test('"dns": port 53 to the cluster DNS pods only', () => {
    expect(egressRules('dns', 'p')).toEqual([DNS_RULE]);
    expect(CLUSTER_DNS_EGRESS_RULE).toEqual(DNS_RULE);
  });

  test('"internet": DNS, and 0.0.0.0/0 and ::/0 without private, link-local and metadata ranges', () => {
    expect(egressRules('internet', 'p')).toEqual([DNS_RULE, { to: [PUBLIC_V4, PUBLIC_V6] }]);
  });

  test('the rules are fresh objects: mutating them leaves the shared constant alone', () => {
    const [rule] = egressRules('dns', 'p');
    rule!.ports!.push({ port: 1 });
    expect(CLUSTER_DNS_EGRESS_RULE.ports).toHaveLength(2);
  });

  test('allow-list: dns and internet default to false; cidrs disjoint from the forbidden ranges are kept as they are', () => {
    expect(egressRules({ cidrs: ['203.0.113.0/24', '2001:db8::/32'] }, 'p')).toEqual([
      { to: [{ ipBlock: { cidr: '203.0.113.0/24' } }, { ipBlock: { cidr: '2001:db8::/32' } }] },
    ]);
  });

  test('allow-list: the forbidden ranges are cut out of every network that contains them', () => {
    expect(egressRules({ cidrs: ['169.0.0.0/8', '100.64.0.0/10', '0.0.0.0/0', '::/0', 'fc00::/7'] }, 'p')).toEqual([{
      to: [
        { ipBlock: { cidr: '169.0.0.0/8', except: ['169.254.0.0/16'] } },
        { ipBlock: { cidr: '100.64.0.0/10', except: ['100.100.100.200/32'] } },
        { ipBlock: { cidr: '0.0.0.0/0', except: ['100.100.100.200/32', '168.63.129.16/32', '169.254.0.0/16', '192.0.0.192/32'] } },
        // Not the IPv4-mapped spellings: Kubernetes reads those as IPv4, outside ::/0 (the IPv4 block carves them out).
        { ipBlock: { cidr: '::/0', except: NEVER_REACHABLE_CIDRS.filter((c) => c.includes(':') && !MAPPED_NEVER_REACHABLE.includes(c)) } },
        { ipBlock: { cidr: 'fc00::/7', except: ['fd00:42::42/128', 'fd00:c1::a9fe:a9fe/128', 'fd00:100::100:200/128', 'fd00:ec2::/32', 'fd00:a9fe:a9fe::1/128', 'fd20:ce::254/128'] } },
      ],
    }]);
  });

  test('allow-list: ports restrict internet and cidrs (protocol defaults to TCP); DNS keeps port 53', () => {
    expect(egressRules({ dns: true, internet: true, cidrs: ['198.51.100.0/24'], ports: [{ port: 443 }, { port: 8000, endPort: 8100, protocol: 'UDP' }] }, 'p')).toEqual([
      DNS_RULE,
      { to: [PUBLIC_V4, PUBLIC_V6, { ipBlock: { cidr: '198.51.100.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'UDP', port: 8000, endPort: 8100 }] },
    ]);
  });

  test('every except of a block is a strict subset of its cidr, as the API server demands', () => {
    for (const egress of ['internet', { cidrs: ['0.0.0.0/0', '::/0', '169.0.0.0/8', 'fc00::/7', '64:ff9b::/96'] }] as SandboxEgress[]) {
      for (const rule of egressRules(egress, 'p')) {
        for (const peer of rule.to ?? []) {
          const block = peer.ipBlock;
          if (!block) continue;
          for (const x of block.except ?? []) {
            expect(inCidr(x.split('/')[0]!, block.cidr)).toBe(true);
            expect(Number(x.split('/')[1])).toBeGreaterThan(Number(block.cidr.split('/')[1]));
          }
        }
      }
    }
  });

  test.each<[string, unknown, string, string, string]>([
    ['an unknown mode', 'all', 'INVALID_VALUE', 'p', 'is not one of "none", "dns", "internet"'],
    ['a typo', { cidr: ['10.0.0.0/8'] }, 'UNKNOWN_FIELD', 'p.cidr', 'did you mean "cidrs"?'],
    ['a non-boolean dns', { dns: 'yes' }, 'INVALID_TYPE', 'p.dns', 'is not a boolean'],
    ['a string for cidrs', { cidrs: '10.0.0.0/8' }, 'INVALID_TYPE', 'p.cidrs', 'is not an array'],
    ['a malformed CIDR', { cidrs: ['10.0.0.1/8'] }, 'INVALID_CIDR', 'p.cidrs[0]', 'has host bits set'],
    ['a bare address', { cidrs: ['8.8.8.8'] }, 'INVALID_CIDR', 'p.cidrs[0]', 'write "8.8.8.8/32"'],
    ['the metadata address', { cidrs: ['169.254.169.254/32'] }, 'SANDBOX_ESCAPE', 'p.cidrs[0]', 'lies inside 169.254.0.0/16, which sandboxed pods may never reach'],
    ['the link-local range', { cidrs: ['8.8.8.8/32', '169.254.0.0/16'] }, 'SANDBOX_ESCAPE', 'p.cidrs[1]', 'lies inside 169.254.0.0/16'],
    ['the AWS IPv6 metadata address', { cidrs: ['fd00:ec2::254/128'] }, 'SANDBOX_ESCAPE', 'p.cidrs[0]', 'lies inside fd00:ec2::/32'],
    ['IPv6 link-local', { cidrs: ['fe80::/64'] }, 'SANDBOX_ESCAPE', 'p.cidrs[0]', 'lies inside fe80::/10'],
    ['the metadata address, IPv4-mapped', { cidrs: ['::ffff:169.254.169.254/128'] }, 'SANDBOX_ESCAPE', 'p.cidrs[0]', 'lies inside ::ffff:a9fe:0/112'],
    ['the metadata address, through NAT64', { cidrs: ['64:ff9b::a9fe:a9fe/128'] }, 'SANDBOX_ESCAPE', 'p.cidrs[0]', 'lies inside 64:ff9b::a9fe:0/112'],
    ['the Alibaba Cloud metadata address', { cidrs: ['100.100.100.200/32'] }, 'SANDBOX_ESCAPE', 'p.cidrs[0]', 'lies inside 100.100.100.200/32'],
    ['an IPv4-mapped network', { cidrs: ['8.8.8.8/32', '::ffff:10.0.0.0/104'] }, 'INVALID_CIDR', 'p.cidrs[1]', 'is an IPv4-mapped IPv6 network, which Kubernetes reads as the IPv4 network 10.0.0.0/8; write "10.0.0.0/8"'],
    ['all of IPv4, IPv4-mapped', { cidrs: ['::ffff:0:0/96'] }, 'INVALID_CIDR', 'p.cidrs[0]', 'which Kubernetes reads as the IPv4 network 0.0.0.0/0'],
    ['one IPv4-mapped address', { cidrs: ['::ffff:8.8.8.8/128'] }, 'INVALID_CIDR', 'p.cidrs[0]', 'write "8.8.8.8/32"'],
    ['a duplicate network', { cidrs: ['10.0.0.0/8', '10.0.0.0/8'] }, 'INVALID_VALUE', 'p.cidrs[1]', 'is listed twice'],
    ['empty ports', { internet: true, ports: [] }, 'INVALID_VALUE', 'p.ports', 'is empty'],
    ['port 0', { internet: true, ports: [{ port: 0 }] }, 'INVALID_INTEGER', 'p.ports[0].port', 'is not a whole number from 1 to 65535'],
    ['a named port', { internet: true, ports: [{ port: 'https' }] }, 'INVALID_INTEGER', 'p.ports[0].port', '"https"'],
    ['endPort below port', { internet: true, ports: [{ port: 80, endPort: 79 }] }, 'INVALID_INTEGER', 'p.ports[0].endPort', 'from 80 to 65535'],
    ['an unknown protocol', { internet: true, ports: [{ port: 80, protocol: 'ICMP' }] }, 'INVALID_VALUE', 'p.ports[0].protocol', '"ICMP"'],
    ['ports that restrict nothing', { dns: true, ports: [{ port: 443 }] }, 'INVALID_VALUE', 'p.ports', 'neither internet nor cidrs is allowed'],
  ])('refuses %s', (_label, egress, code, path, fragment) => {
    expectRefused(() => egressRules(egress as SandboxEgress, 'p'), code, path, fragment);
  });
});

describe('sandboxNetworkPolicy', () => {
  test('selects exactly the given pods, denies all ingress, lists both policy types', () => {
    expect(policyFor('dns')).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'r1', namespace: 'runs' },
      spec: { podSelector: { matchLabels: { 'gvisor-iac.dev/run': 'r1' } }, policyTypes: ['Ingress', 'Egress'], egress: [DNS_RULE] },
    });
    expect(ingressAllowed([policyFor('internet')], pod)).toBe(false);
  });

  test('"none" emits no egress rules at all, so nothing leaves — not even DNS', () => {
    const np = policyFor('none');
    expect(np.spec).toEqual({ podSelector: { matchLabels: { 'gvisor-iac.dev/run': 'r1' } }, policyTypes: ['Ingress', 'Egress'] });
    expect(egressAllowed([np], pod, kubeDns)).toBe(false);
    expect(egressAllowed([np], pod, { ip: '8.8.8.8' })).toBe(false);
  });

  test('is schema-valid for every mode', () => {
    for (const egress of ['none', 'dns', 'internet', { cidrs: ['0.0.0.0/0', '::/0'], ports: [{ port: 443 }] }] as SandboxEgress[]) {
      assertSchemaValid(policyFor(egress));
    }
  });
});

describe('what the policy lets through (evaluated)', () => {
  test('the evaluator itself: no policy allows everything; a rule without "to" allows every destination', () => {
    expect(egressAllowed([], pod, { ip: '169.254.169.254' })).toBe(true);
    const open = { kind: 'NetworkPolicy', metadata: { namespace: 'runs' }, spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{}] } };
    expect(egressAllowed([open], pod, { ip: '169.254.169.254' })).toBe(true);
  });

  test('"dns": kube-dns on 53 only', () => {
    const np = [policyFor('dns')];
    expect(egressAllowed(np, pod, kubeDns)).toBe(true);
    expect(egressAllowed(np, pod, { ...kubeDns, protocol: 'TCP' })).toBe(true);
    expect(egressAllowed(np, pod, { ...kubeDns, port: 443 })).toBe(false);
    expect(egressAllowed(np, pod, { pod: { ...kubeDns.pod!, namespace: 'runs', namespaceLabels: {} }, port: 53, protocol: 'UDP' })).toBe(false);
    expect(egressAllowed(np, pod, { ip: '8.8.8.8', port: 53, protocol: 'UDP' })).toBe(false);
  });

  test('"internet": public addresses yes; the cluster, the VPC and the node no', () => {
    const np = [policyFor('internet')];
    for (const ip of ['8.8.8.8', '203.0.113.7', '2001:4860:4860::8888']) expect(egressAllowed(np, pod, { ip })).toBe(true);
    for (const ip of ['10.96.0.1', '172.20.0.5', '192.168.1.1', '100.64.0.1', '127.0.0.1', '::1', 'fd12::1', '::ffff:10.0.0.1']) {
      expect(egressAllowed(np, pod, { ip })).toBe(false);
    }
  });

  test('a policy for other pods does not open this one', () => {
    const other = sandboxNetworkPolicy({ name: 'r2', namespace: 'runs', labels: {}, podSelector: { 'gvisor-iac.dev/run': 'r2' }, egress: 'internet' }, 'p');
    expect(egressAllowed([policyFor('none'), other], pod, { ip: '8.8.8.8' })).toBe(false);
  });

  test('no egress choice ever reaches the metadata address or link-local (property)', () => {
    fc.assert(fc.property(egressArb, forbiddenDestinationArb, portArb, (egress, ip, port) => {
      let np;
      try {
        np = policyFor(egress);
      } catch (e) {
        // Refusing is fine, for a listed network inside a forbidden range or ports with nothing to restrict.
        expect(e).toBeInstanceOf(GvisorIacError);
        const { code, path } = e as GvisorIacError;
        // An IPv4-mapped network is refused too (Kubernetes would read it as IPv4): INVALID_CIDR, naming it.
        const listed = /^props\.egress\.cidrs\[\d+\]$/.test(path);
        const mapped = listed && isIpv4MappedRefusal(e);
        // So is one network listed twice, in two spellings (compared in canonical form, for runs and tenants alike).
        const twice = listed && code === 'INVALID_VALUE' && (e as GvisorIacError).message.includes('is listed twice');
        expect(code === 'SANDBOX_ESCAPE' ? listed : mapped || twice || (code === 'INVALID_VALUE' && path === 'props.egress.ports')).toBe(true);
        return;
      }
      expect(egressAllowed([np], pod, { ip, port })).toBe(false);
    }), { numRuns: 2000 });
  });

  test('a listed network stays reachable outside the forbidden ranges (property)', () => {
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    fc.assert(fc.property(u32, fc.integer({ min: 0, max: 32 }), u32, (a, prefix, host) => {
      const bits = (n: number) => n.toString(2).padStart(32, '0');
      const netBits = bits(a).slice(0, prefix).padEnd(32, '0');
      const ipBits = bits(a).slice(0, prefix) + bits(host).slice(prefix);
      const dotted = (b: string) => [0, 8, 16, 24].map((i) => parseInt(b.slice(i, i + 8), 2)).join('.');
      const cidr = `${dotted(netBits)}/${prefix}`;
      const ip = dotted(ipBits);
      const forbidden = NEVER_REACHABLE_CIDRS.some((c) => !c.includes(':') && inCidr(dotted(netBits), c) && Number(c.split('/')[1]) <= prefix);
      fc.pre(!forbidden);
      const np = [policyFor({ cidrs: [cidr] })];
      const inForbidden = NEVER_REACHABLE_CIDRS.some((c) => !c.includes(':') && inCidr(ip, c));
      expect(egressAllowed(np, pod, { ip })).toBe(!inForbidden);
    }), { numRuns: 1000 });
  });

  test('NON_PUBLIC_CIDRS and NEVER_REACHABLE_CIDRS are canonical networks', () => {
    for (const c of [...NON_PUBLIC_CIDRS, ...NEVER_REACHABLE_CIDRS]) expect(() => egressRules({ cidrs: ['8.8.8.8/32'] }, c)).not.toThrow();
    expect(egressRules({ cidrs: NON_PUBLIC_CIDRS.filter((c) => c !== '100.64.0.0/10' && c !== '::ffff:0:0/96' && c !== 'fc00::/7') }, 'p')).toHaveLength(1);
  });

  test('the standalone helpers take the network as users write it (dns, internetExcept), validated', () => {
    const [dns, beyond] = egressRules('internet', 'p', { dns: { namespace: 'dns-system', podLabels: { app: 'unbound' } }, internetExcept: ['203.0.113.0/24'] });
    expect(dns?.to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns-system' } }, podSelector: { matchLabels: { app: 'unbound' } } }]);
    expect(beyond?.to?.[0]?.ipBlock?.except).toContain('203.0.113.0/24');
    const policy = sandboxNetworkPolicy({ name: 'n', labels: {}, podSelector: { a: 'b' }, egress: 'dns', network: { dns: { podLabels: false } } }, 'p');
    expect(policy.spec?.egress?.[0]?.to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }]);
    expectRefused(() => egressRules('dns', 'p', { dns: { namespace: 'Not_A_Label' } }), 'INVALID_NAME', 'network.dns.namespace', 'Not_A_Label');
    expectRefused(() => sandboxNetworkPolicy({ name: 'n', labels: {}, podSelector: {}, network: { internetExcept: ['0.0.0.0/0'] } }, 'p'), 'INVALID_CIDR', 'network.internetExcept[0]', 'whole address family');
  });
});
