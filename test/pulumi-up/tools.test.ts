// The Pulumi tools the other suites run: built at the pinned versions, and the
// provider installed at exactly the version the @pulumi/kubernetes SDK asks for.
import { execFileSync } from 'child_process';
import * as path from 'path';
import { PulumiEnv, TOOLS_BIN, pulumiEnv, versions } from './harness';

describe('the Pulumi tools (npm run pulumi:build)', () => {
  let env: PulumiEnv;
  beforeAll(async () => { env = await pulumiEnv(); });

  test('the CLI reports the pinned release, and the Automation API of @pulumi/pulumi accepts it', () => {
    const pinned = versions().PULUMI_VERSION!;
    expect(execFileSync(path.join(TOOLS_BIN, 'pulumi'), ['version'], { encoding: 'utf8' }).trim()).toBe(pinned);
    expect(env.cmd.version?.format()).toBe(pinned.replace(/^v/, ''));
    // The CLI is the release of the SDK the project installs.
    expect(pinned).toBe(`v${require('@pulumi/pulumi/package.json').version}`); // eslint-disable-line @typescript-eslint/no-require-imports
  });

  test('the provider is installed as kubernetes at the version of the installed @pulumi/kubernetes', () => {
    const sdk: string = require('@pulumi/kubernetes/package.json').version; // eslint-disable-line @typescript-eslint/no-require-imports
    expect(versions().PULUMI_KUBERNETES_VERSION).toBe(sdk);
    const plugins = JSON.parse(execFileSync(path.join(TOOLS_BIN, 'pulumi'), ['plugin', 'ls', '--json'], { encoding: 'utf8', env: { ...process.env, ...env.envVars } }));
    expect(plugins.map((p: any) => `${p.kind} ${p.name} ${p.version}`)).toEqual([`resource kubernetes ${sdk}`]);
  });
});
