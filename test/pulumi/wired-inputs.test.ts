// Issue 13, point 5: what a user wires from one resource to another (namespace, ServiceAccount,
// replicas, ports, command/args, images, env values) takes Pulumi Inputs, validated when they resolve
// with the same errors as cdk8s; the children are typed.
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { prepareManifests } from '../../lib/pulumi/component';
import { claimObjects } from '../../lib/pulumi/emit';
import { placeholder } from '../../lib/pulumi/inputs';
import { drain, mockPulumi, settle, valueOf } from '../helpers/pulumi';
import {
  DuplicateObjectError, GvisorIacError, Manifests, renderSandboxedDeployment, renderSandboxedJob, renderSandboxedPod, renderUntrustedCodeSandbox,
} from 'gvisor-iac';
import {
  EdgeRuntimeClass, EdgeSandbox, GvisorRuntimeClass, MultiTenantSandbox, SandboxedDeployment, SandboxedJob, SandboxedPod, UntrustedCodeSandbox,
} from 'gvisor-iac/pulumi';

const COMPONENT_URN = (type: string, name: string) => `urn:pulumi:stack::project::gvisor-iac:index:${type}::${name}`;

/** The core's error for plain props (what cdk8s throws), or a failure if they pass. */
function coreError(render: (props: any, id: string) => Manifests, props: unknown, id = 'app'): GvisorIacError {
  try {
    render(props, id);
  } catch (e) {
    return e as GvisorIacError;
  }
  throw new Error('the core accepted the props');
}

/** The rejection of an Output (its side promises observed, so that only `promise()` reports it). */
async function rejection(output: unknown): Promise<unknown> {
  const o = output as any;
  for (const p of [o.isKnown, o.isSecret]) p?.catch?.(() => undefined);
  try {
    await o.promise();
  } catch (e) {
    return e;
  }
  throw new Error('the Output resolved');
}

const podSpecOf = (o: any) => (o.kind === 'Pod' ? o.spec : o.spec.template.spec);

describe.each([
  { Component: SandboxedPod, type: 'SandboxedPod', child: k8s.core.v1.Pod, kind: 'pod', render: renderSandboxedPod, replicas: false },
  { Component: SandboxedDeployment, type: 'SandboxedDeployment', child: k8s.apps.v1.Deployment, kind: 'deployment', render: renderSandboxedDeployment, replicas: true },
  { Component: SandboxedJob, type: 'SandboxedJob', child: k8s.batch.v1.Job, kind: 'job', render: renderSandboxedJob, replicas: false },
])('$type: Inputs wired from other resources', ({ Component, type, child, kind, render, replicas }) => {
  const plain = {
    namespace: 'team-x',
    serviceAccountName: 'runner',
    ...(replicas ? { replicas: 3 } : {}),
    containers: [{
      name: 'app',
      image: 'registry.example.com/app:1',
      command: ['sleep'],
      args: ['3600', '--verbose'],
      ports: [{ containerPort: 8080, name: 'http' }],
      env: [{ name: 'MODE', value: 'prod' }],
    }],
  };

  test('namespace, serviceAccountName, replicas, containerPort, command and args flow into the registered inputs, with their resources as dependencies', async () => {
    const rec = mockPulumi();
    const ns = new k8s.core.v1.Namespace('ns', { metadata: { name: 'team-x' } });
    const sa = new k8s.core.v1.ServiceAccount('sa', { metadata: { name: 'runner', namespace: ns.metadata.name } });
    const c = new Component('app', {
      namespace: ns.metadata.name,
      serviceAccountName: sa.metadata.name,
      ...(replicas ? { replicas: pulumi.output(3) } : {}),
      containers: [{
        name: 'app',
        image: pulumi.output('registry.example.com/app:1'),
        command: pulumi.output(['sleep']),
        args: [pulumi.output('3600'), '--verbose'],
        ports: [{ containerPort: Promise.resolve(8080), name: 'http' }],
        env: [{ name: 'MODE', value: pulumi.output('prod') }],
      }],
    });
    await settle(rec, ns, sa, c);
    const reg = rec.kube().find((r) => r.type === `kubernetes:${pulumiTypeTail(kind)}`)!;
    // Exactly what the core (and cdk8s) renders for the same plain values.
    expect(reg.inputs).toEqual(render(plain, 'app').objects[0]);
    // Pulumi makes the child depend on the resources its Inputs come from.
    expect([...reg.dependencies].sort()).toEqual([rec.byName('ns').urn, rec.byName('sa').urn].sort());
    expect(reg.parent).toBe(COMPONENT_URN(type, 'app'));
    // A child's name is known now: it leaves out a namespace that is not.
    expect(reg.name).toBe(`app-${kind}-app`);
    // Typed child, and attributes: the namespace is the checked Output.
    expect(c.resource).toBeInstanceOf(child);
    expect(pulumi.Output.isInstance(c.namespace)).toBe(true);
    expect(await valueOf(c.namespace as pulumi.Output<string>)).toBe('team-x');
    expect(await valueOf(c.resource.metadata.namespace)).toBe('team-x');
    expect(rec.outputs.get(COMPONENT_URN(type, 'app'))).toEqual({
      name: 'app',
      namespace: 'team-x',
      runtimeClassName: 'gvisor',
      objects: [{ apiVersion: reg.inputs.apiVersion, kind: reg.inputs.kind, name: 'app', namespace: 'team-x' }],
      podSelector: { 'app.kubernetes.io/name': 'app' },
    });
  });

  test.each([
    ['namespace', { namespace: pulumi.output('Bad_NS') }, { namespace: 'Bad_NS' }, (o: any) => o.metadata.namespace],
    ['serviceAccountName', { serviceAccountName: pulumi.output('Bad SA') }, { serviceAccountName: 'Bad SA' }, (o: any) => podSpecOf(o).serviceAccountName],
    ['containerPort', { containers: [{ name: 'app', image: 'a:1', ports: [{ containerPort: pulumi.output(70000) }] }] },
      { containers: [{ name: 'app', image: 'a:1', ports: [{ containerPort: 70000 }] }] }, (o: any) => podSpecOf(o).containers[0].ports[0].containerPort],
    ['command', { containers: [{ name: 'app', image: 'a:1', command: pulumi.output(['sh', 42]) }] },
      { containers: [{ name: 'app', image: 'a:1', command: ['sh', 42] }] }, (o: any) => podSpecOf(o).containers[0].command],
    ['args item', { containers: [{ name: 'app', image: 'a:1', args: ['x', pulumi.output({} as any)] }] },
      { containers: [{ name: 'app', image: 'a:1', args: ['x', {}] }] }, (o: any) => podSpecOf(o).containers[0].args[1]],
  ])('a bad %s from another resource fails with the core\'s error when it resolves', async (_field, args, plainArgs, at) => {
    mockPulumi();
    const base = { containers: [{ name: 'app', image: 'a:1' }] };
    const prepared = prepareManifests('app', { ...base, ...args } as any, render);
    const expected = coreError(render, { ...base, ...plainArgs });
    const got = await rejection(at(prepared.manifests.objects[0]));
    expect(got).toBeInstanceOf(GvisorIacError);
    expect((got as GvisorIacError).message).toBe(expected.message);
    expect((got as GvisorIacError).code).toBe(expected.code);
  });

  test('a user\'s literal equal to a placeholder is never replaced', async () => {
    const rec = mockPulumi();
    const literal = {
      containers: [{
        name: 'app',
        image: placeholder('string', 0, 1) as string,
        ports: [{ containerPort: 8080 }, { containerPort: placeholder('number', 1) as number }],
        env: [{ name: 'A', value: placeholder('string', 0) as string }, { name: 'C', value: placeholder('string', 0, 1) as string }, { name: 'B', value: `${placeholder('name', 2)}/${placeholder('string', 0)}` }],
        args: [placeholder('string', 2) as string],
      }],
      serviceAccountName: placeholder('name', 0) as string,
    };
    const c = new Component('app', {
      ...literal,
      namespace: pulumi.output('team-y'),
      containers: [{ ...literal.containers[0]!, image: pulumi.output('a:1'), ports: [{ containerPort: pulumi.output(8080) }, literal.containers[0]!.ports[1]!] }],
    });
    await settle(rec, c);
    expect(rec.kube()[0]!.inputs).toEqual(render({ ...literal, namespace: 'team-y', containers: [{ ...literal.containers[0]!, image: 'a:1' }] }, 'app').objects[0]);
  });

  test('an empty command list from another resource registers no command, as the core renders none', async () => {
    const rec = mockPulumi();
    const c = new Component('app', { containers: [{ name: 'app', image: 'a:1', command: pulumi.output([] as string[]) }] });
    await settle(rec, c);
    expect(rec.kube()[0]!.inputs).toEqual(render({ containers: [{ name: 'app', image: 'a:1' }] }, 'app').objects[0]);
    expect(podSpecOf(rec.kube()[0]!.inputs).containers[0]).not.toHaveProperty('command');
  });
});

function pulumiTypeTail(kind: string): string {
  return { pod: 'core/v1:Pod', deployment: 'apps/v1:Deployment', job: 'batch/v1:Job' }[kind]!;
}

describe('replicas from another resource', () => {
  test('resolving to -1 fails with the core\'s error', async () => {
    mockPulumi();
    const containers = [{ name: 'app', image: 'a:1' }];
    const prepared = prepareManifests('app', { replicas: pulumi.output(-1), containers } as any, renderSandboxedDeployment);
    const got = await rejection((prepared.manifests.objects[0] as any).spec.replicas);
    expect((got as Error).message).toBe(coreError(renderSandboxedDeployment, { replicas: -1, containers }).message);
    expect((got as Error).message).toMatch(/^props\.replicas: -1 /);
  });

  test('an Input that shapes more than its field is refused when it resolves (the safety net behind the Args types)', async () => {
    mockPulumi();
    // A render that emits a second object when there is more than one replica.
    const render = (props: any, id: string): Manifests => {
      const m = renderSandboxedDeployment(props, id);
      return props.replicas > 1 ? { ...m, objects: [...m.objects, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'many' }, data: {} }] } : m;
    };
    const prepared = prepareManifests('app', { replicas: pulumi.output(1), containers: [{ name: 'app', image: 'a:1' }] } as any, render);
    expect(prepared.manifests.objects).toHaveLength(2); // placeholders are > 1
    const got = await rejection((prepared.manifests.objects[0] as any).spec.replicas);
    expect((got as Error).message).toBe('props.replicas: 1 changes more of the output than this field when it comes from another resource; pass a plain value for this field');
  });

  test('EdgeSandbox keeps replicas plain (it decides whether pods are spread across sites); its namespace takes an Input', async () => {
    const rec = mockPulumi();
    const containers = [{ name: 'app', image: 'a:1' }];
    expect(() => new EdgeSandbox('edge', { replicas: pulumi.output(2) as any, containers })).toThrow(/^props\.replicas: "\(a Pulumi Output or Promise\)" is not a plain value/);
    await drain();
    expect(rec.registrations).toEqual([]);
    const edge = new EdgeSandbox('edge', { namespace: pulumi.output('edge-ns'), replicas: 2, containers });
    await settle(rec, edge);
    expect(rec.kube()[0]!.inputs).toEqual(coreEdge({ namespace: 'edge-ns', replicas: 2, containers }));
    expect(edge.resource).toBeInstanceOf(k8s.apps.v1.Deployment);
  });
});

// eslint-disable-next-line @typescript-eslint/no-require-imports
const coreEdge = (props: any) => require('gvisor-iac').renderEdgeSandbox(props, 'edge').objects[0];

describe('secrets', () => {
  test('a secret stays secret, and a refused one is never echoed (neither the value nor a fix that quotes it)', async () => {
    mockPulumi();
    const prepared = prepareManifests('app', {
      namespace: pulumi.secret('Team_Secret'), containers: [{ name: 'app', image: 'a:1', env: [{ name: 'TOKEN', value: pulumi.secret('s3cr3t') }] }],
    } as any, renderSandboxedPod);
    const pod = prepared.manifests.objects[0] as any;
    expect(await pulumi.isSecret(pod.spec.containers[0].env[0].value)).toBe(true);
    expect(await valueOf(pod.spec.containers[0].env[0].value)).toBe('s3cr3t');
    const got = await rejection(pod.metadata.namespace) as GvisorIacError;
    expect(got).toBeInstanceOf(GvisorIacError);
    expect([got.code, got.path]).toEqual(['INVALID_NAME', 'props.namespace']);
    expect(got.message).toBe('props.namespace: "(a secret value)" is refused by the checks of this field (the value is secret, so the core\'s message is not shown); '
      + 'check the secret this field comes from: it gets the same checks as a plain value');
    expect(got.message).not.toMatch(/team/i);
  });
});

describe('UntrustedCodeSandbox: namespace, command and args from other resources', () => {
  test('every object lands in the Input namespace, and the Job still waits for its ConfigMap and NetworkPolicy', async () => {
    const rec = mockPulumi();
    const ns = new k8s.core.v1.Namespace('runs', { metadata: { name: 'runs' } });
    const plain = { namespace: 'runs', image: 'runner:1', command: ['sh', '/code/main.sh'], args: ['--fast'], code: { 'main.sh': 'echo hi\n' } };
    const run = new UntrustedCodeSandbox('run', { ...plain, namespace: ns.metadata.name, command: pulumi.output(plain.command), args: [pulumi.output('--fast')] });
    await settle(rec, ns, run);
    const kids = rec.kube().filter((r) => r.parent === COMPONENT_URN('UntrustedCodeSandbox', 'run'));
    expect(kids.map((r) => r.inputs)).toEqual(renderUntrustedCodeSandbox(plain, 'run').objects);
    expect(kids.map((r) => r.name)).toEqual(['run-configmap-run-code', 'run-networkpolicy-run', 'run-job-run']);
    const [cm, np, job] = kids;
    expect(job!.dependencies).toEqual(expect.arrayContaining([cm!.urn, np!.urn, rec.byName('runs').urn]));
    expect(run.resource).toBeInstanceOf(k8s.batch.v1.Job);
    expect(await Promise.all(run.objects.map((o) => valueOf(pulumi.output(o.namespace))))).toEqual(['runs', 'runs', 'runs']);
  });
});

describe('the duplicate-object claim of an object whose namespace comes from an Input', () => {
  class Holder extends pulumi.ComponentResource {
    public constructor(name: string) {
      super('test:index:Holder', name, {}, {});
    }
  }
  const deployment = (namespace: unknown) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: namespace as string } });

  test('is made when the namespace resolves: the same object as another component\'s fails then', async () => {
    mockPulumi();
    claimObjects(new Holder('first'), 'gvisor-iac:index:SandboxedDeployment', 'first', [deployment('team-x')]);
    const second = claimObjects(new Holder('second'), 'gvisor-iac:index:SandboxedDeployment', 'second', [deployment(pulumi.output('team-x'))]);
    const third = claimObjects(new Holder('third'), 'gvisor-iac:index:SandboxedDeployment', 'third', [deployment(pulumi.output('team-z'))]);
    const got = await rejection(second.registered(deployment(pulumi.output('team-x'))).metadata.namespace);
    expect(got).toBeInstanceOf(DuplicateObjectError);
    expect((got as Error).message).toBe('gvisor-iac:index:SandboxedDeployment::second: "Deployment team-x/web (apps)" is also emitted by gvisor-iac:index:SandboxedDeployment::first: '
      + 'applied together, the last one would silently replace the other; give one of them another name (props.name) or namespace');
    expect(await valueOf(third.registered(deployment(pulumi.output('team-z'))).metadata.namespace as any)).toBe('team-z');
  });

  test('one the component emits twice in the same Input namespace is refused at once', () => {
    mockPulumi();
    const ns = pulumi.output('team-x');
    expect(() => claimObjects(new Holder('twice'), 'gvisor-iac:index:SandboxedDeployment', 'twice', [deployment(ns), deployment(ns)])).toThrow(DuplicateObjectError);
    // Two different Inputs may resolve to two namespaces: nothing to refuse yet.
    expect(() => claimObjects(new Holder('two'), 'gvisor-iac:index:SandboxedDeployment', 'two', [deployment(ns), deployment(pulumi.output('team-y'))])).not.toThrow();
  });
});

describe('typed children', () => {
  test('each component\'s resource is its typed @pulumi/kubernetes class', async () => {
    const rec = mockPulumi();
    const containers = [{ name: 'app', image: 'a:1' }];
    const rc = new GvisorRuntimeClass('rc');
    const edgeRc = new EdgeRuntimeClass('edge-rc');
    const pod = new SandboxedPod('p', { containers });
    const job = new SandboxedJob('j', { containers });
    const daemon = new EdgeSandbox('ds', { workload: 'DaemonSet', containers });
    const mt = new MultiTenantSandbox('mt', { tenants: [{ name: 'typed-a' }] });
    await settle(rec, rc, edgeRc, pod, job, daemon, mt);
    expect(rc.resource).toBeInstanceOf(k8s.node.v1.RuntimeClass);
    expect(edgeRc.resource).toBeInstanceOf(k8s.node.v1.RuntimeClass);
    expect(pod.resource).toBeInstanceOf(k8s.core.v1.Pod);
    expect(job.resource).toBeInstanceOf(k8s.batch.v1.Job);
    expect(daemon.resource).toBeInstanceOf(k8s.apps.v1.DaemonSet);
    expect(mt.resource).toBeInstanceOf(k8s.admissionregistration.v1.ValidatingAdmissionPolicy);
    // Typed outputs, no cast: a Job's spec, a Pod's status.
    expect(await valueOf(job.resource.spec.backoffLimit)).toBe((renderSandboxedJob({ containers }, 'j').objects[0] as any).spec.backoffLimit);
  });
});
