// examples/pulumi through the real engine: preview, up, a second up, an
// in-place update, refresh and destroy, against the test cluster.
import * as path from 'path';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { Stack } from '@pulumi/pulumi/automation';
import { App } from 'cdk8s';
import { EventLog, PulumiEnv, clientView, gone, inlineStack, kubectl, live, missingOrDifferent, programFile, pulumiEnv, registerSkipAwait } from './harness';
import { SandboxChart } from '../../examples/cdk8s/main';
import { synthApp } from '../helpers/synth';

const EXAMPLE = path.join(__dirname, '../../examples/pulumi/index.ts');
const withoutDefaultNamespace = (o: any): any => (o.metadata.namespace === 'default'
  ? { ...o, metadata: Object.fromEntries(Object.entries(o.metadata).filter(([k]) => k !== 'namespace')) } : o);
const key = (o: any): string => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

describe('examples/pulumi with pulumi up', () => {
  let env: PulumiEnv;
  let stack: Stack;
  /** The objects `cdk8s synth` writes for the cdk8s example. */
  let synthesized: any[];
  /** A RuntimeClass "gvisor" the cluster had before (the node's own), put back at the end. */
  let savedRuntimeClass: any;
  /** Set by a test to change the web Deployment's replicas through a stack transform. */
  let webReplicas: number | undefined;
  /** Set by a test to add resources after the example's own. */
  let extra: (() => void) | undefined;

  beforeAll(async () => {
    env = await pulumiEnv();
    const app = new App();
    new SandboxChart(app, 'gvisor-sandbox');
    synthesized = synthApp(app);
    savedRuntimeClass = live(env, { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'gvisor' } });
    if (savedRuntimeClass) kubectl(env, ['delete', 'runtimeclass', 'gvisor', '--wait']);
    stack = await inlineStack(env, 'gvisor-sandbox', 'example', programFile(EXAMPLE, () => {
      registerSkipAwait();
      if (webReplicas !== undefined) {
        const replicas = webReplicas;
        pulumi.runtime.registerResourceTransform((a) => (a.type === 'kubernetes:apps/v1:Deployment' && a.name === 'web-deployment-web'
          ? { props: { ...a.props, spec: { ...a.props.spec, replicas } }, opts: a.opts } : undefined));
      }
    }, () => extra?.()));
  });

  afterAll(async () => {
    await stack?.destroy().catch(() => undefined);
    await stack?.workspace.removeStack('example').catch(() => undefined);
    if (savedRuntimeClass) kubectl(env, ['apply', '-f', '-'], JSON.stringify(clientView(savedRuntimeClass)));
  });

  test('preview shows the component tree: 8 components over 31 typed Kubernetes resources', async () => {
    const log = new EventLog();
    const result = await stack.preview({ onEvent: log.onEvent });
    const creates = log.steps().filter((s) => s.op === 'create');
    const components = creates.filter((s) => s.type.startsWith('gvisor-iac:index:'));
    expect(components.map((s) => s.urn.split('::').pop()).sort()).toEqual([
      'edge-sandbox', 'gvisor', 'nginx-sandboxed', 'report', 'secure-pod', 'tenants', 'untrusted-code', 'web',
    ]);
    const kube = creates.filter((s) => s.type.startsWith('kubernetes:') && !s.type.startsWith('pulumi:providers'));
    expect(kube).toHaveLength(31);
    // Every Kubernetes resource is a child of a component: its URN's type chain names the component type first.
    for (const s of kube) expect(s.urn).toMatch(/::gvisor-sandbox::gvisor-iac:index:[A-Za-z]+\$kubernetes:/);
    expect(kube.map((s) => s.urn.split('::').slice(2).join('::'))).toEqual(expect.arrayContaining([
      'gvisor-iac:index:SandboxedDeployment$kubernetes:apps/v1:Deployment::web-deployment-web',
      'gvisor-iac:index:GvisorRuntimeClass$kubernetes:node.k8s.io/v1:RuntimeClass::gvisor-runtimeclass-gvisor',
      'gvisor-iac:index:MultiTenantSandbox$kubernetes:core/v1:Namespace::tenants-namespace-tenant-a',
      'gvisor-iac:index:UntrustedCodeSandbox$kubernetes:batch/v1:Job::untrusted-code-job-untrusted-code',
    ]));
    expect(result.changeSummary).toEqual({ create: 40 }); // the stack, 8 components, 31 objects (default providers are not counted)
  });

  test('its stack-wide enforcement is "deny" by default: a foreign Pod without a class fails the preview with the library\'s message', async () => {
    extra = () => void new k8s.core.v1.Pod('foreign', {
      metadata: { name: 'foreign', namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'gvisor-iac.test/busybox:1' }] },
    });
    try {
      await expect(stack.preview()).rejects.toThrow('foreign (kubernetes:core/v1:Pod) spec.runtimeClassName: (missing) is not set, so the pods would run outside gVisor; set runtimeClassName: "gvisor" (or enforce with mode "inject")');
    } finally {
      extra = undefined;
    }
  });

  test('up creates exactly the objects the cdk8s example synthesizes', async () => {
    const result = await stack.up();
    expect(result.summary.result).toBe('succeeded');
    expect(result.summary.resourceChanges).toEqual({ create: 40 });
    expect(result.outputs.runtimeClassName!.value).toBe('gvisor');
    expect(result.outputs.namespaces!.value).toEqual(['tenant-a', 'tenant-b']);

    // What Pulumi sent: the state's inputs are the cdk8s objects (plus the tests' skipAwait
    // annotation, and the namespace "default" the provider fills in where an object names none).
    const state = await stack.exportStack();
    const inputs = (state.deployment.resources as any[]).filter((r) => r.custom && r.type.startsWith('kubernetes:') && !r.type.startsWith('pulumi:'))
      .map((r) => withoutDefaultNamespace(clientView(r.inputs)));
    const sorted = (os: any[]) => [...os].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sorted(inputs)).toEqual(sorted(synthesized.map(withoutDefaultNamespace)));

    // What the server holds: every field the cdk8s object sets, with the same value (the rest are server defaults).
    for (const o of synthesized) {
      const obj = live(env, o);
      expect([key(o), obj ? missingOrDifferent(o, clientView(obj)) : ['absent']]).toEqual([key(o), []]);
    }
  });

  test('a second up changes nothing', async () => {
    const result = await stack.up();
    expect(result.summary.resourceChanges).toEqual({ same: 40 });
  });

  test('changing replicas updates the Deployment in place, without a replace', async () => {
    webReplicas = 2;
    try {
      const log = new EventLog();
      const preview = await stack.preview({ onEvent: log.onEvent, diff: true });
      const changed = log.steps().filter((s) => s.op !== 'same');
      // "update", not "replace" (which would delete and re-create the Deployment).
      expect(changed.map((s) => `${s.op} ${s.urn.split('::').pop()}`)).toEqual(['update web-deployment-web']);
      expect(preview.changeSummary).toEqual({ same: 39, update: 1 });
      const up = await stack.up();
      expect(up.summary.resourceChanges).toEqual({ same: 39, update: 1 });
      const deployment = live(env, synthesized.find((o) => o.kind === 'Deployment' && o.metadata.name === 'web'));
      expect(deployment.spec.replicas).toBe(2);
    } finally {
      webReplicas = undefined;
    }
    const back = await stack.up();
    expect(back.summary.resourceChanges).toEqual({ same: 39, update: 1 });
  });

  test('refresh finds no drift: nothing deleted, and the next preview changes nothing', async () => {
    const refresh = await stack.refresh();
    expect(refresh.summary.result).toBe('succeeded');
    expect(refresh.summary.resourceChanges?.delete).toBeUndefined();
    const preview = await stack.preview();
    expect(preview.changeSummary).toEqual({ same: 40 });
  });

  test('destroy leaves nothing behind', async () => {
    const result = await stack.destroy();
    expect(result.summary.resourceChanges).toEqual({ delete: 40 });
    // Namespaces are finalised by the namespace controller after the delete call returns.
    await gone(env, synthesized);
  });
});
