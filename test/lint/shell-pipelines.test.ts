import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/*
 * Under `set -o pipefail` a pipeline whose last command stops reading early
 * (`grep -q`, `grep -m`, `head`) fails whenever the writer is still writing:
 * it dies of SIGPIPE and the pipeline reports 141. `etcd --version | grep -q`
 * failed a CI build so though the binary printed the right version, and
 * `ss … | grep -q .` can call a port in use free. The scripts that build and
 * run the test cluster and CI read to the end (`grep … >/dev/null`, `sed -n 1p`).
 */
const ROOT = path.join(__dirname, '..', '..');
const EARLY_EXIT = /\|\s*(grep\s+(-[A-Za-z]*[qm][A-Za-z]*\b|--quiet|--silent|--max-count)|head\b)/;

function shellScripts(): string[] {
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  return tracked.filter((f) => {
    if (f.endsWith('.sh')) return true;
    if (f.includes('.') && !f.startsWith('.ci/')) return false;
    const full = path.join(ROOT, f);
    return fs.statSync(full).isFile() && /^#!.*\b(ba)?sh\b/.test(fs.readFileSync(full, 'utf8').split('\n', 1)[0] ?? '');
  });
}

describe('shell pipelines under pipefail', () => {
  test('an early-exiting reader fails the pipeline (why the rule exists)', () => {
    const r = spawnSync('bash', ['-c', 'set -o pipefail; seq 1 1000000 | grep -q 1'], { encoding: 'utf8' });
    expect(r.status).toBe(141);
    expect(spawnSync('bash', ['-c', 'set -o pipefail; seq 1 1000000 | grep 1 >/dev/null'], { encoding: 'utf8' }).status).toBe(0);
  });

  test('the project\'s scripts are found (.ci/run and the cluster scripts among them)', () => {
    const scripts = shellScripts();
    expect(scripts).toEqual(expect.arrayContaining(['.ci/run', 'test/cluster/up.sh', 'test/cluster/build/etcd.sh']));
  });

  test('no script with pipefail pipes into grep -q/-m or head', () => {
    const hits: string[] = [];
    for (const f of shellScripts()) {
      const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
      if (!/pipefail/.test(text)) continue;
      text.split('\n').forEach((line, i) => {
        if (!line.trimStart().startsWith('#') && EARLY_EXIT.test(line)) hits.push(`${f}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(hits).toEqual([]);
  });
});
