// The API report check (`npx projen api:check`, run by CI) fails when the public surface
// changes, and accepts it again once the reports are updated. Shown on a two-entry fixture
// package (a root and a subpath, like gvisor-iac and gvisor-iac/cdk8s), so no compile is needed.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { forgottenExportProblems, packageEntryPoints, reportedNames, runApiReports } from '../../scripts/api-report';

const ROOT = path.join(__dirname, '..', '..');

function fixture(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gvisor-iac-api-'));
  const pkg = {
    name: 'fixture',
    version: '0.0.0',
    exports: { '.': { types: './dist/index.d.ts' }, './sub': { types: './dist/sub/index.d.ts' }, './package.json': './package.json' },
  };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg));
  write(dir, files);
  return dir;
}

function write(dir: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
}

const BASE = {
  'dist/index.d.ts': 'export interface ThingProps {\n  readonly name: string;\n}\nexport declare function render(props: ThingProps): string;\n',
  'dist/internal.d.ts': 'export interface Hidden {\n  readonly x: number;\n}\n',
  // The subpath's props are named like the root's and wrap them: allowed (the root exports it).
  'dist/sub/index.d.ts': "import { ThingProps as CoreProps } from '../index';\nexport type ThingProps = CoreProps & { readonly extra?: boolean };\n"
    + 'export declare class Thing {\n  constructor(props: ThingProps);\n}\n',
};

describe('api-report', () => {
  let dir: string;
  const run = (update: boolean) => runApiReports({ projectFolder: dir, entryPoints: packageEntryPoints(dir), update, log: () => undefined });
  beforeAll(() => {
    dir = fixture(BASE);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('one report per "exports" subpath that has types', () => {
    expect(packageEntryPoints(dir)).toEqual([
      { report: 'fixture', types: path.normalize('dist/index.d.ts') },
      { report: 'fixture-sub', types: path.normalize('dist/sub/index.d.ts') },
    ]);
    // gvisor-iac's own: every entry point has a committed report.
    const own = packageEntryPoints(ROOT);
    expect(own.map((e) => e.report)).toEqual(['gvisor-iac', 'gvisor-iac-cdk8s', 'gvisor-iac-pulumi', 'gvisor-iac-pulumi-policy']);
    for (const e of own) expect(fs.existsSync(path.join(ROOT, 'api', `${e.report}.api.md`))).toBe(true);
  });

  test('check passes on the committed surface, fails on a changed one, passes again after an update', () => {
    expect(run(true)).toEqual({ changed: ['fixture', 'fixture-sub'], problems: [] });
    expect(run(false)).toEqual({ changed: [], problems: [] });

    // A new export changes the surface: the check fails and leaves the committed report alone.
    const committed = fs.readFileSync(path.join(dir, 'api', 'fixture.api.md'), 'utf8');
    write(dir, { 'dist/index.d.ts': `${BASE['dist/index.d.ts']}export declare const LEAKED_INTERNAL: number;\n` });
    expect(run(false)).toEqual({ changed: ['fixture'], problems: [] });
    expect(fs.readFileSync(path.join(dir, 'api', 'fixture.api.md'), 'utf8')).toBe(committed);
    expect(fs.readFileSync(path.join(dir, 'temp', 'api', 'fixture.api.md'), 'utf8')).toContain('export const LEAKED_INTERNAL: number;');

    // So does a changed signature of something already public.
    write(dir, { 'dist/index.d.ts': BASE['dist/index.d.ts'].replace('readonly name: string;', 'readonly name?: string;') });
    expect(run(false).changed).toEqual(['fixture']);

    // `npx projen api` records the change; the check passes again.
    expect(run(true).changed).toEqual(['fixture']);
    expect(run(false)).toEqual({ changed: [], problems: [] });
  });

  test('a type the surface reaches but no entry point exports is a problem', () => {
    const leaky = fixture({
      ...BASE,
      'dist/sub/index.d.ts': `${BASE['dist/sub/index.d.ts']}import { Hidden } from '../internal';\nexport declare function leak(): Hidden;\n`,
    });
    const { problems } = runApiReports({ projectFolder: leaky, entryPoints: packageEntryPoints(leaky), update: true, log: () => undefined });
    fs.rmSync(leaky, { recursive: true, force: true });
    expect(problems).toEqual(['fixture-sub: "Hidden" is reachable from the public API but not exported; export it from the entry point']);
  });
});

describe('forgottenExportProblems', () => {
  const forgotten = (symbol: string) => `// Warning: (ae-forgotten-export) The symbol "${symbol}" needs to be exported by the entry point index.d.ts\n`;
  test.each([
    ['the root\'s own forgotten export', new Map([['root', forgotten('Props')]]), ['root: "Props" is reachable from the public API but not exported; export it from the entry point']],
    ['a subpath\'s reference to a type the root exports', new Map([['root', 'export interface Props {\n}\n'], ['sub', forgotten('Props_2')]]), []],
    ['a subpath\'s reference to a type nobody exports', new Map([['root', 'export interface Props {\n}\n'], ['sub', forgotten('Other')]]),
      ['sub: "Other" is reachable from the public API but not exported; export it from the entry point']],
  ])('%s', (_name, reports, expected) => {
    expect(forgottenExportProblems(reports, 'root')).toEqual(expected);
  });

  test('reportedNames reads every kind of top-level export', () => {
    const report = 'export class A {\n}\nexport abstract class B {\n}\nexport interface C {\n}\nexport type D = 1;\nexport function e(): void;\n'
      + 'export const F: number;\nexport { G }\nexport { H as I }\n';
    expect([...reportedNames(report)].sort()).toEqual(['A', 'B', 'C', 'D', 'F', 'G', 'I', 'e']);
  });
});
