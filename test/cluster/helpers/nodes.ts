// Node objects registered by a test (no kubelet behind them): labels, taints,
// capacity and a Ready condition the test keeps fresh, so that the scheduler
// places pods on them and the node lifecycle controller leaves them be.
import { execFile } from 'node:child_process';
import { kubectlBinary, kubectlOk } from './cluster';

export interface FakeNode {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly taints?: { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }[];
}

function readyStatus(): string {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const capacity = { cpu: '8', memory: '16Gi', pods: '110' };
  return JSON.stringify({
    status: {
      capacity,
      allocatable: capacity,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'registered by the gvisor-iac cluster tests', lastHeartbeatTime: now, lastTransitionTime: now }],
    },
  });
}

/** Registers the nodes and keeps them Ready until the returned stop function is called. */
export function registerNodes(nodes: readonly FakeNode[]): () => void {
  for (const n of nodes) {
    kubectlOk(['delete', 'node', n.name, '--ignore-not-found']);
    kubectlOk(['create', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: n.name, labels: { 'kubernetes.io/hostname': n.name, ...n.labels } }, spec: { taints: n.taints ?? [] } }),
    });
    kubectlOk(['patch', 'node', n.name, '--subresource=status', '--type=merge', '-p', readyStatus()]);
  }
  // Heartbeats (asynchronous, so they do not block the tests).
  const bin = kubectlBinary()!;
  const timer = setInterval(() => {
    for (const n of nodes) execFile(bin, ['patch', 'node', n.name, '--subresource=status', '--type=merge', '-p', readyStatus()], () => undefined);
  }, 10_000);
  timer.unref();
  return () => {
    clearInterval(timer);
    kubectlOk(['delete', 'node', '--ignore-not-found', '--wait=false', ...nodes.map((n) => n.name)]);
  };
}
