// Issue 9, class 10: `gvisor-iac docker --base` must never turn a typo into a daemon.json that drops the node's settings.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderDockerDaemonConfig } from '../../lib';
import { mergeDockerDaemonConfig, parseDaemonJson } from '../../lib/node';
import { builtCli, runCliProcess } from '../helpers/cli-process';
import { caught } from '../helpers/errors';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gvisor-iac-base-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

describe('a base that cannot be read is an error: exit 1, the path and the fix on stderr, nothing on stdout', () => {
  test('a missing file (a typo)', () => {
    const file = path.join(dir, 'daemon.jsn');
    const r = runCliProcess(['docker', '--base', file]);
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toBe(`error INVALID_VALUE: --base: ${JSON.stringify(file)} does not exist; pass the node's existing daemon.json (usually /etc/docker/daemon.json); on a node that has none, leave the base out\n`);
  });

  test('a path through a file (ENOTDIR)', () => {
    const file = write('daemon.json', '{}');
    const r = runCliProcess(['docker', '--base', `${file}/daemon.json`]);
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toContain('does not exist');
  });

  test('a directory', () => {
    const r = runCliProcess(['docker', '--base', dir]);
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toBe(`error INVALID_VALUE: --base: ${JSON.stringify(dir)} is a directory, not a daemon.json file; pass the file itself, e.g. ${dir}/daemon.json\n`);
  });

  test('a device is not a daemon.json', () => {
    const r = runCliProcess(['docker', '--base', '/dev/null']);
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toContain('is not a regular file');
  });

  // Root reads every file; the check needs an unprivileged user.
  const asNobody = process.getuid?.() === 0;
  (asNobody ? test : test.skip)('a file the user cannot read (run as nobody)', () => {
    builtCli();
    const file = write('daemon.json', '{"log-driver": "journald"}');
    fs.chmodSync(file, 0o600);
    fs.chmodSync(dir, 0o755);
    const r = runCliProcess(['docker', '--base', file], { uid: 65534, gid: 65534, cwd: '/' });
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toBe(`error INVALID_VALUE: --base: ${JSON.stringify(file)} cannot be read (EACCES); run as a user that can read it (usually root), or pass a readable copy\n`);
  });
});

describe('malformed JSON names the file, the line and the column', () => {
  test.each<[string, string, string]>([
    ['a missing comma', '{\n  "log-driver": "journald"\n  "debug": true\n}\n', 'line 3, column 3: Expected \',\' or \'}\' after property value'],
    ['a trailing comma', '{\n  "debug": true,\n}\n', 'line 3, column 1: Expected double-quoted property name'],
    ['a bad literal (no position in the engine\'s message)', '{\n  "debug": tru\n}\n', 'line 2, column 15: Unexpected token'],
    ['garbage after the object', '{}\nx\n', 'line 2, column 1: Unexpected non-whitespace character after JSON'],
    ['an unterminated string', '{"a": "b\n', 'line 1, column 9: Bad control character in string literal'],
    ['a byte-order mark', '\ufeff{}', 'line 1, column 1: Unexpected token'],
  ])('%s', (_, text, where) => {
    const file = write('daemon.json', text);
    const r = runCliProcess(['docker', '--base', file]);
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toContain(`error INVALID_VALUE: --base: ${JSON.stringify(file)} is not valid JSON: ${where}`);
    expect(r.stderr).toMatch(/; fix the file \(dockerd cannot read it either\), then run again\n$/);
  });

  test.each([['[]', 'holds an array, not a JSON object'], ['"x"', 'holds a string, not a JSON object'], ['null', 'holds null, not a JSON object']])('%s', (text, problem) => {
    expect(caught(() => parseDaemonJson(text, '/etc/docker/daemon.json')).message).toBe(`base: "/etc/docker/daemon.json" ${problem}; a daemon.json is one JSON object, e.g. {"log-driver": "journald"}`);
  });

  test('a prototype key in the file is refused (UNSAFE_KEY)', () => {
    const r = runCliProcess(['docker', '--base', write('daemon.json', '{"runtimes": {"__proto__": {"path": "/tmp/evil"}}}')]);
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toMatch(/^error UNSAFE_KEY: --base: runtimes\.__proto__: /);
  });

  test('an empty file is an empty daemon.json (as dockerd reads it)', () => {
    const r = runCliProcess(['docker', '--preset', 'none', '--base', write('daemon.json', '\n')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ runtimes: { runsc: { path: '/usr/local/bin/runsc' } } });
  });
});

describe('replacing an existing runtime keeps its path unless --path says otherwise, and says what changed', () => {
  const debian = '{\n  "log-driver": "journald",\n  "runtimes": {\n    "runsc": { "path": "/usr/bin/runsc", "runtimeArgs": ["--platform=ptrace"] },\n    "nvidia": { "path": "nvidia-container-runtime" }\n  }\n}\n';

  test('the path is kept (Debian installs runsc at /usr/bin/runsc)', () => {
    const r = runCliProcess(['docker', '--preset', 'none', '--network', 'none', '--base', write('daemon.json', debian)]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      'log-driver': 'journald',
      'runtimes': { runsc: { path: '/usr/bin/runsc', runtimeArgs: ['--network=none'] }, nvidia: { path: 'nvidia-container-runtime' } },
    });
    expect(r.stderr).toBe('note: replaced runtimes.runsc: {"path":"/usr/bin/runsc","runtimeArgs":["--platform=ptrace"]} -> {"path":"/usr/bin/runsc","runtimeArgs":["--network=none"]} (path kept from the base; set path (--path) to change it)\n');
  });

  test('--path replaces it, and says so', () => {
    const r = runCliProcess(['docker', '--preset', 'none', '--path', '/opt/gvisor/runsc', '--base', write('daemon.json', debian)]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).runtimes.runsc).toEqual({ path: '/opt/gvisor/runsc' });
    expect(r.stderr).toBe('note: replaced runtimes.runsc: {"path":"/usr/bin/runsc","runtimeArgs":["--platform=ptrace"]} -> {"path":"/opt/gvisor/runsc"} (path set explicitly)\n');
  });

  test('an unchanged runtime is not reported; a new one and a new default runtime are', () => {
    const same = runCliProcess(['docker', '--preset', 'none', '--base', write('a.json', '{"runtimes": {"runsc": {"path": "/usr/bin/runsc"}}}')]);
    expect([same.code, same.stderr]).toEqual([0, '']);
    const added = runCliProcess(['docker', '--preset', 'none', '--default-runtime', 'true', '--base', write('b.json', '{"default-runtime": "runc"}')]);
    expect(added.code).toBe(0);
    expect(added.stderr).toBe('note: added runtimes.runsc: {"path":"/usr/local/bin/runsc"}\nnote: set default-runtime: "runc" -> "runsc"\n');
  });

  test('a runtimeType-style entry (no path) is only replaced with an explicit path', () => {
    const base = { runtimes: { runsc: { runtimeType: 'io.containerd.runsc.v1' } } };
    expect(caught(() => renderDockerDaemonConfig({ base })).message).toBe(
      'base.runtimes.runsc: {"runtimeType":"io.containerd.runsc.v1"} exists without a "path" (a runtimeType-style runtime), so replacing it would guess where runsc is; set path (--path) to the runsc binary to replace it, or choose another runtimeName',
    );
    expect(mergeDockerDaemonConfig({ base, path: '/usr/bin/runsc' }).changes).toEqual([
      'replaced runtimes.runsc: {"runtimeType":"io.containerd.runsc.v1"} -> {"path":"/usr/bin/runsc"} (path set explicitly)',
    ]);
  });

  test('a base path that is not absolute is refused rather than carried over', () => {
    const e = caught(() => renderDockerDaemonConfig({ base: { runtimes: { runsc: { path: 'runsc' } } } }));
    expect([e.code, e.path]).toEqual(['INVALID_VALUE', 'base.runtimes.runsc.path']);
  });
});

describe("the README's Docker recipe (--base and --output the same file)", () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const block = /```sh\n(set -e\n[^`]*?npx gvisor-iac docker [^`]*?)```/.exec(readme)?.[1];

  /** Runs the recipe against `etc` instead of /etc/docker, with the built CLI and a stand-in for systemctl. */
  function runRecipe(etc: string, base: string) {
    const script = (block as string)
      .split('\n').filter((l) => !l.startsWith('docker run')).join('\n')
      .replaceAll('/etc/docker/daemon.json', path.join(etc, 'daemon.json'))
      .replace(`--base ${path.join(etc, 'daemon.json')}`, `--base ${base}`)
      .replace('npx gvisor-iac', `${JSON.stringify(process.execPath)} ${JSON.stringify(builtCli())}`)
      .replace('systemctl restart docker', 'echo restarted');
    return spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', env: { ...process.env, NODE_PATH: path.join(__dirname, '..', '..', 'node_modules') } });
  }

  test('is in the README', () => {
    expect(block).toContain('--base /etc/docker/daemon.json --output /etc/docker/daemon.json');
    expect(block).not.toContain('>');
  });

  test('replaces the file when the base is good, keeping its keys and its runsc path', () => {
    const original = write('daemon.json', '{"log-driver": "journald", "runtimes": {"runsc": {"path": "/usr/bin/runsc"}}}');
    const r = runRecipe(dir, original);
    expect([r.status, r.stdout]).toEqual([0, 'restarted\n']);
    const merged = JSON.parse(fs.readFileSync(original, 'utf8'));
    expect(merged['log-driver']).toBe('journald');
    expect(merged.runtimes.runsc.path).toBe('/usr/bin/runsc');
    expect((fs.statSync(original).mode % 0o1000).toString(8)).toBe('644');
    expect(fs.readdirSync(dir)).toEqual(['daemon.json']);
  });

  test.each([
    ['a typo in the base path', (d: string) => path.join(d, 'daemon.jsn'), 'does not exist'],
    ['a directory as the base', (d: string) => d, 'is a directory'],
    ['a malformed base', (d: string) => path.join(d, 'daemon.json'), 'is not valid JSON'],
  ])('leaves the node\'s file alone, restarts nothing and leaves no temp file on %s', (_, basePath, message) => {
    const text = '{"log-driver": "journald", "runtimes": {"runsc": {"path": "/usr/bin/runsc"}}}';
    const original = write('daemon.json', message === 'is not valid JSON' ? '{"log-driver": "journald",}' : text);
    const before = fs.readFileSync(original, 'utf8');
    const r = runRecipe(dir, basePath(dir));
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(fs.readFileSync(original, 'utf8')).toBe(before);
    expect(fs.readdirSync(dir)).toEqual(['daemon.json']);
  });
});
