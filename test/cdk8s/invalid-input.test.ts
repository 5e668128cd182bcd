import { Chart } from 'cdk8s';
import fc from 'fast-check';
import { GvisorRuntimeClass, SandboxedDeployment, SandboxedJob, SandboxedPod } from '../../lib/cdk8s';
import { GvisorIacError, GvisorIacErrorCode, describeValue } from '../../lib/core';
import { newChart } from '../helpers/synth';

const ok = { name: 'app', image: 'app:1' };
type Case = [string, (chart: Chart) => void, GvisorIacErrorCode, string, unknown];

const pod = (props: object) => (chart: Chart) => new SandboxedPod(chart, 'p', { containers: [ok], ...props } as never);
const ctr = (c: object) => pod({ containers: [{ ...ok, ...c }] });

// [description, build, code, field path, value named in the message]
const cases: Case[] = [
  ['name not DNS-1123', pod({ name: 'Web_App' }), 'INVALID_NAME', 'props.name', 'Web_App'],
  ['name over 63 characters', pod({ name: 'a'.repeat(64) }), 'INVALID_NAME', 'props.name', 'a'.repeat(64)],
  ['namespace not DNS-1123', pod({ namespace: 'Team.A' }), 'INVALID_NAME', 'props.namespace', 'Team.A'],
  ['label key with a space', pod({ labels: { 'node type': 'edge' } }), 'INVALID_LABEL', 'props.labels["node type"]', 'node type'],
  ['label value too long', pod({ labels: { tier: 'x'.repeat(64) } }), 'INVALID_LABEL', 'props.labels.tier', 'x'.repeat(64)],
  ['no containers', pod({ containers: [] }), 'REQUIRED', 'props.containers', []],
  ['containers missing', (c) => new SandboxedPod(c, 'p', {} as never), 'REQUIRED', 'props.containers', undefined],
  ['container without image', pod({ containers: [{ name: 'app' }] }), 'REQUIRED', 'props.containers[0].image', undefined],
  ['container name invalid', ctr({ name: 'App' }), 'INVALID_NAME', 'props.containers[0].name', 'App'],
  ['duplicate container names', pod({ containers: [ok, ok] }), 'DUPLICATE_NAME', 'props.containers[1].name', 'app'],
  ['init container reusing a name', pod({ initContainers: [ok] }), 'DUPLICATE_NAME', 'props.containers[0].name', 'app'],
  ['mount of an undeclared volume', ctr({ volumeMounts: [{ name: 'data', mountPath: '/data' }] }), 'UNDECLARED_VOLUME', 'props.containers[0].volumeMounts[0].name', 'data'],
  ['cpu not a quantity', ctr({ resources: { limits: { cpu: 'two' } } }), 'INVALID_QUANTITY', 'props.containers[0].resources.limits.cpu', 'two'],
  ['memory in millibytes', ctr({ resources: { limits: { memory: '512m' } } }), 'INVALID_QUANTITY', 'props.containers[0].resources.limits.memory', '512m'],
  ['request above limit', ctr({ resources: { requests: { memory: '1Gi' }, limits: { memory: '512Mi' } } }), 'INVALID_RESOURCES', 'props.containers[0].resources.requests.memory', '1Gi'],
  ['privileged container', ctr({ securityContext: { privileged: true } }), 'SANDBOX_ESCAPE', 'props.containers[0].securityContext.privileged', true],
  ['privilege escalation', ctr({ securityContext: { allowPrivilegeEscalation: true } }), 'SANDBOX_ESCAPE', 'props.containers[0].securityContext.allowPrivilegeEscalation', true],
  ['SYS_ADMIN added', ctr({ securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }), 'SANDBOX_ESCAPE', 'props.containers[0].securityContext.capabilities.add[0]', 'SYS_ADMIN'],
  ['container runAsUser 0', ctr({ securityContext: { runAsUser: 0 } }), 'SANDBOX_ESCAPE', 'props.containers[0].securityContext.runAsUser', 0],
  ['pod runAsUser 0', pod({ securityContext: { runAsUser: 0 } }), 'SANDBOX_ESCAPE', 'props.securityContext.runAsUser', 0],
  ['runAsNonRoot false', pod({ securityContext: { runAsNonRoot: false } }), 'SANDBOX_ESCAPE', 'props.securityContext.runAsNonRoot', false],
  ['seccomp Unconfined', pod({ securityContext: { seccompProfile: { type: 'Unconfined' } } }), 'SANDBOX_ESCAPE', 'props.securityContext.seccompProfile.type', 'Unconfined'],
  ['hostNetwork', pod({ hostNetwork: true }), 'SANDBOX_ESCAPE', 'props.hostNetwork', true],
  ['hostPID', pod({ hostPID: true }), 'SANDBOX_ESCAPE', 'props.hostPID', true],
  ['hostIPC', pod({ hostIPC: true }), 'SANDBOX_ESCAPE', 'props.hostIPC', true],
  ['hostPath volume', pod({ volumes: [{ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }] }), 'SANDBOX_ESCAPE', 'props.volumes[0].hostPath', { path: '/var/run/docker.sock' }],
  ['nfs volume', pod({ volumes: [{ name: 'share', nfs: { server: 'nfs', path: '/' } }] }), 'SANDBOX_ESCAPE', 'props.volumes[0].nfs', { server: 'nfs', path: '/' }],
  ['hostPort', ctr({ ports: [{ containerPort: 80, hostPort: 80 }] }), 'SANDBOX_ESCAPE', 'props.containers[0].ports[0].hostPort', 80],
  ['Bidirectional mount propagation', pod({ volumes: [{ name: 'd', emptyDir: {} }], containers: [{ ...ok, volumeMounts: [{ name: 'd', mountPath: '/d', mountPropagation: 'Bidirectional' }] }] }),
    'GVISOR_INCOMPATIBLE', 'props.containers[0].volumeMounts[0].mountPropagation', 'Bidirectional'],
  ['SELinux options', pod({ securityContext: { seLinuxOptions: { level: 's0:c1' } } }), 'GVISOR_INCOMPATIBLE', 'props.securityContext.seLinuxOptions', { level: 's0:c1' }],
  ['unsafe sysctl', pod({ securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] } }), 'SANDBOX_ESCAPE', 'props.securityContext.sysctls[0].name', 'kernel.msgmax'],
  ['port out of range', ctr({ ports: [{ containerPort: 70000 }] }), 'INVALID_INTEGER', 'props.containers[0].ports[0].containerPort', 70000],
  ['fractional replicas', (c) => new SandboxedDeployment(c, 'd', { containers: [ok], replicas: 1.5 }), 'INVALID_INTEGER', 'props.replicas', 1.5],
  ['negative replicas', (c) => new SandboxedDeployment(c, 'd', { containers: [ok], replicas: -1 }), 'INVALID_INTEGER', 'props.replicas', -1],
  ['negative backoffLimit', (c) => new SandboxedJob(c, 'j', { containers: [ok], backoffLimit: -2 }), 'INVALID_INTEGER', 'props.backoffLimit', -2],
  ['zero deadline', (c) => new SandboxedJob(c, 'j', { containers: [ok], activeDeadlineSeconds: 0 }), 'INVALID_INTEGER', 'props.activeDeadlineSeconds', 0],
  ['Job restartPolicy Always', (c) => new SandboxedJob(c, 'j', { containers: [ok], restartPolicy: 'Always' as never }), 'INVALID_VALUE', 'props.restartPolicy', 'Always'],
  ['typo in a prop name', (c) => new SandboxedDeployment(c, 'd', { containers: [ok], replica: 3 } as never), 'UNKNOWN_FIELD', 'props.replica', 3],
  ['wrong type for containers', pod({ containers: 'app:1' }), 'INVALID_TYPE', 'props.containers', 'app:1'],
  ['runtime class name invalid', pod({ runtimeClass: 'G Visor' }), 'INVALID_NAME', 'props.runtimeClass', 'G Visor'],
  ['RuntimeClass overhead invalid', (c) => new GvisorRuntimeClass(c, 'rc', { podOverhead: { memory: 'big' } }), 'INVALID_QUANTITY', 'props.podOverhead.memory', 'big'],
  ['override on a missing path', pod({ overrides: [{ patch: [{ op: 'replace', path: '/spec/nothing/here', value: 1 }] }] }), 'INVALID_OVERRIDE', 'props.overrides[0].patch', [{ op: 'replace', path: '/spec/nothing/here', value: 1 }]],
  ['override targeting no object', pod({ overrides: [{ kind: 'Service', patch: [] }] }), 'INVALID_OVERRIDE', 'props.overrides[0]', { kind: 'Service' }],
];

describe('invalid input is refused before anything is emitted', () => {
  test('the table is large enough', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  test.each(cases)('%s', (_what, build, code, path, value) => {
    const { app, chart } = newChart();
    let err: unknown;
    try {
      build(chart);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GvisorIacError);
    const e = err as GvisorIacError;
    expect(e.code).toBe(code);
    expect(e.path).toBe(path);
    expect(e.value).toEqual(value);
    // The message names the field, the value received, and a fix after '; '.
    expect(e.message.startsWith(`${path}: ${describeValue(value)} `)).toBe(true);
    expect(e.message).toMatch(/; \S/);
    // Nothing was added to the chart: no ApiObject, and no half-built construct.
    expect(chart.toJson()).toEqual([]);
    expect(chart.node.children).toEqual([]);
    expect(app.synthYaml()).toBe('');
  });
});

describe('no TypeError escapes for arbitrary input', () => {
  test('random junk props only ever raise GvisorIacError', () => {
    const junk = fc.anything({ maxDepth: 3, withNullPrototype: false });
    fc.assert(
      fc.property(
        fc.record({ containers: fc.oneof(junk, fc.array(fc.record({ name: fc.oneof(fc.constant('app'), junk), image: fc.oneof(fc.constant('a:1'), junk), securityContext: junk, resources: junk, ports: junk, volumeMounts: junk }, { requiredKeys: [] }))), volumes: junk, securityContext: junk, hardening: junk, replicas: junk, labels: junk, tolerations: junk }, { requiredKeys: [] }),
        (props) => {
          const { chart } = newChart();
          try {
            new SandboxedDeployment(chart, 'd', props as never);
          } catch (e) {
            if (!(e instanceof GvisorIacError)) throw e;
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
