import { readFileSync } from 'fs';
import { join } from 'path';
import * as cdk8s from 'cdk8s';
import * as ts from 'typescript';
import { podSpecsOf, restrictedViolations } from './helpers/pod-security';
import { assertAllSchemaValid } from './helpers/schema';
import { synthApp } from './helpers/synth';

/* The TypeScript snippets of the README's untrusted-code and edge sections, each a whole program, run: what they show works. */
const readme = readFileSync(join(__dirname, '../README.md'), 'utf8');
const page = readme.slice(readme.indexOf('<!-- untrusted-and-edge:start -->'), readme.indexOf('<!-- untrusted-and-edge:end -->'));
const snippets = [...page.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('README: untrusted code and edge sections', () => {
  // Each snippet's app.synth() is recorded instead of writing dist/; its YAML is what cdk8s synth would write.
  const apps: cdk8s.App[] = [];
  class RecordingApp extends cdk8s.App {
    public override synth(): void {
      apps.push(this);
    }
  }
  const logged: unknown[] = [];
  for (const snippet of snippets) {
    const js = ts.transpileModule(snippet, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = (id: string) => (id === 'gvisor-iac/cdk8s' ? require('../lib/cdk8s') : id === 'cdk8s' ? { ...cdk8s, App: RecordingApp } : require(id));
    new Function('require', 'exports', 'console', js)(load, {}, { log: (v: unknown) => logged.push(v) });
  }
  const objects = apps.flatMap(synthApp);

  test('each snippet synthesises its app once; the pod selector printed is the one described', () => {
    expect(apps).toHaveLength(3);
    expect(logged).toEqual([{ 'gvisor-iac.dev/run': 'run-42' }]);
  });

  test('has snippets, and they synthesise the objects the page describes', () => {
    expect(snippets).toHaveLength(3);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'RuntimeClass/gvisor',
      'ConfigMap/run-42-code',
      'NetworkPolicy/run-42',
      'Job/run-42',
      'NetworkPolicy/run-43',
      'Job/run-43',
      'RuntimeClass/gvisor-edge',
      'Deployment/edge-app',
      'DaemonSet/edge-agent',
    ]);
  });

  test('the objects are schema-valid and every pod is restricted and sandboxed', () => {
    assertAllSchemaValid(objects);
    for (const o of objects) {
      for (const { spec, metadata } of podSpecsOf(o)) {
        expect(restrictedViolations(spec, metadata)).toEqual([]);
        expect(spec.runtimeClassName).toBe(o.kind === 'Job' ? 'gvisor' : 'gvisor-edge');
      }
    }
  });
});
