// Helpers of the node suites (test/cluster/node-*.test.ts): is there a node
// that runs gVisor pods, apply/await/exec, and where the test node keeps its
// state when test/cluster/up.sh started it.
import * as path from 'node:path';
import { App, Chart } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { NODE_HANDLERS } from './handlers';
import { GvisorRuntimeClass } from '../../../lib/cdk8s';
import { CLUSTER_REQUIRED, KubectlResult, UNAVAILABLE_ENV, applyServerSide, isOwnCluster, isReady, kubectl, kubectlJson, kubectlOk, waitFor } from '../helpers/cluster';

/** The node suites' test image (see test/cluster/build/images.sh). */
export const BUSYBOX = 'gvisor-iac.test/busybox:1';

/** Why no pod can run here, or undefined when a Ready node is there. */
function noNodeReason(): string | undefined {
  const unavailable = process.env[UNAVAILABLE_ENV];
  if (unavailable) return unavailable;
  const r = kubectl(['get', 'nodes', '-o', 'json'], { timeoutMs: 20_000 });
  if (r.status !== 0) return `kubectl get nodes failed: ${r.stderr.trim()}`;
  const ready = JSON.parse(r.stdout).items.filter(isReady);
  return ready.length ? undefined : 'no Ready node (the control plane runs without test/cluster/node.sh, or GVISOR_IAC_NODE=0)';
}

/** `describe` when a Ready node runs pods; else a failure under GVISOR_IAC_CLUSTER=1, or a skip. */
export function describeNode(title: string, body: () => void): void {
  const reason = noNodeReason();
  if (!reason) {
    describe(title, body);
  } else if (CLUSTER_REQUIRED) {
    describe(title, () => {
      test('a node that runs pods is available', () => {
        throw new Error(`GVISOR_IAC_CLUSTER=1 but ${reason}`);
      });
    });
  } else {
    // eslint-disable-next-line no-console
    console.warn(`skipping "${title}": ${reason}`);
    describe.skip(title, body);
  }
}

/** The state directory of the cluster up.sh started (node files under `node/`), or undefined for a foreign cluster. */
export function ownStateDir(): string | undefined {
  return isOwnCluster() ? path.dirname(process.env.KUBECONFIG as string) : undefined;
}

/** `test` on the cluster test/cluster/up.sh started (host-side checks), `test.skip` elsewhere. */
export const testOnOwnNode = (): typeof test => (ownStateDir() ? test : test.skip);

/** Synthesises objects with cdk8s, as `cdk8s synth` writes them. */
export function synth(build: (chart: Chart) => void): any[] {
  const app = new App();
  build(new Chart(app, 'chart'));
  return parseAllDocuments(app.synthYaml()).map((d) => d.toJSON()).filter((o) => o !== null);
}

/** The test node's RuntimeClasses (node.sh applies them too; applying again is a no-op). */
export function applyNodeRuntimeClasses(): void {
  const handlers = ownStateDir() ? NODE_HANDLERS : NODE_HANDLERS.slice(0, 1);
  applyServerSide(synth((c) => {
    for (const h of handlers) new GvisorRuntimeClass(c, h.runtimeClass, { name: h.runtimeClass, handler: h.handler });
  }));
}

/** A Namespace that enforces Pod Security "restricted" (what the library's pods must pass). */
export const restrictedNamespace = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest', ...labels } },
});

export function getPod(namespace: string, name: string): any {
  return kubectlJson(['-n', namespace, 'get', 'pod', name]);
}

/** Waits until every container of the pod is ready; returns the pod. */
export async function podReady(namespace: string, name: string, timeoutMs = 180_000): Promise<any> {
  return waitFor(`pod ${namespace}/${name} to be Ready`, () => {
    const pod = getPod(namespace, name);
    if (pod.status?.phase === 'Failed') throw new Error(`pod ${name} failed: ${JSON.stringify(pod.status)}`);
    return isReady(pod) ? pod : undefined;
  }, timeoutMs, 1000);
}

/** The pods with these labels. */
export function podsWith(namespace: string, selector: Record<string, string>): any[] {
  return kubectlJson(['-n', namespace, 'get', 'pods', '-l', Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',')]).items;
}

/** Runs a command in a container; returns status and output (no throw). */
export function exec(namespace: string, pod: string, command: string[], container?: string): KubectlResult {
  return kubectl(['-n', namespace, 'exec', pod, ...(container ? ['-c', container] : []), '--', ...command], { timeoutMs: 60_000 });
}

/** Runs a command that must succeed; returns stdout. */
export function execOk(namespace: string, pod: string, command: string[], container?: string): string {
  const r = exec(namespace, pod, command, container);
  if (r.status !== 0) throw new Error(`exec ${command.join(' ')} in ${namespace}/${pod} exited ${r.status}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Waits for a Job condition (Complete or Failed) and returns the Job. */
export async function jobCondition(namespace: string, name: string, type: 'Complete' | 'Failed', timeoutMs = 180_000): Promise<any> {
  return waitFor(`job ${namespace}/${name} to be ${type}`, () => {
    const job = kubectlJson(['-n', namespace, 'get', 'job', name]);
    return job.status?.conditions?.some((c: any) => c.type === type && c.status === 'True') ? job : undefined;
  }, timeoutMs, 1000);
}

export const logsOf = (namespace: string, pod: string, container?: string): string =>
  kubectlOk(['-n', namespace, 'logs', pod, ...(container ? ['-c', container] : [])]);
