// Jest global setup of `npm run test:cluster`: use the cluster KUBECONFIG
// names, or start (or reuse) the one test/cluster/up.sh runs.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLUSTER_REQUIRED, CONTROL_PLANE_TOOLS, REPO_ROOT, TOOLS_BIN, UNAVAILABLE_ENV, kubectlBinary } from './cluster';

/** Set when this run started the cluster, so the teardown stops it (and only then). */
export const STARTED_ENV = 'GVISOR_IAC_CLUSTER_STARTED_BY_TESTS';

function pointerFile(): string {
  return path.join(process.env.XDG_RUNTIME_DIR || '/tmp', 'gvisor-iac-cluster', 'current');
}

function runningClusterRecorded(): boolean {
  try {
    return fs.existsSync(fs.readFileSync(pointerFile(), 'utf8').trim());
  } catch {
    return false;
  }
}

export default function globalSetup(): void {
  if (process.env.KUBECONFIG) {
    if (!kubectlBinary()) unavailable('KUBECONFIG is set but no kubectl was found (npm run cluster:build, or put kubectl on PATH)');
    return;
  }
  const missing = CONTROL_PLANE_TOOLS.filter((t) => !fs.existsSync(path.join(TOOLS_BIN, t)));
  if (missing.length) {
    unavailable(`missing in ${TOOLS_BIN}: ${missing.join(', ')} (run npm run cluster:build, or set KUBECONFIG)`);
    return;
  }
  const reused = runningClusterRecorded();
  const up = spawnSync('bash', [path.join(REPO_ROOT, 'test/cluster/up.sh')], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 15 * 60_000,
  });
  const last = up.stdout.trim().split('\n').pop() ?? '';
  if (up.status !== 0 || !last.startsWith('KUBECONFIG=')) {
    throw new Error(`test/cluster/up.sh failed (exit ${up.status ?? up.signal}); its output:\n${up.stdout}`);
  }
  process.env.KUBECONFIG = last.slice('KUBECONFIG='.length);
  if (!reused && process.env.GVISOR_IAC_KEEP_CLUSTER !== '1') process.env[STARTED_ENV] = '1';
}

function unavailable(reason: string): void {
  if (CLUSTER_REQUIRED) throw new Error(`GVISOR_IAC_CLUSTER=1 but ${reason}`);
  process.env[UNAVAILABLE_ENV] = reason;
}
