// Issue 9, class 7: containerd passes pod annotations whose key matches a pod_annotations glob with Go's path.Match.
// gvisor-iac reimplements path.Match and checks it against the Go toolchain's own, when one is installed.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { GoBadPatternError, goPathMatch, goPatternCanMatchPrefix, isValidGoPattern } from '../../lib/node';

type Verdict = boolean | 'bad-pattern';
const ours = (pattern: string, name: string): Verdict => {
  try {
    return goPathMatch(pattern, name);
  } catch (e) {
    if (e instanceof GoBadPatternError) return 'bad-pattern';
    throw e;
  }
};

// Expected verdicts as Go documents and implements them.
const TABLE: Array<[string, string, Verdict]> = [
  ['abc', 'abc', true], ['*', 'abc', true], ['*c', 'abc', true], ['a*', 'a', true], ['a*', 'abc', true], ['a*', 'ab/c', false],
  ['a*/b', 'abc/b', true], ['a*/b', 'a/c/b', false], ['a*b*c*d*e*/f', 'axbxcxdxe/f', true], ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false], ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false], ['a*b?c*x', 'abxbbxdbxebxczzx', true],
  ['a*b?c*x', 'abxbbxdbxebxczzy', false], ['ab[c]', 'abc', true], ['ab[b-d]', 'abc', true], ['ab[e-g]', 'abc', false],
  ['ab[^c]', 'abc', false], ['ab[^b-d]', 'abc', false], ['ab[^e-g]', 'abc', true], ['a\\*b', 'a*b', true], ['a\\*b', 'ab', false],
  ['a?b', 'a☺b', true], ['a[^a]b', 'a☺b', true], ['a???b', 'a☺b', false], ['a[^a][^a][^a]b', 'a☺b', false], ['[a-ζ]*', 'α', true],
  ['*[a-ζ]', 'A', false], ['a?b', 'a/b', false], ['a*b', 'a/b', false], ['[\\]a]', ']', true], ['[\\-]', '-', true], ['[x\\-]', 'x', true],
  ['[x\\-]', '-', true], ['[x\\-]', 'z', false], ['[\\-x]', 'x', true], ['[\\-x]', 'a', false], ['[]a]', ']', 'bad-pattern'],
  ['[-]', '-', 'bad-pattern'], ['[x-]', 'x', 'bad-pattern'], ['[x-]', 'z', 'bad-pattern'], ['[-x]', 'a', 'bad-pattern'], ['\\', 'a', 'bad-pattern'],
  ['[a-b-c]', 'a', 'bad-pattern'], ['[', 'a', 'bad-pattern'], ['[^', 'a', 'bad-pattern'], ['[^bc', 'a', 'bad-pattern'], ['a[', 'a', 'bad-pattern'],
  ['a[', 'ab', 'bad-pattern'], ['a[', 'x', 'bad-pattern'], ['a/', 'a', false], ['*x', 'xxx', true], ['a[/]b', 'a/b', true],
];

describe('goPathMatch follows Go path.Match', () => {
  test.each<[string, string, Verdict]>(TABLE)('Match(%j, %j) = %j', (pattern, name, verdict) => {
    expect(ours(pattern, name)).toBe(verdict);
    expect(isValidGoPattern(pattern)).toBe(verdict !== 'bad-pattern');
  });

  // Patterns and names over a small alphabet, so that matches are frequent.
  const patternChar = fc.constantFrom('a', 'b', '.', '/', '*', '?', '[', ']', '^', '-', '\\', 'é', 'd', 'v');
  const nameChar = fc.constantFrom('a', 'b', '.', '/', '-', ']', '^', 'é', 'd', 'v', '*');
  const patterns = fc.array(patternChar, { maxLength: 10 }).map((cs) => cs.join(''));
  const names = fc.array(nameChar, { maxLength: 10 }).map((cs) => cs.join(''));

  test('property: a literal pattern (every character escaped) matches exactly itself', () => {
    fc.assert(fc.property(names, names, (a, b) => {
      const literal = [...a].map((c) => `\\${c}`).join('');
      expect(goPathMatch(literal, b)).toBe(a === b);
    }));
  });

  test('property: "*" never crosses a "/", and "?"/"*" patterns agree with the equivalent regular expression', () => {
    const simple = fc.array(fc.constantFrom('a', 'b', '/', '*', '?'), { maxLength: 8 }).map((cs) => cs.join(''));
    fc.assert(fc.property(simple, names, (pattern, name) => {
      const re = new RegExp(`^${[...pattern].map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.]/g, '\\.'))).join('')}$`, 'u');
      expect(goPathMatch(pattern, name)).toBe(re.test(name));
    }));
  });

  test('property: whenever a dev.gvisor. key matches, goPatternCanMatchPrefix says so (the warning errs only towards yes)', () => {
    const key = fc.array(nameChar, { maxLength: 8 }).map((cs) => `dev.gvisor.${cs.join('')}`);
    fc.assert(fc.property(patterns.filter(isValidGoPattern), key, (pattern, name) => {
      if (goPathMatch(pattern, name)) expect(goPatternCanMatchPrefix(pattern, 'dev.gvisor.')).toBe(true);
    }), { numRuns: 2000 });
  });

  // The Go toolchain is the reference. CI machines that build the cluster have it; elsewhere this part is skipped.
  const go = ['/usr/local/go/bin/go', 'go'].find((g) => spawnSync(g, ['version'], { encoding: 'utf8' }).status === 0);
  (go ? test : test.skip)('property: the same verdict as the Go toolchain\'s path.Match on 3000 random pairs and the table\'s cross product', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gvisor-iac-go-oracle-'));
    try {
      const oracle = path.join(dir, 'path-match');
      const build = spawnSync(go as string, ['build', '-o', oracle, path.join(__dirname, 'go-oracle', 'path_match.go')], {
        encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod', GO111MODULE: 'on', CGO_ENABLED: '0' }, cwd: dir, timeout: 300_000,
      });
      expect(build.stderr).toBe('');
      // Random pairs, and every pattern of the table against every name of it.
      const cross = TABLE.flatMap(([p]) => TABLE.map(([, n]) => [p, n] as [string, string]));
      const pairs = [...fc.sample(fc.tuple(patterns, names), { numRuns: 3000, seed: 9 }), ...cross];
      const input = pairs.map((p) => JSON.stringify(p)).join('\n') + '\n';
      const run = spawnSync(oracle, [], { input, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
      const verdicts = run.stdout.trim().split('\n').map((v) => (v === 'bad-pattern' ? v : v === 'true'));
      expect(verdicts).toHaveLength(pairs.length);
      const mismatches = pairs.map(([p, n], i) => ({ p, n, go: verdicts[i], ours: ours(p, n) })).filter((m) => m.go !== m.ours);
      expect(mismatches).toEqual([]);
      // Not vacuous: the sample holds matches, non-matches and malformed patterns.
      expect(new Set(verdicts)).toEqual(new Set([true, false, 'bad-pattern']));
      expect(verdicts.filter((v) => v === true).length).toBeGreaterThan(100);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
