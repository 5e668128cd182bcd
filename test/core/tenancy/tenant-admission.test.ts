import { parse } from '@bufbuild/cel';
import {
  KubeObject, buildSandboxedPodSpec, renderEdgeSandbox, renderMultiTenantSandbox, renderSandboxedDaemonSet, renderSandboxedDeployment,
  renderSandboxedJob, renderSandboxedPod, renderUntrustedCodeSandbox,
} from '../../../lib/core';
import { AdmissionRequest, admit } from '../../helpers/admission';

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

/** An extra (init or ephemeral) container, hardened as "restricted" asks, with `securityContext` on top. */
const hardened = (name: string, securityContext: Any): Any => ({
  name, image: 'busybox:1', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, ...securityContext },
});
const EVERY = 'in every container, init container and ephemeral container';
const exactly = (text: string) => new RegExp(`: ${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
const ROOT = exactly('set securityContext.runAsNonRoot to true (in the pod or in every container) and never runAsUser 0; pods in tenant namespaces must not run as root');
const ESCALATION = exactly(`set securityContext.allowPrivilegeEscalation to false ${EVERY} (Pod Security 'restricted')`);
const CAPABILITIES = exactly(`set securityContext.capabilities.drop to ['ALL'] ${EVERY}, and add nothing but NET_BIND_SERVICE (Pod Security 'restricted')`);
const SECCOMP = exactly("set securityContext.seccompProfile.type to 'RuntimeDefault' (or 'Localhost') in the pod or in every container, and never 'Unconfined' (Pod Security 'restricted')");
const VOLUMES = /\.volumes: use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret volumes/;

const ESCAPES: [string, (s: Any) => void, RegExp][] = [
  ['no runtimeClassName', (s) => delete s.runtimeClassName, /runtimeClassName is not set: namespace tenant-a only admits gVisor-sandboxed pods; set .*runtimeClassName to "gvisor"/],
  ['empty runtimeClassName', (s) => (s.runtimeClassName = ''), /runtimeClassName is "": .*set .*runtimeClassName to "gvisor"/],
  ['runtimeClassName runc', (s) => (s.runtimeClassName = 'runc'), /runtimeClassName is "runc"/],
  ['hostNetwork', (s) => (s.hostNetwork = true), /remove hostNetwork, hostPID and hostIPC/],
  ['hostPID', (s) => (s.hostPID = true), /remove hostNetwork, hostPID and hostIPC/],
  ['hostIPC', (s) => (s.hostIPC = true), /remove hostNetwork, hostPID and hostIPC/],
  ['privileged container', (s) => (s.containers[0].securityContext.privileged = true), /remove securityContext.privileged/],
  ['privileged init container', (s) => (s.initContainers = [hardened('init', { privileged: true })]), /remove securityContext.privileged/],
  ['privileged ephemeral container', (s) => (s.ephemeralContainers = [hardened('debug', { privileged: true })]), /remove securityContext.privileged/],
  ['hostPath volume', (s) => s.volumes.push({ name: 'root', hostPath: { path: '/' } }), /volumes: hostPath volumes are not allowed/],
  // Root: Pod Security only warns on workload templates; their controllers would then never create a pod.
  ['runAsUser 0 in the pod', (s) => (s.securityContext.runAsUser = 0), ROOT],
  ['runAsUser 0 in a container', (s) => (s.containers[0].securityContext.runAsUser = 0), ROOT],
  ['runAsUser 0 in an init container', (s) => (s.initContainers = [hardened('init', { runAsUser: 0 })]), ROOT],
  ['runAsUser 0 in an ephemeral container', (s) => (s.ephemeralContainers = [hardened('debug', { runAsUser: 0 })]), ROOT],
  ['runAsNonRoot unset everywhere', (s) => delete s.securityContext.runAsNonRoot, ROOT],
  ['runAsNonRoot false in the pod', (s) => (s.securityContext.runAsNonRoot = false), ROOT],
  ['runAsNonRoot false in the pod, true in every container (Pod Security refuses the explicit false)', (s) => {
    s.securityContext.runAsNonRoot = false;
    s.containers[0].securityContext.runAsNonRoot = true;
  }, ROOT],
  ['a pod securityContext with nothing but seccomp', (s) => (s.securityContext = { seccompProfile: { type: 'RuntimeDefault' } }), ROOT],
  ['a container that sets runAsNonRoot false under a non-root pod', (s) => (s.containers[0].securityContext.runAsNonRoot = false), ROOT],
  ['runAsNonRoot on one container only (pod unset)', (s) => {
    delete s.securityContext.runAsNonRoot;
    s.containers[0].securityContext.runAsNonRoot = true;
    s.initContainers = [hardened('init', {})];
  }, ROOT],
  // The rest of Pod Security "restricted", which also only warns on templates.
  ['allowPrivilegeEscalation true', (s) => (s.containers[0].securityContext.allowPrivilegeEscalation = true), ESCALATION],
  ['allowPrivilegeEscalation unset', (s) => delete s.containers[0].securityContext.allowPrivilegeEscalation, ESCALATION],
  ['allowPrivilegeEscalation unset in an init container', (s) => (s.initContainers = [{ name: 'init', image: 'busybox', securityContext: { capabilities: { drop: ['ALL'] } } }]), ESCALATION],
  ['allowPrivilegeEscalation true in an ephemeral container', (s) => (s.ephemeralContainers = [hardened('debug', { allowPrivilegeEscalation: true })]), ESCALATION],
  ['capabilities not dropped', (s) => delete s.containers[0].securityContext.capabilities, CAPABILITIES],
  ['capabilities dropped, but not ALL', (s) => (s.containers[0].securityContext.capabilities = { drop: ['NET_RAW', 'SYS_ADMIN'] }), CAPABILITIES],
  ['capability SYS_ADMIN added', (s) => (s.containers[0].securityContext.capabilities.add = ['SYS_ADMIN']), CAPABILITIES],
  ['capability NET_RAW added beside NET_BIND_SERVICE', (s) => (s.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE', 'NET_RAW']), CAPABILITIES],
  ['an init container keeping its capabilities', (s) => (s.initContainers = [{ name: 'init', image: 'busybox', securityContext: { allowPrivilegeEscalation: false } }]), CAPABILITIES],
  ['an ephemeral container adding SYS_PTRACE', (s) => (s.ephemeralContainers = [hardened('debug', { capabilities: { drop: ['ALL'], add: ['SYS_PTRACE'] } })]), CAPABILITIES],
  ['seccomp Unconfined in the pod', (s) => (s.securityContext.seccompProfile = { type: 'Unconfined' }), SECCOMP],
  ['seccomp Unconfined in a container', (s) => (s.containers[0].securityContext.seccompProfile = { type: 'Unconfined' }), SECCOMP],
  ['seccomp unset everywhere', (s) => delete s.securityContext.seccompProfile, SECCOMP],
  ['seccomp set on some containers only', (s) => {
    delete s.securityContext.seccompProfile;
    s.containers[0].securityContext.seccompProfile = { type: 'RuntimeDefault' };
    s.initContainers = [hardened('init', {})];
  }, SECCOMP],
  ['an nfs volume', (s) => s.volumes.push({ name: 'nfs', nfs: { server: '10.0.0.2', path: '/export' } }), VOLUMES],
  ['a gitRepo volume', (s) => s.volumes.push({ name: 'src', gitRepo: { repository: 'https://example.com/x.git' } }), VOLUMES],
  ['an awsElasticBlockStore volume', (s) => s.volumes.push({ name: 'ebs', awsElasticBlockStore: { volumeID: 'vol-1' } }), VOLUMES],
  ['an iscsi volume', (s) => s.volumes.push({ name: 'disk', iscsi: { targetPortal: '10.0.0.3:3260', iqn: 'iqn.x', lun: 0 } }), VOLUMES],
];

/** Variants that Pod Security "restricted" accepts, and so must the policy. */
const ADMITTED: [string, (s: Any) => void][] = [
  ['runAsNonRoot on every container instead of the pod', (s) => {
    delete s.securityContext.runAsNonRoot;
    s.containers[0].securityContext.runAsNonRoot = true;
    s.initContainers = [hardened('init', { runAsNonRoot: true })];
  }],
  ['runAsUser unset (the image\'s non-root user applies)', (s) => delete s.securityContext.runAsUser],
  ['a container that repeats runAsNonRoot true and a non-zero uid', (s) => Object.assign(s.containers[0].securityContext, { runAsNonRoot: true, runAsUser: 2000 })],
  ['capability NET_BIND_SERVICE added', (s) => (s.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE'])],
  ['ALL dropped among others', (s) => (s.containers[0].securityContext.capabilities.drop = ['NET_RAW', 'ALL'])],
  ['seccomp on every container instead of the pod', (s) => {
    delete s.securityContext.seccompProfile;
    s.containers[0].securityContext.seccompProfile = { type: 'RuntimeDefault' };
    s.initContainers = [hardened('init', { seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } })];
  }],
  ['a container with a Localhost seccomp profile under a RuntimeDefault pod', (s) => (s.containers[0].securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' })],
  ['every volume type "restricted" allows', (s) => s.volumes.push(
    { name: 'cm', configMap: { name: 'c' } }, { name: 'csi', csi: { driver: 'd' } }, { name: 'dapi', downwardAPI: { items: [] } },
    { name: 'eph', ephemeral: { volumeClaimTemplate: { spec: {} } } }, { name: 'img', image: { reference: 'r.example.com/x:1' } },
    { name: 'pvc', persistentVolumeClaim: { claimName: 'data' } }, { name: 'proj', projected: { sources: [] } }, { name: 'sec', secret: { secretName: 's' } },
  )],
  ['a hardened init and ephemeral container', (s) => {
    s.initContainers = [hardened('init', {})];
    s.ephemeralContainers = [hardened('debug', {})];
  }],
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

  describe.each(ADMITTED)('admits %s', (_name, mutate) => {
    test.each(kinds)('in a %s', (kind) => {
      const o = escape(mutate)(compliant().find((c) => c.kind === kind)!);
      expect(admit(policy, binding, create(o))).toEqual({ allowed: true, matched: true, messages: [] });
    });
  });

  test('every workload the library renders into a tenant namespace is admitted, with its extras (init containers, code, volumes)', () => {
    const ns = 'tenant-a';
    const init = [{ name: 'init', image: 'busybox:1' }];
    const volumes = [{ name: 'cfg', configMap: { name: 'cfg' } }];
    const objects: Any[] = [
      ...renderSandboxedPod({ containers, initContainers: init, volumes, namespace: ns }, 'pod').objects,
      ...renderSandboxedDeployment({ containers, initContainers: init, namespace: ns }, 'deploy').objects,
      ...renderSandboxedJob({ containers, namespace: ns }, 'job').objects,
      ...renderSandboxedDaemonSet({ containers, namespace: ns }, 'ds').objects,
      ...renderEdgeSandbox({ containers, namespace: ns }, 'edge').objects,
      ...renderEdgeSandbox({ containers, namespace: ns, workload: 'DaemonSet' }, 'edge-ds').objects,
      ...renderUntrustedCodeSandbox({ image: 'python:3.12', command: ['python', '/code/main.py'], code: { 'main.py': 'print(1)' }, namespace: ns }, 'run').objects,
    ];
    const workloads = objects.filter((o) => ['Pod', 'Deployment', 'Job', 'DaemonSet'].includes(o.kind));
    expect(workloads.map((o) => o.kind)).toEqual(['Pod', 'Deployment', 'Job', 'DaemonSet', 'Deployment', 'DaemonSet', 'Job']);
    for (const o of workloads) {
      expect([o.metadata.name, admit(policy, binding, create(o))]).toEqual([o.metadata.name, { allowed: true, matched: true, messages: [] }]);
    }
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
    const updated = escape((s) => (s.ephemeralContainers = [hardened('debug', { privileged: true })]))(old);
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
