// docs/policy.md (the README's "Policy" section) shows what the tests prove.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { parse } from 'yaml';
import { vendorChart } from '../../examples/policy/chart';
import { checkAndSandbox } from '../../examples/policy/check';
import { runCli } from '../../lib/cli';
import { PSS_VERSION } from '../../lib/policy';
import { synthApp } from '../helpers/synth';
import * as root from 'gvisor-iac';
import * as pulumiPolicy from 'gvisor-iac/pulumi-policy';

const ROOT = join(__dirname, '..', '..');
const doc = readFileSync(join(ROOT, 'docs', 'policy.md'), 'utf8');
const FOREIGN = 'test/policy/fixtures/foreign.yaml';

function blocksAfter(heading: string): string[] {
  const start = doc.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`docs/policy.md has no heading ${heading}`);
  const next = doc.indexOf('\n### ', start + heading.length + 2);
  return [...doc.slice(start, next < 0 ? undefined : next).matchAll(/```\w*\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** True when every line of `excerpt` appears (trimmed) in `file`, in order. */
function isExcerptOf(excerpt: string, file: string): boolean {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n').map((l) => l.trim());
  let at = 0;
  for (const line of excerpt.trimEnd().split('\n').map((l) => l.trim())) {
    while (at < lines.length && lines[at] !== line) at++;
    if (at === lines.length) return false;
    at++;
  }
  return true;
}

describe('docs/policy.md', () => {
  test('the check output is what gvisor-iac check prints on the fixture', () => {
    const [, output] = blocksAfter('### `gvisor-iac check`');
    const r = runCli(['check', FOREIGN]);
    expect(r.code).toBe(1);
    expect(output).toBe(r.stdout);
  });

  test('the suppress annotation shown suppresses', () => {
    const [yaml] = blocksAfter('### Suppressions need a reason');
    const pod = { apiVersion: 'v1', kind: 'Pod', ...parse(yaml!), spec: { runtimeClassName: 'runc', containers: [] } };
    pod.metadata.name = 'p';
    expect(root.checkObjects([pod], { packs: ['gvisor'] }).map((f) => [f.ruleId, f.suppressed])).toEqual([['GVISOR-001', 'benchmark baseline, runs outside gVisor on purpose']]);
  });

  test('the TypeScript excerpts come from the examples, which work', () => {
    const [checkTs] = blocksAfter('### From TypeScript');
    expect(isExcerptOf(checkTs!, 'examples/policy/check.ts')).toBe(true);
    const { failing, sandboxed } = checkAndSandbox(readFileSync(join(ROOT, FOREIGN), 'utf8'));
    expect(failing.map((f) => f.split(' ')[0])).toEqual(['GVISOR-001', 'PSS-R-002', 'PSS-R-003', 'PSS-R-005', 'PSS-R-006']);
    expect(root.checkObjects(sandboxed)).toEqual([]);

    const [chartTs, pluginYaml] = blocksAfter('### cdk8s: chart-wide enforcement and the validation plugin');
    expect(isExcerptOf(chartTs!, 'examples/policy/chart.ts')).toBe(true);
    const app = new App();
    vendorChart(app, join(ROOT, FOREIGN));
    expect(synthApp(app).map((o) => `${o.kind} ${o.spec.template?.spec.runtimeClassName ?? '-'}`)).toEqual(['Deployment gvisor', 'Service -']);

    const [plugin] = parse(pluginYaml!).validations;
    expect(typeof (root as any)[plugin.class]).toBe('function');
    expect(new (root as any)[plugin.class](plugin.properties)).toBeInstanceOf(root.GvisorIacValidation);
  });

  test('the Pulumi policy pack entry names real exports', () => {
    const [indexTs] = blocksAfter('### Pulumi: the policy pack and `enforceGvisor`');
    expect(indexTs).toContain('import { gvisorIacPolicyPack } from \'gvisor-iac/pulumi-policy\';');
    expect(typeof pulumiPolicy.gvisorIacPolicyPack).toBe('function');
  });

  test('the pinned Pod Security version is the rules\' own', () => {
    expect(doc).toContain(`**${PSS_VERSION}**`);
  });
});
