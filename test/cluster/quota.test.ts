// Claim 4: RuntimeClass admission fills each pod's overhead from the class
// (100m / 160Mi by default), and a tenant's ResourceQuota usage as the server
// reports it matches the library's overhead-aware quota arithmetic: the
// smallest quota the library accepts admits exactly one default pod, the
// quota just below it (which the library refuses to render) admits none.
import { TEST_IMAGE } from './helpers/charts';
import { applyServerSide, create, deleteClusterScopedOf, describeCluster, freshNamespaces, kubectl, kubectlJson, kubectlOk, serviceAccountReady, waitFor } from './helpers/cluster';
import {
  DEFAULTS, GvisorIacError, KubeObject, parseQuantity, renderMultiTenantSandbox, renderRuntimeClass, renderSandboxedPod,
} from '../../lib/core';

const SANDBOX = 'quota';
const RESOURCES = ['requests.cpu', 'limits.cpu', 'requests.memory', 'limits.memory'] as const;
type Usage = Record<(typeof RESOURCES)[number] | 'pods', number>;

const kindOf = (key: string) => (key.endsWith('cpu') ? 'cpu' : key === 'pods' ? 'count' : 'memory');

/**
 * What the library charges a pod against the quota: its containers'
 * requests/limits plus the RuntimeClass overhead (podFixed), as the
 * library's quota check counts it.
 */
function libraryCharge(resources: { requests: Record<string, string>; limits: Record<string, string> }, overhead = DEFAULTS.podOverhead): Usage {
  const q = (v: string, kind: 'cpu' | 'memory') => parseQuantity(v, '', kind);
  return {
    'requests.cpu': q(resources.requests.cpu!, 'cpu') + q(overhead.cpu, 'cpu'),
    'limits.cpu': q(resources.limits.cpu!, 'cpu') + q(overhead.cpu, 'cpu'),
    'requests.memory': q(resources.requests.memory!, 'memory') + q(overhead.memory, 'memory'),
    'limits.memory': q(resources.limits.memory!, 'memory') + q(overhead.memory, 'memory'),
    'pods': 1,
  };
}

const plus = (a: Usage, b: Usage): Usage => Object.fromEntries(Object.keys(a).map((k) => [k, a[k as keyof Usage] + b[k as keyof Usage]])) as Usage;
const ZERO: Usage = { 'requests.cpu': 0, 'limits.cpu': 0, 'requests.memory': 0, 'limits.memory': 0, 'pods': 0 };
/** Rounded so that 0.1 + 0.1 compares with 0.2 (milli-cores, bytes). */
const rounded = (u: Usage) => Object.fromEntries(Object.entries(u).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));

/** `status.used` of a tenant's quota, parsed with the library's quantity parser. */
function serverUsage(namespace: string): Usage {
  const used = kubectlJson(['-n', namespace, 'get', 'resourcequota', 'tenant-quota']).status?.used ?? {};
  return Object.fromEntries(['pods', ...RESOURCES].map((k) => [k, used[k] === undefined ? 0 : parseQuantity(used[k], k, kindOf(k))])) as Usage;
}

const DEFAULT_POD = libraryCharge({ requests: { ...DEFAULTS.containerResources.requests }, limits: { ...DEFAULTS.containerResources.limits } });
const mcpu = (cores: number) => `${Math.round(cores * 1000)}m`;
const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)}Mi`;
/** The smallest cpu / memory quota the library accepts for one default pod. */
const EXACT = { cpu: mcpu(DEFAULT_POD['limits.cpu']), memory: mib(DEFAULT_POD['limits.memory']) };

function tenantSandbox(tenant: string, quota: Record<string, unknown>) {
  return renderMultiTenantSandbox({ name: SANDBOX, namespacePrefix: 'quota-', tenants: [{ name: tenant, quota }] }, SANDBOX);
}

function libraryPod(namespace: string, name: string, resources?: Record<string, Record<string, string>>): KubeObject {
  return renderSandboxedPod({
    name,
    namespace,
    runtimeClass: 'gvisor',
    containers: [{ name: 'main', image: TEST_IMAGE, command: ['sleep', '3600'], ...(resources ? { resources } : {}) }],
  }, name).objects[0]!;
}

describeCluster('RuntimeClass overhead and overhead-aware quotas', () => {
  const EXACT_NS = 'quota-exact';
  const BELOW_NS = 'quota-below';
  const ROOMY_NS = 'quota-roomy';

  beforeAll(async () => {
    await freshNamespaces([EXACT_NS, BELOW_NS, ROOMY_NS]);
    applyServerSide([
      ...renderRuntimeClass().objects,
      ...tenantSandbox('exact', { ...EXACT, pods: 5 }).objects,
      // The library refuses to render this tenant (see below), so its quota is the exact one lowered by hand.
      ...tenantSandbox('below', { ...EXACT, pods: 5 }).objects,
      ...tenantSandbox('roomy', {}).objects,
    ]);
    kubectlOk(['-n', BELOW_NS, 'patch', 'resourcequota', 'tenant-quota', '--type=merge', '-p',
      JSON.stringify({ spec: { hard: { 'limits.cpu': mcpu(DEFAULT_POD['limits.cpu'] - 0.001), 'limits.memory': mib(DEFAULT_POD['limits.memory'] - 2 ** 20) } } })]);
    for (const ns of [EXACT_NS, BELOW_NS, ROOMY_NS]) {
      await serviceAccountReady(ns);
      // The quota controller has computed its first status once `used` is there.
      await waitFor(`quota status in ${ns}`, () => (kubectlJson(['-n', ns, 'get', 'resourcequota', 'tenant-quota']).status?.used ? true : undefined));
    }
  });

  afterAll(() => {
    kubectl(['delete', 'namespace', '--ignore-not-found', '--wait=false', EXACT_NS, BELOW_NS, ROOMY_NS]);
    deleteClusterScopedOf(tenantSandbox('exact', EXACT).objects);
  });

  test('the library\'s threshold: it accepts the exact quota and refuses one unit less, naming the numbers', () => {
    expect(EXACT).toEqual({ cpu: '600m', memory: '416Mi' });
    expect(() => tenantSandbox('exact', EXACT)).not.toThrow();
    let thrown: unknown;
    try {
      tenantSandbox('below', { ...EXACT, cpu: '599m' });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(GvisorIacError);
    expect((thrown as GvisorIacError).path).toBe('props.tenants[0].quota.cpu');
    expect((thrown as Error).message).toContain('needs 600m');
  });

  test('RuntimeClass admission sets the pod overhead from the class (100m / 160Mi)', () => {
    const pod = JSON.parse(kubectlOk(['create', '--dry-run=server', '-o', 'json', '-f', '-'], { input: JSON.stringify(libraryPod(ROOMY_NS, 'overhead')) }));
    expect(pod.spec.overhead).toEqual({ cpu: '100m', memory: '160Mi' });
  });

  test('a pod that sets an overhead of its own is refused (the class owns it)', () => {
    const pod: any = libraryPod(ROOMY_NS, 'own-overhead');
    pod.spec.overhead = { cpu: '1m', memory: '1Mi' };
    const r = create(pod, { dryRun: true });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('pod rejected: Pod\'s Overhead doesn\'t match RuntimeClass\'s defined Overhead');
  });

  test('exact quota: the first default pod is admitted and the usage is the library\'s charge, to the unit', () => {
    expect(serverUsage(EXACT_NS)).toEqual(ZERO);
    const r = create(libraryPod(EXACT_NS, 'first'));
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(rounded(serverUsage(EXACT_NS))).toEqual(rounded(DEFAULT_POD));
  });

  test('exact quota: a second pod exceeds it and is refused, naming the resource', () => {
    const r = create(libraryPod(EXACT_NS, 'second'));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('exceeded quota: tenant-quota');
    expect(r.stderr).toMatch(/limits\.cpu=600m/);
  });

  test('below the library\'s threshold: even the first default pod is refused', () => {
    const r = create(libraryPod(BELOW_NS, 'first'));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('exceeded quota: tenant-quota');
    expect(r.stderr).toMatch(/limited: .*limits\.cpu=599m/);
  });

  test('a pod without resources gets the LimitRange defaults, and is charged like the library says', () => {
    const pod: any = libraryPod(ROOMY_NS, 'bare');
    delete pod.spec.containers[0].resources;
    const before = serverUsage(ROOMY_NS);
    const stored = JSON.parse(kubectlOk(['create', '-o', 'json', '-f', '-'], { input: JSON.stringify(pod) }));
    expect(stored.spec.containers[0].resources).toEqual(DEFAULTS.containerResources);
    expect(rounded(serverUsage(ROOMY_NS))).toEqual(rounded(plus(before, DEFAULT_POD)));
  });

  test.each([
    { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
    { requests: { cpu: '10m', memory: '8Mi' }, limits: { cpu: '10m', memory: '8Mi' } },
  ])('a pod with %j is charged its resources plus the overhead', (resources) => {
    const before = serverUsage(ROOMY_NS);
    const name = `sized-${resources.requests.cpu}`.replace(/[^a-z0-9-]/g, '');
    const r = create(libraryPod(ROOMY_NS, name, resources));
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(rounded(serverUsage(ROOMY_NS))).toEqual(rounded(plus(before, libraryCharge(resources))));
  });

  test('the rest of the roomy budget: a pod that fits exactly is admitted, one millicore more is refused', () => {
    const hard = kubectlJson(['-n', ROOMY_NS, 'get', 'resourcequota', 'tenant-quota']).spec.hard;
    const used = serverUsage(ROOMY_NS);
    const left = parseQuantity(hard['limits.cpu'], '', 'cpu') - used['limits.cpu'] - parseQuantity(DEFAULTS.podOverhead.cpu, '', 'cpu');
    expect(left).toBeGreaterThan(0.01);
    const sized = (cpu: number) => ({ requests: { cpu: '10m', memory: '8Mi' }, limits: { cpu: mcpu(cpu), memory: '8Mi' } });
    const over = create(libraryPod(ROOMY_NS, 'over', sized(left + 0.001)), { dryRun: true });
    expect(over.status).not.toBe(0);
    expect(over.stderr).toContain('exceeded quota: tenant-quota');
    const fits = create(libraryPod(ROOMY_NS, 'fits', sized(left)), { dryRun: true });
    expect({ status: fits.status, stderr: fits.stderr }).toEqual({ status: 0, stderr: '' });
  });
});
