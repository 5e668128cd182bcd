import { compliantDeployment } from './fixtures';
import { Finding, checkObjects } from 'gvisor-iac';

const ALL = ['gvisor', 'pss-restricted', 'hardening'] as const;
type Mutate = (spec: Record<string, any>, obj: Record<string, any>) => void;
const c0 = (spec: Record<string, any>) => spec.containers[0];
const P = 'spec.template.spec';
const C = `${P}.containers[0]`;

/** Pod-spec rules: [rule, mutation, path of the finding]. Each mutation breaks exactly that rule. */
const POSITIVE: Array<[string, Mutate, string]> = [
  ['GVISOR-001', (s) => { delete s.runtimeClassName; }, `${P}.runtimeClassName`],
  ['GVISOR-001', (s) => { s.runtimeClassName = 'runc'; }, `${P}.runtimeClassName`],
  ['GVISOR-004', (s) => { c0(s).volumeMounts[0].mountPropagation = 'Bidirectional'; }, `${C}.volumeMounts[0].mountPropagation`],
  ['GVISOR-005', (s) => { c0(s).volumeDevices = [{ name: 'tmp', devicePath: '/dev/xvda' }]; }, `${C}.volumeDevices`],
  ['PSS-B-001', (s) => { s.securityContext.windowsOptions = { hostProcess: true }; }, `${P}.securityContext.windowsOptions.hostProcess`],
  ['PSS-B-001', (s) => { c0(s).securityContext.windowsOptions = { hostProcess: true }; }, `${C}.securityContext.windowsOptions.hostProcess`],
  ['PSS-B-002', (s) => { s.hostNetwork = true; }, `${P}.hostNetwork`],
  ['PSS-B-002', (s) => { s.hostPID = true; }, `${P}.hostPID`],
  ['PSS-B-002', (s) => { s.hostIPC = true; }, `${P}.hostIPC`],
  ['PSS-B-003', (s) => { c0(s).securityContext.privileged = true; }, `${C}.securityContext.privileged`],
  ['PSS-B-003', (s) => { s.initContainers = [{ ...structuredClone(c0(s)), name: 'init', securityContext: { ...c0(s).securityContext, privileged: true } }]; }, `${P}.initContainers[0].securityContext.privileged`],
  ['PSS-B-003', (s) => { s.ephemeralContainers = [{ name: 'dbg', image: 'busybox:1', securityContext: { ...c0(s).securityContext, privileged: true } }]; }, `${P}.ephemeralContainers[0].securityContext.privileged`],
  ['PSS-B-005', (s) => { s.volumes.push({ name: 'h', hostPath: { path: '/' } }); }, `${P}.volumes[1].hostPath`],
  ['PSS-B-006', (s) => { c0(s).ports[0].hostPort = 80; }, `${C}.ports[0].hostPort`],
  ['PSS-B-007', (_s, o) => { o.spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/web': 'unconfined' }; }, 'spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/web"]'],
  ['PSS-B-007', (s) => { s.securityContext.appArmorProfile = { type: 'Unconfined' }; }, `${P}.securityContext.appArmorProfile.type`],
  ['PSS-B-007', (s) => { c0(s).securityContext.appArmorProfile = { type: 'Unconfined' }; }, `${C}.securityContext.appArmorProfile.type`],
  ['PSS-B-008', (s) => { s.securityContext.seLinuxOptions = { user: 'system_u' }; }, `${P}.securityContext.seLinuxOptions.user`],
  ['PSS-B-008', (s) => { c0(s).securityContext.seLinuxOptions = { role: 'sysadm_r' }; }, `${C}.securityContext.seLinuxOptions.role`],
  ['PSS-B-008', (s) => { c0(s).securityContext.seLinuxOptions = { type: 'spc_t' }; }, `${C}.securityContext.seLinuxOptions.type`],
  ['PSS-B-009', (s) => { c0(s).securityContext.procMount = 'Unmasked'; }, `${C}.securityContext.procMount`],
  ['PSS-B-011', (s) => { s.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }]; }, `${P}.securityContext.sysctls[0].name`],
  ['PSS-B-012', (s) => { c0(s).livenessProbe = { httpGet: { host: '10.0.0.1', port: 80 } }; }, `${C}.livenessProbe.httpGet.host`],
  ['PSS-B-012', (s) => { c0(s).readinessProbe = { tcpSocket: { host: 'node', port: 80 } }; }, `${C}.readinessProbe.tcpSocket.host`],
  ['PSS-B-012', (s) => { c0(s).lifecycle = { preStop: { httpGet: { host: 'example.com', port: 80 } } }; }, `${C}.lifecycle.preStop.httpGet.host`],
  ['PSS-R-001', (s) => { s.volumes.push({ name: 'n', nfs: { server: 'x', path: '/' } }); }, `${P}.volumes[1].nfs`],
  ['PSS-R-002', (s) => { delete c0(s).securityContext.allowPrivilegeEscalation; }, `${C}.securityContext.allowPrivilegeEscalation`],
  ['PSS-R-002', (s) => { c0(s).securityContext.allowPrivilegeEscalation = true; }, `${C}.securityContext.allowPrivilegeEscalation`],
  ['PSS-R-003', (s) => { delete s.securityContext.runAsNonRoot; }, `${C}.securityContext.runAsNonRoot`],
  ['PSS-R-003', (s) => { c0(s).securityContext.runAsNonRoot = false; }, `${C}.securityContext.runAsNonRoot`],
  ['PSS-R-004', (s) => { s.securityContext.runAsUser = 0; }, `${P}.securityContext.runAsUser`],
  ['PSS-R-004', (s) => { c0(s).securityContext.runAsUser = 0; }, `${C}.securityContext.runAsUser`],
  ['PSS-R-005', (s) => { delete s.securityContext.seccompProfile; }, `${C}.securityContext.seccompProfile.type`],
  ['PSS-R-006', (s) => { delete c0(s).securityContext.capabilities; }, `${C}.securityContext.capabilities.drop`],
  ['PSS-R-006', (s) => { c0(s).securityContext.capabilities.add = ['CHOWN']; }, `${C}.securityContext.capabilities.add[0]`],
  ['HARD-001', (s) => { delete c0(s).resources.limits.memory; }, `${C}.resources.limits.memory`],
  ['HARD-002', (s) => { s.automountServiceAccountToken = true; }, `${P}.automountServiceAccountToken`],
  ['HARD-003', (s) => { c0(s).securityContext.readOnlyRootFilesystem = false; }, `${C}.securityContext.readOnlyRootFilesystem`],
];

function broken(mutate: Mutate): Record<string, any> {
  const o = compliantDeployment();
  mutate(o.spec.template.spec, o);
  return o;
}

const summary = (fs: Finding[]) => fs.map((f) => [f.ruleId, f.path]);

describe('rules: each mutation is found by its rule, at its field', () => {
  test('the compliant Deployment passes every pack', () => {
    expect(checkObjects([compliantDeployment()], { packs: ['gvisor', 'pss-baseline', 'pss-restricted', 'hardening', 'tenancy', 'untrusted'] })).toEqual([]);
  });

  test.each(POSITIVE.map(([id, m, path], i) => [`${id} #${i}`, id, m, path] as const))('%s', (_, id, mutate, path) => {
    expect(summary(checkObjects([broken(mutate)], { packs: ALL }))).toEqual([[id, path]]);
  });

  test('baseline capabilities: CHOWN passes baseline, SYS_ADMIN does not', () => {
    const ok = broken((s) => { c0(s).securityContext.capabilities.add = ['CHOWN', 'NET_BIND_SERVICE']; });
    expect(checkObjects([ok], { packs: ['pss-baseline'] })).toEqual([]);
    const bad = broken((s) => { c0(s).securityContext.capabilities.add = ['NET_BIND_SERVICE', 'SYS_ADMIN']; });
    expect(summary(checkObjects([bad], { packs: ['pss-baseline'] }))).toEqual([['PSS-B-004', `${C}.securityContext.capabilities.add[1]`]]);
    expect(summary(checkObjects([bad], { packs: ['pss-restricted'] }))).toEqual([['PSS-B-004', `${C}.securityContext.capabilities.add[1]`], ['PSS-R-006', `${C}.securityContext.capabilities.add[1]`]]);
  });

  test('baseline seccomp: Unconfined is refused at both levels; unset passes baseline but not restricted', () => {
    const unconfined = broken((s) => { c0(s).securityContext.seccompProfile = { type: 'Unconfined' }; });
    expect(summary(checkObjects([unconfined], { packs: ['pss-baseline'] }))).toEqual([['PSS-B-010', `${C}.securityContext.seccompProfile.type`]]);
    const unset = broken((s) => { delete s.securityContext.seccompProfile; });
    expect(checkObjects([unset], { packs: ['pss-baseline'] })).toEqual([]);
  });

  test('allowed values pass: safe sysctl, Localhost profiles, container SELinux type, empty probe host, hostPort 0, the pod-level runAsNonRoot', () => {
    const ok = broken((s) => {
      s.securityContext.sysctls = [{ name: 'net.ipv4.ping_group_range', value: '0 0' }];
      s.securityContext.seLinuxOptions = { type: 'container_t', level: 's0:c1' };
      c0(s).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' };
      c0(s).securityContext.appArmorProfile = { type: 'Localhost', localhostProfile: 'p' };
      c0(s).ports[0].hostPort = 0;
      c0(s).livenessProbe = { httpGet: { host: '', port: 80 } };
    });
    expect(checkObjects([ok], { packs: ALL })).toEqual([]);
  });

  test('Windows pods are exempt from the Linux-only restricted controls', () => {
    const win = broken((s) => { s.os = { name: 'windows' }; delete s.securityContext.seccompProfile; delete c0(s).securityContext.capabilities; delete c0(s).securityContext.allowPrivilegeEscalation; });
    expect(checkObjects([win], { packs: ['pss-restricted'] })).toEqual([]);
  });

  test.each([
    ['Pod', (spec: any) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec }), 'spec'],
    ['StatefulSet', (spec: any) => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'x' }, spec: { template: { spec } } }), 'spec.template.spec'],
    ['DaemonSet', (spec: any) => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'x' }, spec: { template: { spec } } }), 'spec.template.spec'],
    ['ReplicaSet', (spec: any) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'x' }, spec: { template: { spec } } }), 'spec.template.spec'],
    ['ReplicationController', (spec: any) => ({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'x' }, spec: { template: { spec } } }), 'spec.template.spec'],
    ['Job', (spec: any) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'x' }, spec: { template: { spec } } }), 'spec.template.spec'],
    ['CronJob', (spec: any) => ({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'x' }, spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec } } } } }), 'spec.jobTemplate.spec.template.spec'],
  ])('GVISOR-001 covers %s', (_, make, path) => {
    const spec = compliantDeployment().spec.template.spec;
    expect(checkObjects([make(spec)], { packs: ['gvisor'] })).toEqual([]);
    delete spec.runtimeClassName;
    expect(summary(checkObjects([make(spec)], { packs: ['gvisor'] }))).toEqual([['GVISOR-001', `${path}.runtimeClassName`]]);
  });

  test('GVISOR-001 accepts the input\'s own gVisor classes and the runtimeClassNames option; GVISOR-002/003 judge RuntimeClasses', () => {
    const rc = (name: string, handler: string, overhead = true) => ({ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name }, handler, ...(overhead ? { overhead: { podFixed: { cpu: '100m', memory: '160Mi' } } } : {}) });
    const dep = broken((s) => { s.runtimeClassName = 'gvisor-kvm'; });
    expect(summary(checkObjects([dep], { packs: ['gvisor'] }))).toEqual([['GVISOR-001', `${P}.runtimeClassName`]]);
    expect(checkObjects([rc('gvisor-kvm', 'runsc'), dep], { packs: ['gvisor'] })).toEqual([]);
    expect(checkObjects([dep], { packs: ['gvisor'], runtimeClassNames: ['gvisor-kvm'] })).toEqual([]);
    expect(summary(checkObjects([rc('gvisor-kvm', 'runc'), dep], { packs: ['gvisor'] }))).toEqual([['GVISOR-002', 'handler'], ['GVISOR-001', `${P}.runtimeClassName`]]);
    expect(checkObjects([rc('gvisor-kvm', 'runsc-kvm'), dep], { packs: ['gvisor'], gvisorHandlers: ['runsc-kvm'] })).toEqual([]);
    expect(summary(checkObjects([rc('gvisor', 'gvisor', false)], { packs: ['gvisor'] }))).toEqual([['GVISOR-003', 'overhead.podFixed.cpu'], ['GVISOR-003', 'overhead.podFixed.memory']]);
    expect(checkObjects([rc('gvisor', 'runc')], { packs: ['gvisor'] })[0]!.message).toBe('handler: "runc" is not a gVisor handler; set handler: "runsc" or "gvisor" (the containerd runtime that runs runsc)');
  });

  test('messages name the field, the value and the fix', () => {
    const [f] = checkObjects([broken((s) => { s.hostPID = true; })], { packs: ['pss-baseline'] });
    expect(f).toEqual({
      ruleId: 'PSS-B-002',
      severity: 'error',
      path: `${P}.hostPID`,
      fix: 'remove hostPID (or set it to false)',
      message: `${P}.hostPID: true shares a namespace with the node; remove hostPID (or set it to false)`,
      object: { index: 0, apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'apps' },
    });
  });
});

describe('tenancy and untrusted packs', () => {
  const ns = (labels: Record<string, string> = { 'pod-security.kubernetes.io/enforce': 'restricted' }) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 't', labels } });
  const deny = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 't' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
  const quota = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 't' }, spec: { hard: { pods: '10' } } };

  test('a labelled namespace with a default deny and a quota passes; each missing piece is a finding', () => {
    expect(checkObjects([ns(), deny, quota], { packs: ['tenancy'] })).toEqual([]);
    expect(summary(checkObjects([ns({ 'pod-security.kubernetes.io/enforce': 'baseline' }), deny, quota], { packs: ['tenancy'] })))
      .toEqual([['TENANT-001', 'metadata.labels["pod-security.kubernetes.io/enforce"]']]);
    expect(summary(checkObjects([ns(), quota], { packs: ['tenancy'] }))).toEqual([['TENANT-002', 'metadata.name']]);
    const leaky = { ...deny, spec: { ...deny.spec, egress: [{}] } };
    expect(summary(checkObjects([ns(), leaky, quota], { packs: ['tenancy'] }))).toEqual([['TENANT-002', 'metadata.name']]);
    const elsewhere = { ...deny, metadata: { name: 'deny', namespace: 'other' } };
    expect(summary(checkObjects([ns(), elsewhere, quota], { packs: ['tenancy'] }))).toEqual([['TENANT-002', 'metadata.name']]);
    expect(summary(checkObjects([ns(), deny], { packs: ['tenancy'] }))).toEqual([['TENANT-003', 'metadata.name']]);
  });

  const job = (spec: Record<string, unknown> = { backoffLimit: 0, activeDeadlineSeconds: 60 }) => ({
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'run', namespace: 'r' }, spec: { ...spec, template: { metadata: { labels: { run: 'x' } }, spec: {} } },
  });
  const egress = (extra: Record<string, unknown> = {}) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'np', namespace: 'r' }, spec: { podSelector: { matchLabels: { run: 'x' } }, policyTypes: ['Egress'], ...extra } });

  test('a Job with a deadline, no retries and closed egress passes; each gap is a finding', () => {
    expect(checkObjects([job(), egress()], { packs: ['untrusted'] })).toEqual([]);
    expect(summary(checkObjects([job({ backoffLimit: 0 }), egress()], { packs: ['untrusted'] }))).toEqual([['UNTRUSTED-001', 'spec.activeDeadlineSeconds']]);
    expect(summary(checkObjects([job({ activeDeadlineSeconds: 5 }), egress()], { packs: ['untrusted'] }))).toEqual([['UNTRUSTED-002', 'spec.backoffLimit']]);
    expect(summary(checkObjects([job()], { packs: ['untrusted'] }))).toEqual([['UNTRUSTED-003', 'spec.template.metadata.labels']]);
    expect(summary(checkObjects([job(), egress({ podSelector: { matchLabels: { run: 'y' } } })], { packs: ['untrusted'] }))).toEqual([['UNTRUSTED-003', 'spec.template.metadata.labels']]);
    for (const open of [[{}], [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }], [{ to: [{ ipBlock: { cidr: '::/0' } }] }]]) {
      expect(summary(checkObjects([job(), egress({ egress: open })], { packs: ['untrusted'] }))).toEqual([['UNTRUSTED-003', 'spec.template.metadata.labels']]);
    }
    expect(checkObjects([job(), egress({ egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }] }] })], { packs: ['untrusted'] })).toEqual([]);
  });
});
