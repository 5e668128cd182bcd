// Jest global teardown: stops the cluster only if this run started it
// (GVISOR_IAC_KEEP_CLUSTER=1 keeps it for the next run).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from './cluster';
import { STARTED_ENV } from './global-setup';

export default function globalTeardown(): void {
  if (process.env[STARTED_ENV] !== '1') return;
  const down = spawnSync('bash', [path.join(REPO_ROOT, 'test/cluster/down.sh')], { encoding: 'utf8', stdio: 'inherit', timeout: 5 * 60_000 });
  if (down.status !== 0) throw new Error(`test/cluster/down.sh failed (exit ${down.status ?? down.signal})`);
}
