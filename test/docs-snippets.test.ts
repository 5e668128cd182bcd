// Every TypeScript block of the README and docs/*.md compiles as pasted into a project made with
// `cdk8s init typescript-app` (its tsconfig: strict, noUnusedLocals, noUnusedParameters, …), with
// `gvisor-iac` resolved to this checkout's source. A block that is a fragment on purpose is marked
// with `<!-- fragment -->` on the line before it; there are few.
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');
const FRAGMENT = '<!-- fragment -->';

interface Snippet {
  readonly doc: string;
  readonly line: number;
  readonly code: string;
  readonly fragment: boolean;
}

/** The ```ts / ```typescript blocks of a markdown file (indented ones too), dedented. */
export function tsBlocks(doc: string, text: string): Snippet[] {
  const lines = text.split('\n');
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(ts|typescript)\s*$/.exec(lines[i] as string);
    if (!open) continue;
    const indent = (open[1] as string).length;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j] as string)) body.push((lines[j] as string).slice(indent)), j++;
    let k = i - 1;
    while (k >= 0 && (lines[k] as string).trim() === '') k--;
    out.push({ doc, line: i + 1, code: body.join('\n'), fragment: k >= 0 && (lines[k] as string).trim() === FRAGMENT });
    i = j;
  }
  return out;
}

/** The cdk8s TypeScript app template's compiler options (from cdk8s-cli), checking only. */
function templateOptions(): ts.CompilerOptions {
  const file = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app', 'tsconfig.json');
  const { config } = ts.parseConfigFileTextToJson(file, readFileSync(file, 'utf8'));
  const { options, errors } = ts.convertCompilerOptionsFromJson(config.compilerOptions, path.dirname(file));
  if (errors.length) throw new Error(ts.formatDiagnostics(errors, ts.createCompilerHost({})));
  return {
    ...options,
    noEmit: true,
    // The snippets' own diagnostics are what is checked; the libraries' .d.ts files are not the reader's code.
    skipLibCheck: true,
    moduleDetection: ts.ModuleDetectionKind.Force,
    // The template's package.json brings @types/node and @types/jest.
    types: ['node', 'jest'],
    baseUrl: ROOT,
    paths: { 'gvisor-iac': ['lib/index.ts'], 'gvisor-iac/*': ['lib/*/index.ts'] },
  };
}

const docs = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const snippets = docs.flatMap((doc) => tsBlocks(doc, readFileSync(path.join(ROOT, doc), 'utf8')));
const checked = snippets.filter((s) => !s.fragment);

describe('documentation snippets', () => {
  test('there are snippets, and fragments stay rare', () => {
    expect(checked.length).toBeGreaterThanOrEqual(10);
    expect(snippets.filter((s) => s.fragment).length).toBeLessThanOrEqual(2);
  });

  test('every TypeScript snippet compiles as pasted under the cdk8s app template\'s tsconfig', () => {
    const options = templateOptions();
    expect(options).toMatchObject({ strict: true, noUnusedLocals: true, noUnusedParameters: true, noImplicitReturns: true });
    const files = new Map(checked.map((s) => [path.join(ROOT, '.snippets', `${s.doc.replace(/[/.]/g, '_')}_L${s.line}.ts`), s]));
    const host = ts.createCompilerHost(options);
    const { getSourceFile, fileExists, readFile } = host;
    host.getSourceFile = (name, lang, ...rest) =>
      (files.has(name) ? ts.createSourceFile(name, files.get(name)!.code, lang) : getSourceFile.call(host, name, lang, ...rest));
    host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
    host.readFile = (name) => (files.has(name) ? files.get(name)!.code : readFile.call(host, name));
    const program = ts.createProgram([...files.keys()], options, host);
    const problems = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()].map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    for (const [name, s] of files) {
      const sf = program.getSourceFile(name)!;
      for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
        const { line } = sf.getLineAndCharacterOfPosition(d.start ?? 0);
        problems.push(`${s.doc}:${s.line + 1 + line}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
