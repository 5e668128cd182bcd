// expose() in both frontends: the same Service (parity), the same refusals (nothing
// emitted in either), the Pulumi Service a child of the workload component.
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { drain, mockPulumi, settle } from '../helpers/pulumi';
import { assertAllSchemaValid } from '../helpers/schema';
import { synth } from '../helpers/synth';
import { DuplicateObjectError, ExposeOptions, GvisorIacError } from 'gvisor-iac';
import * as cdk8sFrontend from 'gvisor-iac/cdk8s';
import * as pulumiFrontend from 'gvisor-iac/pulumi';

const app = { name: 'app', image: 'registry.example.com/app:1.2', ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }] };

interface Case {
  readonly construct: 'SandboxedPod' | 'SandboxedDeployment' | 'SandboxedDaemonSet' | 'SandboxedStatefulSet' | 'SandboxedJob' | 'SandboxedCronJob' | 'EdgeSandbox' | 'UntrustedCodeSandbox';
  readonly id: string;
  readonly props: Record<string, any>;
  /** One expose() call per entry. */
  readonly expose: ReadonlyArray<ExposeOptions | undefined>;
}

function buildCdk8s(c: Case): { objects: any[]; returned: any[]; workload: any } {
  let returned: any[] = [];
  let workload: any;
  const objects = synth((chart) => {
    workload = new (cdk8sFrontend as any)[c.construct](chart, c.id, c.props);
    returned = c.expose.map((o) => workload.expose(o));
  });
  return { objects, returned, workload };
}

async function buildPulumi(c: Case) {
  const recorder = mockPulumi();
  const workload = new (pulumiFrontend as any)[c.construct](c.id, c.props);
  const returned: pulumi.CustomResource[] = c.expose.map((o) => workload.expose(o));
  await settle(recorder, workload, ...returned);
  return { recorder, workload, returned, objects: recorder.kube().map((r) => r.inputs) };
}

const byKey = (o: any) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const sorted = (objects: any[]) => [...objects].sort((a, b) => byKey(a).localeCompare(byKey(b)));

const CASES: Case[] = [
  { construct: 'SandboxedDeployment', id: 'web', props: { containers: [app] }, expose: [undefined] },
  { construct: 'SandboxedDeployment', id: 'shop', props: { namespace: 'shop', replicas: 2, disruptionBudget: { minAvailable: 1 }, containers: [app] }, expose: [{ ports: [{ targetPort: 'http', port: 80 }] }, { name: 'shop-metrics', ports: ['metrics'], labels: { scrape: 'yes' } }] },
  { construct: 'SandboxedDeployment', id: 'scaled', props: { autoscaling: { maxReplicas: 4 }, containers: [app] }, expose: [{ type: 'LoadBalancer', ports: [{ targetPort: 'http', port: 443, nodePort: 30443 }] }] },
  { construct: 'SandboxedStatefulSet', id: 'db', props: { namespace: 'data', serviceName: 'db', replicas: 2, disruptionBudget: {}, containers: [app] }, expose: [{ clusterIP: 'None' }] },
  { construct: 'SandboxedDaemonSet', id: 'agent', props: { containers: [app] }, expose: [{ ports: ['metrics'] }] },
  { construct: 'SandboxedCronJob', id: 'nightly', props: { schedule: '0 3 * * *', containers: [app] }, expose: [{ ports: ['http'] }] },
  { construct: 'SandboxedPod', id: 'one', props: { containers: [app] }, expose: [{ clusterIP: 'None' }] },
  { construct: 'SandboxedJob', id: 'batch', props: { containers: [app] }, expose: [{ ports: [9090] }] },
  { construct: 'EdgeSandbox', id: 'edge', props: { namespace: 'edge', containers: [app] }, expose: [{ sessionAffinity: 'ClientIP' }] },
  { construct: 'EdgeSandbox', id: 'edge-ds', props: { workload: 'DaemonSet', containers: [app] }, expose: [{ overrides: [{ patch: [{ op: 'add', path: '/spec/internalTrafficPolicy', value: 'Local' }] }] }] },
];

describe('expose(): the same Service in cdk8s and Pulumi', () => {
  test.each(CASES.map((c) => [`${c.construct} ${c.id}`, c] as const))('%s', async (_, c) => {
    const fromCdk8s = buildCdk8s(c);
    const fromPulumi = await buildPulumi(c);
    expect(sorted(fromPulumi.objects)).toEqual(sorted(fromCdk8s.objects));
    assertAllSchemaValid(fromPulumi.objects);
    const services = fromCdk8s.objects.filter((o) => o.kind === 'Service');
    expect(services).toHaveLength(c.expose.length);
    for (const svc of services) {
      expect(svc.spec.selector).toEqual(fromCdk8s.workload.podSelector);
      expect(svc.metadata.namespace).toBe(c.props.namespace);
    }
    // cdk8s returns the Service's ApiObject; Pulumi the typed Service, a child of the workload component.
    expect(fromCdk8s.returned.map((a) => [a.kind, a.name])).toEqual(services.map((s) => ['Service', s.metadata.name]));
    const workloadUrn = await new Promise<string>((r) => fromPulumi.workload.urn.apply(r));
    for (const [i, svc] of fromPulumi.returned.entries()) {
      expect(svc).toBeInstanceOf(k8s.core.v1.Service);
      const reg = fromPulumi.recorder.byName(`${c.id}-service-${[c.props.namespace, services[i].metadata.name].filter(Boolean).join('-')}`);
      expect(reg.type).toBe('kubernetes:core/v1:Service');
      expect(reg.parent).toBe(workloadUrn);
    }
    // The workload's own attributes do not change: the Service is the caller's, not the workload's.
    expect(fromPulumi.workload.objects).toEqual(fromCdk8s.workload.objects);
    expect(fromCdk8s.workload.objects.some((o: any) => o.kind === 'Service')).toBe(false);
  });

  test('cdk8s: the Service lives under the workload, and ApiObject escape hatches apply to it', () => {
    const objects = synth((chart) => {
      const web = new cdk8sFrontend.SandboxedDeployment(chart, 'web', { containers: [app] });
      const svc = web.expose({ ports: ['http'] });
      expect(svc.node.path).toBe('test/web/Service/service');
      svc.metadata.addAnnotation('example.com/owner', 'team-a');
      expect(web.expose({ name: 'web-metrics', ports: ['metrics'] }).node.path).toBe('test/web/Service2/service');
    });
    expect(objects.find((o) => o.kind === 'Service' && o.metadata.name === 'web').metadata.annotations).toEqual({ 'example.com/owner': 'team-a' });
  });

  test('cdk8s: the Service of a workload in a namespace comes after the Namespace another construct emits', () => {
    const objects = synth((chart) => {
      new cdk8sFrontend.MultiTenantSandbox(chart, 'mt', { tenants: [{ name: 'shop' }] });
      new cdk8sFrontend.SandboxedDeployment(chart, 'web', { namespace: 'shop', containers: [app] }).expose();
    });
    const kinds = objects.map((o) => o.kind);
    expect(kinds.indexOf('Namespace')).toBeLessThan(kinds.indexOf('Service'));
  });
});

/** Both frontends refuse the expose() call with the same GvisorIacError, and emit no Service. */
async function exposeRefusedInBoth(c: Case): Promise<GvisorIacError> {
  let fromCdk8s: unknown;
  const objects = synth((chart) => {
    const workload = new (cdk8sFrontend as any)[c.construct](chart, c.id, c.props);
    try {
      workload.expose(c.expose[0]);
    } catch (e) {
      fromCdk8s = e;
    }
  });
  expect(fromCdk8s).toBeInstanceOf(GvisorIacError);
  expect(objects.filter((o) => o.kind === 'Service')).toEqual([]);
  const recorder = mockPulumi();
  const workload = new (pulumiFrontend as any)[c.construct](c.id, c.props);
  let fromPulumi: unknown;
  try {
    workload.expose(c.expose[0]);
  } catch (e) {
    fromPulumi = e;
  }
  const e = fromCdk8s as GvisorIacError;
  expect(fromPulumi).toBeInstanceOf(GvisorIacError);
  const f = fromPulumi as GvisorIacError;
  expect({ code: f.code, path: f.path, message: f.message }).toEqual({ code: e.code, path: e.path, message: e.message });
  await settle(recorder, workload);
  await drain();
  expect(recorder.kube().filter((r) => r.type === 'kubernetes:core/v1:Service')).toEqual([]);
  return e;
}

describe('expose(): the same refusals in both frontends, nothing emitted', () => {
  test.each<[string, Case, string]>([
    ['no container ports', { construct: 'SandboxedDeployment', id: 'web', props: { containers: [{ name: 'app', image: 'app:1' }] }, expose: [undefined] }, 'options.ports: (missing) cannot be derived'],
    ['an unknown port', { construct: 'SandboxedDeployment', id: 'web', props: { containers: [app] }, expose: [{ ports: ['grpc'] }] }, 'options.ports[0]: "grpc" names no container port'],
    ['an unnamed port among several', { construct: 'SandboxedPod', id: 'p', props: { containers: [{ ...app, ports: [{ containerPort: 1 }, { containerPort: 2 }] }] }, expose: [undefined] }, 'props.containers[0].ports[0]'],
    ['an unknown option', { construct: 'SandboxedJob', id: 'j', props: { containers: [app] }, expose: [{ typ: 'NodePort' } as any] }, 'did you mean "type"'],
    ['an UntrustedCodeSandbox', { construct: 'UntrustedCodeSandbox', id: 'run-1', props: { image: 'python:3.12-slim', command: ['python'] }, expose: [{ ports: [{ targetPort: 8080 }] }] }, 'denies its pods all ingress'],
  ])('%s', async (_, c, message) => {
    const e = await exposeRefusedInBoth(c);
    expect(e.message).toContain(message);
  });

  test('the same Service twice is a DuplicateObjectError in both', async () => {
    expect(() => synth((chart) => {
      const web = new cdk8sFrontend.SandboxedDeployment(chart, 'web', { containers: [app] });
      web.expose();
      web.expose({ ports: ['http'] });
    })).toThrow(DuplicateObjectError);
    const recorder = mockPulumi();
    const web = new pulumiFrontend.SandboxedDeployment('web', { containers: [app] });
    web.expose();
    expect(() => web.expose({ ports: ['http'] })).toThrow(DuplicateObjectError);
    await settle(recorder, web);
    expect(recorder.kube().filter((r) => r.type === 'kubernetes:core/v1:Service')).toHaveLength(1);
  });
});

describe('Pulumi: values from other resources', () => {
  test('a workload whose image is an Output exposes the same Service as with a plain image', async () => {
    const recorder = mockPulumi();
    const web = new pulumiFrontend.SandboxedDeployment('web', { containers: [{ ...app, image: pulumi.output(app.image) }] });
    const svc = web.expose({ ports: ['http'] });
    await settle(recorder, web, svc);
    const fromCdk8s = buildCdk8s({ construct: 'SandboxedDeployment', id: 'web', props: { containers: [app] }, expose: [{ ports: ['http'] }] }).objects;
    expect(sorted(recorder.kube().map((r) => r.inputs))).toEqual(sorted(fromCdk8s));
  });
});

describe('podSelector in Pulumi', () => {
  test('a registered output, equal to the cdk8s attribute', async () => {
    const recorder = mockPulumi();
    const web = new pulumiFrontend.SandboxedDeployment('web', { labels: { 'app.kubernetes.io/name': 'shop' }, containers: [app] });
    await settle(recorder, web);
    const urn = await new Promise<string>((r) => web.urn.apply(r));
    expect(web.podSelector).toEqual({ 'app.kubernetes.io/name': 'shop' });
    expect(recorder.outputs.get(urn)?.podSelector).toEqual({ 'app.kubernetes.io/name': 'shop' });
  });
});
