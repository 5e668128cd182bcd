// Drives real `pulumi` operations through the Automation API (LocalWorkspace)
// against the test cluster: the CLI and the Kubernetes provider come from
// `npm run pulumi:build` (.tools/bin), state lives in a temporary file backend,
// secrets use a passphrase, and nothing is downloaded.
//
// Programs are inline: the Node.js SDK serves the language runtime in this
// process and the CLI connects to it (`pulumi up --client=…`), so no
// pulumi-language-nodejs binary is needed. A program file is loaded afresh
// for every operation (jest.isolateModules), as a separate `node` would.
import { execFileSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { runInThisContext } from 'vm';
import * as pulumi from '@pulumi/pulumi';
import { EngineEvent, LocalWorkspace, PulumiCommand, Stack } from '@pulumi/pulumi/automation';

export const REPO = path.resolve(__dirname, '../..');
export const TOOLS_BIN = path.join(REPO, '.tools/bin');

/** `NAME=value` lines of test/cluster/versions.env. */
export function versions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(path.join(REPO, 'test/cluster/versions.env'), 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

export interface PulumiEnv {
  readonly kubeconfig: string;
  /** PULUMI_HOME: plugin cache with the built provider installed from its file. */
  readonly home: string;
  readonly backend: string;
  readonly envVars: Record<string, string>;
  readonly cmd: PulumiCommand;
}

/** The test cluster: $KUBECONFIG when set, else `npm run cluster:up` (which reuses a running one). */
export function clusterKubeconfig(): string {
  if (process.env.KUBECONFIG) return process.env.KUBECONFIG;
  const out = execFileSync('npm', ['run', '--silent', 'cluster:up'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 600_000 });
  const line = out.trim().split('\n').pop() ?? '';
  const m = /^KUBECONFIG=(.+)$/.exec(line);
  if (!m) throw new Error(`npm run cluster:up did not end with KUBECONFIG=<path>: ${line}`);
  process.env.KUBECONFIG = m[1]!;
  return m[1]!;
}

let memo: Promise<PulumiEnv> | undefined;

/**
 * A program's failed registration (e.g. a transform that refuses a resource)
 * surfaces as an unhandled promise rejection, which the SDK's inline-program
 * server turns into a failed update — in a plain node process. Under jest,
 * the server listens on the test sandbox's copy of `process` while the
 * rejection is raised on the real one (where jest would blame the test
 * file): forward it to the sandbox's listeners while the suite runs.
 */
function bridgeUnhandledRejections(): void {
  const real = runInThisContext('process') as NodeJS.Process;
  const forward = (reason: unknown, promise: Promise<unknown>): void => { process.emit('unhandledRejection', reason, promise); };
  let saved: Function[] = [];
  beforeAll(() => {
    saved = real.listeners('unhandledRejection');
    real.removeAllListeners('unhandledRejection');
    real.on('unhandledRejection', forward);
  });
  afterAll(() => {
    real.off('unhandledRejection', forward);
    for (const l of saved) real.on('unhandledRejection', l as (...a: unknown[]) => void);
  });
}

// Registered when a test file imports this module (hooks must be defined synchronously).
bridgeUnhandledRejections();

/**
 * One offline Pulumi environment per test file: the built CLI, a temporary
 * PULUMI_HOME with the built provider installed as `kubernetes` at the
 * version the @pulumi/kubernetes SDK asks for, a file backend, a passphrase.
 */
export function pulumiEnv(): Promise<PulumiEnv> {
  memo ??= (async () => {
    for (const b of ['pulumi', 'pulumi-resource-kubernetes', 'kubectl']) {
      if (!existsSync(path.join(TOOLS_BIN, b))) throw new Error(`${b} is missing in .tools/bin (run: npm run pulumi:build and npm run cluster:build)`);
    }
    const kubeconfig = clusterKubeconfig();
    const root = mkdtempSync(path.join(tmpdir(), 'gvisor-iac-pulumi-'));
    const home = path.join(root, 'home');
    const backend = `file://${root}/state`;
    execFileSync('mkdir', ['-p', home, `${root}/state`]);
    const envVars: Record<string, string> = {
      PULUMI_HOME: home,
      PULUMI_BACKEND_URL: backend,
      PULUMI_CONFIG_PASSPHRASE: 'gvisor-iac-test',
      PULUMI_SKIP_UPDATE_CHECK: 'true',
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
      // Only the plugin installed below, never one found on $PATH.
      PULUMI_IGNORE_AMBIENT_PLUGINS: 'true',
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: 'false',
      KUBECONFIG: kubeconfig,
    };
    const env = { ...process.env, ...envVars };
    const k8sVersion = versions().PULUMI_KUBERNETES_VERSION!;
    execFileSync(path.join(TOOLS_BIN, 'pulumi'), ['plugin', 'install', 'resource', 'kubernetes', k8sVersion, '--file', path.join(TOOLS_BIN, 'pulumi-resource-kubernetes')],
      { env, stdio: 'pipe' });
    const cmd = await PulumiCommand.get({ root: path.join(REPO, '.tools') });
    return { kubeconfig, home, backend, envVars, cmd };
  })();
  return memo;
}

/** A stack of an inline program, in its own work directory. */
export async function inlineStack(env: PulumiEnv, project: string, stackName: string, program: () => Promise<unknown>): Promise<Stack> {
  const workDir = mkdtempSync(path.join(tmpdir(), `gvisor-iac-${project}-`));
  return LocalWorkspace.createOrSelectStack({ projectName: project, stackName, program: program as any }, {
    workDir,
    pulumiCommand: env.cmd,
    envVars: env.envVars,
    projectSettings: { name: project, runtime: 'nodejs', backend: { url: env.backend } },
  });
}

/**
 * A program that loads `file` afresh (its own module registry, sharing this
 * process's @pulumi/pulumi) each time the engine runs it, and returns its exports as stack outputs. `before` runs
 * first inside the program (e.g. to register a test transform), `after` last.
 */
export function programFile(file: string, before?: () => void, after?: () => void): () => Promise<Record<string, unknown>> {
  return async () => {
    before?.();
    let exports: Record<string, unknown> = {};
    jest.isolateModules(() => {
      // One @pulumi/pulumi for the whole process: a second copy would hold its own engine connections.
      jest.doMock('@pulumi/pulumi', () => pulumi);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      exports = require(file);
    });
    after?.();
    return { ...exports };
  };
}

/**
 * Without a kubelet, pods never become ready, so the provider's await logic
 * would wait until it times out: this stack transform adds the provider's
 * `pulumi.com/skipAwait: "true"` annotation to every Kubernetes object of the
 * program. The live-object comparisons drop that one annotation again.
 */
export function registerSkipAwait(): void {
  pulumi.runtime.registerResourceTransform((args) => {
    if (!args.custom || !args.type.startsWith('kubernetes:') || args.type.startsWith('kubernetes:helm.sh/')) return undefined;
    return { props: withSkipAwait(args.props), opts: args.opts };
  });
}

export const SKIP_AWAIT = 'pulumi.com/skipAwait';

function withSkipAwait(props: Record<string, any>): Record<string, any> {
  const metadata = props.metadata ?? {};
  return { ...props, metadata: { ...metadata, annotations: { ...(metadata.annotations ?? {}), [SKIP_AWAIT]: 'true' } } };
}

/** Runs kubectl from .tools/bin against the test cluster. */
export function kubectl(env: PulumiEnv, args: string[], input?: string): string {
  return execFileSync(path.join(TOOLS_BIN, 'kubectl'), args, {
    env: { ...process.env, KUBECONFIG: env.kubeconfig }, encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** The live object, or undefined when the server has none. */
export function live(env: PulumiEnv, o: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }): any | undefined {
  // kubectl's fully qualified form: kind.version.group (core kinds by kind alone).
  const resource = o.apiVersion.includes('/') ? `${o.kind}.${o.apiVersion.split('/').reverse().join('.')}` : o.kind;
  const args = ['get', resource, o.metadata.name, '-o', 'json', '--ignore-not-found'];
  if (o.metadata.namespace) args.push('-n', o.metadata.namespace);
  const out = kubectl(env, args).trim();
  return out ? JSON.parse(out) : undefined;
}

/** Waits (up to 2 minutes) until the server holds none of `objects`; fails naming those left. */
export async function gone(env: PulumiEnv, objects: readonly any[]): Promise<void> {
  let left: string[] = [];
  for (let i = 0; i < 60; i++) {
    left = objects.filter((o) => live(env, o) !== undefined).map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    if (left.length === 0) return;
    await new Promise((r) => setTimeout(r, 2000));
  }
  expect(left).toEqual([]);
}

/** Metadata the API server (or an admission step) sets, never the client. */
const SERVER_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp', 'finalizers'];

/** The live object less status, server-set metadata and the tests' skipAwait annotation. */
export function clientView(obj: any): any {
  const { status, ...rest } = obj;
  void status;
  const metadata = { ...rest.metadata };
  for (const k of SERVER_METADATA) delete metadata[k];
  if (metadata.annotations) {
    const { [SKIP_AWAIT]: skip, ...annotations } = metadata.annotations;
    void skip;
    if (Object.keys(annotations).length) metadata.annotations = annotations; else delete metadata.annotations;
  }
  return { ...rest, metadata };
}

/**
 * Paths (a.b[0].c) where `want` has a value that `got` lacks or differs in.
 * Fields only `got` has are the server's defaults and are not reported.
 */
export function missingOrDifferent(want: unknown, got: unknown, at = ''): string[] {
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) return [`${at}: ${JSON.stringify(want)} != ${JSON.stringify(got)}`];
    return want.flatMap((w, i) => missingOrDifferent(w, got[i], `${at}[${i}]`));
  }
  if (typeof want === 'object' && want !== null) {
    if (typeof got !== 'object' || got === null) return [`${at}: ${JSON.stringify(want)} != ${JSON.stringify(got)}`];
    return Object.entries(want).flatMap(([k, w]) => missingOrDifferent(w, (got as Record<string, unknown>)[k], at ? `${at}.${k}` : k));
  }
  return want === got ? [] : [`${at}: ${JSON.stringify(want)} != ${JSON.stringify(got)}`];
}

/** One resource step of an operation, as its engine event reports it. */
export interface Step {
  readonly op: string;
  readonly type: string;
  readonly urn: string;
  readonly diffs?: string[];
  readonly detailedDiff?: Record<string, { kind: string }>;
}

/** Engine events of one operation, and the resource operations they report. */
export class EventLog {
  public readonly events: EngineEvent[] = [];
  public readonly onEvent = (e: EngineEvent): void => { this.events.push(e); };

  /** `op type urn` of every resource step (preview or update), in order. */
  public steps(): Step[] {
    return this.events.flatMap((e) => {
      const m = e.resourcePreEvent?.metadata;
      return m ? [{ op: m.op, type: m.type, urn: m.urn, diffs: m.diffs, detailedDiff: m.detailedDiff as any }] : [];
    });
  }

  /** Diagnostics (warnings, errors, info) the engine printed. */
  public diagnostics(severity?: string): string[] {
    return this.events.flatMap((e) => {
      const d = e.diagnosticEvent;
      return d && (!severity || d.severity === severity) ? [d.message] : [];
    });
  }
}
