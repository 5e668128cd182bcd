// Issue 13, point 4: tenants can receive traffic. A tenant's `ingress` rules
// open its default-deny ingress to named peers on named ports, one
// NetworkPolicy per rule; everything else stays denied, other tenants included.
import { GvisorIacErrorCode, MultiTenantSandboxProps, TenantProps, renderMultiTenantSandbox } from '../../../lib/core';
import { IngressPort, PodRef, ingressAllowedFrom, podIn } from '../../helpers/network-policy';
import { expectRefusal } from '../../helpers/refusal';
import { assertAllSchemaValid } from '../../helpers/schema';

type Any = Record<string, any>;

const MANAGED = { 'app.kubernetes.io/managed-by': 'gvisor-iac' };
const render = (tenants: TenantProps[], props: Partial<MultiTenantSandboxProps> = {}) => renderMultiTenantSandbox({ ...props, tenants }, 'tenants');
const one = (tenant: Partial<TenantProps>, props: Partial<MultiTenantSandboxProps> = {}) => render([{ name: 'web', ...tenant }], props);
const policies = (objects: readonly Any[], ns = 'web') => objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === ns);
const policy = (objects: readonly Any[], name: string, ns = 'web') => policies(objects, ns).find((o) => o.metadata.name === name);

/** The ingress controller stand-in of these tests: namespace ingress-nginx, its pods labelled as the chart labels them. */
const CONTROLLER = { namespace: 'ingress-nginx' };
const HTTP = { port: 8080 };

describe('the default: no ingress from outside the namespace', () => {
  const m = one({});
  test('no allow-ingress policy; default-deny-all and allow-same-namespace only admit the tenant itself', () => {
    expect(policies(m.objects).map((o) => o.metadata.name)).toEqual(['default-deny-all', 'allow-dns', 'allow-same-namespace']);
    const web = podIn('web', { app: 'web' });
    expect(ingressAllowedFrom(m.objects, web, podIn('ingress-nginx'), HTTP)).toBe(false);
    expect(ingressAllowedFrom(m.objects, web, podIn('web', { app: 'other' }), HTTP)).toBe(true);
  });
});

describe('one NetworkPolicy per rule, admitting exactly its peers on its ports', () => {
  test('a namespace by name, one port: the exact policy', () => {
    const m = one({ ingress: [{ from: [CONTROLLER], ports: [HTTP] }] });
    expect(policy(m.objects, 'allow-ingress-0')).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-ingress-0', namespace: 'web', labels: MANAGED },
      spec: {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [{
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
          ports: [{ protocol: 'TCP', port: 8080 }],
        }],
      },
    });
    // After the sandbox's own policies, in rule order.
    expect(policies(m.objects).map((o) => o.metadata.name)).toEqual(['default-deny-all', 'allow-dns', 'allow-same-namespace', 'allow-ingress-0']);
    assertAllSchemaValid(m.objects);
  });

  test('every peer form, target pods, named ports, ranges, protocols, a rule name', () => {
    const m = one({
      ingress: [{
        name: 'web',
        podLabels: { app: 'web' },
        from: [
          { namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
          { namespaceLabels: { team: 'edge' } },
          { allNamespaces: true, podLabels: { role: 'prober' } },
        ],
        ports: [{ port: 'http' }, { port: 9000, endPort: 9010 }, { port: 5353, protocol: 'UDP' }],
      }, { name: 'metrics', from: [{ namespace: 'monitoring' }], ports: 'all' }],
    });
    expect(policy(m.objects, 'allow-ingress-web')!.spec).toEqual({
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } },
          { namespaceSelector: { matchLabels: { team: 'edge' } } },
          { namespaceSelector: {}, podSelector: { matchLabels: { role: 'prober' } } },
        ],
        ports: [{ protocol: 'TCP', port: 'http' }, { protocol: 'TCP', port: 9000, endPort: 9010 }, { protocol: 'UDP', port: 5353 }],
      }],
    });
    // ports: "all" is a rule without ports: every port, said explicitly.
    expect(policy(m.objects, 'allow-ingress-metrics')!.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] }],
    });
    assertAllSchemaValid(m.objects);
  });

  test('the rules of one tenant stay in its namespace; the sandbox labels are on the policies', () => {
    const m = render([{ name: 'a', ingress: [{ from: [CONTROLLER], ports: [HTTP] }] }, { name: 'b' }], { namespacePrefix: 't-', labels: { team: 'x' } });
    expect(policies(m.objects, 't-a').map((o) => o.metadata.name)).toContain('allow-ingress-0');
    expect(policies(m.objects, 't-b').map((o) => o.metadata.name)).not.toContain('allow-ingress-0');
    expect(policy(m.objects, 'allow-ingress-0', 't-a')!.metadata.labels).toEqual({ ...MANAGED, team: 'x' });
  });

  test('the resolved rule is not shared with the output (each render builds its own objects)', () => {
    const tenant: TenantProps = { name: 'web', ingress: [{ from: [{ namespace: 'x', podLabels: { a: 'b' } }], ports: [HTTP] }] };
    const first = render([tenant]);
    (policy(first.objects, 'allow-ingress-0')!.spec.ingress[0].from[0].podSelector.matchLabels as Any).a = 'changed';
    expect(policy(render([tenant]).objects, 'allow-ingress-0')!.spec.ingress[0].from[0].podSelector.matchLabels).toEqual({ a: 'b' });
    expect(tenant.ingress![0]!.from[0]!.podLabels).toEqual({ a: 'b' });
  });
});

describe('what the policies admit (an independent NetworkPolicy evaluator)', () => {
  const m = render([
    {
      name: 'web',
      ingress: [{ podLabels: { app: 'web' }, from: [{ namespace: 'ingress-nginx', podLabels: { app: 'controller' } }], ports: [HTTP] }],
    },
    { name: 'other' },
    { name: 'partner', ingress: [{ from: [{ namespace: 'other' }], ports: [{ port: 'http' }] }] },
  ]);
  const web = podIn('web', { app: 'web' });
  const controller = podIn('ingress-nginx', { app: 'controller' });
  const CASES: [string, PodRef, PodRef, IngressPort, boolean][] = [
    ['the controller reaches the web pods on the allowed port', web, controller, HTTP, true],
    ['… over UDP it does not', web, controller, { ...HTTP, protocol: 'UDP' }, false],
    ['… on another port it does not', web, controller, { port: 9090 }, false],
    ['… nor another pod of the tenant', podIn('web', { app: 'db' }), controller, HTTP, false],
    ['another pod of the controller namespace does not', web, podIn('ingress-nginx', { app: 'debug' }), HTTP, false],
    ['a namespace labelled like the controller\'s, under another name, does not', web, podIn('evil', { app: 'controller' }, { 'kubernetes.io/metadata.name': 'ingress-nginx' }), HTTP, false],
    ['another tenant does not', web, podIn('other', { app: 'controller' }), HTTP, false],
    ['a tenant without rules admits nobody from outside', podIn('other', { app: 'web' }), controller, HTTP, false],
    ['a tenant that names another tenant admits it, on the named port', podIn('partner', {}), podIn('other'), { port: 8080, name: 'http' }, true],
    ['… on its name only', podIn('partner', {}), podIn('other'), { port: 8080 }, false],
    ['… and only that tenant', podIn('partner', {}), podIn('web'), { port: 8080, name: 'http' }, false],
  ];
  test.each(CASES)('%s', (_what, target, source, port, allowed) => {
    expect(ingressAllowedFrom(m.objects, target, source, port)).toBe(allowed);
  });
});

describe('invalid ingress rules are refused, naming field, value and fix', () => {
  const P = 'props.tenants[0].ingress';
  const rule = (r: Any) => ({ ingress: [{ from: [CONTROLLER], ports: [HTTP], ...r }] });
  const peer = (p: Any) => rule({ from: [p] });
  const port = (p: Any) => rule({ ports: [p] });
  const CASES: [string, Any, GvisorIacErrorCode, string, string][] = [
    ['not a list (allowIngress meant)', { ingress: true }, 'INVALID_TYPE', P, 'true is not a list of ingress rules; write [{ from: [{ namespace: "<name>" }], ports: [{ port: 8080 }] }] (to let tenant admins write Ingress objects, set allowIngress: true)'],
    ['a rule not an object', { ingress: ['ingress-nginx'] }, 'INVALID_TYPE', `${P}[0]`, 'is not an object'],
    ['unknown rule field', rule({ port: [HTTP] }), 'UNKNOWN_FIELD', `${P}[0].port`, 'is not a known field; did you mean "ports"?'],
    ['no from', { ingress: [{ ports: [HTTP] }] }, 'REQUIRED', `${P}[0].from`, '(missing) is not an array'],
    ['empty from', rule({ from: [] }), 'REQUIRED', `${P}[0].from`, '[] lists no peer; name who may connect, e.g. [{ namespace: "ingress-nginx" }]'],
    ['no ports', { ingress: [{ from: [CONTROLLER] }] }, 'REQUIRED', `${P}[0].ports`, 'is required: a rule names the ports it opens; list them, e.g. ports: [{ port: 8080 }], or write ports: "all" to open every port'],
    ['empty ports', rule({ ports: [] }), 'INVALID_VALUE', `${P}[0].ports`, '[] is empty; list at least one port, or write "all"'],
    ['a word other than "all"', rule({ ports: 'any' }), 'INVALID_VALUE', `${P}[0].ports`, '"any" is not one of "all"'],
    ['empty target labels', rule({ podLabels: {} }), 'INVALID_VALUE', `${P}[0].podLabels`, '{} selects no labels, which would mean every pod of the tenant; name the receiving pods\' labels, or omit podLabels'],
    ['bad target label', rule({ podLabels: { 'bad key': 'x' } }), 'INVALID_LABEL', `${P}[0].podLabels["bad key"]`, 'is not a valid label key'],
    ['bad rule name', rule({ name: 'Web_Traffic' }), 'INVALID_NAME', `${P}[0].name`, 'try "web-traffic"'],
    ['rule name too long for the policy name', rule({ name: 'a'.repeat(50) }), 'INVALID_NAME', `${P}[0].name`, 'is 50 characters; a DNS-1123 label has at most 49'],
    ['an empty peer (every namespace by accident)', peer({}), 'REQUIRED', `${P}[0].from[0]`, '{} names no namespace (an empty selector would admit every namespace); set namespace: "<name>", namespaceLabels: { … }, or allNamespaces: true'],
    ['pod labels alone', peer({ podLabels: { app: 'x' } }), 'REQUIRED', `${P}[0].from[0]`, 'names no namespace'],
    ['empty namespace labels', peer({ namespaceLabels: {} }), 'INVALID_VALUE', `${P}[0].from[0].namespaceLabels`, '{} selects no labels, which would mean every namespace; name the namespaces\' labels, or write allNamespaces: true if every namespace is meant'],
    ['empty peer pod labels', peer({ namespace: 'x', podLabels: {} }), 'INVALID_VALUE', `${P}[0].from[0].podLabels`, 'which would mean every pod; name the pods\' labels, or omit podLabels'],
    ['allNamespaces false', peer({ allNamespaces: false }), 'INVALID_VALUE', `${P}[0].from[0].allNamespaces`, 'false is not one of true; write allNamespaces: true to admit every namespace'],
    ['two namespace choices', peer({ namespace: 'x', allNamespaces: true }), 'INVALID_VALUE', `${P}[0].from[0]`, 'sets namespace and allNamespaces, which each choose the namespaces; set exactly one'],
    ['a namespace that is no DNS label', peer({ namespace: 'Ingress_Nginx' }), 'INVALID_NAME', `${P}[0].from[0].namespace`, 'try "ingress-nginx"'],
    ['bad namespace label value', peer({ namespaceLabels: { team: 'a b' } }), 'INVALID_LABEL', `${P}[0].from[0].namespaceLabels.team`, 'is not a valid label value'],
    ['unknown peer field', peer({ namespaces: 'x' }), 'UNKNOWN_FIELD', `${P}[0].from[0].namespaces`, 'did you mean "namespace"?'],
    ['an ipBlock peer', peer({ ipBlock: { cidr: '0.0.0.0/0' } }), 'UNKNOWN_FIELD', `${P}[0].from[0].ipBlock`, 'is not a field of a tenant ingress peer; ingress peers are namespaces and pods'],
    ['raw namespaceSelector', peer({ namespaceSelector: {} }), 'UNKNOWN_FIELD', `${P}[0].from[0].namespaceSelector`, 'write namespace: "<name>" for one namespace'],
    ['the same peer twice', rule({ from: [CONTROLLER, { namespace: 'ingress-nginx' }] }), 'INVALID_VALUE', `${P}[0].from[1]`, 'admits the same pods as props.tenants[0].ingress[0].from[0]; list each peer once'],
    ['port 0', port({ port: 0 }), 'INVALID_INTEGER', `${P}[0].ports[0].port`, '0 is not a whole number from 1 to 65535'],
    ['port 65536', port({ port: 65536 }), 'INVALID_INTEGER', `${P}[0].ports[0].port`, 'from 1 to 65535'],
    ['a port as a numeric string', port({ port: '8080' }), 'INVALID_TYPE', `${P}[0].ports[0].port`, '"8080" is a port number written as a string; write it as a number: 8080'],
    ['a port name in capitals', port({ port: 'HTTP' }), 'INVALID_VALUE', `${P}[0].ports[0].port`, '"HTTP" is not a port name (at most 15 lowercase letters, digits and \'-\', with a letter); use a container port\'s name such as "http", or its number'],
    ['a port name too long', port({ port: 'a-very-long-port-name' }), 'INVALID_VALUE', `${P}[0].ports[0].port`, 'is not a port name'],
    ['a port name with "--"', port({ port: 'we--b' }), 'INVALID_VALUE', `${P}[0].ports[0].port`, 'is not a port name'],
    ['a port missing', port({ protocol: 'TCP' }), 'INVALID_INTEGER', `${P}[0].ports[0].port`, '(missing) is not a whole number'],
    ['endPort below port', port({ port: 9000, endPort: 80 }), 'INVALID_INTEGER', `${P}[0].ports[0].endPort`, '80 is not a whole number from 9000 to 65535'],
    ['endPort with a named port', port({ port: 'http', endPort: 9000 }), 'INVALID_VALUE', `${P}[0].ports[0].endPort`, 'ends a range that starts at a named port'],
    ['bad protocol', port({ port: 80, protocol: 'ICMP' }), 'INVALID_VALUE', `${P}[0].ports[0].protocol`, '"ICMP" is not one of "TCP", "UDP", "SCTP"'],
    ['unknown port field', port({ port: 80, protocl: 'UDP' }), 'UNKNOWN_FIELD', `${P}[0].ports[0].protocl`, 'did you mean "protocol"?'],
    ['the same port twice', rule({ ports: [HTTP, { port: 8080, protocol: 'TCP' }] }), 'INVALID_VALUE', `${P}[0].ports[1]`, 'is listed twice'],
    ['two rules with one name', { ingress: [{ name: 'web', from: [CONTROLLER], ports: [HTTP] }, { name: 'web', from: [{ namespace: 'x' }], ports: [HTTP] }] }, 'DUPLICATE_NAME', `${P}[1].name`, '"web" is already the name of props.tenants[0].ingress[0]'],
    ['a name that clashes with an index', { ingress: [{ name: '1', from: [CONTROLLER], ports: [HTTP] }, { from: [{ namespace: 'x' }], ports: [HTTP] }] }, 'DUPLICATE_NAME', `${P}[1]`, 'is already the name of props.tenants[0].ingress[0] (a rule without a name is named by its index)'],
    ['ingress misspelt', { ingres: [] }, 'UNKNOWN_FIELD', 'props.tenants[0].ingres', 'did you mean "ingress"?'],
  ];
  test.each(CASES)('%s', (_what, tenant, code, field, message) => {
    expectRefusal(() => one(tenant as Partial<TenantProps>), { code, field, message });
  });
});
