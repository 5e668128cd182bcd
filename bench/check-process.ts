/*
 * `gvisor-iac check` over N objects as a whole process (node start,
 * module loading, YAML parsing, every rule of the default packs, the text
 * report) vs. a process that only parses the same YAML with the same parser.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { renderSandboxedDeployment } from '../lib/core';

const ROOT = path.join(__dirname, '..');

/** 10,000 objects: sandboxed Deployments (compliant), their Services, and every 100th Deployment without its class. */
export function manifests(count = 10_000): string {
  const docs: unknown[] = [];
  for (let i = 0; docs.length < count; i++) {
    const d = structuredClone(renderSandboxedDeployment({ containers: [{ name: 'web', image: `registry.example.com/web:${i}`, ports: [{ containerPort: 8080 }] }] }, `web-${i}`).objects[0]) as any;
    if (i % 100 === 0) delete d.spec.template.spec.runtimeClassName;
    docs.push(d);
    docs.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: `web-${i}` }, spec: { selector: { app: `web-${i}` }, ports: [{ port: 80, targetPort: 8080 }] } });
  }
  return docs.slice(0, count).map((d) => stringify(d)).join('---\n');
}

const CPU_MARK = 'gvisor-iac-bench-cpu-ms=';

/** Runs a node script (with a preload that reports the child's CPU time on stderr); returns its CPU time and wall time in ms. */
function time(preload: string, args: string[]): { cpu: number; wall: number } {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', preload, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wall = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const mark = r.stderr.lastIndexOf(CPU_MARK);
  if (mark < 0) throw new Error(`node ${args.join(' ')} reported no CPU time: ${r.stderr}`);
  return { cpu: Number.parseFloat(r.stderr.slice(mark + CPU_MARK.length)), wall };
}

/** The two processes of the check benchmark, over `count` objects: `parse` only parses the YAML, `check` is `gvisor-iac check`. */
export interface CheckProcesses {
  readonly parse: () => { cpu: number; wall: number };
  readonly check: () => { cpu: number; wall: number };
  /** Removes the temporary directory. */
  readonly dispose: () => void;
}

/** Compiles the library to a temporary directory (once) and writes `counts` object files; returns the processes per count. */
export function checkProcesses(counts: readonly number[]): Map<number, CheckProcesses> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gvisor-iac-bench-'));
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.json'), '--outDir', path.join(dir, 'dist')]);
  const parseOnly = path.join(dir, 'parse-only.js');
  fs.writeFileSync(parseOnly, [
    `const { parseAllDocuments } = require(${JSON.stringify(require.resolve('yaml'))});`,
    'const docs = parseAllDocuments(require(\'fs\').readFileSync(process.argv[2], \'utf8\')).map((d) => d.toJS());',
    'process.stdout.write(`${docs.length}\\n`);',
  ].join('\n'));
  // The compiled CLI resolves `yaml` and `smol-toml` from the repository's node_modules.
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  const cli = path.join(dir, 'dist', 'cli.js');
  const preload = path.join(dir, 'cpu-report.js');
  fs.writeFileSync(preload, `process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('\\n${CPU_MARK}' + (u.user + u.system) / 1000 + '\\n'); });\n`);
  const out = new Map<number, CheckProcesses>();
  let left = counts.length;
  for (const count of counts) {
    const file = path.join(dir, `objects-${count}.yaml`);
    fs.writeFileSync(file, manifests(count));
    out.set(count, {
      parse: () => time(preload, [parseOnly, file]),
      check: () => time(preload, [cli, 'check', '--fail-on', 'none', file]),
      dispose: () => {
        if (--left === 0) fs.rmSync(dir, { recursive: true, force: true });
      },
    });
  }
  return out;
}

if (require.main === module) {
  const [p] = checkProcesses([10_000]).values();
  try {
    const b: number[] = [];
    const s: number[] = [];
    for (let i = 0; i < 3; i++) {
      b.push(p!.parse().cpu);
      s.push(p!.check().cpu);
    }
    const ratios = s.map((x, i) => x / b[i]!).sort((x, y) => x - y);
    console.log(`check over 10,000 objects vs. parse only: ratios ${ratios.map((r) => r.toFixed(2)).join(', ')}`);
  } finally {
    p!.dispose();
  }
}
