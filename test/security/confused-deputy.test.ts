/*
 * Class 6 of issue 9: confused deputies. A tenant must not be able to make a
 * cluster component (kube-proxy, an ingress controller, the API server's
 * proxy, the PersistentVolume binder, the token controller) act for it
 * outside its namespace. Two layers: what the tenant Role lets a tenant write
 * at all, and what the shared admission policy (run here on a real CEL
 * engine) refuses in what it may write.
 */
import type { PolicyRule } from 'kubernetes-types/rbac/v1';
import { INGRESS_DEPUTY_ANNOTATION_PATTERN, PV_BINDER_USERS, TENANT_INGRESS_RULE } from '../../lib/core';
import { AdmissionRequest, admit } from '../helpers/admission';
import { mockPulumi, settle } from '../helpers/pulumi';
import { synth } from '../helpers/synth';
import { TENANT_ADMIN_RULES, renderMultiTenantSandbox } from 'gvisor-iac';
import * as k8s from 'gvisor-iac/cdk8s';
import * as pl from 'gvisor-iac/pulumi';

type Any = Record<string, any>;

const sandbox = renderMultiTenantSandbox({
  tenants: [{ name: 'tenant-a', admins: { users: ['alice'] } }, { name: 'tenant-b', admins: { groups: ['team-b'] }, allowIngress: true }],
}, 'tenants');
const byName = (kind: string, name: string, ns?: string) =>
  sandbox.objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === ns) as Any;
const policy = byName('ValidatingAdmissionPolicy', 'tenants-restrict-tenant-objects');
const binding = byName('ValidatingAdmissionPolicyBinding', 'tenants-restrict-tenant-objects');
const nsLabels = (ns: string): Record<string, string> => byName('Namespace', ns)?.metadata.labels ?? {};

const create = (object: Any, extra: Partial<AdmissionRequest> = {}): AdmissionRequest => ({
  operation: 'CREATE', object, namespaceLabels: nsLabels(object.metadata.namespace), ...extra,
});
const decide = (req: AdmissionRequest) => admit(policy, binding, req);

const service = (spec: Any, ns = 'tenant-a'): Any => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: ns }, spec });
const ingress = (annotations: Record<string, string> | undefined, spec: Any = { rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] }, ns = 'tenant-a'): Any => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: ns, ...(annotations ? { annotations } : {}) }, spec,
});
const pvc = (spec: Any, ns = 'tenant-a'): Any => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data', namespace: ns },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
});

describe('Services: no ExternalName, no externalIPs (admission, real CEL)', () => {
  test.each<[string, Any, boolean]>([
    ['a plain ClusterIP Service', { selector: { app: 'web' }, ports: [{ port: 80 }] }, true],
    ['a headless Service', { clusterIP: 'None', selector: { app: 'web' } }, true],
    ['a selector-less Service (its Endpoints stay read-only to the tenant)', { ports: [{ port: 80 }] }, true],
    ['a LoadBalancer (the quota counts it)', { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80 }] }, true],
    ['ExternalName to the metadata name', { type: 'ExternalName', externalName: 'metadata.google.internal' }, false],
    ['ExternalName to a name resolving to a link-local address', { type: 'ExternalName', externalName: '169.254.169.254.nip.io' }, false],
    ['ExternalName to another tenant\'s Service', { type: 'ExternalName', externalName: 'db.tenant-b.svc.cluster.local' }, false],
    ['ExternalName to kubernetes.default', { type: 'ExternalName', externalName: 'kubernetes.default.svc' }, false],
    ['externalName on a ClusterIP Service', { type: 'ClusterIP', externalName: 'evil.example.com', ports: [{ port: 80 }] }, false],
    ['externalName without a type', { externalName: 'evil.example.com' }, false],
    ['an empty externalName', { externalName: '', ports: [{ port: 80 }] }, true],
    ['externalIPs', { externalIPs: ['10.0.0.10'], ports: [{ port: 80 }] }, false],
  ])('%s', (_, spec, allowed) => {
    const d = decide(create(service(spec)));
    expect(d.matched).toBe(true);
    expect(d.allowed).toBe(allowed);
    if (!allowed) expect(d.messages.join(' ')).toMatch(/ExternalName are not allowed|must not set spec\.externalIPs/);
  });

  test('the ExternalName message names the fix', () => {
    expect(decide(create(service({ type: 'ExternalName', externalName: 'x.example.com' }))).messages).toEqual([
      'Services of type ExternalName are not allowed in tenant namespaces (a shared ingress controller or proxy would connect to any host they name, the cloud metadata server included; CVE-2021-25740): use a Service with a selector, or ask the cluster operator for an egress rule',
    ]);
  });

  test('an UPDATE that turns a Service into ExternalName is denied; the same Service outside tenant namespaces is not this policy\'s business', () => {
    const before = service({ selector: { app: 'web' }, ports: [{ port: 80 }] });
    expect(decide({ operation: 'UPDATE', object: service({ type: 'ExternalName', externalName: 'x.example.com' }), oldObject: before, namespaceLabels: nsLabels('tenant-a') }).allowed).toBe(false);
    for (const ns of ['kube-system', 'default', 'ingress-nginx']) {
      const d = admit(policy, binding, { operation: 'CREATE', object: service({ type: 'ExternalName', externalName: 'x.example.com' }, ns), namespaceLabels: {} });
      expect([d.matched, d.allowed]).toEqual([false, true]);
    }
  });
});

describe('Ingresses: no controller snippets, URL fetches, cross-namespace Secrets or non-Service backends', () => {
  test.each<[string, Record<string, string>]>([
    ['ingress-nginx configuration-snippet', { 'nginx.ingress.kubernetes.io/configuration-snippet': 'proxy_pass http://169.254.169.254;' }],
    ['ingress-nginx server-snippet', { 'nginx.ingress.kubernetes.io/server-snippet': 'location /x { proxy_pass http://169.254.169.254; }' }],
    ['ingress-nginx auth-snippet', { 'nginx.ingress.kubernetes.io/auth-snippet': 'x' }],
    ['ingress-nginx stream-snippet', { 'nginx.ingress.kubernetes.io/stream-snippet': 'x' }],
    ['ingress-nginx modsecurity-snippet', { 'nginx.ingress.kubernetes.io/modsecurity-snippet': 'x' }],
    ['a snippet key in another letter case', { 'nginx.ingress.kubernetes.io/Server-SNIPPET': 'x' }],
    ['NGINX Inc. server-snippets', { 'nginx.org/server-snippets': 'x' }],
    ['NGINX Inc. location-snippets', { 'nginx.org/location-snippets': 'x' }],
    ['HAProxy backend-config-snippet', { 'haproxy.org/backend-config-snippet': 'x' }],
    ['ingress-nginx auth-url (the controller fetches it)', { 'nginx.ingress.kubernetes.io/auth-url': 'http://169.254.169.254/latest/meta-data/' }],
    ['ingress-nginx global-auth-url', { 'nginx.ingress.kubernetes.io/global-auth-url': 'http://169.254.169.254/' }],
    ['ingress-nginx mirror-target', { 'nginx.ingress.kubernetes.io/mirror-target': 'http://169.254.169.254$request_uri' }],
    ['ingress-nginx mirror-host', { 'nginx.ingress.kubernetes.io/mirror-host': 'metadata.google.internal' }],
    ['a CA Secret of another namespace', { 'nginx.ingress.kubernetes.io/auth-tls-secret': 'tenant-b/ca' }],
    ['a basic-auth Secret of another namespace', { 'nginx.ingress.kubernetes.io/auth-secret': 'kube-system/admin' }],
    ['a proxy client certificate of another namespace', { 'nginx.ingress.kubernetes.io/proxy-ssl-secret': 'ingress-nginx/client' }],
  ])('%s is denied', (_, annotations) => {
    const d = decide(create(ingress(annotations)));
    expect([d.matched, d.allowed]).toEqual([true, false]);
    expect(d.messages.join(' ')).toMatch(/must not carry annotations/);
  });

  test.each<[string, Record<string, string> | undefined]>([
    ['no annotations', undefined],
    ['rewrite-target and ssl-redirect', { 'nginx.ingress.kubernetes.io/rewrite-target': '/', 'nginx.ingress.kubernetes.io/ssl-redirect': 'true' }],
    ['a CA Secret of the same namespace', { 'nginx.ingress.kubernetes.io/auth-tls-secret': 'ca' }],
    ['cert-manager', { 'cert-manager.io/cluster-issuer': 'letsencrypt' }],
  ])('%s is allowed', (_, annotations) => {
    expect(decide(create(ingress(annotations))).allowed).toBe(true);
  });

  test.each<[string, Any]>([
    ['a resource backend in a rule', { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'b' } } }] } }] }],
    ['a resource defaultBackend', { defaultBackend: { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'b' } } }],
  ])('%s is denied', (_, spec) => {
    const d = decide(create(ingress(undefined, spec)));
    expect(d.allowed).toBe(false);
    expect(d.messages).toEqual(['Ingress backends in tenant namespaces must be Services: remove backend.resource (and defaultBackend.resource)']);
  });

  test('a Service defaultBackend and rules without http are allowed', () => {
    expect(decide(create(ingress(undefined, { defaultBackend: { service: { name: 'web', port: { number: 80 } } }, rules: [{ host: 'a.example.com' }] }))).allowed).toBe(true);
  });

  test('the annotation pattern is the one the policy evaluates', () => {
    expect(JSON.stringify(policy.spec.validations)).toContain(INGRESS_DEPUTY_ANNOTATION_PATTERN.replace(/\\/g, '\\\\'));
  });
});

describe('PersistentVolumeClaims: no hand-picked PersistentVolume, no cross-namespace data source', () => {
  const binder = (username: string) => ({ username, groups: ['system:authenticated'] });
  const bound = pvc({ volumeName: 'pv-of-tenant-b' });

  test.each<[string, AdmissionRequest, boolean]>([
    ['a plain claim', create(pvc({ storageClassName: 'standard' })), true],
    ['a claim that names a PersistentVolume', create(bound), false],
    ['a claim that names a PersistentVolume, as another tenant', create(pvc({ volumeName: 'pv-x' }, 'tenant-b')), false],
    ['an UPDATE by the tenant that sets volumeName on a pending claim', { operation: 'UPDATE', object: bound, oldObject: pvc({}), namespaceLabels: nsLabels('tenant-a') }, false],
    ['an UPDATE by the tenant that changes volumeName', { operation: 'UPDATE', object: bound, oldObject: pvc({ volumeName: 'pv-own' }), namespaceLabels: nsLabels('tenant-a') }, false],
    ...PV_BINDER_USERS.map((u): [string, AdmissionRequest, boolean] => [
      `the binder (${u}) binding a pending claim`, { operation: 'UPDATE', object: bound, oldObject: pvc({}), namespaceLabels: nsLabels('tenant-a'), userInfo: binder(u) }, true,
    ]),
    ['a resize of a bound claim (volumeName unchanged)', { operation: 'UPDATE', object: pvc({ volumeName: 'pv-own', resources: { requests: { storage: '2Gi' } } }), oldObject: pvc({ volumeName: 'pv-own' }), namespaceLabels: nsLabels('tenant-a') }, true],
    ['a binder impostor (a user named like a service account of another namespace)', create(bound, { userInfo: binder('system:serviceaccount:tenant-a:persistent-volume-binder') }), false],
    ['a data source in the same namespace', create(pvc({ dataSourceRef: { kind: 'PersistentVolumeClaim', name: 'src' } })), true],
    ['a data source named with its own namespace', create(pvc({ dataSourceRef: { kind: 'PersistentVolumeClaim', name: 'src', namespace: 'tenant-a' } })), true],
    ['a data source in another namespace', create(pvc({ dataSourceRef: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 's', namespace: 'tenant-b' } })), false],
  ])('%s', (_, req, allowed) => {
    const d = decide(req);
    expect(d.matched).toBe(true);
    expect(d.allowed).toBe(allowed);
  });
});

/** A small RBAC evaluator: does one of `rules` allow `verb` on `group`/`resource`? */
function allows(rules: readonly PolicyRule[], verb: string, group: string, resource: string): boolean {
  const hit = (list: readonly string[] | undefined, v: string) => (list ?? []).some((x) => x === '*' || x === v);
  return rules.some((r) => hit(r.apiGroups, group) && hit(r.resources, resource) && hit(r.verbs, verb));
}
const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];

describe('the tenant Role grants no deputy', () => {
  /** [group, resource, verbs, why] that a tenant admin must never be granted. */
  const NEVER: [string, string, string[], string][] = [
    ['', 'endpoints', WRITE, 'steer a Service, and every proxy trusting it, to any address (CVE-2021-25740)'],
    ['discovery.k8s.io', 'endpointslices', WRITE, 'the same, through EndpointSlices'],
    ['', 'services/proxy', ['get', 'create', 'update', 'patch', 'delete'], 'the API server connects for the tenant'],
    ['', 'pods/proxy', ['get', 'create', 'update', 'patch', 'delete'], 'the API server connects for the tenant'],
    ['', 'nodes/proxy', ['get', 'create'], 'the kubelet API of the node'],
    ['', 'nodes', ['get', 'list', 'create', 'patch'], 'nodes are cluster-scoped'],
    ['', 'serviceaccounts/token', ['create'], 'mint tokens for any account of the namespace'],
    ['', 'serviceaccounts', WRITE, 'identities are the operator\'s'],
    ['', 'persistentvolumes', ['create', 'get'], 'a PersistentVolume can be a node directory'],
    ['storage.k8s.io', 'storageclasses', WRITE, 'a storage class chooses where data lands'],
    ['', 'namespaces', WRITE, 'namespaces seal tenants'],
    ['networking.k8s.io', 'networkpolicies', WRITE, 'they seal the sandbox'],
    ['', 'resourcequotas', WRITE, 'they bound the tenant'],
    ['', 'limitranges', WRITE, 'they bound the tenant'],
    ['rbac.authorization.k8s.io', 'roles', [...WRITE, 'bind', 'escalate'], 'RBAC'],
    ['rbac.authorization.k8s.io', 'rolebindings', WRITE, 'RBAC'],
    ['rbac.authorization.k8s.io', 'clusterroles', ['bind', 'escalate'], 'RBAC'],
    ['', 'users', ['impersonate'], 'impersonation'],
    ['', 'groups', ['impersonate'], 'impersonation'],
    ['', 'serviceaccounts', ['impersonate'], 'impersonation'],
    ['authentication.k8s.io', 'userextras', ['impersonate'], 'impersonation'],
    ['gateway.networking.k8s.io', 'httproutes', WRITE, 'Gateway API routes make the shared gateway act for the tenant'],
    ['gateway.networking.k8s.io', 'tcproutes', WRITE, 'the same'],
    ['gateway.networking.k8s.io', 'gateways', WRITE, 'the same'],
    ['gateway.networking.k8s.io', 'referencegrants', WRITE, 'they open other namespaces'],
    ['certificates.k8s.io', 'certificatesigningrequests', ['create'], 'cluster-signed identities'],
    ['admissionregistration.k8s.io', 'validatingadmissionpolicies', WRITE, 'the policy itself'],
    ['admissionregistration.k8s.io', 'validatingadmissionpolicybindings', WRITE, 'the policy itself'],
    ['networking.k8s.io', 'ingresses', WRITE, 'Ingresses are opt-in (allowIngress)'],
    ['apps', 'daemonsets', WRITE, 'one pod on every node, sandboxed or not, is the operator\'s call'],
  ];

  test.each(NEVER)('%s/%s: never %p (%s)', (group, resource, verbs) => {
    for (const verb of verbs) expect(allows(TENANT_ADMIN_RULES, verb, group, resource)).toBe(false);
  });

  test('no wildcard anywhere', () => {
    for (const r of TENANT_ADMIN_RULES) expect([...r.apiGroups!, ...r.resources!, ...r.verbs]).not.toContain('*');
  });

  test('everything a tenant may write that the admission policy does not cover is inert', () => {
    const covered = new Set(policy.spec.matchConstraints.resourceRules.flatMap((r: Any) => r.resources.map((res: string) => `${r.apiGroups[0]}/${res}`)));
    const podPolicy = byName('ValidatingAdmissionPolicy', 'tenants-require-gvisor');
    for (const r of podPolicy.spec.matchConstraints.resourceRules) for (const res of r.resources) covered.add(`${r.apiGroups[0]}/${res}`);
    const writable = TENANT_ADMIN_RULES.filter((r) => r.verbs.includes('create')).flatMap((r) => r.resources!.map((res) => `${r.apiGroups![0]}/${res}`));
    const inert = ['/configmaps', '/secrets', '/pods/exec', '/pods/attach', '/pods/portforward', 'apps/deployments/scale', 'apps/statefulsets/scale', 'apps/replicasets/scale', 'autoscaling/horizontalpodautoscalers', 'policy/poddisruptionbudgets'];
    expect(writable.filter((w) => !covered.has(w) && !inert.includes(w))).toEqual([]);
  });

  test('allowIngress: true adds exactly the Ingress write rule to that tenant\'s Role', () => {
    const a = byName('Role', 'tenant-admin', 'tenant-a').rules as PolicyRule[];
    const b = byName('Role', 'tenant-admin', 'tenant-b').rules as PolicyRule[];
    expect(allows(a, 'create', 'networking.k8s.io', 'ingresses')).toBe(false);
    expect(allows(a, 'get', 'networking.k8s.io', 'ingresses')).toBe(true);
    expect(allows(b, 'create', 'networking.k8s.io', 'ingresses')).toBe(true);
    expect(b.filter((r) => !a.some((x) => JSON.stringify(x) === JSON.stringify(r)))).toEqual([TENANT_INGRESS_RULE]);
  });

  test('allowIngress must be a boolean', () => {
    expect(() => renderMultiTenantSandbox({ tenants: [{ name: 'a', allowIngress: 'yes' as never }] }, 'm')).toThrow(
      'props.tenants[0].allowIngress: "yes" is not a boolean',
    );
  });
});

describe('both frontends emit the policy and the Role', () => {
  const props = { tenants: [{ name: 'tenant-a', admins: { users: ['alice'] } }] };
  const expectDeputiesClosed = (objects: Any[]) => {
    const p: Any = objects.find((o) => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name === 'tenants-restrict-tenant-objects')!;
    expect(p.spec.matchConstraints.resourceRules.map((r: Any) => r.resources)).toEqual([['services', 'persistentvolumeclaims'], ['ingresses']]);
    const externalName = admit(p, objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name === p.metadata.name)!,
      create(service({ type: 'ExternalName', externalName: 'x.example.com' })));
    expect(externalName.allowed).toBe(false);
    const role: Any = objects.find((o) => o.kind === 'Role')!;
    expect(allows(role.rules, 'create', 'networking.k8s.io', 'ingresses')).toBe(false);
    expect(allows(role.rules, 'create', '', 'endpoints')).toBe(false);
  };

  test('cdk8s', () => {
    expectDeputiesClosed(synth((chart) => new k8s.MultiTenantSandbox(chart, 'tenants', props)));
  });

  test('Pulumi', async () => {
    const rec = mockPulumi();
    const m = new pl.MultiTenantSandbox('tenants', props);
    await settle(rec, m);
    expectDeputiesClosed(rec.kube().map((r) => r.inputs));
  });
});
