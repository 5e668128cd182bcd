import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/*
 * projen's task runner takes a command that died of a signal (killed by the
 * OOM killer or a timeout) for a success: a killed jest would pass CI. The
 * project's build and test tasks run each command under bash, which exits
 * 128+N instead (.projenrc.ts). These tests run the real projen CLI.
 */
const ROOT = path.join(__dirname, '..', '..');
const PROJEN = path.join(ROOT, 'node_modules', '.bin', 'projen');
const GUARDED = ['test', 'eslint', 'compile', 'synth', 'test:e2e', 'test:cluster', 'test:pulumi', 'api', 'api:check', 'bench'];

interface Step { exec?: string; execArgs?: string[]; spawn?: string; receiveArgs?: boolean }
const tasks = (JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf8')) as { tasks: Record<string, { steps?: Step[] }> }).tasks;
/** The wrapper, as the test task's jest step carries it: everything before `jest`. */
const jestStep = tasks.test!.steps!.find((s) => s.execArgs?.includes('jest'))!;
const wrapper = jestStep.execArgs!.slice(0, jestStep.execArgs!.indexOf('jest'));

/** Runs `projen NAME` in a scratch project whose only tasks are `tasksJson`, and returns its exit status. */
function runProjen(tasksJson: Record<string, { steps: Step[] }>, name: string, ...args: string[]): { status: number | null; stdout: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gviac-tasks-'));
  try {
    fs.mkdirSync(path.join(dir, '.projen'));
    const withNames = Object.fromEntries(Object.entries(tasksJson).map(([n, t]) => [n, { name: n, ...t }]));
    fs.writeFileSync(path.join(dir, '.projen', 'tasks.json'), JSON.stringify({ tasks: withNames }));
    const r = spawnSync(PROJEN, [name, ...args], { cwd: dir, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('build and test tasks fail when their command dies of a signal', () => {
  test('the wrapper is bash running the command and exiting with its status', () => {
    expect(wrapper).toEqual(['bash', '-c', '"$@"; exit $?', 'bash']);
  });

  test.each(['TERM', 'KILL'])('a command killed by SIG%s fails the task under projen', (sig) => {
    const die = ['sh', '-c', `kill -${sig} $$`];
    expect(runProjen({ die: { steps: [{ execArgs: [...wrapper, ...die] }] } }, 'die').status).not.toBe(0);
  });

  test('a command that succeeds, with the task\'s arguments, still succeeds', () => {
    const r = runProjen({ ok: { steps: [{ execArgs: [...wrapper, 'echo', 'ran'], receiveArgs: true }] } }, 'ok', 'with', 'args');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('ran with args');
  });

  test('a command that fails still fails', () => {
    expect(runProjen({ no: { steps: [{ execArgs: [...wrapper, 'false'] }] } }, 'no').status).not.toBe(0);
  });

  test.each(GUARDED)('every command of task %s runs under the wrapper', (name) => {
    const steps = tasks[name]?.steps ?? [];
    const commands = steps.filter((s) => s.exec !== undefined || s.execArgs !== undefined);
    expect(commands.length).toBeGreaterThan(0);
    for (const s of commands) {
      expect(s.exec).toBeUndefined();
      expect(s.execArgs!.slice(0, wrapper.length)).toEqual(wrapper);
    }
  });
});
