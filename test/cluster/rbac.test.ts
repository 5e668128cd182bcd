// Claim 5: RBAC as a tenant admin (impersonated, as a user and as a group
// member): a `kubectl auth can-i` matrix and real requests. A tenant admin
// manages its workloads; it cannot loosen what seals its namespace
// (NetworkPolicies, ResourceQuotas, LimitRanges, its Namespace's labels,
// Roles/RoleBindings), nor touch admission policies, RuntimeClasses or
// another tenant's namespace.
import { KubectlOptions, applyServerSide, create, deleteClusterScopedOf, describeCluster, freshNamespaces, kubectl, kubectlOk, serviceAccountReady } from './helpers/cluster';
import { libraryWorkload } from './helpers/workloads';
import { renderMultiTenantSandbox, renderRuntimeClass } from '../../lib/core';

const A = 'rbac-a';
const B = 'rbac-b';
const sandbox = renderMultiTenantSandbox({
  name: 'rbac',
  namespacePrefix: 'rbac-',
  tenants: [{ name: 'a', admins: { users: ['rbac-alice'], groups: ['rbac-a-admins'] } }, { name: 'b', admins: { users: ['rbac-bob'] } }],
}, 'rbac');

/** The two ways to be tenant a's admin: by user name, and by group. */
const ADMINS: { who: string; as: KubectlOptions }[] = [
  { who: 'user rbac-alice', as: { as: 'rbac-alice' } },
  { who: 'group rbac-a-admins', as: { as: 'rbac-carol', asGroups: ['rbac-a-admins'] } },
];

type Row = [verb: string, resource: string, namespace: string | undefined];
const ALLOWED: Row[] = [
  ...['create', 'update', 'patch', 'delete', 'list', 'watch'].flatMap((v): Row[] =>
    ['pods', 'deployments.apps', 'statefulsets.apps', 'replicasets.apps', 'jobs.batch', 'cronjobs.batch', 'services', 'configmaps', 'secrets', 'persistentvolumeclaims']
      .map((r): Row => [v, r, A])),
  ['create', 'pods/exec', A],
  ['get', 'pods/log', A],
  ['patch', 'deployments.apps/scale', A],
  ['update', 'pods/ephemeralcontainers', A],
  ['get', 'networkpolicies.networking.k8s.io', A],
  ['get', 'resourcequotas', A],
  ['get', 'limitranges', A],
  ['get', 'roles.rbac.authorization.k8s.io', A],
];
const DENIED: Row[] = [
  ...['create', 'update', 'patch', 'delete', 'deletecollection'].flatMap((v): Row[] =>
    ['networkpolicies.networking.k8s.io', 'resourcequotas', 'limitranges', 'roles.rbac.authorization.k8s.io', 'rolebindings.rbac.authorization.k8s.io', 'serviceaccounts']
      .map((r): Row => [v, r, A])),
  ['escalate', 'roles.rbac.authorization.k8s.io', A],
  ['bind', 'clusterroles.rbac.authorization.k8s.io', A],
  ['impersonate', 'users', undefined],
  ['impersonate', 'serviceaccounts', A],
  ['create', 'serviceaccounts/token', A],
  ['update', 'pods/status', A],
  ['create', 'endpoints', A],
  ['create', 'endpointslices.discovery.k8s.io', A],
  ...['get', 'update', 'patch', 'delete'].map((v): Row => [v, 'namespaces', undefined]),
  ...['create', 'update', 'patch', 'delete'].flatMap((v): Row[] => [
    [v, 'validatingadmissionpolicies.admissionregistration.k8s.io', undefined],
    [v, 'validatingadmissionpolicybindings.admissionregistration.k8s.io', undefined],
    [v, 'mutatingwebhookconfigurations.admissionregistration.k8s.io', undefined],
    [v, 'runtimeclasses.node.k8s.io', undefined],
    [v, 'nodes', undefined],
  ]),
  ...['get', 'list', 'create', 'delete'].flatMap((v): Row[] => [[v, 'pods', B], [v, 'deployments.apps', B], [v, 'secrets', B]]),
  ['create', 'pods', 'default'],
  ['get', 'secrets', 'kube-system'],
];

function canI([verb, resource, namespace]: Row, as: KubectlOptions): boolean {
  const [res, sub] = resource.split('/');
  const r = kubectl(['auth', 'can-i', verb, res!, ...(sub ? [`--subresource=${sub}`] : []), ...(namespace ? ['-n', namespace] : [])], as);
  if (r.status !== 0 && r.stdout.trim() !== 'no') throw new Error(`kubectl auth can-i failed: ${r.stderr}`);
  return r.status === 0;
}

/** A request that RBAC must refuse, and the refusal naming the verb and resource. */
function expectForbidden(r: { status: number | null; stderr: string }, verb: string, resource: string): void {
  expect(r.status).not.toBe(0);
  expect(r.stderr).toMatch(new RegExp(`forbidden: User "[^"]+" cannot ${verb} resource "${resource}"`));
}

describeCluster('RBAC of a tenant admin', () => {
  beforeAll(async () => {
    await freshNamespaces([A, B]);
    applyServerSide([...renderRuntimeClass().objects, ...sandbox.objects]);
    await serviceAccountReady(A);
    await serviceAccountReady(B);
  });

  afterAll(() => {
    kubectl(['delete', 'namespace', '--ignore-not-found', '--wait=false', A, B]);
    deleteClusterScopedOf(sandbox.objects);
  });

  describe.each(ADMINS)('as $who', ({ as }) => {
    test.each(ALLOWED)('may %s %s in %s', (verb, resource, ns) => {
      expect(canI([verb, resource, ns], as)).toBe(true);
    });
    test.each(DENIED)('may not %s %s in %s', (verb, resource, ns) => {
      expect(canI([verb, resource, ns], as)).toBe(false);
    });
  });

  describe('real requests as user rbac-alice', () => {
    const alice: KubectlOptions = { as: 'rbac-alice' };

    test('creates, scales and deletes its own Deployment', () => {
      const d = libraryWorkload('Deployment', { namespace: A, name: 'app' });
      expect(create(d, alice).status).toBe(0);
      expect(kubectl(['-n', A, 'scale', 'deployment', 'app', '--replicas=2'], alice).status).toBe(0);
      expect(kubectl(['-n', A, 'delete', 'deployment', 'app', '--wait=false'], alice).status).toBe(0);
    });

    test('creates a Job and a Service', () => {
      expect(create(libraryWorkload('Job', { namespace: A, name: 'batch' }), alice).status).toBe(0);
      const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: A }, spec: { ports: [{ port: 80 }] } };
      expect(create(svc, alice).status).toBe(0);
    });

    test('cannot open its NetworkPolicies', () => {
      expectForbidden(kubectl(['-n', A, 'patch', 'networkpolicy', 'default-deny-all', '--type=merge', '-p', '{"spec":{"egress":[{}]}}'], alice), 'patch', 'networkpolicies');
      expectForbidden(kubectl(['-n', A, 'delete', 'networkpolicy', 'default-deny-all'], alice), 'delete', 'networkpolicies');
      const allowAll = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-all', namespace: A }, spec: { podSelector: {}, egress: [{}], policyTypes: ['Egress'] } };
      expectForbidden(create(allowAll, alice), 'create', 'networkpolicies');
    });

    test('cannot raise its ResourceQuota or drop its LimitRange', () => {
      expectForbidden(kubectl(['-n', A, 'patch', 'resourcequota', 'tenant-quota', '--type=merge', '-p', '{"spec":{"hard":{"pods":"1000"}}}'], alice), 'patch', 'resourcequotas');
      expectForbidden(kubectl(['-n', A, 'delete', 'limitrange', 'container-defaults'], alice), 'delete', 'limitranges');
    });

    /** PUT of an object as the admin reads it, changed by `edit`, sent as alice (an update, no read first). */
    const replaceAs = (getArgs: string[], uri: string, edit: (o: any) => void) => {
      const o = JSON.parse(kubectlOk([...getArgs, '-o', 'json']));
      edit(o);
      return kubectl(['replace', '--raw', uri, '-f', '-'], { ...alice, input: JSON.stringify(o) });
    };

    test.each([
      ['pod-security.kubernetes.io/enforce', 'privileged'],
      ['pod-security.kubernetes.io/enforce-version', 'v1.0'],
      ['gvisor-iac.dev/sandbox', 'none'],
    ])('cannot change its Namespace labels (%s=%s)', (key, value) => {
      const r = replaceAs(['get', 'namespace', A], `/api/v1/namespaces/${A}`, (o) => (o.metadata.labels[key] = value));
      expectForbidden(r, 'update', 'namespaces');
      expectForbidden(kubectl(['label', 'namespace', A, `${key}=${value}`, '--overwrite'], alice), 'get', 'namespaces');
    });

    test('cannot grow its own Role or bind itself a bigger one', () => {
      const patch = JSON.stringify([{ op: 'add', path: '/rules/-', value: { apiGroups: ['*'], resources: ['*'], verbs: ['*'] } }]);
      expectForbidden(kubectl(['-n', A, 'patch', 'role', 'tenant-admin', '--type=json', '-p', patch], alice), 'patch', 'roles');
      const binding = {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'grab-admin', namespace: A },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'rbac-alice' }],
      };
      expectForbidden(create(binding, alice), 'create', 'rolebindings');
      const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'mine', namespace: A }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] };
      expectForbidden(create(role, alice), 'create', 'roles');
    });

    test('cannot touch admission policies or RuntimeClasses', () => {
      expectForbidden(kubectl(['delete', 'validatingadmissionpolicybinding', sandbox.policyName], alice), 'delete', 'validatingadmissionpolicybindings');
      const weaken = replaceAs(['get', 'validatingadmissionpolicy', sandbox.policyName],
        `/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/${sandbox.policyName}`, (o) => (o.spec.failurePolicy = 'Ignore'));
      expectForbidden(weaken, 'update', 'validatingadmissionpolicies');
      const rc = { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'rbac-runc' }, handler: 'runc' };
      expectForbidden(create(rc, alice), 'create', 'runtimeclasses');
      const retarget = replaceAs(['get', 'runtimeclass', 'gvisor'], '/apis/node.k8s.io/v1/runtimeclasses/gvisor', (o) => (o.scheduling = { nodeSelector: { any: 'node' } }));
      expectForbidden(retarget, 'update', 'runtimeclasses');
    });

    test('cannot touch the other tenant\'s namespace', () => {
      expectForbidden(kubectl(['-n', B, 'get', 'pods'], alice), 'list', 'pods');
      expectForbidden(create(libraryWorkload('Deployment', { namespace: B, name: 'intruder' }), alice), 'create', 'deployments');
      expectForbidden(kubectl(['-n', B, 'get', 'secret', 'anything'], alice), 'get', 'secrets');
    });

    test('the other tenant\'s admin is confined the same way', () => {
      expect(canI(['create', 'deployments.apps', B], { as: 'rbac-bob' })).toBe(true);
      expect(canI(['create', 'deployments.apps', A], { as: 'rbac-bob' })).toBe(false);
    });
  });
});
