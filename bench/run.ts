/*
 * Benchmarks, reported as ratios against baselines run in the same process
 * (absolute times on shared machines are noise). `npm run bench`.
 * Each size runs baseline and subject alternately; medians are compared.
 *
 * 1. cdk8s synth of N SandboxedDeployments (N = 1,000 and 4,000) vs. N plain
 *    ApiObjects carrying the same manifests, both in a chart that also holds
 *    a Namespace and a RuntimeClass the workloads name, as a real app has;
 *    plus the growth from 1,000 to 4,000 of each and their quotient
 *    (linear synthesis: subject growth ≤ 1.15 × raw growth).
 * 2. cdk8s synth of a MultiTenantSandbox of N tenants vs. plain ApiObjects
 *    carrying its finished objects.
 * 3. Pulumi registration under the SDK's mocks of N SandboxedDeployment
 *    components vs. N plain @pulumi/kubernetes Deployments of the same
 *    manifests (each side with the same Namespace and RuntimeClass).
 * 4. core render of N Deployments vs. deep-copying equivalent manifests.
 * 5. `gvisor-iac check` over 10,000 objects as a whole process vs. a process
 *    that only parses the same YAML (bench/check-process.ts; target ≤ 1.5x).
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ApiObject, App, Chart } from 'cdk8s';
import { checkProcessBench } from './check-process';
import { GvisorRuntimeClass, MultiTenantSandbox, SandboxedDeployment } from '../lib/cdk8s';
import { KubeObject, TenantProps, renderMultiTenantSandbox, renderRuntimeClass, renderSandboxedDeployment } from '../lib/core';
import * as gp from '../lib/pulumi';

interface Timing { baselineMs: number; subjectMs: number; ratio: number }

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Runs baseline and subject alternately (after one warm-up each), `rounds` times, and returns the medians. */
async function compare(rounds: number, baseline: () => unknown, subject: () => unknown, warmUp = true): Promise<Timing> {
  if (warmUp) {
    await baseline();
    await subject();
  }
  const b: number[] = [];
  const s: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let t = process.hrtime.bigint();
    await baseline();
    b.push(Number(process.hrtime.bigint() - t) / 1e6);
    t = process.hrtime.bigint();
    await subject();
    s.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const baselineMs = median(b);
  const subjectMs = median(s);
  return { baselineMs, subjectMs, ratio: subjectMs / baselineMs };
}

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

async function settlePulumi(resources: pulumi.Resource[]): Promise<void> {
  await Promise.all(resources.map((r) => new Promise((resolve) => r.urn.apply(resolve))));
}

function freshMocks(): void {
  void pulumi.runtime.setMocks({ newResource: async (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: (args) => args.inputs }, 'bench', 'bench', false);
}

/** `BENCH=cdk8s,pulumi,core` (or a subset: `BENCH=pulumi`) picks the sections to run. */
const SECTIONS = new Set((process.env.BENCH ?? 'cdk8s,tenants,pulumi,core,check').split(','));

async function main(): Promise<void> {
  const sizes = [1000, 4000];
  const lines: string[] = [];
  const report = (name: string, t: Timing) => lines.push(`${name}\n  raw ${t.baselineMs.toFixed(0)} ms, gvisor-iac ${t.subjectMs.toFixed(0)} ms, ratio ${t.ratio.toFixed(2)}x`);
  const growth = (name: string, small: Timing, large: Timing) => {
    const raw = large.baselineMs / small.baselineMs;
    const ours = large.subjectMs / small.subjectMs;
    lines.push(`${name}: growth 1,000 → 4,000: raw ${raw.toFixed(2)}x, gvisor-iac ${ours.toFixed(2)}x, quotient ${(ours / raw).toFixed(2)} (target ≤ 1.15)`);
  };
  const print = () => {
    for (const l of lines.splice(0)) console.log(l);
  };

  // 1. cdk8s workloads.
  const synthTimes: Timing[] = [];
  for (const n of SECTIONS.has('cdk8s') ? sizes : []) {
    const prebuilt = deployments(n);
    const t = await compare(n > 1000 ? 3 : 5,
      () => {
        const { app, chart } = chartWithPrerequisites(false);
        prebuilt.forEach((o, i) => new ApiObject(chart, `o${i}`, o));
        app.synthYaml();
      },
      () => {
        const { app, chart, rc } = chartWithPrerequisites(true);
        for (let i = 0; i < n; i++) new SandboxedDeployment(chart, `web-${i}`, { ...props(i), runtimeClass: rc });
        app.synthYaml();
      });
    synthTimes.push(t);
    report(`cdk8s: synth ${n} SandboxedDeployments vs. ${n} ApiObjects of the same manifests (target ≤ 1.15x)`, t);
    print();
  }
  if (synthTimes.length) growth('cdk8s SandboxedDeployment', synthTimes[0]!, synthTimes[1]!);
  print();

  // 2. cdk8s MultiTenantSandbox.
  for (const n of SECTIONS.has('tenants') ? sizes : []) {
    const tenants = tenantList(n);
    const objects = renderMultiTenantSandbox({ tenants }, 'tenants').objects;
    const t = await compare(n > 1000 ? 2 : 3,
      () => {
        const { app, chart } = chartWithPrerequisites(false);
        objects.forEach((o, i) => new ApiObject(chart, `o${i}`, o));
        app.synthYaml();
      },
      () => {
        const { app, chart, rc } = chartWithPrerequisites(true);
        new MultiTenantSandbox(chart, 'tenants', { tenants, runtimeClass: rc });
        app.synthYaml();
      }, n <= 1000);
    report(`cdk8s: synth a ${n}-tenant MultiTenantSandbox (${objects.length} objects) vs. ApiObjects of the same objects (target ≤ 1.15x)`, t);
    print();
  }

  // 3. Pulumi registration under mocks: the constructors (what the program runs before the
  //    engine takes over) and until every resource is registered with the mock engine.
  const pulumiTimes: Timing[] = [];
  const registerTimes: Timing[] = [];
  for (const n of SECTIONS.has('pulumi') ? sizes : []) {
    const prebuilt = deployments(n);
    const rounds = n > 1000 ? 1 : 3;
    const side = async (build: () => pulumi.Resource[]) => {
      freshMocks();
      const t0 = process.hrtime.bigint();
      const all = build();
      const t1 = process.hrtime.bigint();
      await settlePulumi(all);
      return [Number(t1 - t0) / 1e6, Number(process.hrtime.bigint() - t0) / 1e6] as const;
    };
    const raw = () => side(() => {
      const all: pulumi.Resource[] = [new k8s.core.v1.Namespace('ns', namespaceObject as any), new k8s.node.v1.RuntimeClass('rc', runtimeClassObject as any)];
      prebuilt.forEach((o, i) => all.push(new k8s.apps.v1.Deployment(`web-${i}`, o as any)));
      return all;
    });
    const ours = () => side(() => {
      const rc = new gp.GvisorRuntimeClass('gvisor');
      const all: pulumi.Resource[] = [new k8s.core.v1.Namespace('ns', namespaceObject as any), ...rc.resources];
      for (let i = 0; i < n; i++) all.push(...new gp.SandboxedDeployment(`web-${i}`, { ...props(i), runtimeClass: rc }).resources);
      return all;
    });
    const r: number[][] = [];
    const o: number[][] = [];
    for (let k = 0; k < rounds; k++) {
      r.push([...await raw()]);
      o.push([...await ours()]);
    }
    const timing = (i: number): Timing => {
      const baselineMs = median(r.map((x) => x[i]!));
      const subjectMs = median(o.map((x) => x[i]!));
      return { baselineMs, subjectMs, ratio: subjectMs / baselineMs };
    };
    registerTimes.push(timing(0));
    pulumiTimes.push(timing(1));
    report(`pulumi (mocks): construct ${n} SandboxedDeployment components vs. ${n} @pulumi/kubernetes Deployments (target ≤ 1.15x)`, timing(0));
    report('pulumi (mocks): ... until every resource is registered (a component is itself a resource and registers outputs)', timing(1));
    print();
  }
  if (registerTimes.length) growth('pulumi construct', registerTimes[0]!, registerTimes[1]!);
  if (pulumiTimes.length) growth('pulumi registered', pulumiTimes[0]!, pulumiTimes[1]!);
  print();

  // 5. gvisor-iac check, whole process.
  if (SECTIONS.has('check')) {
    const c = checkProcessBench(3);
    report(c.name, c);
    print();
  }

  // 4. core render.
  if (!SECTIONS.has('core')) return;
  const prebuilt = deployments(1000);
  report('core: render 1000 sandboxed Deployments vs. deep-copy 1000 equivalent manifests', await compare(7,
    () => { for (const o of prebuilt) structuredClone(o); },
    () => { for (let i = 0; i < 1000; i++) renderSandboxedDeployment(props(i), `web-${i}`); }));
  print();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
