/*
 * Benchmarks, reported as ratios against baselines run in the same process
 * (absolute times on shared machines are noise). `npm run bench`.
 *
 * 1. core render: renderSandboxedDeployment (validation + hardening) vs. a
 *    baseline that only deep-copies an equivalent, already-hardened manifest.
 * 2. cdk8s synth: N SandboxedDeployments vs. N plain ApiObjects carrying the
 *    same manifests, both synthesised to YAML by cdk8s.
 * 3. MultiTenantSandbox with 50 tenants (validation, quota arithmetic, CIDR
 *    carving, admission policy) vs. deep-copying its finished objects.
 * 4. `gvisor-iac check` over 10,000 objects as a whole process vs. a process
 *    that only parses the same YAML (bench/check-process.ts; target ≤ 1.5x).
 */
import { ApiObject, App, Chart } from 'cdk8s';
import { checkProcessBench } from './check-process';
import { SandboxedDeployment } from '../lib/cdk8s';
import { TenantProps, renderMultiTenantSandbox, renderSandboxedDeployment } from '../lib/core';

interface Result { name: string; baselineMs: number; subjectMs: number; ratio: number }

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Runs baseline and subject alternately, `rounds` times each, and returns the median ratio. */
function compare(name: string, rounds: number, baseline: () => void, subject: () => void): Result {
  for (let i = 0; i < 3; i++) {
    baseline();
    subject();
  }
  const b: number[] = [];
  const s: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let t = process.hrtime.bigint();
    baseline();
    b.push(Number(process.hrtime.bigint() - t) / 1e6);
    t = process.hrtime.bigint();
    subject();
    s.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const baselineMs = median(b);
  const subjectMs = median(s);
  return { name, baselineMs, subjectMs, ratio: subjectMs / baselineMs };
}

const props = (i: number) => ({
  replicas: 2,
  containers: [
    { name: 'web', image: `registry.example.com/web:${i}`, ports: [{ containerPort: 8080 }], resources: { requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } } },
    { name: 'sidecar', image: 'registry.example.com/sidecar:1' },
  ],
  volumes: [{ name: 'config', configMap: { name: 'web-config' } }],
});

const N = 200;
const prebuilt = Array.from({ length: N }, (_, i) => renderSandboxedDeployment(props(i), `web-${i}`).objects[0]!);

const tenants: TenantProps[] = Array.from({ length: 50 }, (_, i) => ({
  name: `tenant-${i}`,
  quota: { cpu: '4', memory: '8Gi', pods: 20 },
  egress: i % 3 === 0 ? 'internet' : i % 3 === 1 ? ['203.0.113.0/24', '2001:db8::/32'] : 'none',
  admins: { groups: [`tenant-${i}-admins`] },
}));
const tenantObjects = renderMultiTenantSandbox({ tenants }, 'tenants').objects;

const results: Result[] = [
  compare('core: render 200 sandboxed Deployments vs. deep-copy 200 equivalent manifests', 15,
    () => { for (const o of prebuilt) structuredClone(o); },
    () => { for (let i = 0; i < N; i++) renderSandboxedDeployment(props(i), `web-${i}`); }),
  compare('cdk8s: synth 200 SandboxedDeployments vs. 200 plain ApiObjects of the same manifests', 7,
    () => {
      const app = new App();
      const chart = new Chart(app, 'c');
      prebuilt.forEach((o, i) => new ApiObject(chart, `o${i}`, o));
      app.synthYaml();
    },
    () => {
      const app = new App();
      const chart = new Chart(app, 'c');
      for (let i = 0; i < N; i++) new SandboxedDeployment(chart, `web-${i}`, props(i));
      app.synthYaml();
    }),
  compare('core: MultiTenantSandbox with 50 tenants vs. deep-copy of its objects', 15,
    () => structuredClone(tenantObjects),
    () => renderMultiTenantSandbox({ tenants }, 'tenants')),
  checkProcessBench(3),
];

for (const r of results) {
  console.log(`${r.name}\n  baseline ${r.baselineMs.toFixed(2)} ms, subject ${r.subjectMs.toFixed(2)} ms, ratio ${r.ratio.toFixed(2)}x`);
}
