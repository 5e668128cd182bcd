import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { prepareManifests } from '../../lib/pulumi/component';
import { drain, mockPulumi, settle, valueOf } from '../helpers/pulumi';
import {
  GvisorIacError, renderSandboxedCronJob, renderSandboxedDaemonSet, renderSandboxedDeployment, renderSandboxedJob, renderSandboxedPod,
  renderSandboxedStatefulSet,
} from 'gvisor-iac';
import {
  GvisorRuntimeClass, MultiTenantSandbox, SandboxedCronJob, SandboxedCronJobArgs, SandboxedDaemonSet, SandboxedDeployment, SandboxedJob, SandboxedPod,
  SandboxedStatefulSet,
} from 'gvisor-iac/pulumi';

const container = { name: 'app', image: 'registry.example.com/app:1.2' };
/** A SandboxedCronJob with a schedule, so that it takes the props of the other workloads. */
class DailyCronJob extends SandboxedCronJob {
  public constructor(name: string, args: Omit<SandboxedCronJobArgs, 'schedule'>, opts?: pulumi.ComponentResourceOptions) {
    super(name, { schedule: '@daily', ...args }, opts);
  }
}

const COMPONENT_URN = (type: string, name: string) => `urn:pulumi:stack::project::gvisor-iac:index:${type}::${name}`;

describe.each([
  { Component: SandboxedPod, type: 'SandboxedPod', child: 'kubernetes:core/v1:Pod', kind: 'pod', render: renderSandboxedPod },
  { Component: SandboxedDeployment, type: 'SandboxedDeployment', child: 'kubernetes:apps/v1:Deployment', kind: 'deployment', render: renderSandboxedDeployment },
  { Component: SandboxedJob, type: 'SandboxedJob', child: 'kubernetes:batch/v1:Job', kind: 'job', render: renderSandboxedJob },
  { Component: SandboxedDaemonSet, type: 'SandboxedDaemonSet', child: 'kubernetes:apps/v1:DaemonSet', kind: 'daemonset', render: renderSandboxedDaemonSet },
  { Component: SandboxedStatefulSet, type: 'SandboxedStatefulSet', child: 'kubernetes:apps/v1:StatefulSet', kind: 'statefulset', render: renderSandboxedStatefulSet },
  {
    Component: DailyCronJob,
    type: 'SandboxedCronJob',
    child: 'kubernetes:batch/v1:CronJob',
    kind: 'cronjob',
    render: (p: any, id: string) => renderSandboxedCronJob({ schedule: '@daily', ...p }, id),
  },
])('$type', ({ Component, type, child, kind, render }) => {
  test('registers the component, then one typed child parented to it, depending on the RuntimeClass child', async () => {
    const rec = mockPulumi();
    const rc = new GvisorRuntimeClass('gvisor');
    const c = new Component('app', { runtimeClass: rc, namespace: 'team-a', containers: [container] });
    await settle(rec, rc, c);
    expect(rec.registrations.map((r) => [r.type, r.name])).toEqual([
      ['gvisor-iac:index:GvisorRuntimeClass', 'gvisor'],
      [`gvisor-iac:index:${type}`, 'app'],
      ['kubernetes:node.k8s.io/v1:RuntimeClass', 'gvisor-runtimeclass-gvisor'],
      [child, `app-${kind}-team-a-app`],
    ]);
    const reg = rec.byName(`app-${kind}-team-a-app`);
    expect(reg.parent).toBe(COMPONENT_URN(type, 'app'));
    expect(reg.custom).toBe(true);
    expect(reg.dependencies).toEqual([rec.byName('gvisor-runtimeclass-gvisor').urn]);
    expect(rec.byName('app')).toMatchObject({ custom: false, parent: '', dependencies: [], inputs: {} });
    // Exactly what the core renders: Pulumi adds nothing and drops nothing.
    expect(reg.inputs).toEqual(render({ namespace: 'team-a', containers: [container] }, 'app').objects[0]);
    expect(reg.inputs.metadata.name).toBe('app');
  });

  test('exposes the main resource, its names and the registered outputs', async () => {
    const rec = mockPulumi();
    const c = new Component('My_App', { runtimeClass: 'corp-gvisor', containers: [container] });
    await settle(rec, c);
    expect(c.resource).toBe(c.resources[0]);
    expect(pulumi.CustomResource.isInstance(c.resource)).toBe(true);
    expect(c.name).toBe('my-app');
    expect(c.namespace).toBeUndefined();
    expect(c.runtimeClassName).toBe('corp-gvisor');
    expect(await valueOf((c.resource as k8s.core.v1.Pod).metadata.name)).toBe('my-app');
    expect(rec.outputs.get(COMPONENT_URN(type, 'My_App'))).toEqual({
      name: 'my-app',
      runtimeClassName: 'corp-gvisor',
      objects: [{ apiVersion: child.split(':')[1]!.replace(/^core\//, ''), kind: rec.kube()[0]!.inputs.kind, name: 'my-app' }],
      podSelector: { 'app.kubernetes.io/name': 'my-app' },
    });
    expect(c.podSelector).toEqual({ 'app.kubernetes.io/name': 'my-app' });
  });

  test('defaults: runtimeClass "gvisor" and no dependency when given a class name', async () => {
    const rec = mockPulumi();
    const c = new Component('app', { containers: [container] });
    await settle(rec, c);
    expect(c.runtimeClassName).toBe('gvisor');
    expect(rec.kube()[0]!.dependencies).toEqual([]);
  });

  test('the caller\'s options stay on the component; children inherit protect and provider through the parent', async () => {
    const rec = mockPulumi();
    const provider = new k8s.Provider('cluster', { namespace: 'ignored-by-mocks' });
    const seen: string[] = [];
    const c = new Component('app', { containers: [container] }, {
      protect: true,
      providers: [provider],
      transformations: [(a) => {
        seen.push(a.type);
        return undefined;
      }],
    });
    await settle(rec, provider, c);
    const component = rec.byName('app');
    const childReg = rec.kube()[0]!;
    expect(component.protect).toBe(true);
    expect(childReg.protect).toBe(true);
    expect(childReg.provider).toBe(`${rec.byName('cluster').urn}::cluster-id`);
    // (Engine-side `transforms` cannot run under mocks; SDK-side transformations show the same parent inheritance.)
    expect(seen).toEqual([`gvisor-iac:index:${type}`, child]);
  });

  test('children are created only after the component\'s own dependsOn', async () => {
    const order: string[] = [];
    const rec = mockPulumi((_t, n) => {
      order.push(n);
      return n === 'slow' ? 100 : 0;
    });
    const slow = new k8s.core.v1.Namespace('slow', { metadata: { name: 'slow' } });
    const c = new Component('app', { containers: [container] }, { dependsOn: [slow] });
    await settle(rec, slow, c);
    expect(rec.byName('app').dependencies).toEqual([rec.byName('slow').urn]);
    expect(order).toEqual(['slow', 'app', `app-${kind}-app`]);
    expect(rec.registrations.map((r) => r.name)).toEqual(['slow', 'app', `app-${kind}-app`]);
  });

  test('image and env values may be Outputs of other resources: registered resolved, with the resource as a dependency', async () => {
    const rec = mockPulumi();
    const cm = new k8s.core.v1.ConfigMap('settings', { metadata: { name: 'settings' }, data: { image: 'registry.example.com/app:2.0' } });
    const image = cm.data.apply((d) => d.image!);
    const c = new Component('app', { containers: [{ name: 'app', image, env: [{ name: 'TAG', value: pulumi.interpolate`v-${cm.metadata.name}` }, { name: 'PLAIN', value: 'x' }] }] });
    await settle(rec, cm, c);
    const reg = rec.kube().find((r) => r.type === child)!;
    const spec = kind === 'pod' ? reg.inputs.spec : kind === 'cronjob' ? reg.inputs.spec.jobTemplate.spec.template.spec : reg.inputs.spec.template.spec;
    expect(spec.containers[0].image).toBe('registry.example.com/app:2.0');
    expect(spec.containers[0].env).toEqual([{ name: 'TAG', value: 'v-settings' }, { name: 'PLAIN', value: 'x' }]);
    expect(reg.dependencies).toEqual([rec.byName('settings').urn]);
  });

  test('an Output in a structural field is refused before anything is registered', async () => {
    const rec = mockPulumi();
    expect(() => new Component('app', { name: pulumi.output('x') as any, containers: [container] })).toThrow(
      'props.name: "(a Pulumi Output or Promise)" is not a plain value, but this field decides what is emitted',
    );
    expect(() => new Component('app', { containers: [{ ...container, workingDir: pulumi.output('/w') as any }] })).toThrow(/^props\.containers\[0\]\.workingDir: /);
    expect(() => new Component('app', { containers: [{ ...container, ports: [{ containerPort: 80, name: pulumi.output('http') as any }] }] })).toThrow(/^props\.containers\[0\]\.ports\[0\]\.name: /);
    await drain();
    expect(rec.registrations).toEqual([]);
  });

  test('invalid resource names are refused like invalid props', async () => {
    const rec = mockPulumi();
    expect(() => new Component('', { containers: [container] })).toThrow(GvisorIacError);
    expect(() => new Component(42 as any, { containers: [container] })).toThrow(/^name: 42 is not a Pulumi resource name/);
    expect(() => new Component('___', { containers: [container] })).toThrow('props.name: "___" cannot be turned into a DNS-1123 name; pass an explicit `name` prop');
    await drain();
    expect(rec.registrations).toEqual([]);
  });
});

describe('Input leaves are validated again when they resolve', () => {
  // Under `pulumi up` the child's input serialisation fails with this error, failing the deployment.
  const imageOf = (image: pulumi.Input<string>) => {
    const prepared = prepareManifests('app', { containers: [{ name: 'app', image }] } as any, renderSandboxedPod);
    const out = (prepared.manifests.objects[0] as any).spec.containers[0].image;
    // Observe the Output's side promises too, so a rejection is only reported through promise().
    for (const p of [out.isKnown, out.isSecret]) p.catch(() => undefined);
    return out as pulumi.Output<string>;
  };

  test('a bad image from an Output rejects with the core\'s error', async () => {
    mockPulumi();
    await expect((imageOf(pulumi.output('bad image')) as any).promise()).rejects.toThrow(
      'props.containers[0].image: "bad image" contains whitespace; use an image reference such as "registry.example.com/app:1.2"',
    );
    await expect((imageOf(Promise.resolve(42) as any) as any).promise()).rejects.toThrow(/^props\.containers\[0\]\.image: 42 /);
  });

  test('a good one passes through unchanged, secrets stay secret', async () => {
    mockPulumi();
    expect(await valueOf(imageOf(pulumi.output('nginx:1')))).toBe('nginx:1');
    const secret = imageOf(pulumi.secret('registry.example.com/private:1'));
    expect(await pulumi.isSecret(secret)).toBe(true);
    expect(await valueOf(secret)).toBe('registry.example.com/private:1');
  });
});

describe('several workloads share one RuntimeClass component', () => {
  test('each child depends on the RuntimeClass resource, which is created first', async () => {
    const order: string[] = [];
    const rec = mockPulumi((t, n) => {
      order.push(n);
      return t === 'kubernetes:node.k8s.io/v1:RuntimeClass' ? 50 : 0;
    });
    const rc = new GvisorRuntimeClass('rc', { name: 'gvisor-fast' });
    const pod = new SandboxedPod('p', { runtimeClass: rc, containers: [container] });
    const job = new SandboxedJob('j', { runtimeClass: rc.ref, containers: [container] });
    await settle(rec, rc, pod, job);
    const rcUrn = rec.byName('rc-runtimeclass-gvisor-fast').urn;
    expect(rec.byName('p-pod-p').dependencies).toEqual([rcUrn]);
    // A ref (or a class name) is ordered by name, like in cdk8s: the class was registered earlier by this program.
    expect(rec.byName('j-job-j').dependencies).toEqual([rcUrn]);
    expect(order.indexOf('p-pod-p')).toBeGreaterThan(order.indexOf('rc-runtimeclass-gvisor-fast'));
    expect(rec.byName('p-pod-p').inputs.spec.runtimeClassName).toBe('gvisor-fast');
    expect(rec.byName('j-job-j').inputs.spec.template.spec.runtimeClassName).toBe('gvisor-fast');
  });

  test('a GKE class registers no RuntimeClass, so there is nothing to depend on', async () => {
    const rec = mockPulumi();
    const rc = GvisorRuntimeClass.gke('gke');
    const pod = new SandboxedPod('p', { runtimeClass: rc, containers: [container] });
    await settle(rec, rc, pod);
    expect(rec.kube().map((r) => r.type)).toEqual(['kubernetes:core/v1:Pod']);
    expect(rec.kube()[0]!.dependencies).toEqual([]);
    expect(rec.kube()[0]!.inputs.spec.runtimeClassName).toBe('gvisor');
  });
});

describe('by-name apply order across components (the core ApplyIndex, as in cdk8s)', () => {
  test('a workload in a tenant namespace registered earlier depends on that Namespace; an unrelated one does not', async () => {
    const rec = mockPulumi();
    const mt = new MultiTenantSandbox('mt', { tenants: [{ name: 'tenant-a' }] });
    const pod = new SandboxedPod('p', { namespace: 'tenant-a', containers: [container] });
    const other = new SandboxedPod('q', { namespace: 'tenant-b', containers: [container] });
    await settle(rec, mt, pod, other);
    expect(rec.byName('p-pod-tenant-a-p').dependencies).toEqual([rec.byName('mt-namespace-tenant-a').urn]);
    expect(rec.byName('q-pod-tenant-b-q').dependencies).toEqual([]);
  });
});
