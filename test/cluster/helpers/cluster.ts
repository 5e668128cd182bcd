// Finding the test cluster and talking to it with the real kubectl.
//
// With KUBECONFIG set, the suites use that cluster (kind, GKE Sandbox, …);
// otherwise the global setup starts one with test/cluster/up.sh and sets
// KUBECONFIG for the tests. GVISOR_IAC_CLUSTER=1 (CI) turns a missing tool
// into a failure instead of a skip.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const TOOLS_BIN = process.env.GVISOR_IAC_TOOLS_BIN ?? path.join(REPO_ROOT, '.tools/bin');
/** CI sets GVISOR_IAC_CLUSTER=1: then a missing tool fails the suite. */
export const CLUSTER_REQUIRED = process.env.GVISOR_IAC_CLUSTER === '1';
/** Set by the global setup when no cluster could be found or started (the reason). */
export const UNAVAILABLE_ENV = 'GVISOR_IAC_CLUSTER_UNAVAILABLE';

/** The control-plane binaries cluster:up needs (cluster:build makes them). */
export const CONTROL_PLANE_TOOLS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl'];

function executable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The kubectl to use: the one cluster:build made, else one on PATH. */
export function kubectlBinary(): string | undefined {
  const own = path.join(TOOLS_BIN, 'kubectl');
  if (executable(own)) return own;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && executable(path.join(dir, 'kubectl'))) return path.join(dir, 'kubectl');
  }
  return undefined;
}

/**
 * `describe` when a cluster is there; otherwise a failing test under
 * GVISOR_IAC_CLUSTER=1, or a skipped block with the reason.
 */
export function describeCluster(title: string, body: () => void): void {
  const unavailable = process.env[UNAVAILABLE_ENV];
  if (!unavailable) {
    describe(title, body);
  } else if (CLUSTER_REQUIRED) {
    describe(title, () => {
      test('a cluster is available', () => {
        throw new Error(`GVISOR_IAC_CLUSTER=1 but no cluster: ${unavailable}`);
      });
    });
  } else {
    // eslint-disable-next-line no-console
    console.warn(`skipping "${title}": ${unavailable}; set GVISOR_IAC_CLUSTER=1 to make this a failure`);
    describe.skip(title, body);
  }
}

export interface KubectlResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface KubectlOptions {
  /** stdin (e.g. manifests for `-f -`). */
  readonly input?: string;
  /** Impersonate this user (`--as`). */
  readonly as?: string;
  /** Impersonate these groups (`--as-group`). */
  readonly asGroups?: readonly string[];
  readonly timeoutMs?: number;
  /** Extra environment for kubectl. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs kubectl against the test cluster (KUBECONFIG from the environment). */
export function kubectl(args: readonly string[], opts: KubectlOptions = {}): KubectlResult {
  const bin = kubectlBinary();
  if (!bin) throw new Error('kubectl not found (run npm run cluster:build, or put kubectl on PATH)');
  const full = [
    ...(opts.as ? [`--as=${opts.as}`] : []),
    ...(opts.asGroups ?? []).map((g) => `--as-group=${g}`),
    ...args,
  ];
  const r = spawnSync(bin, full, {
    encoding: 'utf8',
    input: opts.input,
    timeout: opts.timeoutMs ?? 60_000,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
    env: opts.env ? { ...process.env, ...opts.env } : undefined,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** kubectl that must succeed; returns stdout. */
export function kubectlOk(args: readonly string[], opts: KubectlOptions = {}): string {
  const r = kubectl(args, opts);
  if (r.status !== 0) {
    throw new Error(`kubectl ${args.join(' ')} exited ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
  return r.stdout;
}

/** kubectl … -o json, parsed. */
export function kubectlJson(args: readonly string[], opts: KubectlOptions = {}): any {
  return JSON.parse(kubectlOk([...args, '-o', 'json'], opts));
}

/** Objects as one kubectl input document (a v1 List keeps their order). */
export function asInput(objects: readonly unknown[]): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });
}

export const FIELD_MANAGER = 'gvisor-iac-tests';

/**
 * `kubectl apply --server-side` with strict field validation, in one call,
 * in the given order; returns the objects as the server stored them.
 */
export function applyServerSide(objects: readonly unknown[], opts: KubectlOptions = {}): any[] {
  const out = kubectlOk(
    ['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '--validate=strict', '-o', 'json', '-f', '-'],
    { ...opts, input: asInput(objects) },
  );
  const parsed = JSON.parse(out);
  return parsed.kind === 'List' ? parsed.items : [parsed];
}

/**
 * `kubectl diff --server-side` of the objects against the cluster: what a
 * server-side apply of them would change. Status (and the resourceVersion its
 * writes bump) is left out of the comparison: the kubelet and controllers
 * write it at any moment, between kubectl's read and its dry run too.
 */
export function diffServerSide(objects: readonly unknown[]): KubectlResult {
  const program = path.join(__dirname, 'diff-spec.cjs');
  // kubectl splits KUBECTL_EXTERNAL_DIFF at spaces.
  if (/\s/.test(program)) throw new Error(`the diff program's path has a space, which kubectl cannot run: ${program}`);
  return kubectl(['diff', '--server-side', `--field-manager=${FIELD_MANAGER}`, '-f', '-'], {
    input: asInput(objects),
    env: { KUBECTL_EXTERNAL_DIFF: program },
  });
}

/** `kubectl create` of one object; the result says whether the server admitted it. */
export function create(object: unknown, opts: KubectlOptions & { dryRun?: boolean } = {}): KubectlResult {
  return kubectl(['create', ...(opts.dryRun ? ['--dry-run=server'] : []), '-o', 'json', '-f', '-'], { ...opts, input: JSON.stringify(object) });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a Pod or Node has the condition Ready=True. */
export function isReady(o: any): boolean {
  return o?.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 60_000, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(intervalMs);
  }
}

/**
 * Makes sure none of these namespaces exists (deleting them and waiting until
 * they are gone), so a suite starts from a clean slate on a reused cluster.
 */
export async function freshNamespaces(names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  kubectlOk(['delete', 'namespace', '--ignore-not-found', '--wait=false', ...names]);
  await waitFor(`namespaces ${names.join(', ')} to be gone`, () => {
    const r = kubectl(['get', 'namespace', ...names, '--ignore-not-found', '-o', 'name']);
    return r.status === 0 && r.stdout.trim() === '' ? true : undefined;
  }, 120_000, 1000);
}

/** RuntimeClasses the node applies for every suite (node.sh: gvisor, gvisor-…): never deleted by a suite. */
const isNodeRuntimeClass = (name: unknown) => name === 'gvisor' || (typeof name === 'string' && name.startsWith('gvisor-'));

/**
 * Deletes what a suite applied outside namespaces (admission policies and
 * their bindings, RuntimeClasses other than the node's), so that later suites
 * and `pulumi up` on the same cluster start clean. Namespaces are left to the
 * suite (they take their contents with them).
 */
export function deleteClusterScopedOf(objects: readonly any[]): void {
  const refs = objects
    .filter((o) => !o.metadata?.namespace && o.kind !== 'Namespace' && !(o.kind === 'RuntimeClass' && isNodeRuntimeClass(o.metadata?.name)))
    .map((o) => `${kubectlType(o)}/${o.metadata.name}`);
  if (refs.length) kubectl(['delete', '--ignore-not-found', '--wait=false', ...new Set(refs)]);
}

/** kubectl's fully qualified name of an object's type: kind.version.group (core kinds by kind alone). */
const kubectlType = (o: { apiVersion: string; kind: string }): string =>
  o.apiVersion.includes('/') ? `${o.kind}.${o.apiVersion.split('/').reverse().join('.')}` : o.kind;

/** Waits until a namespace's ServiceAccount exists (the controller manager makes `default`). */
export async function serviceAccountReady(namespace: string, name = 'default'): Promise<void> {
  await waitFor(`ServiceAccount ${namespace}/${name}`, () => (kubectl(['-n', namespace, 'get', 'serviceaccount', name]).status === 0 ? true : undefined));
}

/** Identity of an object, for messages and comparisons. */
export const objectId = (o: any): string => [o.kind, o.metadata?.namespace, o.metadata?.name].filter(Boolean).join('/');

/** True when KUBECONFIG is the admin kubeconfig of a cluster test/cluster/up.sh started. */
export function isOwnCluster(): boolean {
  return /\/gvisor-iac-cluster\.[^/]+\/admin\.kubeconfig$/.test(process.env.KUBECONFIG ?? '');
}
