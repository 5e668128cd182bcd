import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { runCli } from '../../lib/cli';

const ROOT = path.join(__dirname, '..', '..');
const FOREIGN = 'test/policy/fixtures/foreign.yaml';
const UNSAFE = 'test/policy/fixtures/unsafe.yaml';

/** Runs the real CLI as a process (ts-node, transpile only), as a user's shell or CI would. */
function spawnCli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'lib/cli.ts', ...args], {
    cwd: ROOT, input, encoding: 'utf8', env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.json' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('gvisor-iac check (spawned)', () => {
  test('a foreign Deployment fails with findings naming file, line, document and field', () => {
    const r = spawnCli(['check', FOREIGN]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`${FOREIGN}:15 (document 1) Deployment shop/web: error GVISOR-001 spec.template.spec.runtimeClassName: (missing) is not set, so the pods run outside gVisor; set runtimeClassName: "gvisor"`);
    expect(lines).toContain(`${FOREIGN}:16 (document 1) Deployment shop/web: error PSS-R-002 spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation: (missing) is not set, so setuid binaries may gain privileges; set allowPrivilegeEscalation: false`);
    expect(lines[lines.length - 1]).toBe('5 error(s), 4 warning(s), 0 info, 0 suppressed');
  });

  test('stdin, List items and --format json', () => {
    const r = spawnCli(['check', '--format', 'json', '--pack', 'pss-baseline', '-'], fs.readFileSync(path.join(ROOT, UNSAFE), 'utf8'));
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).map((f: any) => [f.ruleId, f.file, f.document, f.item, f.line, f.kind, f.name, f.path])).toEqual([
      ['PSS-B-002', '-', 1, 1, 20, 'DaemonSet', 'node-agent', 'spec.template.spec.hostNetwork'],
      ['PSS-B-003', '-', 1, 1, 26, 'DaemonSet', 'node-agent', 'spec.template.spec.containers[0].securityContext.privileged'],
      ['PSS-B-005', '-', 1, 1, 29, 'DaemonSet', 'node-agent', 'spec.template.spec.volumes[0].hostPath'],
    ]);
  });

  test('--format sarif is a SARIF 2.1.0 log; suppressions from the option are external with their justification', () => {
    const r = spawnCli(['check', '--format', 'sarif', '--pack', 'gvisor', '--suppress', 'GVISOR-001:the namespace\'s admission policy injects the class', FOREIGN]);
    expect(r.code).toBe(0);
    const log = JSON.parse(r.stdout);
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    const [run] = log.runs;
    expect(run.tool.driver.rules.map((x: any) => [x.id, x.defaultConfiguration.level])).toEqual([['GVISOR-001', 'error']]);
    expect(run.results).toEqual([{
      ruleId: 'GVISOR-001',
      ruleIndex: 0,
      level: 'error',
      message: { text: 'spec.template.spec.runtimeClassName: (missing) is not set, so the pods run outside gVisor; set runtimeClassName: "gvisor"' },
      locations: [{
        physicalLocation: { artifactLocation: { uri: FOREIGN }, region: { startLine: 15, startColumn: 7 } },
        logicalLocations: [{ fullyQualifiedName: 'Deployment/shop/web:spec.template.spec.runtimeClassName', kind: 'object' }],
      }],
      suppressions: [{ kind: 'external', justification: 'the namespace\'s admission policy injects the class' }],
      properties: { document: 1, path: 'spec.template.spec.runtimeClassName', fix: 'set runtimeClassName: "gvisor"' },
    }]);
  });

  test('sandbox writes the foreign manifests back sandboxed, and the output passes check', () => {
    const out = spawnCli(['sandbox', FOREIGN]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const docs = parseAllDocuments(out.stdout).map((d) => d.toJS());
    expect(docs.map((d) => d.kind)).toEqual(['Deployment', 'Service']);
    expect(docs[0].spec.template.spec).toEqual({
      runtimeClassName: 'gvisor',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: 'web',
        image: 'nginxinc/nginx-unprivileged:1.27',
        ports: [{ containerPort: 8080 }],
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      }],
      volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
    });
    const check = spawnCli(['check', '--fail-on', 'info', '-'], out.stdout);
    expect(check.stdout).toBe('0 error(s), 0 warning(s), 0 info, 0 suppressed\n');
    expect(check.code).toBe(0);
  });

  test('sandbox refuses what cannot be made safe, as findings, and writes nothing', () => {
    const r = spawnCli(['sandbox', UNSAFE]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect([...r.stderr.matchAll(/\(document 1 items\[1\]\) DaemonSet kube-system\/node-agent: error (\S+) /g)].map((m) => m[1])).toEqual(['PSS-B-002', 'PSS-B-003', 'PSS-B-005']);
    expect(r.stderr).toMatch(/^refused: these cannot be made safe by filling in defaults\n/);
  });
});

describe('gvisor-iac check (in process)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gvisor-iac-check-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };

  test('--fail-on: warnings fail only when asked; none never fails', () => {
    const warnOnly = file('warn.yaml', fs.readFileSync(path.join(ROOT, FOREIGN), 'utf8').replace('      containers:', '      runtimeClassName: gvisor\n      containers:'));
    expect(runCli(['check', '--pack', 'gvisor', '--pack', 'hardening', warnOnly]).code).toBe(0);
    expect(runCli(['check', '--pack', 'hardening', '--fail-on', 'warning', warnOnly]).code).toBe(1);
    expect(runCli(['check', '--fail-on', 'none', path.join(ROOT, UNSAFE)]).code).toBe(0);
  });

  test('the suppress annotation, with and without a reason', () => {
    const annotated = (value: string) => file('a.yaml', `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    gvisor-iac.dev/suppress: "${value}"\nspec:\n  runtimeClassName: runc\n  containers: []\n`);
    const ok = runCli(['check', '--pack', 'gvisor', annotated('GVISOR-001: benchmark baseline, runs outside gVisor on purpose')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('suppressed error GVISOR-001 spec.runtimeClassName: "runc" is not a gVisor RuntimeClass');
    expect(ok.stdout).toContain('[suppressed: benchmark baseline, runs outside gVisor on purpose]');
    const bad = runCli(['check', '--pack', 'gvisor', '--format', 'json', annotated('GVISOR-001')]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).map((f: any) => [f.ruleId, f.line, f.suppressed])).toEqual([['SUPPRESS-001', 6, undefined], ['GVISOR-001', 8, undefined]]);
    const ignored = runCli(['check', '--pack', 'gvisor', '--no-annotation-suppressions', '--format', 'json', annotated('GVISOR-001: trust me')]);
    expect(ignored.code).toBe(1);
    expect(JSON.parse(ignored.stdout).map((f: any) => [f.ruleId, f.suppressed])).toEqual([['GVISOR-001', undefined]]);
    expect(runCli(['check', '--suppress', 'GVISOR-001', annotated('')]).stdout).toMatch(/^\(options\): error SUPPRESS-001 suppressions\["GVISOR-001"\]: "GVISOR-001" is suppressed without a reason/);
  });

  test('merge keys cannot hide a field (kubectl resolves them); duplicate keys are refused', () => {
    const merged = file('merge.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: { name: m }\nspec:\n  <<: { hostPID: true }\n  runtimeClassName: gvisor\n  containers: []\n');
    expect(JSON.parse(runCli(['check', '--pack', 'pss-baseline', '--format', 'json', merged]).stdout).map((f: any) => [f.ruleId, f.path])).toEqual([['PSS-B-002', 'spec.hostPID']]);
    const dup = file('dup.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: { name: d }\nspec:\n  hostPID: false\n  hostPID: true\n');
    const r = runCli(['check', dup]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/document 1: Map keys must be unique/);
  });

  test('JSON input, empty documents and a multi-file run', () => {
    const json = file('pod.json', JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'j' }, spec: { containers: [] } }));
    const yaml = file('empty.yaml', '---\n---\n# nothing\n');
    const r = runCli(['check', '--pack', 'gvisor', '--format', 'json', yaml, json]);
    expect(JSON.parse(r.stdout).map((f: any) => [f.ruleId, path.basename(f.file), f.document, f.line])).toEqual([['GVISOR-001', 'pod.json', 1, 1]]);
  });

  test.each([
    [['check'], /^name the manifest files to read, or - for stdin/],
    [['check', '--format', 'xml', FOREIGN], /^--format must be text, json or sarif, not "xml"/],
    [['check', '--fail-on', 'fatal', FOREIGN], /^--fail-on must be error, warning, info or none, not "fatal"/],
    [['check', '--pack', 'pss-strict', FOREIGN], /^--pack must be one of gvisor, pss-baseline, pss-restricted, hardening, tenancy, untrusted, not "pss-strict"/],
    [['check', 'missing.yaml'], /^cannot read missing.yaml: ENOENT/],
    [['check', '--bogus', FOREIGN], /^--bogus is not an option here \(gvisor-iac check --help lists the options\)\n$/],
    [['sandbox', '--format', 'json', FOREIGN], /^sandbox takes neither --format nor --fail-on/],
  ])('%j is a usage error (exit 2)', (argv, stderr) => {
    const r = runCli(argv.map((a) => (a === FOREIGN ? path.join(ROOT, a) : a)));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(stderr);
  });

  test('a YAML syntax error names the file and document (exit 2)', () => {
    const broken = file('broken.yaml', 'kind: Pod\n---\nkind: [unclosed\n');
    const r = runCli(['check', broken]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: document 2: `));
  });

  test('check --help and the main help list the policy commands', () => {
    expect(runCli(['check', '--help']).stdout).toMatch(/^Usage: gvisor-iac check \[options\] FILE\.\.\. \| -/);
    expect(runCli(['--help']).stdout).toContain('  check            check Kubernetes manifests');
    expect(parse('a: 1')).toEqual({ a: 1 });
  });
});
