import { loadESLint } from 'eslint';

/*
 * The dependency direction (frontends → core, never back; cdk8s and Pulumi
 * never load each other) is enforced by the project's eslint config. These
 * tests lint probe sources under the real config to prove the rules bite.
 */
async function ruleHits(code: string, filePath: string): Promise<string[]> {
  const ESLint = await loadESLint({ useFlatConfig: false });
  const eslint = new ESLint({ cwd: process.cwd() });
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => String(m.ruleId)).filter((r) => r === 'no-restricted-imports' || r === 'import/no-restricted-paths');
}

describe('architecture boundaries (eslint)', () => {
  test.each([
    ['lib/core importing cdk8s', "import { App } from 'cdk8s';\nexport const a = App;\n", 'lib/core/errors.ts'],
    ['lib/core importing constructs', "import { Construct } from 'constructs';\nexport const a = Construct;\n", 'lib/core/errors.ts'],
    ['lib/core importing Pulumi', "import * as pulumi from '@pulumi/pulumi';\nexport const a = pulumi;\n", 'lib/core/errors.ts'],
    ['lib/core importing a frontend', "import { emitManifests } from '../cdk8s/emit';\nexport const a = emitManifests;\n", 'lib/core/errors.ts'],
    // The core is grouped in folders: the rules reach every level of it.
    ['a core folder importing cdk8s', "import { App } from 'cdk8s';\nexport const a = App;\n", 'lib/core/workloads/job.ts'],
    ['a core folder importing Pulumi', "import * as pulumi from '@pulumi/pulumi';\nexport const a = pulumi;\n", 'lib/core/tenancy/multi-tenant.ts'],
    ['a core folder importing a frontend', "import { emitManifests } from '../../cdk8s/emit';\nexport const a = emitManifests;\n", 'lib/core/network/egress.ts'],
    ['lib/cdk8s importing the Pulumi frontend', "import { SandboxedPod } from '../pulumi';\nexport const a = SandboxedPod;\n", 'lib/cdk8s/emit.ts'],
    ['lib/pulumi importing the cdk8s frontend', "import { SandboxedPod } from '../cdk8s';\nexport const a = SandboxedPod;\n", 'lib/pulumi/emit.ts'],
  ])('%s is an error', async (_what, code, file) => {
    expect((await ruleHits(code, file)).length).toBeGreaterThan(0);
  });

  test('the cdk8s frontend may import cdk8s and the core', async () => {
    expect(await ruleHits("import { App } from 'cdk8s';\nimport { DEFAULTS } from '../core';\nexport const a = [App, DEFAULTS];\n", 'lib/cdk8s/emit.ts')).toEqual([]);
  });
});
