import fc from 'fast-check';
import {
  NEVER_REACHABLE_CIDRS, TenantProps, networkContains, formatIp, parseCidr, renderMultiTenantSandbox, renderSandboxedPod,
} from '../../../lib/core';
import { admit } from '../../helpers/admission';
import { PodRef, ingressAllowedFrom, podIn } from '../../helpers/network-policy';
import { assertAllSchemaValid } from '../../helpers/schema';

type Any = Record<string, any>;

const blocked = NEVER_REACHABLE_CIDRS.map((c) => parseCidr(c, 'x'));
const METADATA = ['169.254.169.254/32', 'fd00:ec2::254/128', '168.63.129.16/32'].map((c) => parseCidr(c, 'x'));

const cidrArb = fc.oneof(
  fc.tuple(fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }), fc.integer({ min: 0, max: 32 })).map(([a, p]) => ({ a, p, family: 4 as const })),
  fc.tuple(fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }), fc.integer({ min: 0, max: 128 })).map(([a, p]) => ({ a, p, family: 6 as const })),
).map(({ a, p, family }) => {
  const bits = family === 4 ? 32 : 128;
  return `${formatIp(family, a - (a % 2n ** BigInt(bits - p)))}/${p}`;
}).filter((c) => !blocked.some((b) => networkContains(b, parseCidr(c, 'x'))));

/** Namespaces outside the sandbox that ingress rules may name (never a tenant's: those are refused unless named, see below). */
const OUTSIDE = ['ingress-nginx', 'monitoring', 'gateway'] as const;
const peerArb = fc.oneof(
  fc.record({ namespace: fc.constantFrom(...OUTSIDE), podLabels: fc.option(fc.constant({ app: 'controller' }), { nil: undefined }) }, { requiredKeys: ['namespace'] }),
  fc.record({ namespaceLabels: fc.constant({ purpose: 'edge' }) }),
);
const ruleArb = fc.record({
  from: fc.uniqueArray(peerArb, { minLength: 1, maxLength: 3, selector: (p) => JSON.stringify(p) }),
  ports: fc.oneof(
    fc.constant('all' as const),
    fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 3 }).map((ps) => ps.map((port) => ({ port }))),
  ),
  podLabels: fc.option(fc.constant({ app: 'web' }), { nil: undefined }),
}, { requiredKeys: ['from', 'ports'] });

const tenantArb: fc.Arbitrary<Omit<TenantProps, 'name'>> = fc.record({
  ingress: fc.option(fc.array(ruleArb, { maxLength: 3 }), { nil: undefined }),
  // Every choice that keeps DNS open (the default "dns" among them); "none" closes it, see multi-tenant.test.ts.
  egress: fc.oneof(
    fc.constant(undefined), fc.constant('dns' as const), fc.constant('internet' as const),
    fc.record({
      dns: fc.constant(true),
      internet: fc.option(fc.boolean(), { nil: undefined }),
      cidrs: fc.uniqueArray(cidrArb, { minLength: 1, maxLength: 4 }),
      ports: fc.option(fc.constant([{ port: 443 }]), { nil: undefined }),
    }, { requiredKeys: ['dns', 'cidrs'] }),
  ),
  allowIntraNamespace: fc.option(fc.boolean(), { nil: undefined }),
  admins: fc.option(fc.record({ users: fc.array(fc.constantFrom('alice', 'bob', 'carol@example.com'), { maxLength: 2 }), groups: fc.array(fc.constantFrom('team-a', 'devs'), { maxLength: 2 }) }), { nil: undefined }),
  quota: fc.option(fc.record({ cpu: fc.constantFrom('1', '2', '16'), memory: fc.constantFrom('1Gi', '4Gi'), pods: fc.integer({ min: 1, max: 100 }) }, { requiredKeys: [] }), { nil: undefined }),
}, { requiredKeys: [] });

const nameArb = fc.stringMatching(/^[a-z][a-z0-9-]{0,14}[a-z0-9]$/).filter((n) => n !== 'default' && !n.startsWith('kube-')
  // Tenants never take the outside namespaces' names (the ingress property tells tenants and outsiders apart).
  && !(OUTSIDE as readonly string[]).includes(n) && n !== 'edge-a');
const sandboxArb = fc.record({
  prefix: fc.constantFrom('', 't-', 'tenant-'),
  tenants: fc.uniqueArray(nameArb, { minLength: 1, maxLength: 50 })
    .chain((names) => fc.tuple(...names.map((name) => tenantArb.map((t) => ({ ...t, name }))))),
});

describe('properties over random tenant sets (1–50 tenants, random options)', () => {
  test('every tenant namespace is sealed: one default deny, DNS open, metadata closed, quota, limit range, bound by the policy', () => {
    fc.assert(fc.property(sandboxArb, ({ prefix, tenants }) => {
      const m = renderMultiTenantSandbox({ namespacePrefix: prefix, tenants }, 'sandbox');
      const objects = m.objects as readonly Any[];
      assertAllSchemaValid(objects);
      const policy = objects.find((o) => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name === m.policyName)!;
      const binding = objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name === m.policyName)!;
      // Two shared policies whatever the number of tenants: gVisor pods, and no Service externalIPs.
      expect(objects.filter((o) => o.kind === 'ValidatingAdmissionPolicy').map((o) => o.metadata.name)).toEqual([m.policyName, 'sandbox-restrict-tenant-objects']);
      expect(m.namespaces).toEqual(tenants.map((t) => `${prefix}${t.name}`));

      for (const ns of m.namespaces) {
        const inNs = objects.filter((o) => o.metadata.namespace === ns);
        const nps = inNs.filter((o) => o.kind === 'NetworkPolicy');
        const denyAll = nps.filter((p) => JSON.stringify(p.spec) === JSON.stringify({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] }));
        expect(denyAll).toHaveLength(1);

        const dnsRules = nps.flatMap((p) => p.spec.egress ?? []).filter((r: Any) =>
          r.to?.some((peer: Any) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'kube-system'));
        const dnsPorts = dnsRules.flatMap((r: Any) => r.ports ?? []).map((p: Any) => `${p.protocol}/${p.port}`);
        expect(dnsPorts).toEqual(expect.arrayContaining(['UDP/53', 'TCP/53']));
        // Every port on the DNS rule is 53: the kube-system opening is DNS only.
        expect(dnsPorts.every((p: string) => p.endsWith('/53'))).toBe(true);

        for (const p of nps) {
          for (const peer of (p.spec.egress ?? []).flatMap((r: Any) => r.to ?? [])) {
            if (peer.namespaceSelector) expect(peer.namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('kube-system');
            if (!peer.ipBlock) continue;
            const cidr = parseCidr(peer.ipBlock.cidr, 'x');
            const except = (peer.ipBlock.except ?? []).map((e: string) => parseCidr(e, 'x'));
            for (const md of METADATA) {
              if (networkContains(cidr, md)) expect(except.some((e: any) => networkContains(e, md))).toBe(true);
            }
            for (const e of except) expect(networkContains(cidr, e) && e.text !== cidr.text).toBe(true);
          }
          // Ingress comes from the tenant's own namespace, or from namespaces a rule names (never by an empty selector).
          for (const peer of (p.spec.ingress ?? []).flatMap((r: Any) => r.from ?? [])) {
            if (peer.namespaceSelector === undefined) expect(peer).toEqual({ podSelector: {} });
            else expect(Object.keys(peer.namespaceSelector.matchLabels ?? {}).length).toBeGreaterThan(0);
          }
        }

        expect(inNs.filter((o) => o.kind === 'ResourceQuota')).toHaveLength(1);
        expect(inNs.filter((o) => o.kind === 'LimitRange')).toHaveLength(1);
        expect(inNs.filter((o) => o.kind === 'ServiceAccount').every((sa) => sa.automountServiceAccountToken === false)).toBe(true);

        const nsLabels = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === ns)!.metadata.labels;
        expect(nsLabels['pod-security.kubernetes.io/enforce']).toBe('restricted');
        for (const sel of [policy.spec.matchConstraints.namespaceSelector, binding.spec.matchResources.namespaceSelector]) {
          for (const [k, v] of Object.entries(sel.matchLabels)) expect(nsLabels[k]).toBe(v);
        }
      }
      // The policy bites in a random tenant namespace.
      const ns = m.namespaces[m.namespaces.length - 1]!;
      const pod = renderSandboxedPod({ namespace: ns, containers: [{ name: 'a', image: 'a:1' }], runtimeClass: 'runc' }, 'p').objects[0] as Any;
      const nsLabels = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === ns)!.metadata.labels;
      expect(admit(policy, binding, { operation: 'CREATE', object: pod, namespaceLabels: nsLabels }).allowed).toBe(false);
    }), { numRuns: 40 });
  });

  test('ingress admits exactly what the rules name: the named peers on the named ports, never another tenant', () => {
    fc.assert(fc.property(sandboxArb, ({ prefix, tenants }) => {
      const m = renderMultiTenantSandbox({ namespacePrefix: prefix, tenants }, 'sandbox');
      const objects = m.objects as readonly Any[];
      const matches = (want: Record<string, string> | undefined, have: Record<string, string>) =>
        !want || Object.entries(want).every(([k, v]) => have[k] === v);
      tenants.forEach((t, i) => {
        const ns = m.namespaces[i]!;
        const others = m.namespaces.filter((n) => n !== ns).slice(0, 3);
        const sources: PodRef[] = [
          ...OUTSIDE.map((n) => podIn(n, { app: 'controller' })),
          podIn('monitoring', {}),
          podIn('edge-a', { app: 'controller' }, { purpose: 'edge' }),
          ...others.map((n) => podIn(n, { app: 'controller' })),
        ];
        const listed = (t.ingress ?? []).flatMap((r) => (r.ports === 'all' ? [] : r.ports.map((p) => p.port as number)));
        for (const target of [{ app: 'web' }, { app: 'db' }]) {
          for (const source of sources) {
            for (const port of [...listed, 80, 8080]) {
              // What the props say, computed from them alone.
              const expected = (t.ingress ?? []).some((r) => matches(r.podLabels, target)
                && (r.ports === 'all' || r.ports.some((p) => p.port === port))
                && r.from.some((peer) => matches(peer.podLabels, source.labels) && (peer.namespace !== undefined
                  ? peer.namespace === source.namespace
                  : matches(peer.namespaceLabels, source.namespaceLabels ?? {}))));
              expect(ingressAllowedFrom(objects, podIn(ns, target), source, { port })).toBe(expected);
              if (m.namespaces.includes(source.namespace!)) expect(expected).toBe(false);
            }
          }
        }
      });
    }), { numRuns: 40 });
  });
});
