import { readFileSync } from 'fs';
import { join } from 'path';
import { App } from 'cdk8s';
import { parse } from 'yaml';
import { synthApp } from './helpers/synth';
import { SandboxChart } from '../examples/cdk8s/main';

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

/** The fenced code blocks that follow a heading, in order. */
function blocksAfter(heading: string): string[] {
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no heading ${heading}`);
  const next = readme.indexOf('\n## ', start + heading.length + 2);
  const section = readme.slice(start, next < 0 ? undefined : next);
  return [...section.matchAll(/```\w*\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** True when every line of `excerpt` appears in `file`, in the same order (indentation aside: the example runs its app under `require.main`). */
function isExcerptOf(excerpt: string, file: string): boolean {
  const lines = file.split('\n').map((l) => l.trim());
  let at = 0;
  for (const line of excerpt.trimEnd().split('\n').map((l) => l.trim())) {
    while (at < lines.length && lines[at] !== line) at++;
    if (at === lines.length) return false;
    at++;
  }
  return true;
}

describe('README', () => {
  test('states the two commands word for word', () => {
    const [commands] = blocksAfter('## The two commands');
    expect(commands).toContain('npm run synth');
    expect(commands).toContain('npm test');
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(['synth', 'test']));
  });

  test('the cdk8s quickstart is an excerpt of the tested example', () => {
    const [code] = blocksAfter('## Quickstart: cdk8s');
    expect(isExcerptOf(code!, readFileSync(join(__dirname, '..', 'examples', 'cdk8s', 'main.ts'), 'utf8'))).toBe(true);
  });

  test('the multi-tenant example\'s tenants (and their ingress rule) are an excerpt of the tested example', () => {
    const [code] = blocksAfter('## Multi-tenant isolation: `MultiTenantSandbox`');
    const tenants = code!.slice(code!.indexOf('  tenants: ['), code!.indexOf('\n  ],\n') + 5);
    expect(tenants).toContain("ingress: [{ name: 'web', from: [{ namespace: 'ingress-nginx' }], ports: [{ port: 8080 }] }]");
    expect(isExcerptOf(tenants, readFileSync(join(__dirname, '..', 'examples', 'cdk8s', 'main.ts'), 'utf8'))).toBe(true);
  });

  test('the tenant ingress policy shown is what synth emits for the example', () => {
    const [yaml] = blocksAfter('### Ingress: who may connect to a tenant');
    const app = new App();
    new SandboxChart(app, 'gvisor-sandbox');
    const policy = synthApp(app).find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'allow-ingress-web');
    expect(parse(yaml!)).toEqual(policy);
  });

  test('the pod template shown is what synth emits', () => {
    const [, yaml] = blocksAfter('## Quickstart: cdk8s');
    const app = new App();
    new SandboxChart(app, 'gvisor-sandbox');
    const web = synthApp(app).find((o) => o.kind === 'Deployment' && o.metadata.name === 'web');
    expect(parse(yaml!)).toEqual({ spec: web.spec.template.spec });
  });
});
