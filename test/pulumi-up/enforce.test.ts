// enforceGvisor in the engine: resources the library did not build (a plain
// Pod, a Deployment, the workloads of a Helm v4 Chart from a local chart
// directory) get the class injected, or fail the update in "deny" mode; a
// Helm v3 Release, which the provider installs out of the transform's sight,
// is refused.
import * as path from 'path';
import * as k8s from '@pulumi/kubernetes';
import { Stack } from '@pulumi/pulumi/automation';
import { PulumiEnv, gone, inlineStack, live, pulumiEnv, registerSkipAwait } from './harness';
import { GvisorRuntimeClass, enforceGvisor } from 'gvisor-iac/pulumi';

const CLASS = 'gvisor-iac-enforce';
const NS = 'gvisor-iac-enforce';
const CHART = path.join(__dirname, 'fixtures/sandbox-chart');
const container = { name: 'c', image: 'gvisor-iac.test/busybox:1', command: ['sleep', '3600'] };

type Part = 'pod' | 'deployment' | 'chart' | 'release';

/** A program with the class, a namespace and the given foreign resources, under enforceGvisor(mode). */
function program(mode: 'inject' | 'deny', parts: readonly Part[]): () => Promise<void> {
  return async () => {
    registerSkipAwait();
    enforceGvisor({ mode, runtimeClassName: CLASS });
    const rc = new GvisorRuntimeClass('rc', { name: CLASS });
    const ns = new k8s.core.v1.Namespace('ns', { metadata: { name: NS } });
    const opts = { dependsOn: [rc, ns] };
    if (parts.includes('pod')) {
      new k8s.core.v1.Pod('foreign-pod', { metadata: { name: 'foreign-pod', namespace: NS }, spec: { containers: [container] } }, opts);
    }
    if (parts.includes('deployment')) {
      new k8s.apps.v1.Deployment('foreign-deployment', {
        metadata: { name: 'foreign-deployment', namespace: NS },
        spec: { selector: { matchLabels: { app: 'foreign' } }, template: { metadata: { labels: { app: 'foreign' } }, spec: { containers: [container] } } },
      }, opts);
    }
    if (parts.includes('chart')) new k8s.helm.v4.Chart('chart', { chart: CHART, namespace: NS }, opts);
    if (parts.includes('release')) new k8s.helm.v3.Release('release', { chart: CHART, namespace: NS }, opts);
  };
}

const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } };
const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'foreign-pod', namespace: NS } };
const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'foreign-deployment', namespace: NS } };
const chartDeployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'chart-web', namespace: NS } };
const chartJob = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'chart-job', namespace: NS } };
const chartConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'chart-config', namespace: NS } };

const missing = (name: string, type: string, at: string) =>
  `${name} (${type}) ${at}.runtimeClassName: (missing) is not set, so the pods would run outside gVisor; set runtimeClassName: "${CLASS}" (or enforce with mode "inject")`;

describe('enforceGvisor under pulumi up', () => {
  let env: PulumiEnv;
  beforeAll(async () => { env = await pulumiEnv(); });

  /** Runs `body` on a fresh stack of `prog`, then destroys and removes the stack. */
  async function withStack(name: string, prog: () => Promise<void>, body: (stack: Stack) => Promise<void>): Promise<void> {
    const stack = await inlineStack(env, 'gvisor-iac-enforce', name, prog);
    try {
      await body(stack);
    } finally {
      await stack.destroy();
      await stack.workspace.removeStack(name);
    }
    // A pod in gVisor may still be terminating when destroy returns, and so may the namespace (the next
    // stack's objects would be refused in a terminating one): wait until none of them is left.
    await gone(env, [pod, deployment, chartDeployment, chartJob, chartConfigMap, namespace]);
  }

  test('mode "inject": a foreign Pod, a Deployment and a Helm v4 Chart\'s Deployment and Job get the class; other objects are untouched', async () => {
    await withStack('inject', program('inject', ['pod', 'deployment', 'chart']), async (stack) => {
      const up = await stack.up();
      expect(up.summary.result).toBe('succeeded');
      expect(live(env, pod).spec.runtimeClassName).toBe(CLASS);
      expect(live(env, deployment).spec.template.spec.runtimeClassName).toBe(CLASS);
      expect(live(env, chartDeployment).spec.template.spec.runtimeClassName).toBe(CLASS);
      expect(live(env, chartJob).spec.template.spec.runtimeClassName).toBe(CLASS);
      expect(live(env, chartConfigMap).data).toEqual({ greeting: 'hello' });
      // The RuntimeClass admission plugin saw the class: the pod carries its overhead.
      expect(live(env, pod).spec.overhead).toEqual({ cpu: '100m', memory: '160Mi' });
      const again = await stack.up();
      expect(again.summary.resourceChanges?.update).toBeUndefined();
    });
  });

  test.each([
    ['a foreign Pod', 'pod', missing('foreign-pod', 'kubernetes:core/v1:Pod', 'spec'), pod],
    ['a foreign Deployment', 'deployment', missing('foreign-deployment', 'kubernetes:apps/v1:Deployment', 'spec.template.spec'), deployment],
    ['a Helm v4 Chart\'s workloads', 'chart',
      new RegExp('chart:gvisor-iac-enforce/chart-(web \\(kubernetes:apps/v1:Deployment\\)|job \\(kubernetes:batch/v1:Job\\)) '
        + 'spec\\.template\\.spec\\.runtimeClassName: \\(missing\\) is not set, so the pods would run outside gVisor'), chartDeployment],
  ] as Array<[string, Part, string | RegExp, typeof pod]>)('mode "deny": %s without a class fails the update with the library\'s message, and is not created', async (_, part, message, obj) => {
    await withStack(`deny-${part}`, program('deny', [part]), async (stack) => {
      await expect(stack.up()).rejects.toThrow(message);
      expect(live(env, obj)).toBeUndefined();
    });
  });

  test('a Helm v3 Release is refused (its objects never pass the transform), in both modes', async () => {
    for (const mode of ['deny', 'inject'] as const) {
      await withStack(`release-${mode}`, program(mode, ['release']), async (stack) => {
        await expect(stack.up()).rejects.toThrow(`release (kubernetes:helm.sh/v3:Release): "${CHART}" renders its manifests inside the Kubernetes provider, where no transform sees them`);
        expect(live(env, chartDeployment)).toBeUndefined();
      });
    }
  });
});
