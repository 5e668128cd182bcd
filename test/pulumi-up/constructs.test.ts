// Every Pulumi construct (the use cases included) up and down on its own stack:
// the objects it registers are what the server holds, a second up changes
// nothing, destroy removes them all.
import * as pulumi from '@pulumi/pulumi';
import { Stack } from '@pulumi/pulumi/automation';
import { EventLog, PulumiEnv, clientView, gone, inlineStack, live, missingOrDifferent, pulumiEnv, registerSkipAwait } from './harness';
import {
  EdgeSandbox,
  GvisorRuntimeClass,
  MultiTenantSandbox,
  SandboxedCronJob,
  SandboxedDaemonSet,
  SandboxedDeployment,
  SandboxedJob,
  SandboxedPod,
  SandboxedStatefulSet,
  UntrustedCodeSandbox,
} from 'gvisor-iac/pulumi';

const image = 'gvisor-iac.test/busybox:1';
const containers = [{ name: 'app', image, command: ['sleep', '3600'] }];

type Build = (rc: GvisorRuntimeClass, name: string) => pulumi.ComponentResource;

/** Each construct, built as a user would, on a RuntimeClass of its own stack. */
const CONSTRUCTS: Array<[string, Build]> = [
  ['SandboxedPod', (rc, name) => new SandboxedPod(name, { runtimeClass: rc, containers })],
  ['SandboxedDeployment', (rc, name) => new SandboxedDeployment(name, { runtimeClass: rc, replicas: 2, containers })],
  ['SandboxedJob', (rc, name) => new SandboxedJob(name, { runtimeClass: rc, containers })],
  ['SandboxedDaemonSet', (rc, name) => new SandboxedDaemonSet(name, { runtimeClass: rc, podAnnotations: { 'prometheus.io/scrape': 'true' }, containers })],
  ['SandboxedStatefulSet', (rc, name) => new SandboxedStatefulSet(name, { runtimeClass: rc, replicas: 2, podLabels: { tier: 'db' }, containers })],
  ['SandboxedCronJob', (rc, name) => new SandboxedCronJob(name, { runtimeClass: rc, schedule: '0 3 * * *', suspend: true, containers })],
  ['MultiTenantSandbox', (rc, name) => new MultiTenantSandbox(name, {
    runtimeClass: rc,
    tenants: [
      { name: `${name}-a`, admins: { groups: [`${name}-a-admins`] } },
      { name: `${name}-b`, quota: { cpu: '2', memory: '4Gi', pods: 10 }, egress: { dns: true, internet: true, ports: [{ port: 443 }] } },
    ],
  })],
  ['UntrustedCodeSandbox', (rc, name) => new UntrustedCodeSandbox(name, {
    runtimeClass: rc, image, command: ['sh', '/code/main.sh'], code: { 'main.sh': 'echo hello\n' },
  })],
  ['EdgeSandbox', (rc, name) => new EdgeSandbox(name, { runtimeClass: rc, containers })],
];

interface KubeState { type: string; urn: string; inputs: any }

async function kubeResources(stack: Stack): Promise<KubeState[]> {
  const state = await stack.exportStack();
  return (state.deployment.resources as any[]).filter((r) => r.custom && r.type.startsWith('kubernetes:'));
}

describe('each Pulumi construct goes up and down on its own stack', () => {
  let env: PulumiEnv;
  beforeAll(async () => { env = await pulumiEnv(); });

  test.each(CONSTRUCTS)('%s', async (kind, build) => {
    const name = `c-${kind.toLowerCase()}`;
    const stackName = kind.toLowerCase();
    let built: pulumi.ComponentResource | undefined;
    const stack = await inlineStack(env, 'gvisor-iac-constructs', stackName, async () => {
      registerSkipAwait();
      const rc = new GvisorRuntimeClass(`${name}-rc`, { name });
      built = build(rc, name);
    });
    try {
      const up = await stack.up();
      expect(up.summary.result).toBe('succeeded');
      const kube = await kubeResources(stack);
      const objects = (built as unknown as { objects: Array<{ kind: string; name: string; namespace?: string }> }).objects;
      // The RuntimeClass plus each object the construct declares, nothing else.
      expect(kube.map((r) => `${r.inputs.kind}/${r.inputs.metadata.name}`).sort())
        .toEqual([`RuntimeClass/${name}`, ...objects.map((o) => `${o.kind}/${o.name}`)].sort());
      expect(up.summary.resourceChanges).toEqual({ create: kube.length + 3 }); // + the stack and 2 components (default providers are not counted)
      for (const r of kube) {
        const want = clientView(r.inputs);
        const obj = live(env, want);
        expect([r.urn, obj ? missingOrDifferent(want, clientView(obj)) : ['absent']]).toEqual([r.urn, []]);
      }

      const again = await stack.up();
      expect(again.summary.resourceChanges).toEqual({ same: kube.length + 3 });

      const destroyed = await stack.destroy();
      expect(destroyed.summary.resourceChanges).toEqual({ delete: kube.length + 3 });
      await gone(env, kube.map((r) => clientView(r.inputs)));
    } finally {
      await stack.destroy().catch(() => undefined);
      await stack.workspace.removeStack(stackName).catch(() => undefined);
    }
  });

  test('SandboxedDeployment: changing replicas is an in-place update of the Deployment', async () => {
    let replicas = 1;
    const stack = await inlineStack(env, 'gvisor-iac-constructs', 'replicas', async () => {
      registerSkipAwait();
      const rc = new GvisorRuntimeClass('replicas-rc', { name: 'c-replicas' });
      new SandboxedDeployment('c-replicas', { runtimeClass: rc, replicas, containers });
    });
    try {
      await stack.up();
      replicas = 3;
      const log = new EventLog();
      const up = await stack.up({ onEvent: log.onEvent });
      const changed = log.steps().filter((s) => s.op !== 'same');
      expect(changed.map((s) => `${s.op} ${s.type} ${s.urn.split('::').pop()}`)).toEqual(['update kubernetes:apps/v1:Deployment c-replicas-deployment-c-replicas']);
      expect(up.summary.resourceChanges).toEqual({ same: 4, update: 1 });
      const deployment = live(env, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'c-replicas', namespace: 'default' } });
      expect(deployment.spec.replicas).toBe(3);
    } finally {
      await stack.destroy().catch(() => undefined);
      await stack.workspace.removeStack('replicas').catch(() => undefined);
    }
  });
});
