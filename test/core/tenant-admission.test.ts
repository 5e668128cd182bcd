import { parse } from '@bufbuild/cel';
import {
  KubeObject, buildSandboxedPodSpec, renderMultiTenantSandbox, renderSandboxedDeployment, renderSandboxedJob, renderSandboxedPod,
} from '../../lib';
import { AdmissionRequest, admit } from '../helpers/admission';

type Any = Record<string, any>;

const sandbox = renderMultiTenantSandbox({ tenants: [{ name: 'tenant-a' }, { name: 'tenant-b' }] }, 'tenants');
const policy = sandbox.objects.find((o) => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name === sandbox.policyName)! as Any;
const binding = sandbox.objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name === sandbox.policyName)! as Any;
const servicePolicy = sandbox.objects.find((o) => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name === 'tenants-restrict-tenant-objects')! as Any;
const serviceBinding = sandbox.objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name === 'tenants-restrict-tenant-objects')! as Any;
const nsLabels = (ns: string): Record<string, string> => (sandbox.objects.find((o) => o.kind === 'Namespace' && o.metadata.name === ns)?.metadata.labels ?? {});

const containers = [{ name: 'app', image: 'registry.example.com/app:1.0' }];
const spec = () => buildSandboxedPodSpec({ containers }, 'props') as Any;
const meta = (name: string, ns = 'tenant-a') => ({ name, namespace: ns, labels: { app: name } });
const template = (s: Any = spec()) => ({ metadata: { labels: { app: 'x' } }, spec: s });
const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o));

/** The library's own compliant objects, plus the other workload kinds around its pod spec. */
function compliant(ns = 'tenant-a'): Any[] {
  return [
    renderSandboxedPod({ containers, namespace: ns }, 'pod').objects[0]!,
    renderSandboxedDeployment({ containers, namespace: ns }, 'deploy').objects[0]!,
    renderSandboxedJob({ containers, namespace: ns }, 'job').objects[0]!,
    { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('sts', ns), spec: { serviceName: 'sts', selector: { matchLabels: { app: 'x' } }, template: template() } },
    { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta('ds', ns), spec: { selector: { matchLabels: { app: 'x' } }, template: template() } },
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta('rs', ns), spec: { selector: { matchLabels: { app: 'x' } }, template: template() } },
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('cron', ns), spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: template({ ...spec(), restartPolicy: 'Never' }) } } } },
    { apiVersion: 'v1', kind: 'ReplicationController', metadata: meta('rc', ns), spec: { selector: { app: 'x' }, template: template() } },
  ];
}

/** The pod spec inside any pod-bearing object (for mutating the corpus). */
function podSpecOf(o: Any): Any {
  if (o.kind === 'Pod') return o.spec;
  if (o.kind === 'CronJob') return o.spec.jobTemplate.spec.template.spec;
  return o.spec.template.spec;
}

const create = (object: Any, ns = object.metadata.namespace): AdmissionRequest => ({ operation: 'CREATE', object, namespaceLabels: nsLabels(ns) });
const escape = (mutate: (s: Any) => void) => (o: Any) => {
  const c = clone(o);
  mutate(podSpecOf(c));
  return c;
};

const ESCAPES: [string, (s: Any) => void, RegExp][] = [
  ['no runtimeClassName', (s) => delete s.runtimeClassName, /runtimeClassName is not set: namespace tenant-a only admits gVisor-sandboxed pods; set .*runtimeClassName to "gvisor"/],
  ['empty runtimeClassName', (s) => (s.runtimeClassName = ''), /runtimeClassName is "": .*set .*runtimeClassName to "gvisor"/],
  ['runtimeClassName runc', (s) => (s.runtimeClassName = 'runc'), /runtimeClassName is "runc"/],
  ['hostNetwork', (s) => (s.hostNetwork = true), /remove hostNetwork, hostPID and hostIPC/],
  ['hostPID', (s) => (s.hostPID = true), /remove hostNetwork, hostPID and hostIPC/],
  ['hostIPC', (s) => (s.hostIPC = true), /remove hostNetwork, hostPID and hostIPC/],
  ['privileged container', (s) => (s.containers[0].securityContext.privileged = true), /remove securityContext.privileged/],
  ['privileged init container', (s) => (s.initContainers = [{ name: 'init', image: 'busybox', securityContext: { privileged: true } }]), /remove securityContext.privileged/],
  ['privileged ephemeral container', (s) => (s.ephemeralContainers = [{ name: 'debug', image: 'busybox', securityContext: { privileged: true } }]), /remove securityContext.privileged/],
  ['hostPath volume', (s) => s.volumes.push({ name: 'root', hostPath: { path: '/' } }), /volumes: hostPath volumes are not allowed/],
];

describe('ValidatingAdmissionPolicy run through a CEL engine playing the API server', () => {
  test('the policy is bound, failing closed, denying, by the sandbox label every tenant namespace carries', () => {
    expect(policy.spec.failurePolicy).toBe('Fail');
    expect(binding.spec).toEqual({
      policyName: 'tenants-require-gvisor',
      validationActions: ['Deny'],
      matchResources: { namespaceSelector: { matchLabels: { 'gvisor-iac.dev/sandbox': 'tenants' } } },
    });
    for (const ns of sandbox.namespaces) expect(nsLabels(ns)['gvisor-iac.dev/sandbox']).toBe('tenants');
  });

  test.each(compliant().map((o) => [o.kind, o]))('admits the compliant %s the library produces', (_kind, o) => {
    const d = admit(policy, binding, create(o));
    expect(d).toEqual({ allowed: true, matched: true, messages: [] });
  });

  const kinds = compliant().map((o) => o.kind as string);
  describe.each(ESCAPES)('denies %s', (_name, mutate, message) => {
    test.each(kinds)('in a %s, with a message saying what to change', (kind) => {
      const o = escape(mutate)(compliant().find((c) => c.kind === kind)!);
      const d = admit(policy, binding, create(o));
      expect(d.allowed).toBe(false);
      expect(d.messages).toHaveLength(1);
      expect(d.messages[0]).toMatch(message);
      const path = kind === 'Pod' ? 'spec' : kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec';
      expect(d.messages[0]!.startsWith(`${path}.`) || d.messages[0]!.startsWith(`${path}:`)).toBe(true);
    });
  });

  test('a pod combining every escape gets every message', () => {
    const o = compliant()[0]!;
    const s = podSpecOf(o);
    delete s.runtimeClassName;
    Object.assign(s, { hostPID: true, volumes: [{ name: 'h', hostPath: { path: '/var/run' } }] });
    s.containers[0].securityContext.privileged = true;
    const d = admit(policy, binding, create(o));
    expect(d.allowed).toBe(false);
    expect(d.messages).toHaveLength(4);
  });

  test('adding a privileged ephemeral container through pods/ephemeralcontainers is denied', () => {
    const old = compliant()[0]!;
    const updated = escape((s) => (s.ephemeralContainers = [{ name: 'debug', image: 'busybox', securityContext: { privileged: true } }]))(old);
    const d = admit(policy, binding, { operation: 'UPDATE', subResource: 'ephemeralcontainers', object: updated, oldObject: old, namespaceLabels: nsLabels('tenant-a') });
    expect(d.allowed).toBe(false);
    expect(d.messages[0]).toMatch(/securityContext.privileged/);
  });

  test('an update that changes the pod template is checked; one that only changes labels passes (legacy objects can be cleaned up)', () => {
    const legacy = escape((s) => (s.hostNetwork = true))(compliant()[1]!);
    const relabelled = clone(legacy);
    relabelled.metadata.labels.cleanup = 'yes';
    const labelOnly = admit(policy, binding, { operation: 'UPDATE', object: relabelled, oldObject: legacy, namespaceLabels: nsLabels('tenant-a') });
    expect(labelOnly).toEqual({ allowed: true, matched: true, messages: ['match condition spec-created-or-changed false'] });
    const scaled = clone(legacy);
    scaled.spec.replicas = 5;
    expect(admit(policy, binding, { operation: 'UPDATE', object: scaled, oldObject: legacy, namespaceLabels: nsLabels('tenant-a') }).allowed).toBe(false);
    const fixed = escape((s) => delete s.hostNetwork)(legacy);
    expect(admit(policy, binding, { operation: 'UPDATE', object: fixed, oldObject: legacy, namespaceLabels: nsLabels('tenant-a') }).allowed).toBe(true);
  });

  test.each(['kube-system', 'default', 'monitoring'])('never touches pods in %s (no sandbox label)', (ns) => {
    for (const o of compliant(ns)) {
      const bad = escape((s) => Object.assign(s, { hostNetwork: true, runtimeClassName: 'runc' }))(o);
      expect(admit(policy, binding, create(bad, ns))).toEqual({ allowed: true, matched: false, messages: ['not matched'] });
    }
  });

  test('a namespace of another MultiTenantSandbox is not matched by this one', () => {
    const bad = escape((s) => delete s.runtimeClassName)(compliant('other')[0]!);
    const d = admit(policy, binding, { operation: 'CREATE', object: bad, namespaceLabels: { 'gvisor-iac.dev/sandbox': 'other-sandbox' } });
    expect(d.matched).toBe(false);
  });

  test('objects that carry no pod are not matched', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('cm'), data: { a: 'b' } };
    expect(admit(policy, binding, create(cm)).matched).toBe(false);
  });

  test('the required RuntimeClass follows the runtimeClass prop', () => {
    const gke = renderMultiTenantSandbox({ runtimeClass: { name: 'gvisor-gke', overhead: { cpu: '0', memory: '0' } }, tenants: [{ name: 'tenant-a' }] }, 'gke');
    const p = gke.objects.find((o) => o.kind === 'ValidatingAdmissionPolicy') as Any;
    const b = gke.objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding') as Any;
    const labels = gke.objects.find((o) => o.kind === 'Namespace')!.metadata.labels!;
    const pod = compliant()[0]!;
    expect(admit(p, b, { operation: 'CREATE', object: pod, namespaceLabels: labels }).messages[0]).toMatch(/runtimeClassName is "gvisor": .* to "gvisor-gke"/);
    podSpecOf(pod).runtimeClassName = 'gvisor-gke';
    expect(admit(p, b, { operation: 'CREATE', object: pod, namespaceLabels: labels }).allowed).toBe(true);
  });
});

describe('the CEL stays inside what both @bufbuild/cel and Kubernetes support', () => {
  const expressions: string[] = [
    ...policy.spec.matchConditions.map((m: Any) => m.expression),
    ...policy.spec.variables.map((v: Any) => v.expression),
    ...policy.spec.validations.flatMap((v: Any) => [v.expression, v.messageExpression]),
  ];
  // Standard CEL operators and macros only (has/all expand to select-test and comprehensions).
  const ALLOWED_FUNCTIONS = new Set(['_&&_', '_||_', '!_', '_?_:_', '_==_', '_!=_', '_+_', '@not_strictly_false', 'size']);
  const ALLOWED_IDENTS = new Set(['object', 'oldObject', 'request', 'variables', 'namespaceObject', '@result']);

  function walk(e: Any, iterVars: Set<string>, out: { fns: Set<string>; idents: Set<string> }): void {
    const k = e.exprKind;
    switch (k.case) {
      case 'callExpr':
        out.fns.add(k.value.function);
        if (k.value.target) walk(k.value.target, iterVars, out);
        for (const a of k.value.args) walk(a, iterVars, out);
        break;
      case 'selectExpr':
        walk(k.value.operand, iterVars, out);
        break;
      case 'identExpr':
        if (!iterVars.has(k.value.name)) out.idents.add(k.value.name);
        break;
      case 'comprehensionExpr': {
        const inner = new Set([...iterVars, k.value.iterVar, k.value.accuVar]);
        for (const part of ['iterRange', 'accuInit']) walk(k.value[part], iterVars, out);
        for (const part of ['loopCondition', 'loopStep', 'result']) walk(k.value[part], inner, out);
        break;
      }
      case 'listExpr':
        for (const el of k.value.elements) walk(el, iterVars, out);
        break;
      case 'constExpr':
        break;
      default:
        throw new Error(`unexpected CEL node ${k.case}`);
    }
  }

  test.each(expressions)('%s', (expression) => {
    expect(expression).not.toMatch(/\.\?|\?\./); // no optional-field syntax
    const out = { fns: new Set<string>(), idents: new Set<string>() };
    walk(parse(expression).expr, new Set(), out);
    expect([...out.fns].filter((f) => !ALLOWED_FUNCTIONS.has(f))).toEqual([]);
    expect([...out.idents].filter((i) => !ALLOWED_IDENTS.has(i))).toEqual([]);
  });

  test('the corpus holds at least 20 objects', () => {
    expect(compliant().length * (ESCAPES.length + 1)).toBeGreaterThanOrEqual(20);
  });
});

// Keep the object type imported for readers of the corpus.
export type { KubeObject };

describe('the Service policy: no externalIPs in tenant namespaces (CVE-2020-8554)', () => {
  const service = (ns: string, extra: Any = {}): Any => ({
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: ns }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }], ...extra },
  });

  test.each([
    ['a ClusterIP Service', 'tenant-a', {}, true],
    ['an empty externalIPs list', 'tenant-a', { externalIPs: [] }, true],
    ['externalIPs in a tenant namespace', 'tenant-a', { externalIPs: ['8.8.8.8'] }, false],
    ['externalIPs in another tenant namespace', 'tenant-b', { externalIPs: ['10.0.0.10'] }, false],
    ['externalIPs outside tenant namespaces (kube-system)', 'kube-system', { externalIPs: ['10.0.0.10'] }, true],
  ])('%s: admitted %s', (_what, ns, extra, allowed) => {
    const d = admit(servicePolicy, serviceBinding, create(service(ns, extra), ns));
    expect(d.allowed).toBe(allowed);
    if (!allowed) expect(d.messages.join(' ')).toMatch(/must not set spec\.externalIPs.*remove spec\.externalIPs/);
  });

  test('an update that adds externalIPs is denied too', () => {
    const d = admit(servicePolicy, serviceBinding, { operation: 'UPDATE', object: service('tenant-a', { externalIPs: ['1.2.3.4'] }), oldObject: service('tenant-a'), namespaceLabels: nsLabels('tenant-a') });
    expect(d.allowed).toBe(false);
  });

  test('the pod policy does not match Services, and the Service policy does not match pods', () => {
    expect(admit(policy, binding, create(service('tenant-a', { externalIPs: ['1.2.3.4'] }), 'tenant-a')).matched).toBe(false);
    expect(admit(servicePolicy, serviceBinding, create(compliant()[0]!)).matched).toBe(false);
  });
});
