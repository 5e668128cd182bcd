import { SpawnSyncOptions, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');
let built: string | undefined;

/** The sources `entry` imports, transitively (relative imports only). */
function closure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = fs.readFileSync(file, 'utf8');
    for (const m of src.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      const base = path.resolve(path.dirname(file), m[1] as string);
      const target = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f));
      if (target) visit(target);
    }
  };
  visit(entry);
  return [...seen];
}

/**
 * Compiles lib/cli.ts and what it imports to JavaScript once per test
 * process (transpile only: `npm test` type-checks separately) and returns
 * the path of cli.js. The CLI then runs as a real process: `node cli.js …`.
 */
export function builtCli(): string {
  if (built) return built;
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gvisor-iac-cli-'));
  process.on('exit', () => fs.rmSync(out, { recursive: true, force: true }));
  // The package's layout: lib/ compiles to a folder beside package.json (`--version` reads it).
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(out, 'package.json'));
  for (const file of closure(path.join(ROOT, 'lib/cli.ts'))) {
    const rel = path.join('dist', path.relative(path.join(ROOT, 'lib'), file).replace(/\.ts$/, '.js'));
    const js = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: file,
    }).outputText;
    fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
    fs.writeFileSync(path.join(out, rel), js);
  }
  fs.chmodSync(out, 0o755);
  built = path.join(out, 'dist', 'cli.js');
  return built;
}

/** What a CLI process printed, and its exit status. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `gvisor-iac ARGV…` as a child process. */
export function runCliProcess(argv: readonly string[], options: Pick<SpawnSyncOptions, 'cwd' | 'uid' | 'gid' | 'input'> = {}): CliRun {
  const r = spawnSync(process.execPath, [builtCli(), ...argv], {
    ...options,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules'), NODE_OPTIONS: '' },
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
