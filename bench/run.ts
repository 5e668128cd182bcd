/*
 * Benchmarks, reported as ratios against baselines run in the same process
 * (absolute times on a shared machine are noise). `npm run bench`;
 * `BENCH=cdk8s,pulumi` picks sections, `BENCH_ROUNDS=9` overrides the rounds.
 * See bench/harness.ts for how the rounds are interleaved and summarised:
 * warm-up runs, sides alternating round by round, a full GC before each
 * timed run, the median of the per-round ratios with their min–max.
 *
 * Every section runs at 1,000 and 4,000 and reports the growth from 1,000
 * to 4,000 of both sides; the growth quotient (ours' growth / raw's growth)
 * is the 4,000 ratio over the 1,000 ratio (target ≤ 1.15: linear).
 *
 * 1. cdk8s: synth of N SandboxedDeployments vs. N plain ApiObjects carrying
 *    the same manifests, both in a chart that also holds a Namespace and a
 *    RuntimeClass the workloads name, as a real app has (target ≤ 1.15×);
 *    and vs. the like-for-like chart: each ApiObject inside a plain
 *    Construct (a construct is a node of its own), under the id gvisor-iac
 *    gives it. Declared after the Namespace and RuntimeClass, the workloads
 *    need no apply-order edge (lib/cdk8s/emit.ts), so neither side has one.
 * 2. tenants: cdk8s synth of an N-tenant MultiTenantSandbox vs. plain
 *    ApiObjects carrying its finished objects (target ≤ 1.15× at 1,000).
 * 3. pulumi: under the SDK's mocks, N SandboxedDeployment components vs.
 *    N plain @pulumi/kubernetes Deployments of the same manifests (target
 *    ≤ 1.15×), and vs. the like-for-like program: each Deployment inside a
 *    plain ComponentResource with the same dependsOn. Timed twice: the
 *    constructors, and until the mock engine has every registration.
 * 4. core: render of N sandboxed Deployments vs. deep-copying the finished
 *    manifests (what a render does beyond building the output).
 * 5. check: `gvisor-iac check` over the objects of N workloads (a Deployment
 *    and a Service each) as a whole process vs. a process that only parses
 *    the same YAML (bench/check-process.ts; target ≤ 1.5×).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { checkProcesses } from './check-process';
import { Comparison, Spread, collectsGarbage, compare, cpuMs, ratio, time } from './harness';
import { GvisorRuntimeClass, MultiTenantSandbox, SandboxedDeployment } from '../lib/cdk8s';
import { KubeObject, TenantProps, renderMultiTenantSandbox, renderRuntimeClass, renderSandboxedDeployment } from '../lib/core';
import * as gp from '../lib/pulumi';

// Internal to the SDK: resolves once every outstanding RPC to the (mock) engine has completed.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { waitForRPCs } = require('@pulumi/pulumi/runtime/settings') as { waitForRPCs: () => Promise<void> };

const SIZES = [1000, 4000] as const;
const NAMESPACE = 'apps';
const props = (i: number) => ({
  namespace: NAMESPACE,
  replicas: 2,
  containers: [
    { name: 'web', image: `registry.example.com/web:${i}`, ports: [{ containerPort: 8080 }], resources: { requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } } },
    { name: 'sidecar', image: 'registry.example.com/sidecar:1' },
  ],
  volumes: [{ name: 'config', configMap: { name: 'web-config' } }],
});
const namespaceObject: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } };
const runtimeClassObject = renderRuntimeClass({}).objects[0]!;
const deployments = (n: number) => Array.from({ length: n }, (_, i) => renderSandboxedDeployment(props(i), `web-${i}`).objects[0]!);
const tenantList = (n: number): TenantProps[] => Array.from({ length: n }, (_, i) => ({
  name: `tenant-${i}`,
  quota: { cpu: '4', memory: '8Gi', pods: 20 },
  egress: i % 3 === 0 ? 'internet' : i % 3 === 1 ? { dns: true, cidrs: ['203.0.113.0/24', '2001:db8::/32'] } : 'dns',
  admins: { groups: [`tenant-${i}-admins`] },
}));

/** A chart holding the Namespace (raw, the user's) and the RuntimeClass (raw, or the construct). */
function chartWithPrerequisites(gvisorConstruct: boolean): { app: App; chart: Chart; rc?: GvisorRuntimeClass } {
  const app = new App();
  const chart = new Chart(app, 'c');
  new ApiObject(chart, 'ns', namespaceObject);
  if (gvisorConstruct) return { app, chart, rc: new GvisorRuntimeClass(chart, 'gvisor') };
  new ApiObject(chart, 'rc', runtimeClassObject);
  return { app, chart };
}

function freshMocks(): void {
  void pulumi.runtime.setMocks({ newResource: async (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: (args) => args.inputs }, 'bench', 'bench', false);
}

/** A Pulumi program under fresh mocks: `construct` is the CPU time of the constructors, `cpu` (the harness's) lasts until the mock engine has every registration. */
async function pulumiProgram(build: () => pulumi.Resource[]): Promise<{ construct: number }> {
  freshMocks();
  const t = cpuMs();
  const all = build();
  const construct = cpuMs() - t;
  await Promise.all(all.map((r) => new Promise((resolve) => r.urn.apply(resolve))));
  await waitForRPCs();
  return { construct };
}

/** The like-for-like baseline of a Pulumi component: one plain ComponentResource around the same Deployment, with the same options. */
class WrappedDeployment extends pulumi.ComponentResource {
  public readonly resource: k8s.apps.v1.Deployment;
  public constructor(name: string, obj: KubeObject, dependsOn: pulumi.Resource[]) {
    super('bench:index:WrappedDeployment', name, {}, {});
    this.resource = new k8s.apps.v1.Deployment(`${name}-deployment-${NAMESPACE}-${name}`, obj as any, { parent: this, dependsOn });
    this.registerOutputs({});
  }
}

/** `BENCH=cdk8s,tenants,pulumi,core,check` (or a subset) picks the sections to run. */
const SECTIONS = new Set((process.env.BENCH ?? 'cdk8s,tenants,pulumi,core,check').split(','));
/** Rounds per size (interleaved); `BENCH_ROUNDS` overrides every section's. */
const rounds = (n: number, small: number, large: number) => Number(process.env.BENCH_ROUNDS ?? (n > 1000 ? large : small));

const fmtRatio = (r: Spread) => `${r.median.toFixed(2)}× (${r.min.toFixed(2)}–${r.max.toFixed(2)})`;

interface Row {
  section: string;
  comparison: string;
  n: number;
  rounds: number;
  baselineMs: number;
  subjectMs: number;
  ratio: Spread;
}
const rows: Row[] = [];

function report(section: string, comparison: string, n: number, c: Comparison, subject: string, baseline: string, phase = 'cpu'): void {
  const row: Row = {
    section,
    comparison,
    n,
    rounds: c.rounds,
    baselineMs: time(c, baseline, phase),
    subjectMs: time(c, subject, phase),
    ratio: ratio(c, subject, baseline, phase),
  };
  rows.push(row);
  const wall = phase === 'cpu' ? ratio(c, subject, baseline, 'wall') : undefined;
  console.log(`${section} ${n}: ${comparison}\n  ${baseline} ${row.baselineMs.toFixed(0)} ms, ${subject} ${row.subjectMs.toFixed(0)} ms of CPU (medians of ${c.rounds}); `
    + `ratio ${fmtRatio(row.ratio)}${wall ? `; wall-clock ratio ${fmtRatio(wall)}` : ''}`);
}

/** Growth 1,000 → 4,000 of both sides of a comparison reported at both sizes. */
function growth(section: string, comparison: string): void {
  const [small, large] = SIZES.map((n) => rows.find((r) => r.section === section && r.comparison === comparison && r.n === n));
  if (!small || !large) return;
  const raw = large.baselineMs / small.baselineMs;
  const ours = large.subjectMs / small.subjectMs;
  const quotient = large.ratio.median / small.ratio.median;
  console.log(`${section}: ${comparison}: growth 1,000 → 4,000: baseline ${raw.toFixed(2)}×, gvisor-iac ${ours.toFixed(2)}×; quotient (ratio at 4,000 / ratio at 1,000) ${quotient.toFixed(2)} (linear: ≤ 1.15)`);
  (large as Row & { growth?: unknown }).growth = { baseline: raw, subject: ours, quotient };
}

/** The sections in the order they run, each in a process of its own (see `main`). */
const ORDER = ['cdk8s', 'tenants', 'pulumi', 'core', 'check'] as const;

async function main(): Promise<void> {
  // One process per section: what a section leaves on the heap (the Pulumi SDK keeps its
  // programs' state) made the core render after it measure 2.6-3.4x instead of 1.2-1.5x.
  if (SECTIONS.size > 1 && process.env.BENCH_CHILD === undefined) {
    for (const section of ORDER.filter((x) => SECTIONS.has(x))) {
      const r = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin'), '--transpile-only', '--project', path.join(__dirname, '..', 'test', 'tsconfig.json'), __filename],
        { stdio: 'inherit', env: { ...process.env, BENCH: section, BENCH_CHILD: '1' } });
      if (r.status !== 0) throw new Error(`bench section ${section} exited ${r.status ?? r.signal}`);
    }
    return;
  }
  console.log(`node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, `
    + `full GC between runs: ${collectsGarbage ? 'yes' : 'no (run with --expose-gc)'}\n`);

  // 1. cdk8s workloads.
  const CDK8S = 'synth SandboxedDeployments vs. ApiObjects of the same manifests (target ≤ 1.15×)';
  const CDK8S_LIKE = 'vs. each ApiObject in a plain Construct (like for like: the same tree, with the Namespace and RuntimeClass declared first)';
  for (const n of SECTIONS.has('cdk8s') ? SIZES : []) {
    const prebuilt = deployments(n);
    const c = await compare({
      'raw': () => {
        const { app, chart } = chartWithPrerequisites(false);
        prebuilt.forEach((o, i) => new ApiObject(chart, `o${i}`, o));
        app.synthYaml();
      },
      'wrapped': () => {
        const { app, chart } = chartWithPrerequisites(false);
        prebuilt.forEach((o, i) => new ApiObject(new Construct(chart, `web-${i}`), 'deployment', o));
        app.synthYaml();
      },
      'gvisor-iac': () => {
        const { app, chart, rc } = chartWithPrerequisites(true);
        for (let i = 0; i < n; i++) new SandboxedDeployment(chart, `web-${i}`, { ...props(i), runtimeClass: rc });
        app.synthYaml();
      },
    }, rounds(n, 9, 7), 2);
    report('cdk8s', CDK8S, n, c, 'gvisor-iac', 'raw');
    report('cdk8s', CDK8S_LIKE, n, c, 'gvisor-iac', 'wrapped');
  }
  growth('cdk8s', CDK8S);
  growth('cdk8s', CDK8S_LIKE);

  // 2. cdk8s MultiTenantSandbox.
  const TENANTS = 'synth a MultiTenantSandbox (about 9.7 objects per tenant) vs. ApiObjects of the same objects (target ≤ 1.15×)';
  for (const n of SECTIONS.has('tenants') ? SIZES : []) {
    const tenants = tenantList(n);
    const objects = renderMultiTenantSandbox({ tenants }, 'tenants').objects;
    const c = await compare({
      'raw': () => {
        const { app, chart } = chartWithPrerequisites(false);
        objects.forEach((o, i) => new ApiObject(chart, `o${i}`, o));
        app.synthYaml();
      },
      'gvisor-iac': () => {
        const { app, chart, rc } = chartWithPrerequisites(true);
        new MultiTenantSandbox(chart, 'tenants', { tenants, runtimeClass: rc });
        app.synthYaml();
      },
    }, rounds(n, 7, 3), 1);
    console.log(`(${n} tenants: ${objects.length} objects)`);
    report('tenants', TENANTS, n, c, 'gvisor-iac', 'raw');
  }
  growth('tenants', TENANTS);

  // 3. Pulumi registration under mocks.
  const pulumiComparisons = [
    ['construct', 'constructors: SandboxedDeployment components vs. plain Deployments (target ≤ 1.15×)', 'raw'],
    ['cpu', 'until registered: SandboxedDeployment components vs. plain Deployments (target ≤ 1.15×)', 'raw'],
    ['construct', 'constructors: vs. each Deployment in a plain ComponentResource, same dependsOn (like for like)', 'wrapped'],
    ['cpu', 'until registered: vs. each Deployment in a plain ComponentResource, same dependsOn (like for like)', 'wrapped'],
  ] as const;
  for (const n of SECTIONS.has('pulumi') ? SIZES : []) {
    const prebuilt = deployments(n);
    const c = await compare({
      'raw': () => pulumiProgram(() => {
        const all: pulumi.Resource[] = [new k8s.core.v1.Namespace('ns', namespaceObject as any), new k8s.node.v1.RuntimeClass('rc', runtimeClassObject as any)];
        prebuilt.forEach((o, i) => all.push(new k8s.apps.v1.Deployment(`web-${i}`, o as any)));
        return all;
      }),
      'wrapped': () => pulumiProgram(() => {
        const rc = new k8s.node.v1.RuntimeClass('rc', runtimeClassObject as any);
        const all: pulumi.Resource[] = [new k8s.core.v1.Namespace('ns', namespaceObject as any), rc];
        prebuilt.forEach((o, i) => {
          const w = new WrappedDeployment(`web-${i}`, o, [rc]);
          all.push(w, w.resource);
        });
        return all;
      }),
      'gvisor-iac': () => pulumiProgram(() => {
        const rc = new gp.GvisorRuntimeClass('gvisor');
        const all: pulumi.Resource[] = [new k8s.core.v1.Namespace('ns', namespaceObject as any), rc, ...rc.resources];
        for (let i = 0; i < n; i++) {
          const d = new gp.SandboxedDeployment(`web-${i}`, { ...props(i), runtimeClass: rc });
          all.push(d, ...d.resources);
        }
        return all;
      }),
    }, rounds(n, 7, 3), 1);
    for (const [phase, comparison, baseline] of pulumiComparisons) report('pulumi', comparison, n, c, 'gvisor-iac', baseline, phase);
  }
  for (const [, comparison] of pulumiComparisons) growth('pulumi', comparison);

  // 4. core render.
  for (const n of SECTIONS.has('core') ? SIZES : []) {
    const prebuilt = deployments(n);
    const c = await compare({
      'deep copy': () => {
        for (const o of prebuilt) structuredClone(o);
      },
      'render': () => {
        for (let i = 0; i < n; i++) renderSandboxedDeployment(props(i), `web-${i}`);
      },
    }, rounds(n, 15, 9), 3);
    report('core', 'render sandboxed Deployments vs. deep-copying the finished manifests', n, c, 'render', 'deep copy');
  }
  growth('core', 'render sandboxed Deployments vs. deep-copying the finished manifests');

  // 5. gvisor-iac check, whole process.
  const CHECK = '`gvisor-iac check` over 2 objects per workload (a Deployment, a Service) vs. a process that only parses the same YAML (target ≤ 1.5×)';
  if (SECTIONS.has('check')) {
    const processes = checkProcesses(SIZES.map((n) => 2 * n));
    for (const n of SIZES) {
      const p = processes.get(2 * n)!;
      try {
        const c = await compare({ 'parse only': p.parse, 'check': p.check }, rounds(n, 5, 5), 1);
        report('check', CHECK, n, c, 'check', 'parse only');
      } finally {
        p.dispose();
      }
    }
    growth('check', CHECK);
  }

  const dir = path.join(__dirname, '..', 'bench-results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify({ node: process.version, cpus: os.cpus().length, loadavgAtEnd: os.loadavg(), rows }, null, 2));
  console.log(`\nload average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; figures written to ${path.relative(process.cwd(), file)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
