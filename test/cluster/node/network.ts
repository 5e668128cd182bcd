// Helpers of the network suites (test/cluster/node-network.test.ts,
// node-ingress.test.ts): HTTP from inside a pod with busybox nc, and whether
// the test node enforces NetworkPolicies (node.sh records its enforcer, or
// why the kernel cannot run one, in STATE_DIR/node/).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { exec, ownStateDir } from './pods';

/**
 * A shell line that GETs http://HOST:PORT/ with nc and prints the body's last
 * line, or "blocked" (a dropped or a rejected connection alike; nc's own
 * complaint is kept out of the output, which a Job's log would otherwise show).
 */
export const httpGet = (url: string): string => {
  const { hostname, port } = new URL(url);
  return `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 4 ${hostname} ${port || 80} 2>/dev/null | tail -n 1 | grep . || echo blocked`;
};

/** An HTTP GET from a pod: the page text, or "blocked" when no connection was made in time. */
export function fetchFrom(namespace: string, pod: string, url: string): string {
  const r = exec(namespace, pod, ['sh', '-c', httpGet(url)]);
  return r.status === 0 ? r.stdout.trim() : `exec failed: ${r.stderr}`;
}

function nodeFile(name: string): string | undefined {
  const state = ownStateDir();
  const file = state ? path.join(state, 'node', name) : undefined;
  return file && fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined;
}

/**
 * Why the node cannot enforce NetworkPolicies, when node.sh found out (the
 * kernel lacks what the enforcer needs), or undefined.
 */
export const enforcementUnsupported = (): string | undefined => nodeFile('enforcer.unsupported');

/** The enforcer node.sh runs (STATE_DIR/node/enforcer), or undefined. */
export const enforcerName = (): string | undefined => nodeFile('enforcer');

/**
 * Inside a describe: `test` for an enforcement check, skipped (with the
 * reason, warned once) only where node.sh proved the kernel cannot run the
 * enforcer; and, under GVISOR_IAC_REQUIRE_ENFORCEMENT=1 (CI), a test that
 * fails on such a node instead of letting it skip quietly.
 */
export function enforcementChecks(): { enforced: typeof test; unsupported?: string } {
  const unsupported = enforcementUnsupported();
  if (unsupported) {
    // eslint-disable-next-line no-console
    console.warn(`NetworkPolicy enforcement checks skipped: ${unsupported}`);
  }
  (process.env.GVISOR_IAC_REQUIRE_ENFORCEMENT === '1' ? test : test.skip)('an enforcer runs (GVISOR_IAC_REQUIRE_ENFORCEMENT=1)', () => {
    expect(unsupported).toBeUndefined();
  });
  return { enforced: unsupported ? test.skip : test, unsupported };
}
