import {
  MultiTenantSandboxProps, TENANT_ADMIN_RULES, egressRules, TenantProps, renderMultiTenantSandbox, runtimeClassRef,
} from '../../../lib/core';
import { assertAllSchemaValid } from '../../helpers/schema';

type Any = Record<string, any>;

const render = (props: Partial<MultiTenantSandboxProps> & { tenants: TenantProps[] }, id = 'tenants') => renderMultiTenantSandbox(props, id);
const one = (tenant: Partial<TenantProps> = {}, props: Partial<MultiTenantSandboxProps> = {}) => render({ ...props, tenants: [{ name: 'tenant-a', ...tenant }] });
const find = (objects: readonly Any[], kind: string, name?: string, ns?: string): Any | undefined =>
  objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name) && (ns === undefined || o.metadata.namespace === ns));
const policyNamed = (objects: readonly Any[], name: string) => find(objects, 'NetworkPolicy', name, 'tenant-a');
const MANAGED = { 'app.kubernetes.io/managed-by': 'gvisor-iac' };

describe('renderMultiTenantSandbox: what one tenant gets by default', () => {
  const m = one();

  test('the objects, in apply order', () => {
    expect(m.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
      'Namespace//tenant-a',
      'ValidatingAdmissionPolicy//tenants-require-gvisor',
      'ValidatingAdmissionPolicy//tenants-restrict-tenant-objects',
      'ServiceAccount/tenant-a/workload',
      'ResourceQuota/tenant-a/tenant-quota',
      'LimitRange/tenant-a/container-defaults',
      'NetworkPolicy/tenant-a/default-deny-all',
      'NetworkPolicy/tenant-a/allow-dns',
      'NetworkPolicy/tenant-a/allow-same-namespace',
      'ValidatingAdmissionPolicyBinding//tenants-require-gvisor',
      'ValidatingAdmissionPolicyBinding//tenants-restrict-tenant-objects',
    ]);
    expect(m.objects[m.primary!]!.metadata.name).toBe('tenants-require-gvisor');
    assertAllSchemaValid(m.objects);
  });

  test('outputs for wrappers: tenants, namespaces, policy and runtime class names', () => {
    expect(m.tenants).toEqual([{ name: 'tenant-a', namespace: 'tenant-a', serviceAccountName: 'workload' }]);
    expect(m.namespaces).toEqual(['tenant-a']);
    expect(m.policyName).toBe('tenants-require-gvisor');
    expect(m.runtimeClassName).toBe('gvisor');
  });

  test('Namespace: Pod Security restricted (enforce, audit, warn) at version latest, tenant and sandbox labels', () => {
    expect(find(m.objects, 'Namespace')).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'tenant-a',
        labels: {
          ...MANAGED,
          'gvisor-iac.dev/tenant': 'tenant-a',
          'gvisor-iac.dev/sandbox': 'tenants',
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/audit-version': 'latest',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': 'latest',
        },
      },
    });
  });

  test('ServiceAccount "workload" without token automount', () => {
    expect(find(m.objects, 'ServiceAccount')).toEqual({
      apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'workload', namespace: 'tenant-a', labels: MANAGED }, automountServiceAccountToken: false,
    });
  });

  test('ResourceQuota defaults: 4 cpu / 8Gi requests and limits, 20 pods, no LoadBalancer or NodePort', () => {
    expect(find(m.objects, 'ResourceQuota')!.spec.hard).toEqual({
      'requests.cpu': '4',
      'limits.cpu': '4',
      'requests.memory': '8Gi',
      'limits.memory': '8Gi',
      'pods': '20',
      'services': '10',
      'services.loadbalancers': '0',
      'services.nodeports': '0',
      'persistentvolumeclaims': '10',
      'requests.storage': '100Gi',
      'configmaps': '50',
      'secrets': '50',
    });
  });

  test('LimitRange: container defaults 100m/128Mi requests, 500m/256Mi limits', () => {
    expect(find(m.objects, 'LimitRange')!.spec).toEqual({
      limits: [{ type: 'Container', defaultRequest: { cpu: '100m', memory: '128Mi' }, default: { cpu: '500m', memory: '256Mi' } }],
    });
  });

  test('NetworkPolicy default-deny-all: every pod, both directions, no rule', () => {
    expect(policyNamed(m.objects, 'default-deny-all')!.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('NetworkPolicy allow-dns: UDP and TCP 53 to kube-dns in kube-system, nothing else', () => {
    expect(policyNamed(m.objects, 'allow-dns')!.spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      }],
    });
  });

  test('NetworkPolicy allow-same-namespace (allowIntraNamespace defaults to true)', () => {
    expect(policyNamed(m.objects, 'allow-same-namespace')!.spec).toEqual({
      podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }],
    });
  });

  test('egress defaults to "dns": no egress policy beyond DNS; no admins: no Role or RoleBinding', () => {
    expect(policyNamed(m.objects, 'allow-egress')).toBeUndefined();
    expect(find(m.objects, 'Role')).toBeUndefined();
    expect(find(m.objects, 'RoleBinding')).toBeUndefined();
  });
});

describe('tenant options', () => {
  test('egress "internet": everything public, never private, CGNAT, loopback, link-local, metadata, NAT64 or IPv4-mapped', () => {
    const spec = policyNamed(one({ egress: 'internet' }).objects, 'allow-egress')!.spec;
    expect(spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [
          { ipBlock: { cidr: '0.0.0.0/0', except: ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '168.63.129.16/32', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.192/32', '192.168.0.0/16', '224.0.0.0/4', '240.0.0.0/4'] } },
          // The one builder and the one (address) order: the same peers as an untrusted run's "internet".
          egressRules('internet', 'egress')[1]!.to![1]!,
        ],
      }],
    });
  });

  test('internetExcept adds cluster ranges in public space to the "internet" exclusions', () => {
    const spec = policyNamed(one({ egress: 'internet' }, { internetExcept: ['203.0.113.0/24', '2001:db8::/32', '10.1.0.0/16'] }).objects, 'allow-egress')!.spec;
    expect(spec.egress[0].to[0].ipBlock.except).toEqual(['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '168.63.129.16/32', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.192/32', '192.168.0.0/16', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4']);
    expect(spec.egress[0].to[1].ipBlock.except).toContain('2001:db8::/32');
  });

  test('egress CIDRs: only those, with link-local and metadata addresses carved out of any that contain them', () => {
    const spec = policyNamed(one({ egress: { dns: true, cidrs: ['203.0.113.0/24', '169.0.0.0/8', 'fd00::/8', '2001:db8::/32'] } }).objects, 'allow-egress')!.spec;
    expect(spec.egress[0].to).toEqual([
      { ipBlock: { cidr: '203.0.113.0/24' } },
      { ipBlock: { cidr: '169.0.0.0/8', except: ['169.254.0.0/16'] } },
      { ipBlock: { cidr: 'fd00::/8', except: ['fd00:42::42/128', 'fd00:c1::a9fe:a9fe/128', 'fd00:100::100:200/128', 'fd00:ec2::/32', 'fd00:a9fe:a9fe::1/128', 'fd20:ce::254/128'] } },
      { ipBlock: { cidr: '2001:db8::/32' } },
    ]);
  });

  test('egress ports limit the egress rule (protocol defaults to TCP)', () => {
    const spec = policyNamed(one({ egress: { dns: true, internet: true, ports: [{ port: 443 }, { port: 8000, endPort: 8080, protocol: 'UDP' }] } }).objects, 'allow-egress')!.spec;
    expect(spec.egress[0].ports).toEqual([{ port: 443, protocol: 'TCP' }, { port: 8000, protocol: 'UDP', endPort: 8080 }]);
  });

  test('one meaning of each egress word, as for an untrusted run: "none" blocks DNS too, "dns" is DNS only', () => {
    const policies = (egress: TenantProps['egress']) => one({ egress, allowIntraNamespace: false }).objects.filter((o) => o.kind === 'NetworkPolicy');
    expect(policies('none').map((o) => o.metadata.name)).toEqual(['default-deny-all']);
    expect(policies('dns').map((o) => o.metadata.name)).toEqual(['default-deny-all', 'allow-dns']);
    expect(policies({ cidrs: ['203.0.113.0/24'] }).map((o) => o.metadata.name)).toEqual(['default-deny-all', 'allow-egress']);
    // The same rules an untrusted run gets for the same choice, split over the tenant's policies.
    for (const egress of ['none', 'dns', 'internet', { dns: true, cidrs: ['203.0.113.0/24'], ports: [{ port: 443 }] }] as const) {
      expect(policies(egress).flatMap((o) => (o as Any).spec.egress ?? [])).toEqual(egressRules(egress, 'egress'));
    }
  });

  test('allowIntraNamespace: false leaves only deny + DNS', () => {
    const names = one({ allowIntraNamespace: false }).objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name);
    expect(names).toEqual(['default-deny-all', 'allow-dns']);
  });

  test('quota: friendly fields and raw hard keys', () => {
    const hard = find(one({ quota: { cpu: '2', memory: '4Gi', pods: 5, loadBalancers: 1, hard: { 'count/jobs.batch': '3', 'limits.cpu': '3' } } }).objects, 'ResourceQuota')!.spec.hard;
    expect(hard).toMatchObject({ 'requests.cpu': '2', 'limits.cpu': '3', 'requests.memory': '4Gi', 'limits.memory': '4Gi', 'pods': '5', 'services.loadbalancers': '1', 'count/jobs.batch': '3' });
  });

  test('containerDefaults set the LimitRange', () => {
    const lr = find(one({ containerDefaults: { requests: { cpu: '50m' }, limits: { memory: '1Gi' } } }).objects, 'LimitRange')!;
    expect(lr.spec.limits[0]).toEqual({ type: 'Container', defaultRequest: { cpu: '50m', memory: '128Mi' }, default: { cpu: '500m', memory: '1Gi' } });
  });

  test('admins get a tenant-admin Role and RoleBinding in their namespace', () => {
    const objects = one({ admins: { users: ['alice@example.com'], groups: ['team-a', 'team-a'] } }).objects;
    expect(find(objects, 'RoleBinding')).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'tenant-admin', namespace: 'tenant-a', labels: MANAGED },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'tenant-admin' },
      subjects: [
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice@example.com' },
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'team-a' },
      ],
    });
    expect(find(objects, 'Role')!.rules).toEqual(TENANT_ADMIN_RULES);
    assertAllSchemaValid(objects);
  });

  test('serviceAccountName and namespace labels', () => {
    const objects = one({ serviceAccountName: 'runner', labels: { team: 'a' } }).objects;
    expect(find(objects, 'ServiceAccount')!.metadata.name).toBe('runner');
    expect(find(objects, 'Namespace')!.metadata.labels.team).toBe('a');
  });
});

describe('the tenant-admin Role cannot loosen its own sandbox', () => {
  const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection', '*'];
  const SEALS: [string, string][] = [
    ['networking.k8s.io', 'networkpolicies'], ['', 'resourcequotas'], ['', 'limitranges'], ['rbac.authorization.k8s.io', 'roles'],
    ['rbac.authorization.k8s.io', 'rolebindings'], ['', 'namespaces'], ['', 'serviceaccounts'], ['', 'endpoints'], ['discovery.k8s.io', 'endpointslices'],
  ];
  const allows = (group: string, resource: string, verb: string) =>
    TENANT_ADMIN_RULES.some((r) => (r.apiGroups!.includes(group) || r.apiGroups!.includes('*')) && (r.resources!.includes(resource) || r.resources!.includes('*')) && (r.verbs.includes(verb) || r.verbs.includes('*')));

  test.each(SEALS)('no write on %s/%s', (group, resource) => {
    for (const verb of WRITE_VERBS) expect(allows(group, resource, verb)).toBe(false);
  });

  test('no wildcard, no escalate, bind or impersonate anywhere', () => {
    for (const r of TENANT_ADMIN_RULES) {
      expect([...r.apiGroups!, ...r.resources!, ...r.verbs]).not.toContain('*');
      for (const v of ['escalate', 'bind', 'impersonate']) expect(r.verbs).not.toContain(v);
    }
  });

  test.each([['', 'pods'], ['apps', 'deployments'], ['batch', 'jobs'], ['', 'secrets'], ['', 'services']])('can manage workloads: %s/%s', (group, resource) => {
    expect(allows(group, resource, 'create')).toBe(true);
    expect(allows(group, resource, 'delete')).toBe(true);
  });
});

describe('sandbox-wide options', () => {
  test('namespacePrefix: namespace = prefix + tenant name; the tenant label keeps the tenant name', () => {
    const m = render({ namespacePrefix: 'tenant-', tenants: [{ name: 'a' }] });
    expect(m.namespaces).toEqual(['tenant-a']);
    expect(find(m.objects, 'Namespace')!.metadata.labels['gvisor-iac.dev/tenant']).toBe('a');
    expect(m.objects.filter((o) => o.metadata.namespace).every((o) => o.metadata.namespace === 'tenant-a')).toBe(true);
  });

  test('podSecurityVersion pins the version labels', () => {
    const labels = find(one({}, { podSecurityVersion: 'v1.34' }).objects, 'Namespace')!.metadata.labels;
    expect(['enforce', 'audit', 'warn'].map((m) => labels[`pod-security.kubernetes.io/${m}-version`])).toEqual(['v1.34', 'v1.34', 'v1.34']);
  });

  test('dns: another namespace and pod labels, or the whole DNS namespace', () => {
    const custom = policyNamed(one({}, { dns: { namespace: 'dns', podLabels: { app: 'coredns' } } }).objects, 'allow-dns')!.spec.egress[0].to;
    expect(custom).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } }, podSelector: { matchLabels: { app: 'coredns' } } }]);
    const whole = policyNamed(one({}, { dns: { podLabels: false } }).objects, 'allow-dns')!.spec.egress[0].to;
    expect(whole).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }]);
  });

  test('name and labels: the sandbox label value, the policy name, labels on every object', () => {
    const m = one({}, { name: 'platform', labels: { team: 'platform' } });
    expect(m.policyName).toBe('platform-require-gvisor');
    expect(find(m.objects, 'Namespace')!.metadata.labels['gvisor-iac.dev/sandbox']).toBe('platform');
    for (const o of m.objects) expect(o.metadata.labels).toMatchObject({ ...MANAGED, team: 'platform' });
  });

  test('the name is derived from the id when not given', () => {
    expect(render({ tenants: [{ name: 'a' }] }, 'MyTenants').policyName).toBe('my-tenants-require-gvisor');
  });

  test('runtimeClass: a ref names the class the policy requires', () => {
    const m = one({}, { runtimeClass: runtimeClassRef('gvisor-sandbox', { podOverhead: { cpu: '250m', memory: '256Mi' } }) });
    expect(m.runtimeClassName).toBe('gvisor-sandbox');
    expect(JSON.stringify(find(m.objects, 'ValidatingAdmissionPolicy')!.spec.validations[0].expression)).toContain("== 'gvisor-sandbox'");
  });

  test('overrides patch the admission policy by default', () => {
    const m = one({}, { overrides: [{ patch: [{ op: 'add', path: '/metadata/annotations', value: { owner: 'platform' } }] }] });
    expect(find(m.objects, 'ValidatingAdmissionPolicy')!.metadata.annotations).toEqual({ owner: 'platform' });
  });

  test('output is deterministic', () => {
    const props = { tenants: [{ name: 'b', egress: 'internet' as const }, { name: 'a', admins: { users: ['u'] } }] };
    expect(render(props)).toEqual(render(props));
  });
});
