import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  GvisorRuntimeClass, MultiTenantSandbox, SandboxedCronJob, SandboxedDaemonSet, SandboxedDeployment, SandboxedJob, SandboxedPod, SandboxedStatefulSet,
} from '../../lib/cdk8s';
import { assertRestrictedAndSandboxed } from '../helpers/pod-security';
import { assertAllSchemaValid } from '../helpers/schema';
import { newChart, synth, synthApp } from '../helpers/synth';

const containers = [{ name: 'app', image: 'app:1' }];
const kinds = (objs: any[]) => objs.map((o) => `${o.kind}/${o.metadata.name}`);

describe('GvisorRuntimeClass (cdk8s)', () => {
  test('emits the RuntimeClass and exposes its name and ref', () => {
    let rc!: GvisorRuntimeClass;
    const objs = synth((chart) => {
      rc = new GvisorRuntimeClass(chart, 'gvisor');
    });
    expect(kinds(objs)).toEqual(['RuntimeClass/gvisor']);
    expect(rc.name).toBe('gvisor');
    expect(rc.ref.overhead).toEqual({ cpu: '100m', memory: '160Mi' });
    expect(ApiObject.of(rc)).toBe(rc.apiObject);
  });

  test('GKE preset and fromName emit nothing but are usable by workloads', () => {
    const objs = synth((chart) => {
      const gke = GvisorRuntimeClass.gke(chart, 'gke');
      expect(gke.ref.handler).toBe('gvisor');
      const existing = GvisorRuntimeClass.fromName(chart, 'existing', 'sandboxed');
      new SandboxedPod(chart, 'a', { runtimeClass: gke, containers });
      new SandboxedPod(chart, 'b', { runtimeClass: existing, containers });
    });
    expect(kinds(objs)).toEqual(['Pod/a', 'Pod/b']);
    expect(objs.map((o) => o.spec.runtimeClassName)).toEqual(['gvisor', 'sandboxed']);
  });
});

describe('ordering for a one-pass kubectl apply', () => {
  test('the RuntimeClass comes before the workloads that use it, even when declared after them', () => {
    const { app, chart } = newChart();
    const rc = new GvisorRuntimeClass(chart, 'rc-holder', { name: 'gvisor' });
    // Workloads created first in a different scope still sort after the class they depend on.
    new SandboxedDeployment(chart, 'web', { runtimeClass: rc, containers });
    new SandboxedJob(chart, 'job', { runtimeClass: rc, containers });
    const objs = synthApp(app);
    expect(kinds(objs)[0]).toBe('RuntimeClass/gvisor');
    expect(kinds(objs).sort()).toEqual(['Deployment/web', 'Job/job', 'RuntimeClass/gvisor']);
  });

  test('a workload placed earlier in the tree still sorts after its RuntimeClass', () => {
    const { app, chart } = newChart();
    const group = new Construct(chart, 'a-group'); // added to the tree before the class
    const rc = new GvisorRuntimeClass(chart, 'z-class', { name: 'gvisor' });
    new SandboxedPod(group, 'pod', { runtimeClass: rc, containers });
    expect(kinds(synthApp(app))).toEqual(['RuntimeClass/gvisor', 'Pod/pod']);
  });

  test('a class named by string is ordered too, when it is already in the chart', () => {
    const { app, chart } = newChart();
    const group = new Construct(chart, 'a-group');
    new GvisorRuntimeClass(chart, 'z-class', { name: 'gvisor' });
    new SandboxedPod(group, 'pod', { runtimeClass: 'gvisor', containers });
    expect(kinds(synthApp(app))).toEqual(['RuntimeClass/gvisor', 'Pod/pod']);
  });

  test('(control) an unrelated class does not reorder anything', () => {
    const { app, chart } = newChart();
    const group = new Construct(chart, 'a-group');
    new GvisorRuntimeClass(chart, 'z-class', { name: 'gvisor-other' });
    new SandboxedPod(group, 'pod', { runtimeClass: 'gvisor', containers });
    expect(kinds(synthApp(app))).toEqual(['Pod/pod', 'RuntimeClass/gvisor-other']);
  });

  test('a workload in a namespace emitted by another construct comes after that Namespace', () => {
    const { app, chart } = newChart();
    const group = new Construct(chart, 'a-group');
    new MultiTenantSandbox(chart, 'tenants', { tenants: [{ name: 'tenant-a' }] });
    new SandboxedPod(group, 'pod', { namespace: 'tenant-a', containers });
    const order = kinds(synthApp(app));
    expect(order.indexOf('Pod/pod')).toBeGreaterThan(order.indexOf('Namespace/tenant-a'));
    expect(order[0]).toBe('Namespace/tenant-a');
  });

  // The by-name rule of both frontends (core ApplyIndex), where cdk8s can also look forward.
  test.each([
    ['a tenant Namespace declared after the pod', (chart: Construct, group: Construct) => {
      new SandboxedPod(group, 'pod', { namespace: 'tenant-a', containers });
      new MultiTenantSandbox(chart, 'tenants', { tenants: [{ name: 'tenant-a' }] });
    }],
    ['a RuntimeClass named by string, declared after the pod', (chart: Construct, group: Construct) => {
      new SandboxedPod(group, 'pod', { runtimeClass: 'gvisor', containers });
      new GvisorRuntimeClass(chart, 'z-class', { name: 'gvisor' });
    }],
    ['a raw ApiObject Namespace of the user\'s, declared before the pod', (chart: Construct, group: Construct) => {
      new ApiObject(chart, 'z-ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tenant-a' } });
      new SandboxedPod(group, 'pod', { namespace: 'tenant-a', containers });
    }],
    ['a raw ApiObject RuntimeClass of the user\'s, declared after the pod', (chart: Construct, group: Construct) => {
      new SandboxedPod(group, 'pod', { containers });
      new ApiObject(chart, 'z-rc', { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'gvisor' }, handler: 'runsc' });
    }],
  ])('%s: the pod comes after it', (_, build) => {
    const { app, chart } = newChart();
    build(chart, new Construct(chart, 'a-group'));
    const order = kinds(synthApp(app));
    expect(order.indexOf('Pod/pod')).toBeGreaterThan(Math.max(order.indexOf('Namespace/tenant-a'), order.indexOf('RuntimeClass/gvisor')));
    expect(order.indexOf('Pod/pod')).toBeGreaterThan(0);
  });

  test('an object without a namespace in a chart with one comes after that chart namespace\'s Namespace', () => {
    const { app, chart } = newChart({ namespace: 'tenant-a' });
    new SandboxedPod(new Construct(chart, 'a-group'), 'pod', { containers });
    new MultiTenantSandbox(chart, 'tenants', { tenants: [{ name: 'tenant-a' }] });
    const order = kinds(synthApp(app));
    expect(order.indexOf('Pod/pod')).toBeGreaterThan(order.indexOf('Namespace/tenant-a'));
  });
});

describe('escape hatches', () => {
  test('ApiObject.of(construct) reaches the main object', () => {
    const { app, chart } = newChart();
    const pod = new SandboxedPod(chart, 'p', { containers });
    ApiObject.of(pod).addJsonPatch(JsonPatch.add('/spec/priorityClassName', 'critical'));
    expect(ApiObject.of(pod)).toBe(pod.apiObject);
    expect(synthApp(app)[0].spec.priorityClassName).toBe('critical');
  });

  test('overrides (JSON patch in props) change the main object or a named one', () => {
    const objs = synth((chart) => {
      new SandboxedDeployment(chart, 'web', {
        containers,
        overrides: [
          { patch: [{ op: 'add', path: '/spec/template/spec/priorityClassName', value: 'high' }] },
          { kind: 'Deployment', name: 'web', patch: [{ op: 'replace', path: '/spec/replicas', value: 5 }] },
        ],
      });
    });
    expect(objs[0].spec.replicas).toBe(5);
    expect(objs[0].spec.template.spec.priorityClassName).toBe('high');
  });
});

describe('chart-level settings', () => {
  test('a chart namespace applies to workloads but never to the cluster-scoped RuntimeClass', () => {
    const objs = synth((chart) => {
      const rc = new GvisorRuntimeClass(chart, 'gvisor');
      new SandboxedPod(chart, 'p', { runtimeClass: rc, containers });
    }, { namespace: 'sandboxes' });
    expect(objs[0].metadata.namespace).toBeUndefined();
    expect(objs[1].metadata.namespace).toBe('sandboxes');
    assertAllSchemaValid(objs);
  });

  test('a namespace prop wins over the chart namespace', () => {
    const objs = synth((chart) => new SandboxedPod(chart, 'p', { namespace: 'team-a', containers }), { namespace: 'sandboxes' });
    expect(objs[0].metadata.namespace).toBe('team-a');
  });
});

describe('synthesised output', () => {
  test('every construct together: schema-valid, restricted, sandboxed; equal to Testing.synth', () => {
    const { app, chart } = newChart();
    const rc = new GvisorRuntimeClass(chart, 'gvisor');
    new SandboxedPod(chart, 'pod', { runtimeClass: rc, containers });
    new SandboxedDeployment(chart, 'deploy', { runtimeClass: rc, containers, replicas: 2 });
    new SandboxedJob(chart, 'job', { runtimeClass: rc, containers });
    new SandboxedDaemonSet(chart, 'agent', { runtimeClass: rc, containers, podAnnotations: { 'prometheus.io/scrape': 'true' } });
    new SandboxedStatefulSet(chart, 'db', {
      runtimeClass: rc,
      serviceName: 'db',
      replicas: 2,
      podLabels: { tier: 'db' },
      containers: [{ ...containers[0]!, volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    });
    new SandboxedCronJob(chart, 'nightly', { runtimeClass: rc, schedule: '0 3 * * *', containers });
    const objs = synthApp(app);
    expect(kinds(objs)).toEqual([
      'RuntimeClass/gvisor', 'Pod/pod', 'Deployment/deploy', 'Job/job', 'DaemonSet/agent', 'StatefulSet/db', 'CronJob/nightly',
    ]);
    assertAllSchemaValid(objs);
    assertRestrictedAndSandboxed(objs);
    expect(Testing.synth(chart)).toEqual(objs);
  });

  test('construct ids and object names are deterministic (no hashes)', () => {
    const run = () => synth((chart) => new SandboxedDeployment(chart, 'MyApp', { containers }));
    expect(run()).toEqual(run());
    expect(run()[0].metadata.name).toBe('my-app');
  });
});

describe('every workload kind is a construct (issue 13)', () => {
  test.each([
    ['SandboxedDaemonSet', (c: Construct) => new SandboxedDaemonSet(c, 'w', { containers, podLabels: { tier: 'x' } }), 'DaemonSet', (o: any) => o.spec.template],
    ['SandboxedStatefulSet', (c: Construct) => new SandboxedStatefulSet(c, 'w', { containers, podLabels: { tier: 'x' } }), 'StatefulSet', (o: any) => o.spec.template],
    ['SandboxedCronJob', (c: Construct) => new SandboxedCronJob(c, 'w', { schedule: '@hourly', containers, podLabels: { tier: 'x' } }), 'CronJob', (o: any) => o.spec.jobTemplate.spec.template],
  ] as const)('%s: one object of its kind, its attributes, pod labels on the template', (_, make, kind, template) => {
    let construct!: SandboxedDaemonSet;
    const objs = synth((chart) => {
      construct = make(chart) as SandboxedDaemonSet;
    });
    expect(kinds(objs)).toEqual([`${kind}/w`]);
    expect([construct.name, construct.runtimeClassName, construct.objects]).toEqual(['w', 'gvisor', [{ apiVersion: objs[0].apiVersion, kind, name: 'w' }]]);
    expect(ApiObject.of(construct)).toBe(construct.apiObject);
    expect(template(objs[0]).metadata.labels.tier).toBe('x');
    expect(template(objs[0]).spec.runtimeClassName).toBe('gvisor');
  });

  test('bad input is refused with the core error, nothing emitted', () => {
    expect(() => synth((chart) => new SandboxedCronJob(chart, 'c', { schedule: 'every day', containers }))).toThrow(/^props\.schedule: "every day" has 2 fields, not 5/);
    expect(() => synth((chart) => new SandboxedStatefulSet(chart, 's', { serviceName: 'Db_Service', containers }))).toThrow(/^props\.serviceName: /);
    expect(() => synth((chart) => new SandboxedDaemonSet(chart, 'd', { containers, podAnnotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' } })))
      .toThrow(/^props\.podAnnotations\["container\.apparmor\.security\.beta\.kubernetes\.io\/app"\]: "unconfined" turns AppArmor off/);
  });
});
