// Shared plumbing for the real-runtime e2e suite: prerequisites, temp dirs,
// processes, a busybox rootfs and an OCI image built from busybox-static.
import { ChildProcess, spawn, spawnSync, SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** CI sets GVISOR_IAC_E2E=1: then a missing prerequisite is a failure, not a skip. */
export const E2E_REQUIRED = process.env.GVISOR_IAC_E2E === '1';

/** Absolute path of `name`, preferring Debian's own package paths (e.g. /usr/bin/docker over a /usr/local/bin one). */
export function findBinary(name: string): string | undefined {
  for (const dir of ['/usr/bin', '/usr/sbin', '/bin', '/sbin', ...(process.env.PATH ?? '').split(':')]) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Names of missing prerequisites: binaries not found, or not running as root. */
export function missingPrerequisites(binaries: string[]): string[] {
  const missing = binaries.filter((b) => findBinary(b) === undefined);
  if (process.getuid?.() !== 0) missing.push('root (uid 0)');
  return missing;
}

/**
 * `describe` when the prerequisites are there; otherwise a failing test when
 * GVISOR_IAC_E2E=1, or a skipped block (with a message) when it is not.
 */
export function describeWith(binaries: string[], title: string, body: () => void): void {
  const missing = missingPrerequisites(binaries);
  if (missing.length === 0) {
    describe(title, body);
  } else if (E2E_REQUIRED) {
    describe(title, () => {
      test('prerequisites', () => {
        throw new Error(`GVISOR_IAC_E2E=1 but missing: ${missing.join(', ')} (see .ci/run for the packages)`);
      });
    });
  } else {
    // eslint-disable-next-line no-console
    console.warn(`skipping "${title}": missing ${missing.join(', ')}; set GVISOR_IAC_E2E=1 to make this a failure`);
    describe.skip(title, body);
  }
}

/** A fresh temp dir under the OS temp dir; removed by `cleanup`. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `gvisor-iac-e2e-${prefix}-`));
}

/** Runs a command to completion (no shell). */
export interface RunOptions { timeoutMs?: number; input?: string; env?: NodeJS.ProcessEnv; cwd?: string }
export function run(cmd: string, args: string[], opts: RunOptions = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000, input: opts.input, env: opts.env ?? process.env, cwd: opts.cwd, killSignal: 'SIGKILL' });
}

/** Runs a command and throws with its output unless it exits 0. */
export function mustRun(cmd: string, args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {}): string {
  const r = run(cmd, args, opts);
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.error ?? ''}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
  return r.stdout;
}

/** A long-running daemon with its output captured to a log file. */
export interface Daemon {
  readonly proc: ChildProcess;
  readonly logFile: string;
  log(): string;
  stop(): Promise<void>;
}

/** Starts a daemon in its own process group (so that `stop` also ends its children). */
export function startDaemon(cmd: string, args: string[], logFile: string): Daemon {
  const out = fs.openSync(logFile, 'a');
  const proc = spawn(cmd, args, { stdio: ['ignore', out, out], detached: true });
  fs.closeSync(out);
  let exited = false;
  proc.on('exit', () => { exited = true; });
  return {
    proc,
    logFile,
    log: () => fs.readFileSync(logFile, 'utf8'),
    stop: async () => {
      if (exited || proc.pid === undefined) return;
      try { process.kill(-proc.pid, 'SIGTERM'); } catch { return; }
      for (let i = 0; i < 100 && !exited; i++) await sleep(100);
      if (!exited) {
        try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ }
        for (let i = 0; i < 50 && !exited; i++) await sleep(100);
      }
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 30_000, describeFailure: () => string = () => ''): Promise<void> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (check()) return;
    await sleep(200);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${describeFailure()}`);
}

const BUSYBOX_APPLETS = ['sh', 'echo', 'id', 'uname', 'dmesg', 'touch', 'cat', 'true', 'ls', 'sleep', 'grep', 'mkdir', 'rm'];

/** Writes a minimal root filesystem made of busybox-static into `dir`. */
export function buildBusyboxRootfs(dir: string): void {
  const busybox = findBinary('busybox');
  if (!busybox) throw new Error('busybox (busybox-static) not found');
  for (const d of ['bin', 'etc', 'tmp', 'proc', 'sys', 'dev', 'root']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  fs.chmodSync(path.join(dir, 'tmp'), 0o1777);
  fs.copyFileSync(busybox, path.join(dir, 'bin', 'busybox'));
  fs.chmodSync(path.join(dir, 'bin', 'busybox'), 0o755);
  for (const applet of BUSYBOX_APPLETS) fs.symlinkSync('busybox', path.join(dir, 'bin', applet));
  fs.writeFileSync(path.join(dir, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nsandbox:x:1000:1000:sandbox:/tmp:/bin/sh\n');
  fs.writeFileSync(path.join(dir, 'etc', 'group'), 'root:x:0:\nsandbox:x:1000:\n');
}

/** Tars `dir`'s contents (numeric root ownership) into `tarFile`. */
export function tarDirectory(dir: string, tarFile: string): void {
  mustRun('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', dir, '-cf', tarFile, '.']);
}

function writeBlob(layout: string, data: Buffer): { digest: string; size: number } {
  const hex = createHash('sha256').update(data).digest('hex');
  fs.writeFileSync(path.join(layout, 'blobs', 'sha256', hex), data);
  return { digest: `sha256:${hex}`, size: data.length };
}

/**
 * Builds an OCI image archive (an `oci-layout` tar that `ctr images import`
 * reads) with one uncompressed layer holding `rootfsDir`, named `imageName`.
 * No registry involved.
 */
export function buildOciImageArchive(rootfsDir: string, workDir: string, imageName: string): string {
  const layout = path.join(workDir, 'oci-layout');
  fs.mkdirSync(path.join(layout, 'blobs', 'sha256'), { recursive: true });
  const layerTar = path.join(workDir, 'layer.tar');
  tarDirectory(rootfsDir, layerTar);
  const layer = writeBlob(layout, fs.readFileSync(layerTar));
  const config = writeBlob(layout, Buffer.from(JSON.stringify({
    architecture: process.arch === 'arm64' ? 'arm64' : 'amd64',
    os: 'linux',
    config: { Cmd: ['/bin/sh'], Env: ['PATH=/bin'] },
    rootfs: { type: 'layers', diff_ids: [layer.digest] },
  })));
  const manifest = writeBlob(layout, Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
  })));
  fs.writeFileSync(path.join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  fs.writeFileSync(path.join(layout, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      ...manifest,
      annotations: { 'io.containerd.image.name': imageName, 'org.opencontainers.image.ref.name': imageName.split(':').pop() },
    }],
  }));
  const archive = path.join(workDir, 'image.tar');
  tarDirectory(layout, archive);
  return archive;
}

/** The runsc release of the installed binary (`0.0~20221219.0` → `release-20221219.0`). */
export function installedRunscRelease(runsc: string): string {
  const out = mustRun(runsc, ['--version']);
  const m = /version (?:release-|0\.0~)?(\d{8}\.\d+)/.exec(out);
  if (!m) throw new Error(`cannot read the runsc release from: ${out}`);
  return `release-${m[1]}`;
}
