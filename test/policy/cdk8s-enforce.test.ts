import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { ApiObject, App, Chart, Helm, Include } from 'cdk8s';
import fc from 'fast-check';
import { newChart, synthApp } from '../helpers/synth';
import { thrown } from '../helpers/thrown';
import { GvisorIacError, checkObjects } from 'gvisor-iac';
import { SandboxedDeployment, enforceGvisor } from 'gvisor-iac/cdk8s';
import { gvisorTransform } from 'gvisor-iac/pulumi';

const FOREIGN = path.join(__dirname, 'fixtures', 'foreign.yaml');
const deployment = (runtimeClassName?: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'plain' },
  spec: { selector: { matchLabels: { app: 'p' } }, template: { metadata: { labels: { app: 'p' } }, spec: { ...(runtimeClassName ? { runtimeClassName } : {}), containers: [{ name: 'c', image: 'c:1' }] } } },
});
const classes = (objects: any[]) => objects.map((o) => `${o.kind}/${o.metadata.name}=${o.spec?.template?.spec?.runtimeClassName ?? o.spec?.runtimeClassName ?? o.spec?.jobTemplate?.spec?.template?.spec?.runtimeClassName ?? '-'}`);

describe('cdk8s enforceGvisor (chart-wide)', () => {
  test('inject: plain ApiObjects and Included YAML get the class, added before or after the call; other kinds and sandboxed constructs are untouched', () => {
    const { app, chart } = newChart();
    new ApiObject(chart, 'plain', deployment());
    enforceGvisor(chart, { mode: 'inject' });
    new Include(chart, 'foreign', { url: FOREIGN });
    new SandboxedDeployment(chart, 'mine', { containers: [{ name: 'c', image: 'c:1' }] });
    new ApiObject(chart, 'pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare' } });
    new ApiObject(chart, 'odd', { apiVersion: 'example.com/v1', kind: 'constructor', metadata: { name: 'odd' } });
    const objects = synthApp(app);
    expect(classes(objects)).toEqual(['Deployment/plain=gvisor', 'Deployment/web=gvisor', 'Service/web=-', 'Deployment/mine=gvisor', 'Pod/bare=gvisor', 'constructor/odd=-']);
    // Injection only adds the field: the rest of the included object is as written.
    const web = objects[1];
    expect(web.spec.template.spec.containers).toEqual([{ name: 'web', image: 'nginxinc/nginx-unprivileged:1.27', ports: [{ containerPort: 8080 }] }]);
    // Synthesising twice patches once.
    expect(classes(synthApp(app))).toEqual(classes(objects));
    expect(checkObjects(objects, { packs: ['gvisor'] }).filter((f) => f.ruleId === 'GVISOR-001')).toEqual([]);
  });

  test('deny: synthesis fails naming every object outside gVisor, before anything is written', () => {
    const { app, chart } = newChart();
    enforceGvisor(chart, { mode: 'deny' });
    new Include(chart, 'foreign', { url: FOREIGN });
    new ApiObject(chart, 'ok', deployment('gvisor'));
    const e = thrown(() => app.synthYaml());
    expect(e.message).toContain('test/foreign/web-deployment-shop (Deployment web) spec.template.spec.runtimeClassName: (missing) is not set, so the pods would run outside gVisor; set runtimeClassName: "gvisor" (or enforce with mode "inject")');
    expect(e.message).not.toContain('(Deployment plain)');
    expect(e.message).not.toContain('Service');
  });

  test('a class that is not allowed fails in both modes; allowedRuntimeClassNames and exclude', () => {
    for (const mode of ['inject', 'deny'] as const) {
      const { app, chart } = newChart();
      enforceGvisor(chart, { mode, allowedRuntimeClassNames: ['gvisor-kvm'], exclude: (o) => o.name === 'agent' });
      new ApiObject(chart, 'runc', { ...deployment('runc'), metadata: { name: 'runc' } });
      new ApiObject(chart, 'kvm', { ...deployment('gvisor-kvm'), metadata: { name: 'kvm' } });
      new ApiObject(chart, 'agent', { ...deployment('runc'), kind: 'DaemonSet', metadata: { name: 'agent' } });
      const e = thrown(() => app.synthYaml());
      expect(e.message).toContain('test/runc (Deployment runc) spec.template.spec.runtimeClassName: "runc" is not an allowed gVisor RuntimeClass, so the pods would run outside the sandbox; use "gvisor" or "gvisor-kvm" (or add the class to allowedRuntimeClassNames)');
      expect(e.message).not.toContain('kvm (Deployment kvm)');
      expect(e.message).not.toContain('agent');
    }
  });

  test('pods inside an Included List (nested too) are judged item by item', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gvisor-iac-list-'));
    try {
      const file = path.join(dir, 'list.yaml');
      const list = { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, { apiVersion: 'v1', kind: 'List', items: [deployment()] }] };
      fs.writeFileSync(file, JSON.stringify(list));
      const { app, chart } = newChart();
      enforceGvisor(chart, { mode: 'inject' });
      new Include(chart, 'list', { url: file });
      const [out] = synthApp(app);
      expect(out.items[1].items[0].spec.template.spec.runtimeClassName).toBe('gvisor');
      const denied = newChart();
      enforceGvisor(denied.chart, { mode: 'deny' });
      new Include(denied.chart, 'list', { url: file });
      expect(thrown(() => denied.app.synthYaml()).message).toContain('test/list/object0-list (Deployment plain) items[1].items[0].spec.template.spec.runtimeClassName: (missing) is not set');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('app-wide: every chart of the app', () => {
    const app = new App();
    enforceGvisor(app, { mode: 'inject' });
    new ApiObject(new Chart(app, 'one'), 'd', deployment());
    new Include(new Chart(app, 'two'), 'foreign', { url: FOREIGN });
    expect(classes(synthApp(app))).toEqual(['Deployment/plain=gvisor', 'Deployment/web=gvisor', 'Service/web=-']);
  });

  test('invalid props are typed errors', () => {
    const { chart } = newChart();
    const e = thrown(() => enforceGvisor(chart, { mode: 'audit' as never }));
    expect(e).toBeInstanceOf(GvisorIacError);
    expect(e.message).toMatch(/^props\.mode: "audit" is not one of "inject", "deny"/);
    expect(thrown(() => enforceGvisor(chart, { mode: 'inject', runtimeClassName: 'Bad_Class' })).message).toMatch(/^props\.runtimeClassName: "Bad_Class"/);
  });

  // helm from `npx projen helm:build` (.tools/bin, built from the Go module), $HELM, or the system's.
  const helm = process.env.HELM ?? [path.join(__dirname, '..', '..', '.tools', 'bin', 'helm'), '/usr/local/bin/helm', '/usr/bin/helm'].find((p) => fs.existsSync(p));
  (helm ? test : test.skip)('Helm charts (helm template) are covered too', () => {
    const { app, chart } = newChart();
    enforceGvisor(chart, { mode: 'inject' });
    new Helm(chart, 'foreign', { chart: path.join(__dirname, 'fixtures', 'chart'), releaseName: 'shop', helmExecutable: helm });
    expect(classes(synthApp(app))).toEqual(['Deployment/shop-web=gvisor', 'CronJob/shop-cleanup=gvisor']);
  });

  test('property: cdk8s enforcement, Pulumi\'s transform and `gvisor-iac check` agree on every runtimeClassName', async () => {
    const name = fc.constantFrom<string | undefined>(undefined, '', 'gvisor', 'gvisor-kvm', 'runc', 'kata');
    await fc.assert(fc.asyncProperty(name, fc.subarray(['gvisor-kvm', 'kata']), fc.constantFrom('inject', 'deny') as fc.Arbitrary<'inject' | 'deny'>, async (rc, extra, mode) => {
      const policyOk = checkObjects([deployment(rc)], { packs: ['gvisor'], runtimeClassNames: ['gvisor', ...extra] }).length === 0;
      const { app, chart } = newChart();
      enforceGvisor(chart, { mode, allowedRuntimeClassNames: extra });
      new ApiObject(chart, 'd', deployment(rc));
      let cdk8sOk = true;
      let cdk8sClass: unknown;
      try {
        cdk8sClass = synthApp(app)[0].spec.template.spec.runtimeClassName;
      } catch {
        cdk8sOk = false;
      }
      const transform = gvisorTransform({ mode, allowedRuntimeClassNames: extra });
      let pulumiOk = true;
      let pulumiClass: unknown;
      try {
        const r = await transform({ type: 'kubernetes:apps/v1:Deployment', name: 'd', props: deployment(rc), opts: {} as pulumi.ResourceOptions, custom: true });
        pulumiClass = (r as any).props.spec.template.spec.runtimeClassName;
      } catch {
        pulumiOk = false;
      }
      // Absent in inject mode is fixed by both; otherwise both pass exactly when the rule passes.
      const injectable = mode === 'inject' && (rc === undefined || rc === '');
      expect({ cdk8sOk, pulumiOk }).toEqual({ cdk8sOk: policyOk || injectable, pulumiOk: policyOk || injectable });
      if (cdk8sOk) expect(cdk8sClass).toBe(pulumiClass);
    }), { numRuns: 60 });
  });
});
