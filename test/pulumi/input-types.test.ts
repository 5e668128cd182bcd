// Type-level: the Args accept `pulumi.Input`s where a user wires one resource to another, and
// refuse them elsewhere (each `@ts-expect-error` fails the type check if the line compiles).
// Runtime: the accepted args construct, the refused ones throw the clear error.
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { drain, mockPulumi } from '../helpers/pulumi';
import {
  EdgeSandbox, EdgeSandboxArgs, MultiTenantSandboxArgs, SandboxedDeployment, SandboxedDeploymentArgs, SandboxedJob, SandboxedJobArgs, SandboxedPod,
  SandboxedPodArgs, UntrustedCodeSandbox, UntrustedCodeSandboxArgs,
} from 'gvisor-iac/pulumi';

describe('Args types', () => {
  test('namespace, serviceAccountName, replicas, containerPort, command/args, image and env values take Inputs', async () => {
    const rec = mockPulumi();
    const ns = new k8s.core.v1.Namespace('ns', { metadata: { name: 'typed' } });
    const sa = new k8s.core.v1.ServiceAccount('sa', { metadata: { name: 'runner', namespace: ns.metadata.name } });
    const port: pulumi.Output<number> = pulumi.output(8080);
    const container = {
      name: 'app',
      image: pulumi.output('a:1'),
      command: pulumi.output(['sleep']),
      args: [pulumi.output('3600'), 'plain'],
      ports: [{ containerPort: port }],
      env: [{ name: 'NS', value: ns.metadata.name }],
    };
    const deployment: SandboxedDeploymentArgs = {
      namespace: ns.metadata.name, serviceAccountName: sa.metadata.name, replicas: pulumi.output(2), containers: [container], initContainers: [{ ...container, name: 'init' }],
    };
    const pod: SandboxedPodArgs = { namespace: ns.metadata.name, serviceAccountName: sa.metadata.name, containers: [container] };
    const job: SandboxedJobArgs = { namespace: Promise.resolve('typed'), containers: [container] };
    const edge: EdgeSandboxArgs = { namespace: ns.metadata.name, serviceAccountName: sa.metadata.name, replicas: 2, containers: [container] };
    const run: UntrustedCodeSandboxArgs = { namespace: ns.metadata.name, image: pulumi.output('a:1'), command: pulumi.output(['sh']), args: [pulumi.output('x')] };
    const built = [
      new SandboxedDeployment('d', deployment), new SandboxedPod('p', pod), new SandboxedJob('j', job), new EdgeSandbox('e', edge), new UntrustedCodeSandbox('u', run),
    ];
    // Typed children, no cast.
    const d: k8s.apps.v1.Deployment = built[0]!.resource as SandboxedDeployment['resource'];
    const j: k8s.batch.v1.Job = new SandboxedJob('j2', { containers: [container] }).resource;
    const p: k8s.core.v1.Pod = new SandboxedPod('p2', { containers: [container] }).resource;
    // @ts-expect-error a Pod is not a Deployment
    const wrong: k8s.apps.v1.Deployment = p;
    expect([d, j, p, wrong].every((r) => pulumi.CustomResource.isInstance(r))).toBe(true);
    await drain();
    expect(rec.kube().length).toBeGreaterThan(0);
  });

  test('fields that decide what is emitted stay plain', async () => {
    const rec = mockPulumi();
    const out = pulumi.output('x');
    const refused: Array<() => unknown> = [
      // @ts-expect-error the object's name decides which object exists
      () => new SandboxedDeployment('a', { name: out, containers: [] }),
      // @ts-expect-error labels (the selector) decide what is emitted
      () => new SandboxedDeployment('a', { labels: { app: out }, containers: [] }),
      // @ts-expect-error a container's name
      () => new SandboxedPod('a', { containers: [{ name: out, image: 'a:1' }] }),
      // @ts-expect-error workingDir is not wired from other resources
      () => new SandboxedPod('a', { containers: [{ name: 'a', image: 'a:1', workingDir: out }] }),
      // @ts-expect-error a port's name
      () => new SandboxedPod('a', { containers: [{ name: 'a', image: 'a:1', ports: [{ containerPort: 80, name: out }] }] }),
      // @ts-expect-error EdgeSandbox: replicas decides whether pods are spread across sites
      () => new EdgeSandbox('a', { replicas: pulumi.output(2), containers: [] }),
      // @ts-expect-error UntrustedCodeSandbox: the code is structure (a ConfigMap, a volume)
      () => new UntrustedCodeSandbox('a', { image: 'a:1', code: out }),
    ];
    // @ts-expect-error MultiTenantSandbox: tenant names decide which namespaces exist
    const mt: MultiTenantSandboxArgs = { tenants: [{ name: out }] };
    for (const f of refused) expect(f).toThrow(/is not a plain value, but this field decides what is emitted/);
    expect(mt.tenants).toHaveLength(1);
    await drain();
    expect(rec.registrations).toEqual([]);
  });
});
