import { readFileSync } from 'fs';
import { join } from 'path';
import * as cdk8s from 'cdk8s';
import * as ts from 'typescript';
import { parse } from 'yaml';
import { assertRestrictedAndSandboxed } from './helpers/pod-security';
import { assertAllSchemaValid } from './helpers/schema';
import { synthApp } from './helpers/synth';

/* The README's section on the other workload kinds and pod-template metadata: its program runs, and the YAML shown is what it emits. */
const readme = readFileSync(join(__dirname, '../README.md'), 'utf8');
const page = readme.slice(readme.indexOf('<!-- workload-kinds:start -->'), readme.indexOf('<!-- workload-kinds:end -->'));
const snippets = [...page.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const yamls = [...page.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('README: SandboxedDaemonSet, SandboxedStatefulSet, SandboxedCronJob and pod-template metadata', () => {
  const apps: cdk8s.App[] = [];
  class RecordingApp extends cdk8s.App {
    public override synth(): void {
      apps.push(this);
    }
  }
  for (const snippet of snippets) {
    const js = ts.transpileModule(snippet, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = (id: string) => (id === 'gvisor-iac/cdk8s' ? require('../lib/cdk8s') : id === 'cdk8s' ? { ...cdk8s, App: RecordingApp } : require(id));
    new Function('require', 'exports', js)(load, {});
  }
  const objects = apps.flatMap(synthApp);

  test('the program synthesises the CronJob and the StatefulSet, schema-valid, restricted and sandboxed', () => {
    expect([snippets.length, apps.length]).toEqual([1, 1]);
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['CronJob/reports/nightly-report', 'StatefulSet/reports/cache']);
    assertAllSchemaValid(objects);
    assertRestrictedAndSandboxed(objects);
    const [cron, sts] = objects;
    expect(cron.spec).toMatchObject({ schedule: '30 2 * * MON-FRI', timeZone: 'Europe/Paris', concurrencyPolicy: 'Forbid' });
    expect(cron.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 3, activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 3600 });
    expect(sts.spec.template.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'gvisor-iac', 'app.kubernetes.io/name': 'cache', 'tier': 'cache' });
  });

  test('the pod metadata shown is the CronJob\'s pod template metadata', () => {
    expect(yamls).toHaveLength(1);
    expect(parse(yamls[0]!)).toEqual(objects[0].spec.jobTemplate.spec.template.metadata);
  });
});
