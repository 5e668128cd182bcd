// Issue 13, point 5, against the real engine and cluster: a program creates a Namespace and a
// ServiceAccount and wires `ns.metadata.name`, `sa.metadata.name`, replicas (from stack config,
// as an Output) and a port (an Output) into a SandboxedDeployment. `up` orders the resources by
// those Outputs, the Deployment lands in that namespace with that ServiceAccount, a config change
// is an in-place update, a bad value from another resource fails `up` with the core's error before
// the Deployment exists, and destroy is clean.
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { Stack } from '@pulumi/pulumi/automation';
import { EventLog, PulumiEnv, clientView, gone, inlineStack, live, missingOrDifferent, pulumiEnv, registerSkipAwait } from './harness';
import { GvisorRuntimeClass, SandboxedDeployment } from 'gvisor-iac/pulumi';

const NAMESPACE = 'inputs-wired';
const ACCOUNT = 'inputs-runner';
const CLASS = 'inputs-gvisor';
const image = 'gvisor-iac.test/busybox:1';
const PROJECT = 'gvisor-iac-inputs';

/** The program: `badNamespace` turns the namespace Output into one the core refuses. */
function program(badNamespace = false) {
  return async () => {
    registerSkipAwait();
    const config = new pulumi.Config();
    const ns = new k8s.core.v1.Namespace('ns', { metadata: { name: NAMESPACE } });
    const sa = new k8s.core.v1.ServiceAccount('sa', { metadata: { name: ACCOUNT, namespace: ns.metadata.name }, automountServiceAccountToken: false });
    const rc = new GvisorRuntimeClass('rc', { name: CLASS });
    const web = new SandboxedDeployment('web', {
      runtimeClass: rc,
      namespace: badNamespace ? ns.metadata.name.apply((n) => n.toUpperCase()) : ns.metadata.name,
      serviceAccountName: sa.metadata.name,
      replicas: pulumi.output(config.requireNumber('replicas')),
      containers: [{ name: 'web', image, command: ['sleep', '3600'], ports: [{ containerPort: pulumi.output(config.requireNumber('port')), name: 'http' }] }],
    });
    return { namespace: web.namespace, objects: web.objects, deployment: web.resource.metadata.name };
  };
}

const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: NAMESPACE } };
const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } };
const account = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: ACCOUNT, namespace: NAMESPACE } };
const runtimeClass = { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: CLASS } };

describe('Inputs wired from other resources, on the real engine', () => {
  let env: PulumiEnv;
  beforeAll(async () => { env = await pulumiEnv(); });

  async function withStack(name: string, badNamespace: boolean, run: (stack: Stack) => Promise<void>): Promise<void> {
    const stack = await inlineStack(env, PROJECT, name, program(badNamespace));
    await stack.setAllConfig({ replicas: { value: '2' }, port: { value: '8080' } });
    try {
      await run(stack);
    } finally {
      await stack.destroy().catch(() => undefined);
      await stack.workspace.removeStack(name).catch(() => undefined);
    }
  }

  test('namespace and serviceAccountName from the Namespace and ServiceAccount resources, replicas and a port from config: up, update, destroy', async () => {
    await withStack('wired', false, async (stack) => {
      // A preview of the new stack (where values not known yet are not checked) plans exactly these creates.
      const preview = await stack.preview();
      expect(preview.changeSummary).toEqual({ create: 7 });
      const log = new EventLog();
      const up = await stack.up({ onEvent: log.onEvent });
      expect(up.summary.result).toBe('succeeded');
      // The stack, the 2 components, the Namespace, the ServiceAccount, the RuntimeClass and the Deployment.
      expect(up.summary.resourceChanges).toEqual({ create: 7 });
      expect(up.outputs.namespace!.value).toBe(NAMESPACE);
      expect(up.outputs.deployment!.value).toBe('web');
      expect(up.outputs.objects!.value).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: NAMESPACE }]);
      // The child's name leaves out the namespace (not known when it is named).
      const creates = log.steps().filter((s) => s.op === 'create').map((s) => s.urn.split('::').pop());
      expect(creates).toContain('web-deployment-web');

      const obj = live(env, deployment);
      expect(obj.metadata.namespace).toBe(NAMESPACE);
      expect(obj.spec.replicas).toBe(2);
      expect(obj.spec.template.spec.serviceAccountName).toBe(ACCOUNT);
      expect(obj.spec.template.spec.runtimeClassName).toBe(CLASS);
      expect(obj.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 8080, name: 'http', protocol: 'TCP' }]);
      // What the engine registered is what the server holds.
      const state = await stack.exportStack();
      const registered = (state.deployment.resources as any[]).find((r) => r.type === 'kubernetes:apps/v1:Deployment');
      expect(missingOrDifferent(clientView(registered.inputs), clientView(obj))).toEqual([]);
      // The Deployment was created after the Namespace and the ServiceAccount it names (Pulumi's Input dependencies).
      expect(registered.dependencies).toEqual(expect.arrayContaining([
        expect.stringMatching(/kubernetes:core\/v1:Namespace::ns$/), expect.stringMatching(/kubernetes:core\/v1:ServiceAccount::sa$/),
      ]));

      const again = await stack.up();
      expect(again.summary.resourceChanges).toEqual({ same: 7 });

      await stack.setConfig('replicas', { value: '3' });
      const scaled = new EventLog();
      const update = await stack.up({ onEvent: scaled.onEvent });
      expect(scaled.steps().filter((s) => s.op !== 'same').map((s) => `${s.op} ${s.urn.split('::').pop()}`)).toEqual(['update web-deployment-web']);
      expect(update.summary.resourceChanges).toEqual({ same: 6, update: 1 });
      expect(live(env, deployment).spec.replicas).toBe(3);

      const destroyed = await stack.destroy();
      expect(destroyed.summary.resourceChanges).toEqual({ delete: 7 });
      await gone(env, [deployment, account, namespace, runtimeClass]);
    });
  });

  test('a namespace from another resource that the core refuses fails `up` with the core\'s error; the Deployment is never created', async () => {
    await withStack('bad-namespace', true, async (stack) => {
      await expect(stack.up()).rejects.toThrow(`props.namespace: "${NAMESPACE.toUpperCase()}" is not a valid DNS-1123 label`);
      expect(live(env, deployment)).toBeUndefined();
    });
    await gone(env, [namespace, account, runtimeClass]);
  });
});
