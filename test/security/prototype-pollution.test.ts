// Issue 9, class 1 (core side): a polluted Object.prototype must not change
// what any construct emits, in either frontend, and props that carry
// prototype keys are refused with a typed error — never merged.
import * as pulumi from '@pulumi/pulumi';
import {
  K8S_TYPES, PROTOTYPE_KEYS, POD_SPEC_PROP_KEYS, WORKLOAD_PROP_KEYS, applyOverrides, plainProps, runtimeClassRef,
} from '../../lib/core';
import { caught } from '../helpers/errors';
import { FrontendCase, buildCdk8s, buildPulumi, refusedInBoth } from '../helpers/frontends';
import { mockPulumi, settle } from '../helpers/pulumi';
import { newChart, synthApp } from '../helpers/synth';
import {
  egressRules, renderEdgeSandbox, renderMultiTenantSandbox, renderRuntimeClass, renderSandboxedDeployment, renderSandboxedJob,
  renderSandboxedDaemonSet, renderSandboxedStatefulSet, renderSandboxedCronJob,
  renderSandboxedPod, renderUntrustedCodeSandbox,
} from 'gvisor-iac';
import * as cdk8sFrontend from 'gvisor-iac/cdk8s';
import * as pulumiFrontend from 'gvisor-iac/pulumi';
import { gvisorTransform } from 'gvisor-iac/pulumi';

const container = { name: 'app', image: 'registry.example.com/app:1.2', ports: [{ containerPort: 8080 }] };

/** Every construct, with props that leave most fields unset (an unset field is what a polluted prototype would fill). */
const CASES: FrontendCase[] = [
  { construct: 'GvisorRuntimeClass', id: 'gvisor', props: {} },
  { construct: 'GvisorRuntimeClass', id: 'gke', props: { preset: 'gke' } },
  { construct: 'EdgeRuntimeClass', id: 'gvisor-edge', props: {} },
  { construct: 'SandboxedPod', id: 'pod', props: { containers: [container] } },
  { construct: 'SandboxedPod', id: 'pod-rc', runtimeClass: {}, props: { containers: [container], initContainers: [{ name: 'init', image: 'busybox:1.36' }] } },
  { construct: 'SandboxedDeployment', id: 'web', props: { containers: [container] } },
  { construct: 'SandboxedDeployment', id: 'patched', props: { containers: [container], overrides: [{ patch: [{ op: 'replace', path: '/spec/replicas', value: 2 }] }] } },
  { construct: 'SandboxedJob', id: 'job', props: { containers: [container] } },
  { construct: 'SandboxedDaemonSet', id: 'ds', props: { containers: [container] } },
  { construct: 'SandboxedStatefulSet', id: 'sts', props: { containers: [container] } },
  { construct: 'SandboxedCronJob', id: 'cron', props: { schedule: '@hourly', containers: [container] } },
  { construct: 'MultiTenantSandbox', id: 'tenants', props: { tenants: [{ name: 'tenant-a' }, { name: 'tenant-b', egress: 'internet' }] } },
  { construct: 'MultiTenantSandbox', id: 'open-tenant', props: { tenants: [{ name: 'web', ingress: [{ from: [{ namespace: 'ingress-nginx' }], ports: [{ port: 8080 }] }] }] } },
  { construct: 'UntrustedCodeSandbox', id: 'run', props: { image: 'python:3.12-slim', code: { 'main.py': 'print(1)' } } },
  { construct: 'UntrustedCodeSandbox', id: 'run-dns', props: { image: 'python:3.12-slim', egress: 'dns' } },
  { construct: 'EdgeSandbox', id: 'edge', props: { containers: [container] } },
  { construct: 'EdgeSandbox', id: 'edge-ds', props: { workload: 'DaemonSet', containers: [container] } },
];

const hostilePatch = [{ op: 'add', path: '/spec/hostNetwork', value: true }];
/** What a merge bug elsewhere in the process could have put on Object.prototype. */
const POLLUTIONS: Array<[string, Record<string, unknown>]> = [
  ['runtimeClass (the issue\'s example)', { runtimeClass: 'runc' }],
  ['overrides', { overrides: [{ patch: hostilePatch }, { kind: 'Pod', patch: hostilePatch }] }],
  ['host namespaces', { hostNetwork: true, hostPID: true, hostIPC: true, hostUsers: true }],
  ['securityContext and its fields', { securityContext: { privileged: true, runAsUser: 0 }, privileged: true, allowPrivilegeEscalation: true, runAsNonRoot: false, runAsUser: 0, readOnlyRootFilesystem: false }],
  ['capabilities and profiles', { capabilities: { add: ['SYS_ADMIN'] }, add: ['SYS_ADMIN'], seccompProfile: { type: 'Unconfined' }, appArmorProfile: { type: 'Unconfined' }, procMount: 'Unmasked' }],
  ['egress', { egress: 'internet', internet: true, dns: true, cidrs: ['0.0.0.0/0'], ports: [{ port: 1 }] }],
  ['RuntimeClass props', { handler: 'runc', preset: 'gke', existing: true, podOverhead: false, name: 'runc' }],
  ['hardening', { hardening: { readOnlyRootFilesystem: false, writableTmp: false }, writableTmp: false, defaultResources: {} }],
  ['volumes and mounts', { volumes: [{ name: 'host', hostPath: { path: '/' } }], volumeMounts: [{ name: 'host', mountPath: '/host' }], hostPath: { path: '/' } }],
  ['probes and hooks', { livenessProbe: { httpGet: { host: '169.254.169.254', port: 80 } }, lifecycle: { preStop: { httpGet: { port: 80 } } }, host: '169.254.169.254' }],
  ['resources', { resources: { limits: { cpu: '64' } }, requests: { cpu: '64' }, limits: { memory: '1Ti' }, cpu: '64', memory: '1Ti' }],
  ['identity', { namespace: 'kube-system', labels: { evil: 'yes' }, annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' } }],
  ['tenants', { quota: { pods: 1000 }, admins: { groups: ['system:authenticated'] }, allowIntraNamespace: true, egressPorts: [{ port: 1 }] }],
  ['tenant ingress', { ingress: [{ from: [{ allNamespaces: true }], ports: 'all' }], allNamespaces: true, namespaceLabels: {}, podLabels: {}, ipBlock: { cidr: '0.0.0.0/0' }, endPort: 65535 }],
  ['workload fields', { replicas: 100, backoffLimit: 100, activeDeadlineSeconds: 1, automountServiceAccountToken: true, enableServiceLinks: true, serviceAccountName: 'admin' }],
];

/**
 * Every field name the library knows — its own props and every field of
 * the Kubernetes types it passes through — each set to a hostile value. What
 * the core reads only as an own property is unaffected by all of them at once.
 */
function everyFieldName(): string[] {
  const names = new Set<string>([...WORKLOAD_PROP_KEYS, ...POD_SPEC_PROP_KEYS]);
  for (const def of Object.values(K8S_TYPES)) for (const f of Object.keys(def.fields)) names.add(f);
  // Names JavaScript, Node, cdk8s and Pulumi themselves look up on any object
  // (a pollution of these breaks the frameworks before our code runs).
  for (const builtin of ['name', 'kind', 'apiVersion', 'metadata', 'value', 'path', 'type', 'key', 'id', 'version', 'spec', 'data', 'status', 'target']) names.delete(builtin);
  return [...names];
}

/**
 * Runs `fn` with `pollution` set on Object.prototype the way a merge bug sets
 * it (assigned, so enumerable), and always cleans up. The window covers the
 * construction of the constructs — every line of gvisor-iac runs in it; what
 * cdk8s and the Pulumi engine do later (synthesis, registration over gRPC)
 * runs after it, as their own libraries break under enumerable pollution.
 */
function polluted<T>(pollution: Record<string, unknown> | undefined, fn: () => T): T {
  const added: string[] = [];
  try {
    for (const [k, v] of Object.entries(pollution ?? {})) {
      if (Object.prototype.hasOwnProperty.call(Object.prototype, k)) continue;
      (Object.prototype as any)[k] = v;
      added.push(k);
    }
    return fn();
  } finally {
    for (const k of added) delete (Object.prototype as any)[k];
  }
}

/** Metadata fields cdk8s's ApiObject itself looks up on an object it builds (outside gvisor-iac's reach). */
const CDK8S_METADATA_FIELDS = ['namespace', 'labels', 'annotations', 'finalizers', 'ownerReferences'];

/** The test's own reads of its cases must not see the pollution either. */
const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const byKey = (o: any) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const sorted = (objects: any[]) => [...objects].sort((a, b) => byKey(a).localeCompare(byKey(b)));

/** Builds a case in both frontends (constructs made under `pollution`): the objects, or what was thrown. */
async function outcome(c: FrontendCase, pollution?: Record<string, unknown>): Promise<{ cdk8s: unknown; pulumi: unknown }> {
  let cdk8s: unknown;
  try {
    const { app, chart } = newChart();
    polluted(pollution, () => {
      const rc = own(c, 'runtimeClass') && new cdk8sFrontend.GvisorRuntimeClass(chart, 'rc', c.runtimeClass);
      new (cdk8sFrontend as any)[c.construct](chart, c.id, rc ? { ...c.props, runtimeClass: rc } : c.props);
    });
    cdk8s = sorted(synthApp(app));
  } catch (e) {
    cdk8s = `threw ${String(e)}`;
  }
  let fromPulumi: unknown;
  try {
    const recorder = mockPulumi();
    const resources = polluted(pollution, () => {
      const rc = own(c, 'runtimeClass') && new pulumiFrontend.GvisorRuntimeClass('rc', c.runtimeClass);
      const component: pulumi.Resource = new (pulumiFrontend as any)[c.construct](c.id, rc ? { ...c.props, runtimeClass: rc } : c.props);
      return rc ? [rc, component] : [component];
    });
    await settle(recorder, ...resources);
    fromPulumi = sorted(recorder.kube().map((r) => r.inputs));
  } catch (e) {
    fromPulumi = `threw ${String(e)}`;
  }
  return { cdk8s, pulumi: fromPulumi };
}

describe('a polluted Object.prototype changes nothing any construct emits', () => {
  const baseline = new Map<string, { cdk8s: unknown; pulumi: unknown }>();
  beforeAll(async () => {
    for (const c of CASES) baseline.set(c.id, await outcome(c));
  });

  test('the baseline builds (so the comparison below compares manifests)', () => {
    for (const c of CASES) {
      expect(Array.isArray(baseline.get(c.id)!.cdk8s)).toBe(true);
      expect(baseline.get(c.id)!.pulumi).toEqual(baseline.get(c.id)!.cdk8s);
    }
  });

  test.each(POLLUTIONS)('%s', async (_, pollution) => {
    for (const c of CASES) {
      const result = await outcome(c, pollution);
      expect({ id: c.id, pulumi: result.pulumi }).toEqual({ id: c.id, pulumi: baseline.get(c.id)!.pulumi });
      // cdk8s's own ApiObject reads metadata fields it does not find in ours (namespace, labels,
      // annotations, finalizers, ownerReferences) from the prototype: that code is cdk8s's.
      if (!CDK8S_METADATA_FIELDS.some((f) => f in pollution)) {
        expect({ id: c.id, cdk8s: result.cdk8s }).toEqual({ id: c.id, cdk8s: baseline.get(c.id)!.cdk8s });
      }
    }
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  test('every field name the library knows, polluted at once', async () => {
    const names = everyFieldName();
    expect(names.length).toBeGreaterThan(300);
    const pollution = Object.fromEntries(names.map((n, i) => [n, i % 2 ? true : { hostNetwork: true }]));
    const outsideCdk8s = Object.fromEntries(Object.entries(pollution).filter(([k]) => !CDK8S_METADATA_FIELDS.includes(k)));
    for (const c of CASES) {
      expect({ id: c.id, pulumi: (await outcome(c, pollution)).pulumi }).toEqual({ id: c.id, pulumi: baseline.get(c.id)!.pulumi });
      expect({ id: c.id, cdk8s: (await outcome(c, outsideCdk8s)).cdk8s }).toEqual({ id: c.id, cdk8s: baseline.get(c.id)!.cdk8s });
    }
  });

  test('core render functions and helpers called directly', () => {
    const direct = () => JSON.stringify([
      renderSandboxedPod({ containers: [container] }, 'p'),
      renderSandboxedDeployment({ containers: [container] }, 'd'),
      renderSandboxedJob({ containers: [container] }, 'j'),
      renderSandboxedDaemonSet({ containers: [container] }, 'ds'),
      renderSandboxedStatefulSet({ containers: [container] }, 'sts'),
      renderSandboxedCronJob({ schedule: '@hourly', containers: [container] }, 'cj'),
      renderEdgeSandbox({ containers: [container] }, 'e'),
      renderUntrustedCodeSandbox({ image: 'x:1' }, 'u'),
      renderMultiTenantSandbox({ tenants: [{ name: 't' }] }, 'm'),
      renderRuntimeClass({}),
      egressRules('none', 'egress'),
      egressRules('dns', 'egress'),
      applyOverrides({ objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }], primary: 0 }, []),
    ]);
    const before = direct();
    const after = polluted(Object.assign({}, ...POLLUTIONS.map(([, p]) => p)), direct);
    expect(after).toBe(before);
  });

  test('GvisorRuntimeClass.fromName and runtimeClassRef read only their own options', () => {
    const refs = () => JSON.stringify([
      cdk8sFrontend.GvisorRuntimeClass.fromName(newChart().chart, 'rc', 'corp-gvisor').ref,
      runtimeClassRef('corp-gvisor'),
      runtimeClassRef('corp-gvisor', { podOverhead: { cpu: '1' } }),
    ]);
    mockPulumi();
    const pulumiRef = () => JSON.stringify(pulumiFrontend.GvisorRuntimeClass.fromName('rc', 'corp-gvisor').ref);
    const before = [refs(), pulumiRef()];
    expect(polluted({ podOverhead: { cpu: '64', memory: '1Ti' }, cpu: '64', memory: '1Ti' }, () => [refs(), pulumiRef()])).toEqual(before);
    expect(before[0]).not.toContain('64');
  });

  test('the Pulumi gvisorTransform reads only its own options', () => {
    const transformed = () => JSON.stringify(gvisorTransform({ mode: 'inject' })({
      type: 'kubernetes:core/v1:Pod', name: 'p', custom: true, props: { spec: { containers: [] } }, opts: {},
    } as any));
    const before = transformed();
    expect(polluted({ runtimeClassName: 'runc', allowedRuntimeClassNames: ['runc'], mode: 'deny' }, transformed)).toBe(before);
    expect(before).toContain('"runtimeClassName":"gvisor"');
  });
});

describe('prototype keys in props are refused with a typed error, in both frontends', () => {
  // JSON.parse makes `__proto__` an own key, as data from a file or a request would.
  const parsed = (json: string) => JSON.parse(json);
  const CASES_WITH_KEYS: Array<[string, FrontendCase, string]> = [
    ['__proto__ at the top', { construct: 'SandboxedPod', id: 'a', props: parsed(`{"containers":[${JSON.stringify(container)}],"__proto__":{"runtimeClass":"runc"}}`) }, 'props["__proto__"]'],
    ['constructor at the top', { construct: 'SandboxedDeployment', id: 'a', props: { containers: [container], constructor: { prototype: { hostNetwork: true } } } }, 'props["constructor"]'],
    ['__proto__ in a container', { construct: 'SandboxedJob', id: 'a', props: { containers: [parsed('{"name":"a","image":"b:1","__proto__":{"securityContext":{"privileged":true}}}')] } }, 'props.containers[0]["__proto__"]'],
    ['__proto__ in labels', { construct: 'SandboxedPod', id: 'a', props: { containers: [container], labels: parsed('{"__proto__":{"x":"y"}}') } }, 'props.labels["__proto__"]'],
    ['constructor in annotations', { construct: 'SandboxedPod', id: 'a', props: { containers: [container], annotations: { constructor: 'x' } } }, 'props.annotations["constructor"]'],
    ['prototype in nodeSelector', { construct: 'EdgeSandbox', id: 'a', props: { containers: [container], nodeSelector: { prototype: 'x' } } }, 'props.nodeSelector["prototype"]'],
    ['__proto__ in an override patch', { construct: 'SandboxedPod', id: 'a', props: { containers: [container], overrides: [{ patch: [parsed('{"op":"add","path":"/x","value":{"__proto__":{"hostNetwork":true}}}')] }] } }, 'props.overrides[0].patch[0].value["__proto__"]'],
    ['__proto__ in tenant quota', { construct: 'MultiTenantSandbox', id: 'a', props: { tenants: [{ name: 't', quota: parsed('{"__proto__":{"pods":1}}') }] } }, 'props.tenants[0].quota["__proto__"]'],
    ['__proto__ in untrusted code files', { construct: 'UntrustedCodeSandbox', id: 'a', props: { image: 'x:1', code: parsed('{"__proto__":"print(1)"}') } }, 'props.code["__proto__"]'],
    ['constructor in RuntimeClass overhead', { construct: 'GvisorRuntimeClass', id: 'a', props: { podOverhead: { constructor: '1' } } }, 'props.podOverhead["constructor"]'],
    ['__proto__ in EdgeRuntimeClass props', { construct: 'EdgeRuntimeClass', id: 'a', props: parsed('{"__proto__":{"handler":"runc"}}') }, 'props["__proto__"]'],
  ];

  test.each(CASES_WITH_KEYS)('%s', async (_, c, path) => {
    const e = await refusedInBoth(c);
    expect(e.code).toBe('INVALID_VALUE');
    expect(e.path).toBe(path);
    expect(e.message).toContain('reaches an object prototype');
    expect(({} as any).runtimeClass).toBeUndefined();
    expect(({} as any).hostNetwork).toBeUndefined();
  });

  test('props whose prototype was set with an object literal\'s __proto__: inherited fields are ignored by the frontends, refused by the core', async () => {
    const props = { containers: [container], __proto__: { runtimeClass: 'runc', hostNetwork: true } };
    const fromCdk8s = buildCdk8s({ construct: 'SandboxedPod', id: 'a', props });
    const fromPulumi = await buildPulumi({ construct: 'SandboxedPod', id: 'a', props });
    for (const objects of [fromCdk8s, fromPulumi]) {
      expect(objects.map((o) => [o.kind, o.spec.runtimeClassName, o.spec.hostNetwork])).toEqual([['Pod', 'gvisor', undefined]]);
    }
    const e = caught(() => renderSandboxedPod(props, 'a'));
    expect([e.code, e.path]).toEqual(['INVALID_TYPE', 'props']);
  });

  test('JSON-patch overrides cannot write through __proto__ or constructor paths', () => {
    for (const path of ['/__proto__/hostNetwork', '/constructor/prototype/hostNetwork', '/spec/__proto__/hostNetwork']) {
      const e = caught(() => renderSandboxedPod({ containers: [container], overrides: [{ patch: [{ op: 'add', path, value: true }] }] }, 'p'));
      expect(e.code).toBe('INVALID_OVERRIDE');
      expect(({} as any).hostNetwork).toBeUndefined();
    }
  });

  test('plainProps: every prototype key, at any depth', () => {
    for (const key of PROTOTYPE_KEYS) {
      for (const wrap of [(o: object) => o, (o: object) => ({ a: o }), (o: object) => ({ a: [{ b: o }] })]) {
        const e = caught(() => plainProps(wrap(JSON.parse(`{"${key}": {"x": 1}}`)), 'props'));
        expect(e.code).toBe('INVALID_VALUE');
        expect(e.path.endsWith(`[${JSON.stringify(key)}]`)).toBe(true);
      }
    }
  });

  test('plainProps copies own data onto null-prototype objects and reads a getter once', () => {
    let reads = 0;
    const props = { get image() { reads++; return reads === 1 ? 'checked:1' : 'swapped:1'; }, nested: { list: [1, 'a', true] } };
    const copy = plainProps(props, 'props') as any;
    expect(reads).toBe(1);
    expect(Object.getPrototypeOf(copy)).toBeNull();
    expect(Object.getPrototypeOf(copy.nested)).toBeNull();
    expect(copy.image).toBe('checked:1');
    expect(copy.nested.list).toEqual([1, 'a', true]);
    expect(copy.hasOwnProperty).toBeUndefined();
  });
});
