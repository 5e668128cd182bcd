// Issue 13, points 1 and 2: every workload kind (StatefulSet, CronJob, DaemonSet beside
// Deployment, Job, Pod), and pod-template metadata (podLabels, podAnnotations) on each.
import {
  DEFAULTS, Manifests, checkSchedule, renderEdgeSandbox, renderSandboxedCronJob, renderSandboxedDaemonSet, renderSandboxedDeployment,
  renderSandboxedJob, renderSandboxedPod, renderSandboxedStatefulSet,
} from '../../../lib/core';
import { assertRestrictedAndSandboxed } from '../../helpers/pod-security';
import { expectRefusal } from '../../helpers/refusal';
import { assertAllSchemaValid } from '../../helpers/schema';

const containers = [{ name: 'app', image: 'app:1' }];
const claim = (name = 'data', spec: Record<string, unknown> = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }) => ({ metadata: { name }, spec });
const withData = [{ ...containers[0]!, volumeMounts: [{ name: 'data', mountPath: '/data' }] }];

describe('SandboxedStatefulSet', () => {
  test('defaults: replicas 1, selector from the name, no serviceName, restricted and sandboxed', () => {
    const { objects } = renderSandboxedStatefulSet({ containers }, 'Orders_DB');
    const s = objects[0] as any;
    expect([s.apiVersion, s.kind, s.metadata.name]).toEqual(['apps/v1', 'StatefulSet', 'orders-db']);
    expect(s.spec.replicas).toBe(DEFAULTS.replicas);
    expect(s.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'orders-db' } });
    expect(s.spec.template.metadata).toEqual({ labels: { 'app.kubernetes.io/managed-by': 'gvisor-iac', 'app.kubernetes.io/name': 'orders-db' } });
    expect(s.spec.serviceName).toBeUndefined();
    expect(s.spec.template.spec.runtimeClassName).toBe('gvisor');
    assertAllSchemaValid(objects);
    assertRestrictedAndSandboxed(objects);
  });

  test('every StatefulSet field, and claim templates the containers mount', () => {
    const s = renderSandboxedStatefulSet({
      containers: withData,
      serviceName: 'db',
      replicas: 3,
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1, maxUnavailable: 1 } },
      volumeClaimTemplates: [claim()],
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
      minReadySeconds: 5,
      revisionHistoryLimit: 2,
      ordinals: { start: 1 },
    }, 'db').objects[0] as any;
    expect(s.spec).toMatchObject({
      serviceName: 'db',
      replicas: 3,
      podManagementPolicy: 'Parallel',
      volumeClaimTemplates: [claim()],
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
      minReadySeconds: 5,
      revisionHistoryLimit: 2,
      ordinals: { start: 1 },
    });
    expect(s.spec.template.spec.containers[0].volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }, { name: 'tmp', mountPath: '/tmp' }]);
    expect(s.spec.template.spec.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    assertAllSchemaValid([s]);
    assertRestrictedAndSandboxed([s]);
  });

  test('a claim template named "tmp" moves the /tmp volume aside', () => {
    const s = renderSandboxedStatefulSet({ containers: [{ ...containers[0]!, volumeMounts: [{ name: 'tmp', mountPath: '/var/tmp' }] }], volumeClaimTemplates: [claim('tmp')] }, 'db').objects[0] as any;
    expect(s.spec.template.spec.volumes).toEqual([{ name: 'sandbox-tmp', emptyDir: { sizeLimit: '64Mi' } }]);
  });

  test.each<[string, Record<string, unknown>, string, string]>([
    ['serviceName not a DNS label', { serviceName: 'My_Service' }, 'INVALID_NAME', 'props.serviceName'],
    ['negative replicas', { replicas: -1 }, 'INVALID_INTEGER', 'props.replicas'],
    ['unknown podManagementPolicy', { podManagementPolicy: 'Random' }, 'INVALID_VALUE', 'props.podManagementPolicy'],
    ['updateStrategy of a Deployment', { updateStrategy: { type: 'Recreate' } }, 'INVALID_VALUE', 'props.updateStrategy.type'],
    ['volumeClaimTemplates not a list', { volumeClaimTemplates: { data: '1Gi' } }, 'INVALID_TYPE', 'props.volumeClaimTemplates'],
    ['a claim template that is a Volume', { volumeClaimTemplates: [{ name: 'data', emptyDir: {} }] }, 'UNKNOWN_FIELD', 'props.volumeClaimTemplates[0].name'],
    ['a claim template with status', { volumeClaimTemplates: [{ ...claim(), status: { phase: 'Bound' } }] }, 'UNKNOWN_FIELD', 'props.volumeClaimTemplates[0].status'],
    ['a claim template of another kind', { volumeClaimTemplates: [{ ...claim(), kind: 'Volume' }] }, 'INVALID_VALUE', 'props.volumeClaimTemplates[0].kind'],
    ['a claim template without a name', { volumeClaimTemplates: [{ metadata: {}, spec: claim().spec }] }, 'INVALID_NAME', 'props.volumeClaimTemplates[0].metadata.name'],
    ['a claim template without metadata', { volumeClaimTemplates: [{ spec: claim().spec }] }, 'REQUIRED', 'props.volumeClaimTemplates[0].metadata'],
    ['a claim template without spec', { volumeClaimTemplates: [{ metadata: { name: 'data' } }] }, 'REQUIRED', 'props.volumeClaimTemplates[0].spec'],
    ['a claim spec field of the wrong type', { volumeClaimTemplates: [claim('data', { accessModes: 'ReadWriteOnce' })] }, 'INVALID_TYPE', 'props.volumeClaimTemplates[0].spec.accessModes'],
    ['an unknown access mode', { volumeClaimTemplates: [claim('data', { accessModes: ['ReadWriteAlways'], resources: { requests: { storage: '1Gi' } } })] }, 'INVALID_VALUE', 'props.volumeClaimTemplates[0].spec.accessModes[0]'],
    ['no access mode', { volumeClaimTemplates: [claim('data', { resources: { requests: { storage: '1Gi' } } })] }, 'REQUIRED', 'props.volumeClaimTemplates[0].spec.accessModes'],
    ['no storage request', { volumeClaimTemplates: [claim('data', { accessModes: ['ReadWriteOnce'] })] }, 'REQUIRED', 'props.volumeClaimTemplates[0].spec.resources.requests.storage'],
    ['two claims of one name', { volumeClaimTemplates: [claim(), claim()] }, 'DUPLICATE_NAME', 'props.volumeClaimTemplates[1].metadata.name'],
    ['a claim named like a volume', { volumeClaimTemplates: [claim()], volumes: [{ name: 'data', emptyDir: {} }] }, 'DUPLICATE_NAME', 'props.volumeClaimTemplates[0].metadata.name'],
    ['retention policy other than Retain/Delete', { persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Keep' } }, 'INVALID_VALUE', 'props.persistentVolumeClaimRetentionPolicy.whenDeleted'],
    ['negative ordinals start', { ordinals: { start: -1 } }, 'INVALID_INTEGER', 'props.ordinals.start'],
    ['a name too long for its pods', { name: 'a'.repeat(53) }, 'INVALID_NAME', 'props.name'],
    ['a typo', { serviceNmae: 'db' }, 'UNKNOWN_FIELD', 'props.serviceNmae'],
  ])('refuses %s', (_, props, code, field) => {
    expectRefusal(() => renderSandboxedStatefulSet({ containers, ...props } as never, 'db'), { code: code as never, field });
  });

  test('a mount of a claim that is not declared is still refused', () => {
    expectRefusal(() => renderSandboxedStatefulSet({ containers: withData, volumeClaimTemplates: [claim('other')] }, 'db'), { code: 'UNDECLARED_VOLUME', field: 'props.containers[0].volumeMounts[0].name' });
  });

  test('hostPath and privileged stay refused, as in every workload', () => {
    expectRefusal(() => renderSandboxedStatefulSet({ containers, volumes: [{ name: 'h', hostPath: { path: '/' } }] }, 'db'), { code: 'SANDBOX_ESCAPE', field: 'props.volumes[0].hostPath' });
    expectRefusal(() => renderSandboxedStatefulSet({ containers: [{ ...containers[0]!, securityContext: { privileged: true } }] }, 'db'), { code: 'SANDBOX_ESCAPE', field: 'props.containers[0].securityContext.privileged' });
  });
});

describe('SandboxedCronJob', () => {
  test('defaults: concurrencyPolicy Forbid, and the Job defaults of SandboxedJob in its job template', () => {
    const { objects } = renderSandboxedCronJob({ schedule: '*/15 * * * *', containers }, 'Nightly');
    const c = objects[0] as any;
    expect([c.apiVersion, c.kind, c.metadata.name]).toEqual(['batch/v1', 'CronJob', 'nightly']);
    expect(c.spec.schedule).toBe('*/15 * * * *');
    expect(c.spec.concurrencyPolicy).toBe('Forbid');
    expect(DEFAULTS.cronJobConcurrencyPolicy).toBe('Forbid');
    const job = (renderSandboxedJob({ containers }, 'nightly').objects[0] as any).spec;
    expect(c.spec.jobTemplate.spec).toEqual(job);
    expect(c.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 3, activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 3600 });
    expect(c.spec.jobTemplate.spec.template.spec.restartPolicy).toBe('Never');
    expect(c.spec.jobTemplate.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'gvisor-iac', 'app.kubernetes.io/name': 'nightly' });
    assertAllSchemaValid(objects);
    assertRestrictedAndSandboxed(objects);
  });

  test('every CronJob field and the Job props', () => {
    const c = renderSandboxedCronJob({
      containers,
      schedule: '0 3 * * MON-FRI',
      timeZone: 'Europe/Paris',
      concurrencyPolicy: 'Replace',
      suspend: true,
      startingDeadlineSeconds: 120,
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 2,
      backoffLimit: 0,
      activeDeadlineSeconds: 60,
      ttlSecondsAfterFinished: 10,
      completions: 2,
      parallelism: 2,
      restartPolicy: 'OnFailure',
    }, 'c').objects[0] as any;
    expect(c.spec).toMatchObject({
      schedule: '0 3 * * MON-FRI',
      timeZone: 'Europe/Paris',
      concurrencyPolicy: 'Replace',
      suspend: true,
      startingDeadlineSeconds: 120,
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 2,
      jobTemplate: { spec: { backoffLimit: 0, activeDeadlineSeconds: 60, ttlSecondsAfterFinished: 10, completions: 2, parallelism: 2, template: { spec: { restartPolicy: 'OnFailure' } } } },
    });
    assertAllSchemaValid([c]);
  });

  test.each([
    '* * * * *', '*/5 * * * *', '0 0 1 1 *', '59 23 31 12 6', '0,15,30,45 8-18/2 * * 1-5', '0 0 ? * sun', '0 12 * jan-MAR mon',
    '5/10 * * * *', '  0 3 * * *  ', '@hourly', '@daily', '@midnight', '@weekly', '@monthly', '@yearly', '@annually', '@DAILY', '@every 1h30m', '@every 90s',
  ])('accepts the schedule %j (as Kubernetes does)', (schedule) => {
    expect(checkSchedule(schedule, 's')).toBe(schedule);
  });

  test.each<[string, RegExp]>([
    ['', /is not a cron schedule/],
    ['* * * *', /has 4 fields, not 5/],
    ['* * * * * *', /has 6 fields, not 5/],
    ['60 * * * *', /minute field "60", which is outside 0-59/],
    ['* 24 * * *', /hour field "24", which is outside 0-23/],
    ['* * 0 * *', /day of month field "0", which is outside 1-31/],
    ['* * * 13 *', /month field "13", which is outside 1-12/],
    ['0 0 * * 7', /day of week field "7", which is outside 0-6/],
    ['*/0 * * * *', /step that is not a whole number above 0/],
    ['5-1 * * * *', /range that runs backwards/],
    ['a * * * *', /minute field "a", which is not a number;/],
    ['* * * * FUNDAY', /is not a number or a name/],
    ['@often', /is not a cron macro/],
    ['@every soon', /is not a cron macro/],
    ['TZ=UTC 0 3 * * *', /sets a time zone inside the schedule/],
    ['CRON_TZ=Europe/Paris 0 3 * * *', /sets a time zone inside the schedule/],
  ])('refuses the schedule %j with a clear error', (schedule, message) => {
    const e = expectRefusal(() => renderSandboxedCronJob({ schedule, containers }, 'c'), { code: schedule === '' ? 'REQUIRED' : 'INVALID_VALUE', field: 'props.schedule', message });
    if (schedule !== '') expect(e.fix).toMatch(/five fields|timeZone/);
  });

  test.each<[string, Record<string, unknown>, string, string]>([
    ['a missing schedule', { schedule: undefined }, 'REQUIRED', 'props.schedule'],
    ['a schedule that is a number', { schedule: 5 }, 'INVALID_TYPE', 'props.schedule'],
    ['an unknown time zone', { timeZone: 'Mars/Olympus' }, 'INVALID_VALUE', 'props.timeZone'],
    ['the Local time zone', { timeZone: 'Local' }, 'INVALID_VALUE', 'props.timeZone'],
    ['an unknown concurrencyPolicy', { concurrencyPolicy: 'Sometimes' }, 'INVALID_VALUE', 'props.concurrencyPolicy'],
    ['suspend a string', { suspend: 'yes' }, 'INVALID_TYPE', 'props.suspend'],
    ['negative startingDeadlineSeconds', { startingDeadlineSeconds: -1 }, 'INVALID_INTEGER', 'props.startingDeadlineSeconds'],
    ['negative successfulJobsHistoryLimit', { successfulJobsHistoryLimit: -1 }, 'INVALID_INTEGER', 'props.successfulJobsHistoryLimit'],
    ['restartPolicy Always (a Job\'s check)', { restartPolicy: 'Always' }, 'INVALID_VALUE', 'props.restartPolicy'],
    ['a zero deadline (a Job\'s check)', { activeDeadlineSeconds: 0 }, 'INVALID_INTEGER', 'props.activeDeadlineSeconds'],
    ['negative backoffLimit (a Job\'s check)', { backoffLimit: -1 }, 'INVALID_INTEGER', 'props.backoffLimit'],
    ['a name the API server refuses (over 52)', { name: 'a'.repeat(53) }, 'INVALID_NAME', 'props.name'],
    ['a typo', { scheduel: '@daily' }, 'UNKNOWN_FIELD', 'props.scheduel'],
  ])('refuses %s', (_, props, code, field) => {
    expectRefusal(() => renderSandboxedCronJob({ containers, schedule: '@daily', ...props } as never, 'c'), { code: code as never, field });
  });

  test('UTC and IANA zones pass', () => {
    for (const timeZone of ['UTC', 'Etc/UTC', 'America/New_York', 'Asia/Kolkata']) {
      expect((renderSandboxedCronJob({ containers, schedule: '@daily', timeZone }, 'c').objects[0] as any).spec.timeZone).toBe(timeZone);
    }
  });
});

describe('SandboxedDaemonSet (first-class)', () => {
  test('renders one pod per node, restricted and sandboxed, as EdgeSandbox\'s DaemonSet does without the edge defaults', () => {
    const { objects } = renderSandboxedDaemonSet({ containers, updateStrategy: { type: 'OnDelete' } }, 'agent');
    const d = objects[0] as any;
    expect([d.kind, d.metadata.name, d.spec.updateStrategy]).toEqual(['DaemonSet', 'agent', { type: 'OnDelete' }]);
    expect(d.spec.template.spec.nodeSelector).toBeUndefined();
    assertAllSchemaValid(objects);
    assertRestrictedAndSandboxed(objects);
  });
});

/** Each workload's pod template metadata (the Pod's own metadata for a Pod). */
const WORKLOADS: Array<[string, (props: any) => Manifests, (o: any) => any]> = [
  ['Pod', (p) => renderSandboxedPod(p, 'w'), (o) => o.metadata],
  ['Deployment', (p) => renderSandboxedDeployment(p, 'w'), (o) => o.spec.template.metadata],
  ['DaemonSet', (p) => renderSandboxedDaemonSet(p, 'w'), (o) => o.spec.template.metadata],
  ['StatefulSet', (p) => renderSandboxedStatefulSet(p, 'w'), (o) => o.spec.template.metadata],
  ['Job', (p) => renderSandboxedJob(p, 'w'), (o) => o.spec.template.metadata],
  ['CronJob', (p) => renderSandboxedCronJob({ schedule: '@daily', ...p }, 'w'), (o) => o.spec.jobTemplate.spec.template.metadata],
  ['EdgeSandbox', (p) => renderEdgeSandbox(p, 'w'), (o) => o.spec.template.metadata],
  ['EdgeSandbox DaemonSet', (p) => renderEdgeSandbox({ workload: 'DaemonSet', ...p }, 'w'), (o) => o.spec.template.metadata],
];

describe('pod-template metadata: podLabels and podAnnotations on every workload', () => {
  const NAME = { 'app.kubernetes.io/managed-by': 'gvisor-iac', 'app.kubernetes.io/name': 'w' };

  test.each(WORKLOADS)('%s: they land on the pods, over labels; the selector label stays', (kind, render, podMeta) => {
    const { objects } = render({
      containers,
      labels: { tier: 'web', team: 'a' },
      annotations: { 'example.com/owner': 'a' },
      podLabels: { team: 'b', version: 'v2' },
      podAnnotations: { 'prometheus.io/scrape': 'true', 'sidecar.istio.io/inject': 'false' },
    });
    const main = objects[0] as any;
    const meta = podMeta(main);
    expect(meta.labels).toEqual({ ...NAME, tier: 'web', team: 'b', version: 'v2' });
    if (kind === 'Pod') {
      expect(meta.annotations).toEqual({ 'example.com/owner': 'a', 'prometheus.io/scrape': 'true', 'sidecar.istio.io/inject': 'false' });
    } else {
      expect(meta.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'sidecar.istio.io/inject': 'false' });
      // The workload's own metadata keeps its own labels and annotations only.
      expect(main.metadata.labels).toEqual({ ...NAME, tier: 'web', team: 'a' });
      expect(main.metadata.annotations).toEqual({ 'example.com/owner': 'a' });
      if (main.spec.selector) expect(main.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'w' });
    }
    assertAllSchemaValid(objects);
    assertRestrictedAndSandboxed(objects);
  });

  test.each(WORKLOADS)('%s: without them, the pod metadata is what it was (labels and the selector label only)', (kind, render, podMeta) => {
    const meta = podMeta(render({ containers }).objects[0]);
    expect(meta).toEqual({ labels: NAME, ...(kind === 'Pod' ? { name: 'w' } : {}) });
  });

  test.each(WORKLOADS)('%s: the selector label may not be changed through podLabels (same value passes)', (_, render, podMeta) => {
    expectRefusal(() => render({ containers, podLabels: { 'app.kubernetes.io/name': 'other' } }), { code: 'RESERVED_NAME', field: 'props.podLabels["app.kubernetes.io/name"]', message: /leave their own selector/ });
    expect(podMeta(render({ containers, podLabels: { 'app.kubernetes.io/name': 'w' } }).objects[0]).labels['app.kubernetes.io/name']).toBe('w');
    // Renamed through labels, the selector and the pods follow.
    expect(podMeta(render({ containers, labels: { 'app.kubernetes.io/name': 'shop' }, podLabels: { 'app.kubernetes.io/name': 'shop' } }).objects[0]).labels['app.kubernetes.io/name']).toBe('shop');
  });

  test.each(WORKLOADS)('%s: keys and values are checked as Kubernetes does', (_, render) => {
    expectRefusal(() => render({ containers, podLabels: { 'bad key!': 'x' } }), { code: 'INVALID_LABEL', field: 'props.podLabels["bad key!"]' });
    expectRefusal(() => render({ containers, podLabels: { tier: 'x'.repeat(64) } }), { code: 'INVALID_LABEL', field: 'props.podLabels.tier' });
    expectRefusal(() => render({ containers, podLabels: { tier: 'web!' } }), { code: 'INVALID_LABEL', field: 'props.podLabels.tier' });
    expectRefusal(() => render({ containers, podLabels: { tier: 3 } }), { code: 'INVALID_LABEL', field: 'props.podLabels.tier' });
    expectRefusal(() => render({ containers, podLabels: ['tier'] }), { code: 'INVALID_TYPE', field: 'props.podLabels' });
    expectRefusal(() => render({ containers, podAnnotations: { [`${'a'.repeat(64)}`]: 'x' } }), { code: 'INVALID_LABEL', field: `props.podAnnotations["${'a'.repeat(64)}"]` });
    expectRefusal(() => render({ containers, podAnnotations: { 'Example.com/x': 'y' } }), { code: 'INVALID_LABEL', field: 'props.podAnnotations["Example.com/x"]' });
    expectRefusal(() => render({ containers, podAnnotations: { 'prometheus.io/port': 9090 } }), { code: 'INVALID_TYPE', field: 'props.podAnnotations["prometheus.io/port"]' });
    expectRefusal(() => render({ containers, podAnnotations: { 'example.com/big': 'x'.repeat(256 * 1024) } }), { code: 'INVALID_VALUE', field: 'props.podAnnotations', message: /262144 bytes/ });
    expect(() => render({ containers, podAnnotations: { 'example.com/big': 'x'.repeat(256 * 1024 - 'example.com/big'.length) } })).not.toThrow();
  });

  test.each(WORKLOADS)('%s: annotations that loosen the sandbox are refused on podAnnotations, where they take effect', (_, render) => {
    const refused: Array<[string, string, string]> = [
      ['container.apparmor.security.beta.kubernetes.io/app', 'unconfined', 'SANDBOX_ESCAPE'],
      ['seccomp.security.alpha.kubernetes.io/pod', 'Unconfined', 'SANDBOX_ESCAPE'],
      ['container.seccomp.security.alpha.kubernetes.io/app', 'unconfined', 'SANDBOX_ESCAPE'],
      ['dev.gvisor.flag.network', 'host', 'SANDBOX_ESCAPE'],
      ['dev.gvisor.internal.nvproxy', 'true', 'SANDBOX_ESCAPE'],
      ['seccomp.security.alpha.kubernetes.io/pod', 'none', 'INVALID_VALUE'],
    ];
    for (const [key, value, code] of refused) {
      expectRefusal(() => render({ containers, podAnnotations: { [key]: value } }), { code: code as never, field: `props.podAnnotations[${JSON.stringify(key)}]` });
    }
    expect(() => render({ containers, podAnnotations: { 'dev.gvisor.spec.mount.data.share': 'pod', 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' } })).not.toThrow();
  });
});
