// Issue 9, class 8: every Kubernetes field the library passes through is
// checked against its Kubernetes type (generated from the OpenAPI definitions)
// and bad input fails with a GvisorIacError — never a TypeError, never
// garbage in the output. Property tests throw random junk at every prop.
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { K8S_SCHEMA_SOURCE, MAX_VALUE_ECHO, checkK8sObject, renderSandboxedDaemonSet } from '../../lib/core';
import { generateK8sSchema } from '../../projenrc/k8s-schema';
import { caught } from '../helpers/errors';
import { refusedInBoth } from '../helpers/frontends';
import { mockPulumi } from '../helpers/pulumi';
import { assertAllSchemaValid } from '../helpers/schema';
import { newChart } from '../helpers/synth';
import {
  GvisorIacError, Manifests, renderEdgeSandbox, renderMultiTenantSandbox, renderRuntimeClass, renderSandboxedDeployment,
  renderSandboxedJob, renderSandboxedPod, renderUntrustedCodeSandbox,
} from 'gvisor-iac';
import * as cdk8sFrontend from 'gvisor-iac/cdk8s';
import * as pulumiFrontend from 'gvisor-iac/pulumi';

const c0 = { name: 'app', image: 'registry.example.com/app:1.2' };
const pod = (container: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ containers: [{ ...c0, ...container }], ...extra });

describe('wrong Kubernetes types are refused with a typed error naming the field, in both frontends', () => {
  const CASES: Array<[string, string, any, string, string, string?]> = [
    // [what, construct, props, code, path, message fragment]
    ['sysctls not a list', 'SandboxedPod', pod({}, { securityContext: { sysctls: { name: 'kernel.shm_rmid_forced', value: '1' } } }), 'INVALID_TYPE', 'props.securityContext.sysctls', 'is not a list'],
    ['sysctls entry not an object', 'SandboxedPod', pod({}, { securityContext: { sysctls: ['kernel.shm_rmid_forced=1'] } }), 'INVALID_TYPE', 'props.securityContext.sysctls[0]'],
    ['volumeDevices null', 'SandboxedPod', pod({ volumeDevices: null }), 'INVALID_TYPE', 'props.containers[0].volumeDevices', 'is null'],
    ['volumeMounts null', 'SandboxedDeployment', pod({ volumeMounts: null }), 'INVALID_TYPE', 'props.containers[0].volumeMounts', 'is null'],
    ['securityContext null', 'SandboxedJob', pod({ securityContext: null }), 'INVALID_TYPE', 'props.containers[0].securityContext', 'is null'],
    ['dnsConfig a string', 'SandboxedPod', pod({}, { dnsConfig: 'nameserver 1.1.1.1' }), 'INVALID_TYPE', 'props.dnsConfig', 'is not an object'],
    ['dnsConfig.nameservers a string', 'SandboxedPod', pod({}, { dnsConfig: { nameservers: '1.1.1.1' } }), 'INVALID_TYPE', 'props.dnsConfig.nameservers', 'is not a list'],
    ['dnsConfig.options[0].value a number', 'SandboxedPod', pod({}, { dnsConfig: { options: [{ name: 'ndots', value: 2 }] } }), 'INVALID_TYPE', 'props.dnsConfig.options[0].value'],
    ['command a string', 'SandboxedPod', pod({ command: 'sh -c "sleep 1"' }), 'INVALID_TYPE', 'props.containers[0].command', '["sh","-c","\\"sleep"'],
    ['args a string', 'SandboxedJob', pod({ args: '--verbose' }), 'INVALID_TYPE', 'props.containers[0].args', 'is not a list'],
    ['args with a number', 'SandboxedJob', pod({ args: ['--port', 8080] }), 'INVALID_TYPE', 'props.containers[0].args[1]', 'is not a string'],
    ['env an object', 'SandboxedPod', pod({ env: { MODE: 'prod' } }), 'INVALID_TYPE', 'props.containers[0].env', 'is not a list'],
    ['env value a number', 'SandboxedPod', pod({ env: [{ name: 'PORT', value: 8080 }] }), 'INVALID_TYPE', 'props.containers[0].env[0].value', 'is not a string'],
    ['env without name', 'SandboxedPod', pod({ env: [{ value: 'x' }] }), 'REQUIRED', 'props.containers[0].env[0].name', 'is required'],
    ['env valueFrom typo', 'SandboxedPod', pod({ env: [{ name: 'A', valueFrom: { secretRef: { name: 's' } } }] }), 'UNKNOWN_FIELD', 'props.containers[0].env[0].valueFrom.secretRef', 'did you mean "secretKeyRef"'],
    ['envFrom an object', 'SandboxedPod', pod({ envFrom: { configMapRef: { name: 'c' } } }), 'INVALID_TYPE', 'props.containers[0].envFrom'],
    ['envFrom ref a string', 'SandboxedPod', pod({ envFrom: [{ configMapRef: 'c' }] }), 'INVALID_TYPE', 'props.containers[0].envFrom[0].configMapRef'],
    ['probe a string', 'SandboxedPod', pod({ livenessProbe: 'GET /healthz' }), 'INVALID_TYPE', 'props.containers[0].livenessProbe'],
    ['probe period a string', 'SandboxedPod', pod({ readinessProbe: { exec: { command: ['true'] }, periodSeconds: '10' } }), 'INVALID_TYPE', 'props.containers[0].readinessProbe.periodSeconds'],
    ['probe port fractional', 'SandboxedPod', pod({ startupProbe: { tcpSocket: { port: 80.5 } } }), 'INVALID_INTEGER', 'props.containers[0].startupProbe.tcpSocket.port'],
    ['probe port missing', 'SandboxedPod', pod({ livenessProbe: { httpGet: { path: '/' } } }), 'REQUIRED', 'props.containers[0].livenessProbe.httpGet.port'],
    ['probe field typo', 'SandboxedPod', pod({ livenessProbe: { httpGet: { port: 80, hots: 'x' } } }), 'UNKNOWN_FIELD', 'props.containers[0].livenessProbe.httpGet.hots', 'did you mean "host"'],
    ['grpc port a name', 'SandboxedPod', pod({ livenessProbe: { grpc: { port: 'grpc' } } }), 'INVALID_TYPE', 'props.containers[0].livenessProbe.grpc.port'],
    ['lifecycle a list', 'SandboxedPod', pod({ lifecycle: [{ preStop: { exec: { command: ['true'] } } }] }), 'INVALID_TYPE', 'props.containers[0].lifecycle'],
    ['hook a string', 'SandboxedPod', pod({ lifecycle: { preStop: 'sleep 5' } }), 'INVALID_TYPE', 'props.containers[0].lifecycle.preStop'],
    ['sleep seconds a string', 'SandboxedPod', pod({ lifecycle: { preStop: { sleep: { seconds: '5' } } } }), 'INVALID_TYPE', 'props.containers[0].lifecycle.preStop.sleep.seconds'],
    ['imagePullPolicy lower case', 'SandboxedPod', pod({ imagePullPolicy: 'always' }), 'INVALID_VALUE', 'props.containers[0].imagePullPolicy', 'use "Always" (Kubernetes compares'],
    ['imagePullPolicy unknown', 'SandboxedDeployment', pod({ imagePullPolicy: 'Sometimes' }), 'INVALID_VALUE', 'props.containers[0].imagePullPolicy'],
    ['imagePullPolicy a boolean (edge)', 'EdgeSandbox', pod({ imagePullPolicy: true }), 'INVALID_VALUE', 'props.containers[0].imagePullPolicy'],
    ['pod restartPolicy lower case', 'SandboxedPod', pod({}, { restartPolicy: 'never' }), 'INVALID_VALUE', 'props.restartPolicy'],
    ['container restartPolicy a number', 'SandboxedPod', pod({ restartPolicy: 1 }), 'INVALID_TYPE', 'props.containers[0].restartPolicy'],
    ['workingDir a list', 'SandboxedPod', pod({ workingDir: ['/app'] }), 'INVALID_TYPE', 'props.containers[0].workingDir'],
    ['stdin a string', 'SandboxedPod', pod({ stdin: 'true' }), 'INVALID_TYPE', 'props.containers[0].stdin', 'is not a boolean'],
    ['tty a number', 'SandboxedPod', pod({ tty: 1 }), 'INVALID_TYPE', 'props.containers[0].tty'],
    ['runAsGroup negative', 'SandboxedPod', pod({}, { securityContext: { runAsGroup: -1 } }), 'INVALID_INTEGER', 'props.securityContext.runAsGroup'],
    ['runAsGroup fractional', 'SandboxedPod', pod({ securityContext: { runAsGroup: 1000.5 } }), 'INVALID_INTEGER', 'props.containers[0].securityContext.runAsGroup'],
    ['runAsGroup above 2^31-1', 'SandboxedPod', pod({ securityContext: { runAsGroup: 2 ** 31 } }), 'INVALID_INTEGER', 'props.containers[0].securityContext.runAsGroup'],
    ['fsGroup negative', 'SandboxedJob', pod({}, { securityContext: { fsGroup: -5 } }), 'INVALID_INTEGER', 'props.securityContext.fsGroup'],
    ['fsGroup a string', 'SandboxedJob', pod({}, { securityContext: { fsGroup: '1000' } }), 'INVALID_TYPE', 'props.securityContext.fsGroup'],
    ['supplementalGroups negative', 'SandboxedPod', pod({}, { securityContext: { supplementalGroups: [1, -1] } }), 'INVALID_INTEGER', 'props.securityContext.supplementalGroups[1]'],
    ['runAsUser fractional', 'SandboxedPod', pod({ securityContext: { runAsUser: 1000.1 } }), 'INVALID_INTEGER', 'props.containers[0].securityContext.runAsUser'],
    ['resources.requests a list', 'SandboxedPod', pod({ resources: { requests: ['cpu=1'] } }), 'INVALID_TYPE', 'props.containers[0].resources.requests'],
    ['resources.limits a string', 'SandboxedPod', pod({ resources: { limits: '1 cpu' } }), 'INVALID_TYPE', 'props.containers[0].resources.limits'],
    ['resource quantity a boolean', 'SandboxedPod', pod({ resources: { limits: { cpu: true } } }), 'INVALID_TYPE', 'props.containers[0].resources.limits["cpu"]'],
    ['default resources a list', 'SandboxedPod', pod({}, { hardening: { defaultResources: [] } }), 'INVALID_TYPE', 'props.hardening.defaultResources'],
    ['ports an object', 'SandboxedPod', pod({ ports: { containerPort: 80 } }), 'INVALID_TYPE', 'props.containers[0].ports'],
    ['port protocol lower case', 'SandboxedPod', pod({ ports: [{ containerPort: 80, protocol: 'tcp' }] }), 'INVALID_VALUE', 'props.containers[0].ports[0].protocol'],
    ['tolerations an object', 'SandboxedPod', pod({}, { tolerations: { key: 'a' } }), 'INVALID_TYPE', 'props.tolerations'],
    ['affinity a list', 'SandboxedPod', pod({}, { affinity: [] }), 'INVALID_TYPE', 'props.affinity'],
    ['affinity typo', 'SandboxedPod', pod({}, { affinity: { nodeAfinity: {} } }), 'UNKNOWN_FIELD', 'props.affinity.nodeAfinity', 'did you mean "nodeAffinity"'],
    ['topologySpreadConstraints maxSkew a string', 'SandboxedDeployment', pod({}, { topologySpreadConstraints: [{ maxSkew: '1', topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }] }), 'INVALID_TYPE', 'props.topologySpreadConstraints[0].maxSkew'],
    ['imagePullSecrets a string', 'SandboxedPod', pod({}, { imagePullSecrets: 'regcred' }), 'INVALID_TYPE', 'props.imagePullSecrets'],
    ['nodeSelector value a number', 'SandboxedPod', pod({}, { nodeSelector: { zone: 1 } }), 'INVALID_TYPE', 'props.nodeSelector["zone"]'],
    ['terminationGracePeriodSeconds a string', 'SandboxedPod', pod({}, { terminationGracePeriodSeconds: '30' }), 'INVALID_TYPE', 'props.terminationGracePeriodSeconds'],
    ['volume source typo', 'SandboxedPod', pod({}, { volumes: [{ name: 'd', emptyDir: { sizeLimt: '1Gi' } }] }), 'UNKNOWN_FIELD', 'props.volumes[0].emptyDir.sizeLimt'],
    ['volume configMap items a map', 'SandboxedPod', pod({}, { volumes: [{ name: 'c', configMap: { name: 'c', items: { a: 'b' } } }] }), 'INVALID_TYPE', 'props.volumes[0].configMap.items'],
    ['Deployment strategy type lower case', 'SandboxedDeployment', pod({}, { strategy: { type: 'recreate' } }), 'INVALID_VALUE', 'props.strategy.type'],
    ['Deployment maxSurge a boolean', 'SandboxedDeployment', pod({}, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: true } } }), 'INVALID_TYPE', 'props.strategy.rollingUpdate.maxSurge'],
    ['DaemonSet updateStrategy a string', 'EdgeSandbox', pod({}, { workload: 'DaemonSet', updateStrategy: 'OnDelete' }), 'INVALID_TYPE', 'props.updateStrategy'],
    ['untrusted command a string', 'UntrustedCodeSandbox', { image: 'python:3.12', command: 'python main.py' }, 'INVALID_TYPE', 'props.command'],
    ['untrusted env an object', 'UntrustedCodeSandbox', { image: 'python:3.12', env: { A: 'b' } }, 'INVALID_TYPE', 'props.env'],
    ['untrusted resources.requests a list', 'UntrustedCodeSandbox', { image: 'python:3.12', resources: { requests: [] } }, 'INVALID_TYPE', 'props.resources.requests'],
    ['untrusted workingDir a number', 'UntrustedCodeSandbox', { image: 'python:3.12', workingDir: 1 }, 'INVALID_TYPE', 'props.workingDir'],
    ['tenant containerDefaults.requests a list', 'MultiTenantSandbox', { tenants: [{ name: 't', containerDefaults: { requests: [] } }] }, 'INVALID_TYPE', 'props.tenants[0].containerDefaults.requests'],
    ['tenant quota.hard a list', 'MultiTenantSandbox', { tenants: [{ name: 't', quota: { hard: [] } }] }, 'INVALID_TYPE', 'props.tenants[0].quota.hard'],
    ['RuntimeClass tolerations null', 'GvisorRuntimeClass', { tolerations: null }, 'INVALID_TYPE', 'props.tolerations'],
    ['Pod Security pin older than v1.34', 'MultiTenantSandbox', { tenants: [{ name: 't' }], podSecurityVersion: 'v1.25' }, 'SANDBOX_ESCAPE', 'props.podSecurityVersion', 'older "restricted" profile'],
  ];

  // A rest parameter: jest would take a sixth declared parameter of a five-element row for `done`.
  test.each(CASES)('%s', async (...[, construct, props, code, at, fragment]: [string, string, any, string, string, string?]) => {
    const e = await refusedInBoth({ construct, id: 'x', props });
    expect([e.code, e.path]).toEqual([code, at]);
    if (fragment) expect(e.message).toContain(fragment);
  });
});

describe('non-JSON values are refused wherever they appear', () => {
  class Custom { public readonly x = 1; }
  const cyclic: any = { name: 'app', image: 'a:1' };
  cyclic.self = cyclic;
  const JUNK: Array<[string, unknown, string]> = [
    ['a function', () => 'x', 'INVALID_TYPE'],
    ['a symbol', Symbol('x'), 'INVALID_TYPE'],
    ['a bigint', BigInt(1), 'INVALID_TYPE'],
    ['NaN', Number.NaN, 'INVALID_TYPE'],
    ['Infinity', Number.POSITIVE_INFINITY, 'INVALID_TYPE'],
    ['a Date', new Date(0), 'INVALID_TYPE'],
    ['a Map', new Map([['a', 'b']]), 'INVALID_TYPE'],
    ['a class instance', new Custom(), 'INVALID_TYPE'],
    ['a RegExp', /x/, 'INVALID_TYPE'],
    ['null', null, 'INVALID_TYPE'],
  ];
  const WHERE: Array<[string, (v: unknown) => any, string]> = [
    ['a top-level prop', (v) => pod({}, { priorityClassName: v }), 'props.priorityClassName'],
    ['a container field', (v) => pod({ workingDir: v }), 'props.containers[0].workingDir'],
    ['a label value', (v) => pod({}, { labels: { a: v } }), 'props.labels.a'],
    ['an override value', (v) => pod({}, { overrides: [{ patch: [{ op: 'add', path: '/metadata/annotations', value: { a: v } }] }] }), 'props.overrides[0].patch[0].value.a'],
    ['deep in a volume', (v) => pod({}, { volumes: [{ name: 'c', configMap: { name: 'c', items: [{ key: 'k', path: v }] } }] }), 'props.volumes[0].configMap.items[0].path'],
  ];

  test.each(JUNK)('%s', (_, junk, code) => {
    for (const [, props, at] of WHERE) {
      for (const render of [renderSandboxedPod, renderSandboxedDeployment, renderSandboxedJob]) {
        const e = caught(() => render(props(junk), 'x'));
        expect([e.code, e.path]).toEqual([code, at]);
      }
    }
  });

  test('a cycle and absurd nesting', async () => {
    let e = await refusedInBoth({ construct: 'SandboxedPod', id: 'x', props: { containers: [cyclic] } });
    expect([e.code, e.path]).toEqual(['INVALID_VALUE', 'props.containers[0].self']);
    let deep: any = 'x';
    for (let i = 0; i < 200; i++) deep = { a: deep };
    e = await refusedInBoth({ construct: 'SandboxedPod', id: 'x', props: pod({}, { affinity: deep }) });
    expect(e.code).toBe('INVALID_VALUE');
    expect(e.message).toContain('nests more than 64 levels');
  });
});

describe('error messages never echo more than a bounded prefix of what they received', () => {
  const huge = 'A'.repeat(5_000_000);
  const CASES: Array<[string, () => unknown]> = [
    ['a huge name', () => renderSandboxedPod({ name: huge, containers: [c0] }, 'x')],
    ['a huge image with whitespace', () => renderSandboxedPod({ containers: [{ name: 'a', image: `${huge} x` }] }, 'x')],
    ['a huge label key', () => renderSandboxedPod({ labels: { [huge]: 'v' }, containers: [c0] }, 'x')],
    ['a huge unknown prop name', () => renderSandboxedPod({ [huge]: 1, containers: [c0] } as any, 'x')],
    ['a huge command string', () => renderSandboxedPod({ containers: [{ ...c0, command: huge as any }] }, 'x')],
    ['a huge enum value', () => renderSandboxedPod({ containers: [{ ...c0, imagePullPolicy: huge as any }] }, 'x')],
    ['a huge list where a map belongs', () => renderSandboxedPod({ containers: [{ ...c0, resources: { limits: Array.from({ length: 100_000 }, () => 'cpu') as any } }] }, 'x')],
    ['a huge AppArmor annotation value', () => renderSandboxedPod({ annotations: { 'container.apparmor.security.beta.kubernetes.io/app': `${huge}unconfined` }, containers: [c0] }, 'x')],
    ['a huge quantity', () => renderSandboxedPod({ containers: [{ ...c0, resources: { limits: { cpu: huge } } }] }, 'x')],
  ];
  test.each(CASES)('%s', (_, f) => {
    const e = caught(f);
    expect(e.message.length).toBeLessThan(2_000);
    expect(e.message).toContain('...');
  });
  test('the value itself stays available on the error', () => {
    expect(caught(CASES[0]![1]).value).toBe(huge);
    expect(MAX_VALUE_ECHO).toBe(120);
  });
});

describe('the Kubernetes type table', () => {
  test('is what projenrc/k8s-schema.ts generates from the installed kubernetes-models (run `npx projen gen:k8s-schema` after an upgrade)', () => {
    const committed = fs.readFileSync(path.join(__dirname, '../../lib/core/validation/k8s-schema.generated.ts'), 'utf8');
    expect(committed).toBe(generateK8sSchema());
    expect(K8S_SCHEMA_SOURCE).toMatch(/^kubernetes-models@4\./);
  });

  test('property: whatever the table accepts as a Container, the OpenAPI validator of kubernetes-models accepts too', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { validate } = require(path.join(__dirname, '../../node_modules/kubernetes-models/_schemas/IoK8sApiCoreV1Container.js'));
    const field = fc.constantFrom('command', 'args', 'env', 'ports', 'livenessProbe', 'resources', 'securityContext', 'stdin', 'workingDir', 'imagePullPolicy', 'lifecycle', 'volumeMounts');
    const junk = fc.oneof(fc.jsonValue(), fc.constantFrom(['a'], [{ name: 'A', value: 'b' }], { httpGet: { port: 80 } }, { requests: { cpu: '1' } }, 'Always', { runAsGroup: 5 }));
    let accepted = 0;
    fc.assert(fc.property(fc.dictionary(field, junk, { maxKeys: 3 }), (extra) => {
      const container = { ...c0, ...extra };
      let ours = true;
      try {
        checkK8sObject(container, 'CoreV1Container', 'c');
      } catch (e) {
        if (!(e instanceof GvisorIacError)) throw e;
        ours = false;
      }
      if (ours) {
        accepted++;
        expect({ container, valid: validate(container), errors: validate.errors }).toEqual({ container, valid: true, errors: null });
      }
    }), { numRuns: 2_000 });
    expect(accepted).toBeGreaterThan(50);
  });
});

/** Valid props of every construct; the property tests break them at random. */
const BASES: Array<[string, (p: any, id: string) => Manifests, () => Record<string, unknown>]> = [
  ['SandboxedPod', renderSandboxedPod, () => ({
    containers: [{ ...c0, ports: [{ containerPort: 80 }], env: [{ name: 'A', value: 'b' }], livenessProbe: { httpGet: { port: 80 } } }],
    volumes: [{ name: 'd', emptyDir: {} }],
    securityContext: { fsGroup: 1 },
  })],
  ['SandboxedDeployment', renderSandboxedDeployment, () => ({ replicas: 2, strategy: { type: 'Recreate' }, containers: [{ ...c0, resources: { limits: { cpu: '1' } } }], tolerations: [{ key: 'a', operator: 'Exists' }] })],
  ['SandboxedJob', renderSandboxedJob, () => ({ backoffLimit: 1, containers: [{ ...c0, command: ['sh', '-c', 'true'] }], initContainers: [{ name: 'init', image: 'b:1' }] })],
  ['SandboxedDaemonSet', renderSandboxedDaemonSet, () => ({ containers: [c0], nodeSelector: { a: 'b' } })],
  ['EdgeSandbox', renderEdgeSandbox, () => ({ replicas: 3, containers: [c0], edgeToleration: { key: 'edge', operator: 'Exists', effect: 'NoSchedule' } })],
  ['UntrustedCodeSandbox', renderUntrustedCodeSandbox, () => ({ image: 'python:3.12', command: ['python'], env: [{ name: 'A', value: 'b' }], code: { 'main.py': 'print(1)' }, egress: { dns: true, cidrs: ['203.0.113.0/24'] } })],
  ['MultiTenantSandbox', renderMultiTenantSandbox, () => ({ tenants: [{ name: 't', quota: { cpu: '2' }, egress: { dns: true, cidrs: ['203.0.113.0/24'] }, admins: { groups: ['g'] } }], labels: { a: 'b' } })],
  ['GvisorRuntimeClass', (p) => renderRuntimeClass(p), () => ({ podOverhead: { cpu: '100m' }, tolerations: [{ key: 'a', operator: 'Exists' }], nodeSelector: { a: 'b' } })],
];

/** Every path inside a value (objects and arrays), as key lists. */
function paths(value: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...at, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, k]));
  return out;
}

/** A copy of `value` with the value at `where` replaced (or, with `key`, a field `key` added to the object there). */
function mutate(value: any, where: Array<string | number>, junk: unknown, key?: string): any {
  if (where.length === 0) {
    if (key !== undefined && value !== null && typeof value === 'object' && !Array.isArray(value)) return { ...value, [key]: junk };
    return junk;
  }
  const [head, ...rest] = where;
  const copy = Array.isArray(value) ? [...value] : { ...value };
  (copy as any)[head!] = mutate((value as any)[head!], rest, junk, key);
  return copy;
}

const JUNK_FLAGS = ['withNullPrototype', 'withBigInt', 'withDate', 'withMap', 'withSet', 'withTypedArray', 'withSparseArray', 'withBoxedValues'];
const JUNK_OPTIONS = { maxDepth: 3, ...Object.fromEntries(JUNK_FLAGS.map((f) => [f, true])) };
const junkValue = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.anything(JUNK_OPTIONS),
  },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(() => 1, Symbol('s'), Number.NaN, -1, 2 ** 31, 0.5, '', ' ', '__proto__', 'Unconfined', 'unconfined', '169.254.169.254', 'a'.repeat(10_000)) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>({ host: '169.254.169.254', port: 80 }, { type: 'unconfined' }, { privileged: true }, [{ name: 'x' }], { hostPath: { path: '/' } }) },
);
const fieldName = fc.oneof(fc.constantFrom('host', 'privileged', 'hostNetwork', 'runtimeClass', 'overrides', '__proto__', 'constructor', 'securityContext', 'capabilities', 'type'), fc.string());

describe('property: random junk in any prop yields a manifest or a GvisorIacError, never another exception', () => {
  test.each(BASES)('%s (core)', (_, render, base) => {
    const props = base();
    render(props, 'x');
    const all = paths(props);
    fc.assert(fc.property(fc.nat(all.length - 1), junkValue, fc.option(fieldName, { nil: undefined }), (i, junk, key) => {
      const broken = mutate(base(), all[i]!, junk, key);
      let manifests: Manifests | undefined;
      try {
        manifests = render(broken, 'x');
      } catch (e) {
        if (!(e instanceof GvisorIacError)) throw new Error(`${(e as Error)?.name}: ${String((e as Error)?.message ?? e)} at ${JSON.stringify(all[i])}`);
        expect(e.message.length).toBeLessThan(2_000);
        return;
      }
      // Whatever passes is a valid Kubernetes object (overrides, the escape hatch, are not fuzzed here).
      assertAllSchemaValid(manifests.objects);
    }), { numRuns: 400 });
  });

  test('the cdk8s and Pulumi constructs throw nothing but GvisorIacError either', () => {
    mockPulumi();
    const constructs: Array<[string, () => Record<string, unknown>]> = BASES.filter(([n]) => n !== 'SandboxedDaemonSet').map(([n, , b]) => [n, b]);
    fc.assert(fc.property(fc.nat(constructs.length - 1), fc.nat(1_000), junkValue, fc.option(fieldName, { nil: undefined }), (c, at, junk, key) => {
      const [construct, base] = constructs[c]!;
      const all = paths(base());
      const broken = mutate(base(), all[at % all.length]!, junk, key);
      for (const build of [
        () => new (cdk8sFrontend as any)[construct](newChart().chart, 'x', broken),
        () => new (pulumiFrontend as any)[construct]('x', broken),
      ]) {
        try {
          build();
        } catch (e) {
          if (!(e instanceof GvisorIacError)) throw new Error(`${construct}: ${(e as Error)?.name}: ${String((e as Error)?.message ?? e)}`);
        }
      }
    }), { numRuns: 300 });
  });
});
