// Issue 9, class 7 against the real runsc: what gvisor-iac refuses in extraFlags, the installed
// runsc would accept (a deprecated alias that loosens a typed option) or misread (a typo, a value
// flag without its value), so the refusal is the only thing in the way.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeWith, findBinary, installedRunscRelease, run, tempDir } from './helpers';
import { GvisorIacError, RunscRelease, runscFlags } from '../../lib';

describeWith(['runsc', 'unshare'], 'real runsc and the extraFlags gvisor-iac refuses', () => {
  const runsc = findBinary('runsc') as string;
  const unshare = findBinary('unshare') as string;
  let release: RunscRelease;
  let dir: string;

  beforeAll(() => {
    release = installedRunscRelease(runsc) as RunscRelease;
    dir = tempDir('extra-flags');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function runscDo(flags: string[], ...command: string[]) {
    const root = fs.mkdtempSync(path.join(dir, 'root-'));
    return run(unshare, ['--net', runsc, `--root=${root}`, '--network=none', ...flags, 'do', ...command], { timeoutMs: 60_000 });
  }

  const refusal = (flag: string): GvisorIacError => {
    try {
      runscFlags({ runscRelease: release, extraFlags: [flag], onWarning: () => undefined });
    } catch (e) {
      if (e instanceof GvisorIacError) return e;
      throw e;
    }
    throw new Error(`${flag} was not refused`);
  };

  test('a deprecated alias of a typed option: --fsgofer-host-uds reopens host Unix sockets behind --host-uds=none; gvisor-iac refuses it', async () => {
    // A host process listens on a Unix socket; sandboxed node tries to read from it.
    const sock = path.join(dir, 'host.sock');
    const server = spawn(process.execPath, ['-e', `require('node:net').createServer((c) => c.end('hello-from-host')).listen(${JSON.stringify(sock)})`], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 100 && !fs.existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
      const client = `require('node:net').connect(${JSON.stringify(sock)}).on('data', (d) => process.stdout.write(d)).on('error', (e) => { console.error(e.code); process.exit(3); })`;
      const closed = runscDo(['--host-uds=none'], process.execPath, '-e', client);
      expect(closed.status).not.toBe(0);
      expect(closed.stdout).toBe('');
      const reopened = runscDo(['--host-uds=none', '--fsgofer-host-uds'], process.execPath, '-e', client);
      expect([reopened.status, reopened.stdout]).toEqual([0, 'hello-from-host']);
    } finally {
      server.kill();
    }
    expect(refusal('--fsgofer-host-uds').message).toContain('is a deprecated alias of --host-uds');
  });

  test('the deprecated --overlay is honoured by runsc too', () => {
    expect(runscDo(['--overlay'], '/bin/true').status).toBe(0);
    expect(refusal('--overlay').message).toContain('is a deprecated alias of --overlay2');
  });

  test('a typo: runsc fails only when the container starts; gvisor-iac refuses it before anything is written', () => {
    const r = runscDo(['--netwrok=host'], '/bin/true');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('flag provided but not defined: -netwrok');
    expect(refusal('--netwrok=host').message).toContain('did you mean --network?');
  });

  test('a value flag without its value swallows the next argument (here the subcommand)', () => {
    const r = runscDo(['--debug-command'], '/bin/true');
    expect(r.status).not.toBe(0);
    expect(refusal('--debug-command').message).toContain('has no value, but --debug-command takes one');
  });
});
