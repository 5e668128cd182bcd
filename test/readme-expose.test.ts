import { readFileSync } from 'fs';
import { join } from 'path';
import * as cdk8s from 'cdk8s';
import * as ts from 'typescript';
import { assertRestrictedAndSandboxed } from './helpers/pod-security';
import { mockPulumi, settle } from './helpers/pulumi';
import { assertAllSchemaValid } from './helpers/schema';
import { synthApp } from './helpers/synth';

/* The TypeScript snippets of the README's section on Services, selection, budgets and autoscaling, each a whole program, run: what they show works. */
const readme = readFileSync(join(__dirname, '../README.md'), 'utf8');
const page = readme.slice(readme.indexOf('<!-- expose:start -->'), readme.indexOf('<!-- expose:end -->'));
const snippets = [...page.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** Runs a snippet as CommonJS, with these modules in place of the real ones; returns its exports. */
function run(snippet: string, modules: Record<string, unknown>, log: (v: unknown) => void): Record<string, any> {
  const js = ts.transpileModule(snippet, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (id: string) => (id in modules ? modules[id] : require(id));
  const exports: Record<string, any> = {};
  new Function('require', 'exports', 'console', js)(load, exports, { log });
  return exports;
}

describe('README: Services, selection, disruption budgets and autoscaling', () => {
  test('has two snippets: cdk8s, then Pulumi', () => {
    expect(snippets).toHaveLength(2);
    expect(snippets[0]).toContain("from 'gvisor-iac/cdk8s'");
    expect(snippets[1]).toContain("from 'gvisor-iac/pulumi'");
  });

  test('the cdk8s snippet synthesises what the section describes', () => {
    const apps: cdk8s.App[] = [];
    class RecordingApp extends cdk8s.App {
      public override synth(): void {
        apps.push(this);
      }
    }
    const logged: unknown[] = [];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    run(snippets[0]!, { 'gvisor-iac/cdk8s': require('../lib/cdk8s'), 'cdk8s': { ...cdk8s, App: RecordingApp } }, (v) => logged.push(v));
    expect(logged).toEqual([{ 'app.kubernetes.io/name': 'web' }]);
    expect(apps).toHaveLength(1);
    const objects = synthApp(apps[0]!);
    const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name.startsWith(name));
    expect(objects.map((o) => o.kind).sort()).toEqual(['Deployment', 'HorizontalPodAutoscaler', 'Ingress', 'NetworkPolicy', 'Pod', 'PodDisruptionBudget', 'Service', 'Service']);
    const selector = { 'app.kubernetes.io/name': 'web' };
    expect(find('Deployment', 'web').spec.replicas).toBeUndefined();
    expect(find('Service', 'web')).toMatchObject({ metadata: { name: 'web', namespace: 'shop' }, spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } });
    expect(find('Service', 'shop-web-public').spec.selector).toEqual(selector);
    expect(find('NetworkPolicy', 'shop-web-from-frontend')).toMatchObject({
      metadata: { namespace: 'shop' },
      spec: { podSelector: { matchLabels: selector }, ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'frontend' } } }] }] },
    });
    expect(find('Ingress', 'shop-ingress').spec.rules[0].http.paths[0].backend.service.name).toBe(find('Service', 'shop-web-public').metadata.name);
    expect(find('PodDisruptionBudget', 'web').spec).toEqual({ selector: { matchLabels: selector }, maxUnavailable: 1 });
    expect(find('HorizontalPodAutoscaler', 'web').spec).toMatchObject({ minReplicas: 2, maxReplicas: 10 });
    const ours = objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/managed-by'] === 'gvisor-iac');
    assertAllSchemaValid(ours);
    assertRestrictedAndSandboxed(ours);
  });

  test('the Pulumi snippet registers the Deployment, its budget, its autoscaler and the Service under the component', async () => {
    const recorder = mockPulumi();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pulumiFrontend = require('../lib/pulumi');
    let web: any;
    const Recording = class extends pulumiFrontend.SandboxedDeployment {
      public constructor(...args: any[]) {
        super(...(args as [any, any]));
        web = this;
      }
    };
    const exported = run(snippets[1]!, { 'gvisor-iac/pulumi': { ...pulumiFrontend, SandboxedDeployment: Recording } }, () => undefined);
    await settle(recorder, web);
    expect(exported.podSelector).toEqual({ 'app.kubernetes.io/name': 'web' });
    expect(recorder.kube().map((r) => [r.type, r.name]).sort()).toEqual([
      ['kubernetes:apps/v1:Deployment', 'web-deployment-web'],
      ['kubernetes:autoscaling/v2:HorizontalPodAutoscaler', 'web-horizontalpodautoscaler-web'],
      ['kubernetes:core/v1:Service', 'web-service-web'],
      ['kubernetes:policy/v1:PodDisruptionBudget', 'web-poddisruptionbudget-web'],
    ]);
    const componentUrn = recorder.byName('web').urn;
    for (const r of recorder.kube()) expect(r.parent).toBe(componentUrn);
    expect(recorder.byName('web-poddisruptionbudget-web').inputs.spec.minAvailable).toBe(1);
  });
});
