import { Component, JsonFile, javascript, typescript } from 'projen';

/**
 * gvisor-iac is managed by projen: edit this file, then run `npx projen`
 * to regenerate package.json, tsconfig*.json, the jest and eslint config.
 */
const project = new typescript.TypeScriptProject({
  name: 'gvisor-iac',
  description:
    'Typed infrastructure-as-code constructs for gVisor-sandboxed Kubernetes workloads (cdk8s and Pulumi), plus node-level runsc/containerd/Docker configuration.',
  keywords: ['gvisor', 'runsc', 'kubernetes', 'cdk8s', 'pulumi', 'sandbox', 'runtimeclass'],
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  srcdir: 'lib',
  libdir: 'dist',
  testdir: 'test',
  sampleCode: false,
  minNodeVersion: '20.0.0',
  typescriptVersion: '~5.9.3',
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  package: true,
  prettier: false,
  entrypoint: 'dist/index.js',
  bin: { 'gvisor-iac': 'dist/cli.js' },

  // Runtime dependencies are few on purpose: TOML and YAML emitters, RFC 6902
  // patches for the override escape hatch, and the
  // Kubernetes API types the public signatures are written in.
  deps: ['kubernetes-types@^1.30.0', 'smol-toml@^1.4.0', 'yaml@^2.8.0', 'fast-json-patch@^3.1.1'],
  // Frameworks are optional peers: a cdk8s user never loads Pulumi and vice versa.
  // cdk8s-plus-33 is never imported: the cdk8s workloads are its selectors structurally (lib/cdk8s/selection.ts).
  peerDeps: ['cdk8s@^2.68.0', 'constructs@^10.0.0', 'cdk8s-plus-33@^2.0.0', '@pulumi/pulumi@^3.140.0', '@pulumi/kubernetes@^4.18.0', '@pulumi/policy@^1.21.0'],
  peerDependencyOptions: { pinnedDevDependency: false },
  devDeps: [
    'cdk8s@^2.70.0',
    'constructs@^10.4.0',
    'cdk8s-cli@^2.200.0',
    // The interop tests select sandboxed workloads with cdk8s-plus Services, NetworkPolicies and Ingresses.
    'cdk8s-plus-33@^2.5.57',
    // @pulumi/pulumi >= 3.249 needs Node 22; the dev copy stays on 3.248.x for Node 20.
    '@pulumi/pulumi@~3.248.0',
    '@pulumi/kubernetes@^4.34.0',
    // 1.21 depends on @pulumi/pulumi ^3.204 (satisfied by the 3.248 dev copy) and runs on Node 20.
    '@pulumi/policy@^1.21.0',
    // 4.x ships CommonJS (5.x is ESM-only, which jest's CommonJS runtime cannot load).
    'kubernetes-models@^4.5.1',
    '@bufbuild/cel@^0.6.0',
    'fast-check@^4.3.0',
    '@types/node@^20',
    // API reports (api/*.api.md): any change of the public surface is a visible diff.
    '@microsoft/api-extractor@^7.60.2',
  ],

  tsconfig: {
    compilerOptions: {
      lib: ['es2022'],
      target: 'ES2022',
      module: 'commonjs',
      strict: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: true,
      esModuleInterop: true,
    },
    include: ['lib/**/*.ts'],
  },
  tsconfigDev: {
    compilerOptions: {
      lib: ['es2022'],
      target: 'ES2022',
      module: 'commonjs',
      strict: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: true,
      esModuleInterop: true,
      isolatedModules: true,
      paths: { 'gvisor-iac': ['../lib/index.ts'], 'gvisor-iac/*': ['../lib/*/index.ts'] },
    },
    // Type-check the examples' `gvisor-iac/...` imports against the sources.
    include: ['../examples/**/*.ts', '../bench/**/*.ts', '../scripts/**/*.ts', '../lib/**/*.ts'],
    exclude: ['../examples/**/dist/**', '../examples/**/imports/**'],
  },
  typecheckTests: true,
  jestOptions: {
    passWithNoTests: false,
    coverageText: false,
    junitReporting: false,
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // The real-runtime, cluster and `pulumi up` suites have their own configs and tasks.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/', '<rootDir>/test/cluster/', '<rootDir>/test/pulumi-up/'],
      moduleNameMapper: {
        '^gvisor-iac$': '<rootDir>/lib/index.ts',
        '^gvisor-iac/(.*)$': '<rootDir>/lib/$1/index.ts',
      },
      testTimeout: 60_000,
      collectCoverage: false,
    },
  },
  eslintOptions: {
    dirs: ['lib'],
    devdirs: ['test', 'examples', 'bench', 'scripts'],
    ignorePatterns: ['examples/**/dist/**', '*.js', '*.d.ts', 'node_modules/', 'dist/'],
  },
  // temp/: API Extractor's scratch copy of each report (the one to diff when api:check fails).
  gitignore: ['examples/**/dist/', '/bench-results/', '/.tools', '/node_modules', '/temp/'],
  npmIgnoreOptions: { ignorePatterns: ['/examples/', '/bench/', '/scripts/', '/.ci/', '/api/', '/temp/'] },
});

// Subpath exports: the core (plus node renderers and policy) at the root, one
// entry per framework so that importing one never loads the other.
project.package.addField('exports', {
  '.': { types: './dist/index.d.ts', default: './dist/index.js' },
  './cdk8s': { types: './dist/cdk8s/index.d.ts', default: './dist/cdk8s/index.js' },
  './pulumi': { types: './dist/pulumi/index.d.ts', default: './dist/pulumi/index.js' },
  './pulumi-policy': { types: './dist/pulumi-policy/index.d.ts', default: './dist/pulumi-policy/index.js' },
  './package.json': './package.json',
});
// TypeScript's classic "node" resolution (cdk8s and Pulumi project templates)
// ignores "exports": typesVersions lets it find the subpaths' types too.
project.package.addField('typesVersions', {
  '*': {
    'cdk8s': ['dist/cdk8s/index.d.ts'],
    'pulumi': ['dist/pulumi/index.d.ts'],
    'pulumi-policy': ['dist/pulumi-policy/index.d.ts'],
  },
});
project.package.addField('peerDependenciesMeta', {
  'cdk8s': { optional: true },
  'constructs': { optional: true },
  'cdk8s-plus-33': { optional: true },
  '@pulumi/pulumi': { optional: true },
  '@pulumi/kubernetes': { optional: true },
  '@pulumi/policy': { optional: true },
});

// The core stays framework-free: lib/core and lib/node may not import cdk8s,
// constructs or Pulumi, nor the frontends that do.
const frameworkImports = ['cdk8s', 'cdk8s-*', 'constructs', '@pulumi/*'];
project.eslint?.addOverride({
  files: ['lib/core/**/*.ts', 'lib/node/**/*.ts', 'lib/policy/**/*.ts', 'lib/index.ts'],
  rules: {
    'no-restricted-imports': ['error', { patterns: frameworkImports.map((group) => ({ group: [group], message: 'lib/core, lib/node and lib/policy are framework-free; put framework code in lib/cdk8s or lib/pulumi.' })) }],
  },
});
// Dependencies point one way: frontends → core; cdk8s and Pulumi never load each other.
project.eslint?.addRules({
  'import/no-restricted-paths': [
    'error',
    {
      zones: [
        { target: './lib/core', from: './lib/cdk8s', message: 'core must not depend on a frontend' },
        { target: './lib/core', from: './lib/pulumi', message: 'core must not depend on a frontend' },
        { target: './lib/node', from: './lib/cdk8s' },
        { target: './lib/node', from: './lib/pulumi' },
        { target: './lib/policy', from: './lib/cdk8s' },
        { target: './lib/policy', from: './lib/pulumi' },
        { target: './lib/cdk8s', from: './lib/pulumi', message: 'gvisor-iac/cdk8s must never load Pulumi' },
        { target: './lib/pulumi', from: './lib/cdk8s', message: 'gvisor-iac/pulumi must never load cdk8s' },
        { target: './lib/pulumi-policy', from: './lib/cdk8s', message: 'gvisor-iac/pulumi-policy must never load cdk8s' },
        { target: './lib/cdk8s', from: './lib/pulumi-policy', message: 'gvisor-iac/cdk8s must never load Pulumi' },
      ],
    },
  ],
});
// Frameworks are optional peers, so the frontends import them as dev/peer deps.
project.eslint?.addRules({
  'import/no-extraneous-dependencies': ['error', { devDependencies: ['test/**', 'examples/**', 'bench/**', 'scripts/**', 'projenrc/**', '.projenrc.ts'], peerDependencies: true, optionalDependencies: false }],
});

// Examples and benchmarks are type-checked and linted like tests.
for (const dir of ['examples', 'bench', 'scripts']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: { extends: '../test/tsconfig.json', include: ['./**/*.ts', '../lib/**/*.ts'], exclude: ['**/dist/**', '**/node_modules/**'] },
  });
}
project.eslint?.addRules({
  '@stylistic/max-len': ['error', { code: 150, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreComments: true }],
});

// Resolve `gvisor-iac/...` imports (examples, tests) through the dev tsconfig's
// paths, so linting works on a fresh clone before anything is compiled.
project.tryFindObjectFile('.eslintrc.json')?.addOverride('settings.import/resolver.typescript.project', './test/tsconfig.json');

// The README's main command: synthesise the cdk8s example to examples/cdk8s/dist/.
project.addTask('synth', {
  description: 'Synthesise the cdk8s example to examples/cdk8s/dist/ (no cluster needed)',
  steps: [{ spawn: 'compile' }, { exec: 'cdk8s synth --check-upgrade false', cwd: 'examples/cdk8s' }],
});
project.addTask('test:e2e', {
  description: 'Real-runtime tests against runsc, containerd and dockerd (root; see .ci/run)',
  exec: 'jest --config test/e2e/jest.config.json --runInBand',
});
// The test cluster and the Pulumi tools, built from Go modules (cached outside
// the checkout, linked into .tools/bin), and the suites that use them.
project.addTask('cluster:build', {
  description: 'Build (cached) the test cluster\'s binaries from Go modules into .tools/bin',
  exec: 'bash test/cluster/build.sh',
});
project.addTask('cluster:up', {
  description: 'Start the one-node test cluster on loopback; prints KUBECONFIG=<path> last',
  exec: 'bash test/cluster/up.sh',
});
project.addTask('cluster:down', {
  description: 'Stop exactly the processes cluster:up started and remove their state',
  exec: 'bash test/cluster/down.sh',
});
project.addTask('test:cluster', {
  description: 'Tests against a real API server and node (KUBECONFIG, or the cluster cluster:up starts)',
  exec: 'jest --config test/cluster/jest.config.json --runInBand',
});
project.addTask('pulumi:build', {
  description: 'Build (cached) the Pulumi CLI, Node.js language host and Kubernetes provider into .tools/bin',
  exec: 'bash test/cluster/build/pulumi.sh',
});
project.addTask('test:pulumi', {
  description: '`pulumi up` for real through the Automation API, against the test cluster',
  exec: 'jest --config test/pulumi-up/jest.config.json --runInBand',
});
project.addTask('helm:build', {
  description: 'Build (cached) the helm CLI from its Go module into .tools/bin (for the cdk8s Helm enforcement test)',
  exec: 'bash test/cluster/build/helm.sh',
});
project.addTask('rules', {
  description: 'Regenerate RULES.md from the policy rules in lib/policy (a test keeps it in sync)',
  exec: 'ts-node --project test/tsconfig.json scripts/rules-md.ts',
});
// The Kubernetes type table the core validates pass-through fields against,
// generated from kubernetes-models (a devDependency: nothing of it ships).
project.addTask('gen:k8s-schema', {
  description: 'Regenerate lib/core/validation/k8s-schema.generated.ts from kubernetes-models (after upgrading it)',
  exec: 'ts-node --project test/tsconfig.json projenrc/k8s-schema.ts',
});
// The public API: one report per package entry point in api/, made by API Extractor from the
// compiled declarations. CI runs api:check (.ci/run), so a change of the surface is a reviewed diff.
const apiReport = 'ts-node --transpile-only --project test/tsconfig.json scripts/api-report.ts';
project.addTask('api', {
  description: 'Update the API reports in api/ after a deliberate change of the public surface (compiles first)',
  steps: [{ spawn: 'compile' }, { exec: apiReport }],
});
project.addTask('api:check', {
  description: 'Fail when the public API differs from the reports committed in api/ (compiles first; run by CI)',
  steps: [{ spawn: 'compile' }, { exec: `${apiReport} --check` }],
});
project.addTask('bench', {
  description: 'Benchmarks: ratios against in-process baselines',
  // 38,000-object charts: with the default heap, GC thrashing near the limit dominates the figures.
  // --expose-gc: the harness collects garbage before every timed run. A 64 MiB young generation: cdk8s's YAML
  // serialiser builds megabytes of strings, and with the default one a 4,000-object synth took 4 s or 16 s
  // from run to run (either side). Type-checking is `npm test`'s job.
  env: { NODE_OPTIONS: '--max-old-space-size=8192 --max-semi-space-size=64 --expose-gc' },
  exec: 'ts-node --transpile-only --project test/tsconfig.json bench/run.ts',
});

// projen's task runner reports a command that died of a signal (the OOM killer, a timeout's SIGTERM) as exit 0:
// a killed jest would pass CI. The commands of these tasks run under bash, which exits 128+N for such a death.
// test/scripts/task-signals.test.ts runs projen on this form and checks every task listed here uses it.
const EXIT_ON_SIGNAL = ['bash', '-c', '"$@"; exit $?', 'bash'];
/** Wraps the commands of the listed tasks before synthesis, after every component (eslint's) has added its steps. */
class ExitOnSignal extends Component {
  public preSynthesize(): void {
    for (const name of ['test', 'eslint', 'compile', 'synth', 'test:e2e', 'test:cluster', 'test:pulumi', 'api', 'api:check', 'bench']) {
      const task = this.project.tasks.tryFind(name);
      if (!task) throw new Error(`.projenrc.ts: no task ${name} to run under bash`);
      task.steps.forEach((step, i) => {
        if (step.execArgs) {
          task.updateStep(i, { ...step, execArgs: [...EXIT_ON_SIGNAL, ...step.execArgs] });
        } else if (step.exec !== undefined) {
          // Plain words only: anything the shell would interpret has no place in these commands.
          if (!/^[\w./,:=@+-]+( [\w./,:=@+-]+)*$/.test(step.exec)) throw new Error(`.projenrc.ts: task ${name}: ${step.exec} is not plain words`);
          const { exec: _exec, ...rest } = step;
          task.updateStep(i, { ...rest, execArgs: [...EXIT_ON_SIGNAL, ...step.exec.split(' ')] });
        }
      });
    }
  }
}
new ExitOnSignal(project);

project.synth();
