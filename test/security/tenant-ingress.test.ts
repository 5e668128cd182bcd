// Issue 13, point 4, in both frontends: a tenant's ingress rules reach the
// cluster as the core renders them (cdk8s synth and the Pulumi inputs alike),
// and every opening that would admit more than was named — an empty selector,
// a rule without ports, an ipBlock, allNamespaces: false — is refused the
// same way in both, before anything is registered.
import { FrontendCase, buildCdk8s, buildPulumi, refusedInBoth } from '../helpers/frontends';
import { ingressAllowedFrom, podIn } from '../helpers/network-policy';
import { renderMultiTenantSandbox } from 'gvisor-iac';

type Any = Record<string, any>;

const INGRESS = [
  { name: 'web', podLabels: { app: 'web' }, from: [{ namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } }], ports: [{ port: 8080 }, { port: 'https' }] },
  { name: 'scrape', from: [{ namespaceLabels: { purpose: 'monitoring' } }], ports: [{ port: 9090, endPort: 9099 }] },
];
const CASE: FrontendCase = {
  construct: 'MultiTenantSandbox',
  id: 'tenants',
  props: { namespacePrefix: 'team-', tenants: [{ name: 'shop', ingress: INGRESS }, { name: 'closed' }] },
};
/** The ingress policies, by namespace and name (the Pulumi mock records registrations as they settle, not in apply order). */
const ingressPolicies = (objects: readonly Any[]) => objects
  .filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name.startsWith('allow-ingress-'))
  .sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));

describe('tenant ingress in cdk8s and Pulumi', () => {
  const core = ingressPolicies(renderMultiTenantSandbox(CASE.props, CASE.id).objects);

  test('the core renders one policy per rule, in the tenant namespace only', () => {
    expect(core.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['team-shop/allow-ingress-scrape', 'team-shop/allow-ingress-web']);
  });

  test('cdk8s synthesises exactly those policies', () => {
    expect(ingressPolicies(buildCdk8s(CASE))).toEqual(core);
  });

  test('Pulumi registers exactly those policies', async () => {
    expect(ingressPolicies(await buildPulumi(CASE))).toEqual(core);
  });

  test('what they admit: the controller on 8080 and by port name, nothing else; the closed tenant nothing from outside', async () => {
    const objects = await buildPulumi(CASE);
    const web = podIn('team-shop', { app: 'web' });
    const controller = podIn('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' });
    expect(ingressAllowedFrom(objects, web, controller, { port: 8080 })).toBe(true);
    expect(ingressAllowedFrom(objects, web, controller, { port: 8443, name: 'https' })).toBe(true);
    expect(ingressAllowedFrom(objects, web, controller, { port: 8443 })).toBe(false);
    expect(ingressAllowedFrom(objects, web, podIn('team-closed', { 'app.kubernetes.io/name': 'ingress-nginx' }), { port: 8080 })).toBe(false);
    expect(ingressAllowedFrom(objects, web, podIn('prometheus', {}, { purpose: 'monitoring' }), { port: 9095 })).toBe(true);
    expect(ingressAllowedFrom(objects, web, podIn('prometheus', {}, { purpose: 'monitoring' }), { port: 8080 })).toBe(false);
    expect(ingressAllowedFrom(objects, podIn('team-closed', { app: 'web' }), controller, { port: 8080 })).toBe(false);
  });
});

describe('openings wider than named are refused in both frontends, registering nothing', () => {
  const withRule = (rule: Any): FrontendCase => ({ construct: 'MultiTenantSandbox', id: 'tenants', props: { tenants: [{ name: 'shop', ingress: [rule] }] } });
  const P = 'props.tenants[0].ingress[0]';
  test.each([
    ['an empty peer: every namespace by accident', { from: [{}], ports: [{ port: 80 }] }, 'REQUIRED', `${P}.from[0]`],
    ['an empty namespace selector', { from: [{ namespaceLabels: {} }], ports: [{ port: 80 }] }, 'INVALID_VALUE', `${P}.from[0].namespaceLabels`],
    ['allNamespaces: false', { from: [{ allNamespaces: false }], ports: [{ port: 80 }] }, 'INVALID_VALUE', `${P}.from[0].allNamespaces`],
    ['a rule without ports: every port by accident', { from: [{ namespace: 'ingress-nginx' }] }, 'REQUIRED', `${P}.ports`],
    ['an ipBlock peer', { from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 80 }] }, 'UNKNOWN_FIELD', `${P}.from[0].ipBlock`],
    ['empty target labels: every pod of the tenant, unsaid', { from: [{ namespace: 'x' }], ports: 'all', podLabels: {} }, 'INVALID_VALUE', `${P}.podLabels`],
  ])('%s', async (_what, rule, code, path) => {
    const e = await refusedInBoth(withRule(rule));
    expect([e.code, e.path]).toEqual([code, path]);
  });
});
