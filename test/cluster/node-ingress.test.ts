// Issue 13, point 4: tenants can receive traffic, and only what their ingress
// rules name. On the real node (NetworkPolicies enforced, gVisor pods with
// busybox httpd/nc): an "ingress controller" stand-in in an allowed namespace
// reaches a tenant's web pods on the allowed port, and nothing else is let in
// — not on another port (a real listener there), not from another pod of the
// controller's namespace, another namespace, another tenant (whose own egress
// allows the traffic, so the tenant's ingress is what refuses it), nor into a
// tenant without rules. A tenant that names another tenant's namespace
// admits it, on the named port only; a named port is enforced by its name.
import { applyServerSide, deleteClusterScopedOf, freshNamespaces, kubectl, waitFor } from './helpers/cluster';
import { enforcementChecks, fetchFrom } from './node/network';
import { BUSYBOX, applyNodeRuntimeClasses, describeNode, podReady, restrictedNamespace, synth } from './node/pods';
import { MultiTenantSandbox, SandboxedPod } from '../../lib/cdk8s';

const PREFIX = 'ingress-';
/** Tenants, as `MultiTenantSandbox` names their namespaces (`PREFIX + name`). */
const WEB = `${PREFIX}web`;
const OTHER = `${PREFIX}other`;
const CLOSED = `${PREFIX}closed`;
const NAMED = `${PREFIX}named`;
/** Not tenants: the ingress controller stand-in's namespace (allowed in), and one that is not. */
const CONTROLLER_NS = `${PREFIX}ctrl`;
const ELSEWHERE = `${PREFIX}elsewhere`;
const NAMESPACES = [WEB, OTHER, CLOSED, NAMED, CONTROLLER_NS, ELSEWHERE];
const CONTROLLER_LABELS = { app: 'controller' };

/** A busybox web server answering its name on 8080 (container port "http") and 9090 ("admin"). */
const server = (text: string) => ({
  name: 'main',
  image: BUSYBOX,
  ports: [{ name: 'http', containerPort: 8080 }, { name: 'admin', containerPort: 9090 }],
  command: ['sh', '-c', `echo ${text} > /tmp/index.html && httpd -p 9090 -h /tmp && exec httpd -f -p 8080 -h /tmp`],
  readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 2 },
});
const client = { name: 'main', image: BUSYBOX, command: ['sleep', '3600'] };

describeNode('tenant ingress rules enforced on the test node (issue 13: 4)', () => {
  const { enforced } = enforcementChecks();
  const ip: Record<string, string> = {};
  let sandbox: any[] = [];

  beforeAll(async () => {
    applyNodeRuntimeClasses();
    await freshNamespaces(NAMESPACES);
    sandbox = synth((c) => {
      new MultiTenantSandbox(c, 'ingress', {
        name: `${PREFIX}mt`,
        runtimeClass: 'gvisor',
        namespacePrefix: PREFIX,
        tenants: [
          {
            name: 'web',
            ingress: [
              // The ingress controller's pods reach the web pods on 8080.
              { name: 'controller', podLabels: { app: 'web' }, from: [{ namespace: CONTROLLER_NS, podLabels: CONTROLLER_LABELS }], ports: [{ port: 8080 }] },
              // Another tenant, named explicitly, on 9090 only.
              { name: 'partner', from: [{ namespace: OTHER }], ports: [{ port: 9090 }] },
            ],
          },
          // Its egress reaches every pod on 8080 and 9090: only the target's ingress can refuse it.
          { name: 'other', egress: { dns: true, cidrs: ['10.0.0.0/8'], ports: [{ port: 8080 }, { port: 9090 }] } },
          { name: 'closed' },
          { name: 'named', ingress: [{ from: [{ namespace: CONTROLLER_NS }], ports: [{ port: 'http' }] }] },
        ],
      });
    });
    applyServerSide([restrictedNamespace(CONTROLLER_NS), restrictedNamespace(ELSEWHERE), ...sandbox]);
    applyServerSide(synth((c) => {
      const pod = (id: string, namespace: string, container: any, labels: Record<string, string>, tenant: boolean) =>
        new SandboxedPod(c, id, { runtimeClass: 'gvisor', namespace, labels, containers: [container], ...(tenant ? { serviceAccountName: 'workload' } : {}) });
      pod('web', WEB, server('web'), { app: 'web' }, true);
      pod('db', WEB, server('db'), { app: 'db' }, true);
      pod('other', OTHER, server('other'), { app: 'controller' }, true);
      pod('closed', CLOSED, server('closed'), { app: 'web' }, true);
      pod('named', NAMED, server('named'), { app: 'web' }, true);
      pod('controller', CONTROLLER_NS, client, CONTROLLER_LABELS, false);
      pod('debug', CONTROLLER_NS, client, { app: 'debug' }, false);
      pod('elsewhere', ELSEWHERE, server('elsewhere'), CONTROLLER_LABELS, false);
    }));
    for (const [ns, name] of [
      [WEB, 'web'], [WEB, 'db'], [OTHER, 'other'], [CLOSED, 'closed'], [NAMED, 'named'],
      [CONTROLLER_NS, 'controller'], [CONTROLLER_NS, 'debug'], [ELSEWHERE, 'elsewhere'],
    ] as const) {
      ip[name] = (await podReady(ns, name)).status.podIP;
    }
    // The enforcer learns pod IPs and policies from the API server: wait until
    // it lets the controller in, and keeps it out of the closed tenant.
    await waitFor('the controller to reach the web pod', () => (fetchFrom(CONTROLLER_NS, 'controller', url('web')) === 'web' ? true : undefined), 90_000, 1000);
    await waitFor('the closed tenant to refuse the controller', () => (fetchFrom(CONTROLLER_NS, 'controller', url('closed')) === 'blocked' ? true : undefined), 60_000, 1000);
  }, 420_000);

  afterAll(() => {
    kubectl(['delete', 'namespace', ...NAMESPACES, '--ignore-not-found', '--wait=false']);
    deleteClusterScopedOf(sandbox);
  });

  const url = (pod: string, port = 8080) => `http://${ip[pod]}:${port}/`;

  test('the policies are in the cluster: one allow-ingress-<rule> per rule, none in the tenants without rules', () => {
    const names = (ns: string) => kubectl(['-n', ns, 'get', 'networkpolicy', '-o', 'name']).stdout.trim().split('\n').sort();
    expect(names(WEB)).toEqual(expect.arrayContaining(['networkpolicy.networking.k8s.io/allow-ingress-controller', 'networkpolicy.networking.k8s.io/allow-ingress-partner']));
    expect(names(CLOSED).filter((n) => n.includes('allow-ingress'))).toEqual([]);
    expect(names(OTHER).filter((n) => n.includes('allow-ingress'))).toEqual([]);
  });

  test('the listeners are real: inside a tenant its pods answer each other on 8080 and 9090 (allowIntraNamespace), and each server answers itself', () => {
    expect(fetchFrom(WEB, 'db', url('web'))).toBe('web');
    expect(fetchFrom(WEB, 'db', url('web', 9090))).toBe('web');
    expect(fetchFrom(WEB, 'web', url('db'))).toBe('db');
    for (const [ns, pod] of [[CLOSED, 'closed'], [NAMED, 'named']] as const) {
      expect(fetchFrom(ns, pod, 'http://127.0.0.1:8080/')).toBe(pod);
      expect(fetchFrom(ns, pod, 'http://127.0.0.1:9090/')).toBe(pod);
    }
  });

  test('the ingress controller stand-in reaches the tenant\'s web pod on the allowed port', () => {
    expect(fetchFrom(CONTROLLER_NS, 'controller', url('web'))).toBe('web');
  });

  test('the other tenant\'s egress is open on 8080: it reaches a namespace without policies', () => {
    expect(fetchFrom(OTHER, 'other', url('elsewhere'))).toBe('elsewhere');
  });

  test('a tenant that names another tenant admits it on the named port (9090)', () => {
    expect(fetchFrom(OTHER, 'other', url('web', 9090))).toBe('web');
  });

  test('a named port ("http") is enforced by its name: the controller reaches the named tenant on 8080', () => {
    expect(fetchFrom(CONTROLLER_NS, 'controller', url('named'))).toBe('named');
  });

  enforced.each([
    ['the controller, on another port of the web pod (9090)', CONTROLLER_NS, 'controller', url.bind(null, 'web', 9090)],
    ['the controller, to a pod of the tenant its rule does not select (app=db)', CONTROLLER_NS, 'controller', url.bind(null, 'db', 8080)],
    ['another pod of the controller namespace (app=debug)', CONTROLLER_NS, 'debug', url.bind(null, 'web', 8080)],
    ['a pod of a namespace not allowed in, labelled like the controller', ELSEWHERE, 'elsewhere', url.bind(null, 'web', 8080)],
    ['another tenant, on the port it is not named for (8080)', OTHER, 'other', url.bind(null, 'web', 8080)],
    ['the controller, into a tenant without ingress rules', CONTROLLER_NS, 'controller', url.bind(null, 'closed', 8080)],
    ['another namespace, into a tenant without ingress rules', ELSEWHERE, 'elsewhere', url.bind(null, 'closed', 8080)],
    ['another tenant, into a tenant without ingress rules', OTHER, 'other', url.bind(null, 'closed', 8080)],
    ['the controller, on the named tenant\'s unnamed-in-the-rule port 9090 ("admin")', CONTROLLER_NS, 'controller', url.bind(null, 'named', 9090)],
    ['another namespace, into the named tenant', ELSEWHERE, 'elsewhere', url.bind(null, 'named', 8080)],
  ])('refused: %s', (_what, ns, from, target) => {
    expect(fetchFrom(ns, from, target())).toBe('blocked');
  });
});
