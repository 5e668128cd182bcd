// Claim 2: the library's ValidatingAdmissionPolicies are accepted by the API
// server with no type-checking warnings, and in a tenant namespace the server
// refuses every pod-bearing kind that leaves the sandbox — while admitting
// the library's own objects. Each refusal names the field.
import {
  applyServerSide, create, deleteClusterScopedOf, describeCluster, freshNamespaces, kubectl, kubectlJson, kubectlOk, serviceAccountReady, waitFor,
} from './helpers/cluster';
import { SPEC_PATH, WORKLOAD_KINDS, WorkloadKind, libraryWorkload, podSpec } from './helpers/workloads';
import { renderMultiTenantSandbox, renderRuntimeClass } from '../../lib/core';

const SANDBOX = 'adm';
const TENANT_NS = 'adm-one';
const OTHER_NS = 'adm-two';
/** Carries the sandbox label but Pod Security "privileged": what the admission policy alone decides. */
const POLICY_ONLY_NS = 'adm-policy-only';
const OTHER_CLASS = 'adm-other';

// Room for the pods the controllers make from the admitted workloads (they stay Pending but count).
const quota = { cpu: '64', memory: '128Gi', pods: 200 };
const sandbox = renderMultiTenantSandbox({ name: SANDBOX, namespacePrefix: 'adm-', tenants: [{ name: 'one', quota }, { name: 'two', quota }] }, SANDBOX);
const POLICY = sandbox.policyName;
const SERVICE_POLICY = `${SANDBOX}-restrict-tenant-objects`;

type Mutation = (spec: any) => void;
/** A way out of the sandbox, and what the admission policy's refusal says (after the pod-spec path). */
interface Violation { readonly name: string; readonly mutate: Mutation; readonly policySays: (specPath: string) => string }

const privileged = (c: any) => {
  c.securityContext = { ...c.securityContext, privileged: true, allowPrivilegeEscalation: true };
  delete c.securityContext.capabilities;
};

const VIOLATIONS: Violation[] = [
  { name: 'no runtimeClassName', mutate: (s) => delete s.runtimeClassName, policySays: (p) => `${p}.runtimeClassName is not set` },
  { name: 'another RuntimeClass', mutate: (s) => (s.runtimeClassName = OTHER_CLASS), policySays: (p) => `${p}.runtimeClassName is "${OTHER_CLASS}"` },
  { name: 'hostNetwork', mutate: (s) => (s.hostNetwork = true), policySays: (p) => `${p}: remove hostNetwork, hostPID and hostIPC` },
  { name: 'hostPID', mutate: (s) => (s.hostPID = true), policySays: (p) => `${p}: remove hostNetwork, hostPID and hostIPC` },
  { name: 'hostIPC', mutate: (s) => (s.hostIPC = true), policySays: (p) => `${p}: remove hostNetwork, hostPID and hostIPC` },
  { name: 'a privileged container', mutate: (s) => privileged(s.containers[0]), policySays: (p) => `${p}: remove securityContext.privileged` },
  {
    name: 'a privileged init container',
    mutate: (s) => {
      const init = JSON.parse(JSON.stringify(s.containers[0]));
      init.name = 'init';
      privileged(init);
      s.initContainers = [init];
    },
    policySays: (p) => `${p}: remove securityContext.privileged`,
  },
  {
    name: 'a hostPath volume',
    mutate: (s) => s.volumes.push({ name: 'host', hostPath: { path: '/' } }),
    policySays: (p) => `${p}.volumes: hostPath volumes are not allowed`,
  },
];

/** Root: left to Pod Security "restricted" (enforced for pods, a warning for workloads). */
const ROOT: Mutation = (s) => {
  s.securityContext = { ...s.securityContext, runAsUser: 0, runAsGroup: 0, runAsNonRoot: false };
};

function withViolation(kind: WorkloadKind, namespace: string, mutate: Mutation, name = `bad-${kind.toLowerCase()}`): any {
  const o = libraryWorkload(kind, { namespace, name });
  mutate(podSpec(kind, o));
  return o;
}

const stderrOf = (r: { status: number | null; stderr: string }) => ({ refused: r.status !== 0, stderr: r.stderr });

describeCluster('admission in tenant namespaces (ValidatingAdmissionPolicy + Pod Security)', () => {
  beforeAll(async () => {
    await freshNamespaces([TENANT_NS, OTHER_NS, POLICY_ONLY_NS]);
    applyServerSide([
      ...renderRuntimeClass().objects,
      // A class that is not gVisor: the library refuses to render one, so it is written by hand.
      { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: OTHER_CLASS }, handler: 'runc' },
      ...sandbox.objects,
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: POLICY_ONLY_NS, labels: { 'gvisor-iac.dev/sandbox': SANDBOX, 'pod-security.kubernetes.io/enforce': 'privileged' } },
      },
    ]);
    await serviceAccountReady(TENANT_NS);
    await serviceAccountReady(POLICY_ONLY_NS);
    // The policy is enforced once the API server has compiled it: wait until it refuses.
    await waitFor('the admission policy to be enforced', () => {
      const r = create(withViolation('Deployment', POLICY_ONLY_NS, VIOLATIONS[0]!.mutate), { dryRun: true });
      return r.status !== 0 && r.stderr.includes(POLICY) ? true : undefined;
    }, 60_000);
    await waitFor('the Service policy to be enforced', () => {
      const r = create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'probe', namespace: POLICY_ONLY_NS }, spec: { ports: [{ port: 80 }], externalIPs: ['192.0.2.10'] } }, { dryRun: true });
      return r.status !== 0 ? true : undefined;
    }, 60_000);
  });

  afterAll(() => {
    kubectl(['delete', 'namespace', '--ignore-not-found', '--wait=false', TENANT_NS, OTHER_NS, POLICY_ONLY_NS]);
    deleteClusterScopedOf([...sandbox.objects, { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: OTHER_CLASS } }]);
  });

  test.each([POLICY, SERVICE_POLICY])('%s: accepted, type-checked, no warnings', async (name) => {
    const vap = await waitFor(`type checking of ${name}`, () => {
      const o = kubectlJson(['get', 'validatingadmissionpolicy', name]);
      return o.status?.observedGeneration === o.metadata.generation && o.status?.typeChecking ? o : undefined;
    }, 90_000);
    expect(vap.status.typeChecking).toEqual({});
    expect(vap.status.conditions ?? []).toEqual([]);
  });

  describe.each(WORKLOAD_KINDS)('%s', (kind) => {
    const specPath = SPEC_PATH[kind];

    test('the library\'s own is admitted (stored, no Pod Security warning)', () => {
      const r = create(libraryWorkload(kind, { namespace: TENANT_NS, name: `own-${kind.toLowerCase()}` }));
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    });

    test.each(VIOLATIONS)('$name: refused by the policy alone, naming the field', ({ mutate, policySays }) => {
      const r = create(withViolation(kind, POLICY_ONLY_NS, mutate), { dryRun: true });
      expect(stderrOf(r)).toEqual({ refused: true, stderr: expect.stringContaining(`ValidatingAdmissionPolicy '${POLICY}'`) });
      expect(r.stderr).toContain(policySays(specPath));
    });

    test.each(VIOLATIONS)('$name: refused in the tenant namespace', ({ mutate, policySays }) => {
      const r = create(withViolation(kind, TENANT_NS, mutate), { dryRun: true });
      expect(r.status).not.toBe(0);
      if (kind !== 'Pod' || r.stderr.includes(POLICY)) {
        expect(r.stderr).toContain(policySays(specPath));
      } else {
        // Pod Security runs first for pods; it names the field itself.
        expect(r.stderr).toMatch(/violates PodSecurity "restricted:(latest|v1\.\d+)": .*(hostNetwork|hostPID|hostIPC|privileged|hostPath)/);
      }
    });

    test('root: refused in the tenant namespace, naming the field', () => {
      const r = create(withViolation(kind, TENANT_NS, ROOT), { dryRun: true });
      expect(stderrOf(r)).toEqual({ refused: true, stderr: expect.stringMatching(/runAsNonRoot|runAsUser/) });
    });

    test('an update that leaves the sandbox is refused too', () => {
      if (kind === 'Pod' || kind === 'Job') {
        // A pod's spec and a Job's pod template are immutable: the API server itself refuses any such update.
        return;
      }
      const name = `upd-${kind.toLowerCase()}`;
      const o = libraryWorkload(kind, { namespace: TENANT_NS, name });
      expect(create(o).status).toBe(0);
      const patch = JSON.stringify([{ op: 'remove', path: `/${specPath.replace(/\./g, '/')}/runtimeClassName` }]);
      const r = kubectl(['-n', TENANT_NS, 'patch', kind.toLowerCase(), name, '--type=json', '-p', patch, '--dry-run=server']);
      expect(stderrOf(r)).toEqual({ refused: true, stderr: expect.stringContaining(`${specPath}.runtimeClassName is not set`) });
    });

    test('the same object is admitted outside the sandbox (the policy is scoped by the namespace label)', () => {
      const r = create(withViolation(kind, 'default', VIOLATIONS[0]!.mutate, `outside-${kind.toLowerCase()}`), { dryRun: true });
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    });
  });

  describe('ephemeral containers (added to a running pod)', () => {
    const pod = 'ephemeral-target';
    beforeAll(() => {
      kubectlOk(['create', '-f', '-'], { input: JSON.stringify(libraryWorkload('Pod', { namespace: TENANT_NS, name: pod })) });
    });

    const withEphemeral = (container: any) => {
      const live = kubectlJson(['-n', TENANT_NS, 'get', 'pod', pod]);
      live.spec.ephemeralContainers = [container];
      return live;
    };
    const ephemeral = (extra: Record<string, unknown>) => ({
      name: 'debug',
      image: 'gvisor-iac.test/busybox:1',
      command: ['sh'],
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      ...extra,
    });
    const replaceEphemeral = (namespace: string, name: string, body: any) =>
      kubectl(['replace', '--raw', `/api/v1/namespaces/${namespace}/pods/${name}/ephemeralcontainers?dryRun=All`, '-f', '-'], { input: JSON.stringify(body) });

    test('a privileged ephemeral container is refused', () => {
      const r = replaceEphemeral(TENANT_NS, pod, withEphemeral(ephemeral({ securityContext: { privileged: true } })));
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/securityContext\.privileged|privileged \(container "debug"/);
    });

    test('a privileged ephemeral container is refused by the policy alone', () => {
      const name = 'ephemeral-policy-only';
      kubectlOk(['create', '-f', '-'], { input: JSON.stringify(libraryWorkload('Pod', { namespace: POLICY_ONLY_NS, name })) });
      const live = kubectlJson(['-n', POLICY_ONLY_NS, 'get', 'pod', name]);
      live.spec.ephemeralContainers = [ephemeral({ securityContext: { privileged: true } })];
      const r = replaceEphemeral(POLICY_ONLY_NS, name, live);
      expect(stderrOf(r)).toEqual({ refused: true, stderr: expect.stringContaining(`ValidatingAdmissionPolicy '${POLICY}'`) });
      expect(r.stderr).toContain('spec: remove securityContext.privileged');
    });

    test('a hardened ephemeral container is admitted', () => {
      const r = replaceEphemeral(TENANT_NS, pod, withEphemeral(ephemeral({})));
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    });
  });

  describe('Services', () => {
    const service = (name: string, extra: Record<string, unknown> = {}) => ({
      apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: TENANT_NS }, spec: { ports: [{ port: 80, targetPort: 8080 }], ...extra },
    });

    test('a plain Service is admitted', () => {
      expect(create(service('plain')).status).toBe(0);
    });

    test.each([[['192.0.2.10']], [['192.0.2.10', '2001:db8::1']]])('externalIPs %j are refused, naming the field', (ips) => {
      const r = create(service('external', { externalIPs: ips }), { dryRun: true });
      expect(stderrOf(r)).toEqual({ refused: true, stderr: expect.stringContaining(`ValidatingAdmissionPolicy '${SERVICE_POLICY}'`) });
      expect(r.stderr).toContain('must not set spec.externalIPs');
    });

    test.each([
      ['an ExternalName Service', 'Service', { type: 'ExternalName', externalName: 'metadata.google.internal' }, 'Services of type ExternalName are not allowed'],
      ['a ClusterIP Service that keeps an externalName', 'Service', { externalName: '169.254.169.254.nip.io' }, 'ExternalName'],
    ])('%s is refused, naming the field', (_what, _kind, spec, text) => {
      const s = service('deputy');
      const r = create({ ...s, spec: { ...(s.spec as object), ...spec } }, { dryRun: true });
      expect(stderrOf(r)).toEqual({ refused: true, stderr: expect.stringContaining(`ValidatingAdmissionPolicy '${SERVICE_POLICY}'`) });
      expect(r.stderr).toContain(text);
    });

    test('an Ingress with a controller snippet annotation is refused', () => {
      const r = create({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'snippet', namespace: TENANT_NS, annotations: { 'nginx.ingress.kubernetes.io/server-snippet': 'location / { proxy_pass http://169.254.169.254; }' } },
        spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'plain', port: { number: 80 } } } }] } }] },
      }, { dryRun: true });
      expect(stderrOf(r)).toEqual({ refused: true, stderr: expect.stringContaining('snippet') });
    });

    test('a PersistentVolumeClaim that names a PersistentVolume is refused', () => {
      const r = create({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'pick', namespace: TENANT_NS },
        spec: { volumeName: 'someone-elses', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      }, { dryRun: true });
      expect(stderrOf(r)).toEqual({ refused: true, stderr: expect.stringContaining('must not name a PersistentVolume') });
    });

    test('adding externalIPs to an existing Service is refused', () => {
      const r = kubectl(['-n', TENANT_NS, 'patch', 'service', 'plain', '--type=merge', '-p', '{"spec":{"externalIPs":["192.0.2.10"]}}', '--dry-run=server']);
      expect(stderrOf(r)).toEqual({ refused: true, stderr: expect.stringContaining('must not set spec.externalIPs') });
    });
  });
});
