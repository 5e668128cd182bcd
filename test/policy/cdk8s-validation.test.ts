import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GvisorIacValidation } from 'gvisor-iac';

const ROOT = path.join(__dirname, '..', '..');

/** A cdk8s app (plain JS) with one Deployment and the gvisor-iac plugin in cdk8s.yaml; returns `cdk8s synth`'s result. */
function synth(annotations: Record<string, string> | undefined, properties: Record<string, unknown>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gvisor-iac-cdk8s-validation-'));
  try {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', ...(annotations ? { annotations } : {}) },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'c:1' }] } } },
    };
    fs.writeFileSync(path.join(dir, 'app.js'), [
      'const { App, Chart, ApiObject } = require(\'cdk8s\');',
      'const app = new App();',
      `new ApiObject(new Chart(app, 'c'), 'd', ${JSON.stringify(deployment)});`,
      'app.synth();',
    ].join('\n'));
    // A local plugin path (the source, through ts-node); users name the package: `package: gvisor-iac`.
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), JSON.stringify({
      app: 'node app.js',
      validations: [{ package: path.join(ROOT, 'lib', 'policy', 'validation-plugin.ts'), version: '0.0.0', class: 'GvisorIacValidation', properties }],
    }));
    const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth', '--check-upgrade', 'false'], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        NODE_PATH: path.join(ROOT, 'node_modules'),
        NODE_OPTIONS: `-r ${path.join(ROOT, 'node_modules', 'ts-node', 'register', 'transpile-only.js')}`,
        TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
      },
    });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('cdk8s validation plugin', () => {
  test('`cdk8s synth` fails on a chart with a violation and reports the finding', () => {
    const r = synth(undefined, { packs: ['gvisor'] });
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('gvisor-iac: 1 finding(s), 1 failing (fail on error), 0 suppressed');
    expect(r.out).toContain('GVISOR-001 (1 occurrences)');
    expect(r.out).toContain('Resource Name: Deployment/web');
    expect(r.out).toContain('> spec.template.spec.runtimeClassName');
    expect(r.out).toContain('Recommendation: spec.template.spec.runtimeClassName: (missing) is not set, so the pods run outside gVisor; set runtimeClassName: "gvisor"');
    expect(r.out).toContain('Validation failed.');
  });

  test('`cdk8s synth` passes once the finding is suppressed with a reason', () => {
    const r = synth({ 'gvisor-iac.dev/suppress': 'GVISOR-001: the namespace admission policy injects the class' }, { packs: ['gvisor'] });
    expect(r.out).toContain('gvisor-iac: 1 finding(s), 0 failing (fail on error), 1 suppressed');
    expect(r.out).toContain('Validations ended succesfully');
    expect(r.code).toBe(0);
  });

  test('in process: failOn and the report', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gvisor-iac-plugin-'));
    const file = path.join(dir, 'a.yaml');
    fs.writeFileSync(file, 'apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec: { runtimeClassName: gvisor, containers: [{ name: c, image: c }] }\n');
    const run = async (props: ConstructorParameters<typeof GvisorIacValidation>[0]) => {
      const violations: any[] = [];
      let status = '';
      const report = { addViolation: (v: unknown) => violations.push(v), submit: (s: string) => { status = s; } };
      await new GvisorIacValidation(props).validate({ manifests: [file], report, logger: { log: () => undefined } });
      return { status, rules: violations.map((v) => v.ruleName) };
    };
    try {
      expect(await run({ packs: ['gvisor', 'hardening'] })).toEqual({ status: 'success', rules: [] });
      expect(await run({ packs: ['gvisor', 'hardening'], failOn: 'warning' })).toEqual({ status: 'failure', rules: ['HARD-001', 'HARD-002', 'HARD-003'] });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
