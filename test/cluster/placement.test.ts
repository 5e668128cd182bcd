// Claim 6: placement, decided by the real scheduler on Node objects this test
// registers (no kubelet: pods stay Pending but get spec.nodeName). RuntimeClass
// scheduling is merged into pods by admission; EdgeSandbox pods are bound only
// to nodes labelled node-type=edge; tolerations work as documented. Every node
// here is tainted or selected by label, so a real node in the cluster (the
// node suite's kubelet) never takes part.
import { TEST_IMAGE } from './helpers/charts';
import { applyServerSide, create, describeCluster, freshNamespaces, kubectl, kubectlJson, kubectlOk, serviceAccountReady, waitFor } from './helpers/cluster';
import { registerNodes } from './helpers/nodes';
import {
  EDGE_DEFAULTS, edgeRuntimeClassProps, renderEdgeSandbox, renderRuntimeClass, renderSandboxedPod,
} from '../../lib/core';

const NS = 'place';
const ZONE = 'topology.kubernetes.io/zone';
const SANDBOX_KEY = 'gvisor-iac.test/sandbox';
const EDGE_NODES = ['place-edge-a', 'place-edge-b'];
const SANDBOX_NODE = 'place-sandbox';
const edgeTaint = { key: 'node-type', value: 'edge', effect: 'NoSchedule' as const };
const containers = [{ name: 'main', image: TEST_IMAGE, command: ['sleep', '3600'] }];

const sandboxClass = renderRuntimeClass({
  name: 'place-sandboxed',
  nodeSelector: { [SANDBOX_KEY]: 'place' },
  tolerations: [{ key: SANDBOX_KEY, operator: 'Equal', value: 'place', effect: 'NoSchedule' }],
});
const edgeClass = renderRuntimeClass(edgeRuntimeClassProps({ name: 'place-edge' }));

const podsOf = (selector: string): any[] => kubectlJson(['-n', NS, 'get', 'pods', '-l', selector]).items;
const appLabel = (name: string) => `app.kubernetes.io/name=${name}`;

/** Waits until `count` pods of the selector are bound; returns their node names. */
function boundNodes(selector: string, count: number): Promise<string[]> {
  return waitFor(`${count} bound pods for ${selector}`, () => {
    const pods = podsOf(selector);
    return pods.length === count && pods.every((p) => p.spec.nodeName) ? pods.map((p) => p.spec.nodeName as string).sort() : undefined;
  }, 90_000, 1000);
}

/** Waits until the scheduler has given up on a pod, and returns why. */
function unschedulable(name: string): Promise<string> {
  return waitFor(`pod ${name} to be unschedulable`, () => {
    const pod = kubectlJson(['-n', NS, 'get', 'pod', name]);
    expect(pod.spec.nodeName).toBeUndefined();
    const c = (pod.status.conditions ?? []).find((x: any) => x.type === 'PodScheduled');
    return c?.status === 'False' && c.reason === 'Unschedulable' ? (c.message as string) : undefined;
  }, 60_000, 1000);
}

describeCluster('placement by the real scheduler', () => {
  let stopNodes: () => void = () => undefined;

  beforeAll(async () => {
    await freshNamespaces([NS]);
    stopNodes = registerNodes([
      { name: EDGE_NODES[0]!, labels: { 'node-type': 'edge', [ZONE]: 'place-a' }, taints: [edgeTaint] },
      { name: EDGE_NODES[1]!, labels: { 'node-type': 'edge', [ZONE]: 'place-b' }, taints: [edgeTaint] },
      { name: SANDBOX_NODE, labels: { [SANDBOX_KEY]: 'place' }, taints: [{ key: SANDBOX_KEY, value: 'place', effect: 'NoSchedule' }] },
    ]);
    applyServerSide([
      ...renderRuntimeClass().objects, ...sandboxClass.objects, ...edgeClass.objects,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    ]);
    await serviceAccountReady(NS);
  });

  afterAll(() => {
    // Workloads first (so nothing recreates pods), then pods: nobody runs them, so they go by force.
    kubectl(['-n', NS, 'delete', 'deployments,daemonsets', '--all', '--wait=false']);
    kubectl(['-n', NS, 'delete', 'pods', '--all', '--force', '--grace-period=0']);
    stopNodes();
    kubectl(['delete', 'namespace', NS, '--ignore-not-found', '--wait=false']);
  });

  test('RuntimeClass admission merges the class\'s nodeSelector and tolerations into the pod; the scheduler follows them', async () => {
    const pod = renderSandboxedPod({ name: 'rc-sched', namespace: NS, runtimeClass: sandboxClass.ref, containers }, 'rc-sched').objects[0]!;
    expect((pod as any).spec.nodeSelector).toBeUndefined();
    const stored = JSON.parse(kubectlOk(['create', '-o', 'json', '-f', '-'], { input: JSON.stringify(pod) }));
    expect(stored.spec.nodeSelector).toEqual({ [SANDBOX_KEY]: 'place' });
    expect(stored.spec.tolerations).toEqual(expect.arrayContaining([{ key: SANDBOX_KEY, operator: 'Equal', value: 'place', effect: 'NoSchedule' }]));
    expect(await boundNodes(appLabel('rc-sched'), 1)).toEqual([SANDBOX_NODE]);
  });

  test('a pod whose own nodeSelector contradicts its RuntimeClass is refused by admission', () => {
    const pod = renderSandboxedPod({ name: 'rc-conflict', namespace: NS, runtimeClass: sandboxClass.ref, nodeSelector: { [SANDBOX_KEY]: 'elsewhere' }, containers }, 'rc-conflict').objects[0]!;
    const r = create(pod, { dryRun: true });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/conflict/i);
    expect(r.stderr).toContain(SANDBOX_KEY);
  });

  test('EdgeSandbox (Deployment) pods are bound only to edge nodes, spread across sites', async () => {
    applyServerSide(renderEdgeSandbox({ name: 'edge-deploy', namespace: NS, replicas: 4, containers }, 'edge-deploy').objects);
    const nodes = await boundNodes(appLabel('edge-deploy'), 4);
    expect(nodes.every((n) => EDGE_NODES.includes(n))).toBe(true);
    expect(new Set(nodes)).toEqual(new Set(EDGE_NODES));
  });

  test('EdgeSandbox pods carry the documented tolerations after admission (edge taint; flaky links for 3600s)', () => {
    const pod = podsOf(appLabel('edge-deploy'))[0];
    const byKey = Object.fromEntries(pod.spec.tolerations.map((t: any) => [`${t.key}:${t.effect}`, t]));
    expect(byKey['node-type:NoSchedule']).toEqual(EDGE_DEFAULTS.edgeToleration);
    for (const key of ['node.kubernetes.io/unreachable', 'node.kubernetes.io/not-ready']) {
      // DefaultTolerationSeconds would add 300s; the library's 3600s stays.
      expect(byKey[`${key}:NoExecute`]).toEqual({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: EDGE_DEFAULTS.tolerationSeconds });
    }
  });

  test('EdgeSandbox (DaemonSet): one pod on each edge node and nowhere else', async () => {
    applyServerSide(renderEdgeSandbox({ name: 'edge-ds', namespace: NS, workload: 'DaemonSet', containers }, 'edge-ds').objects);
    expect(await boundNodes(appLabel('edge-ds'), EDGE_NODES.length)).toEqual([...EDGE_NODES].sort());
  });

  test('the edge RuntimeClass alone pins a pod to edge nodes (its scheduling supplies selector and toleration)', async () => {
    applyServerSide(renderEdgeSandbox({
      name: 'edge-by-class', namespace: NS, runtimeClass: edgeClass.ref, nodeSelector: {}, edgeToleration: false, replicas: 2, containers,
    }, 'edge-by-class').objects);
    const nodes = await boundNodes(appLabel('edge-by-class'), 2);
    expect(nodes.every((n) => EDGE_NODES.includes(n))).toBe(true);
  });

  test('without the edge toleration a pod pinned to edge nodes is never bound (the taint keeps it off)', async () => {
    applyServerSide(renderEdgeSandbox({ name: 'edge-untolerated', namespace: NS, edgeToleration: false, containers }, 'edge-untolerated').objects);
    const pod = await waitFor('the pod of edge-untolerated', () => podsOf(appLabel('edge-untolerated'))[0]?.metadata.name as string | undefined);
    const why = await unschedulable(pod);
    expect(why).toMatch(/\d+ node\(s\) had untolerated taint/);
  });

  test('an ordinary sandboxed pod never lands on an edge node or the sandbox node', async () => {
    const pod = renderSandboxedPod({ name: 'ordinary', namespace: NS, nodeSelector: { 'node-type': 'edge' }, containers }, 'ordinary').objects[0]!;
    expect(create(pod).status).toBe(0);
    const why = await unschedulable('ordinary');
    expect(why).toMatch(/\d+ node\(s\) had untolerated taint/);
  });
});
