// Importing one frontend must never load the other framework. Each entry point
// is required in a fresh `node` process (ts-node, transpile-only, with the
// package's own subpath names mapped to lib/), and require.cache is inspected.
import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');

/** Loads `entry` in a fresh process and returns every module file it loaded. */
function loadedModules(entry: string): string[] {
  const script = `
    const Module = require('module');
    const path = require('path');
    const resolve = Module._resolveFilename;
    // The package's own names, as package.json "exports" maps them (to sources instead of dist/).
    Module._resolveFilename = function (request, ...rest) {
      if (request === 'gvisor-iac') request = path.join(${JSON.stringify(ROOT)}, 'lib/index.ts');
      else if (request.startsWith('gvisor-iac/')) request = path.join(${JSON.stringify(ROOT)}, 'lib', request.slice(11), 'index.ts');
      return resolve.call(this, request, ...rest);
    };
    require(${JSON.stringify(entry)});
    process.stdout.write(JSON.stringify(Object.keys(require.cache)));
  `;
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json') },
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`node exited with ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

const pkg = (files: string[], name: string) => files.filter((f) => f.includes(`${path.sep}node_modules${path.sep}${name}${path.sep}`));

describe('frontend isolation', () => {
  test('gvisor-iac/cdk8s loads cdk8s but no @pulumi/* module', () => {
    const files = loadedModules('gvisor-iac/cdk8s');
    expect(pkg(files, 'cdk8s').length).toBeGreaterThan(0);
    expect(files.filter((f) => f.includes(`${path.sep}@pulumi${path.sep}`))).toEqual([]);
  });

  test('gvisor-iac/pulumi loads @pulumi/* but no cdk8s or constructs module', () => {
    const files = loadedModules('gvisor-iac/pulumi');
    expect(pkg(files, path.join('@pulumi', 'pulumi')).length).toBeGreaterThan(0);
    expect([...pkg(files, 'cdk8s'), ...pkg(files, 'constructs'), ...files.filter((f) => f.includes(`${path.sep}lib${path.sep}cdk8s${path.sep}`))]).toEqual([]);
    // Only the @pulumi/kubernetes groups the emitter needs, and none of their classes until used.
    expect(files.some((f) => f.endsWith(path.join('@pulumi', 'kubernetes', 'index.js')))).toBe(false);
    expect(files.some((f) => f.endsWith(path.join('core', 'v1', 'pod.js')))).toBe(false);
  });

  test('the core loads neither framework', () => {
    const files = loadedModules('gvisor-iac');
    expect(files.filter((f) => /[\\/](@pulumi|cdk8s|constructs)[\\/]/.test(f))).toEqual([]);
  });
});
