#!/usr/bin/env node
// The diff program for `kubectl diff` (KUBECTL_EXTERNAL_DIFF) in the apply
// suite. kubectl reads each live object, then asks the server for the result
// of a dry-run apply, and hands this program the two directories. It compares
// them as `diff -u -N` would, after dropping what nobody's manifest owns and
// the kubelet and controllers keep writing: `status`, and the
// `metadata.resourceVersion` such a write bumps. A pod that starts between
// kubectl's read and its dry run otherwise shows up as a change (seen in CI:
// `+ startTime: …`). Every other field is compared.
// Exit status as diff's: 0 the same, 1 different, 2 trouble.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const YAML = require('yaml');

const [live, merged] = process.argv.slice(2);
if (!live || !merged) {
  process.stderr.write('usage: diff-spec.cjs LIVE_DIR MERGED_DIR\n');
  process.exit(2);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gvisor-iac-diff-'));
function strip(dir, label) {
  const out = path.join(work, label);
  fs.mkdirSync(out);
  for (const name of fs.readdirSync(dir)) {
    const object = YAML.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
    if (object && typeof object === 'object') {
      delete object.status;
      if (object.metadata) delete object.metadata.resourceVersion;
    }
    fs.writeFileSync(path.join(out, name), object == null ? '' : YAML.stringify(object));
  }
  return out;
}

try {
  const r = spawnSync('diff', ['-u', '-N', strip(live, 'live'), strip(merged, 'merged')], { stdio: 'inherit' });
  process.exitCode = r.status ?? 2;
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
