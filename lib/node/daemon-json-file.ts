import * as fs from 'node:fs';
import { GvisorIacError } from '../core/errors';

/** Line and column (both from 1) of character `offset` in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines[lines.length - 1] as string).length + 1 };
}

/** True when `prefix` could still grow into valid JSON (it parses, or only ends too early). */
function viablePrefix(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (e) {
    const message = (e as Error).message;
    const at = / at position (\d+)/.exec(message);
    return /Unexpected end of JSON input/.test(message) || (at !== null && Number(at[1]) >= prefix.length);
  }
}

/**
 * Where JSON.parse gave up on `text`: the offset it reports, or else the
 * length of the longest prefix that could still become valid JSON (found by
 * bisection; viability only shrinks as the prefix grows).
 */
function errorOffset(text: string, message: string): number {
  const m = / at position (\d+)/.exec(message);
  if (m) return Number(m[1]);
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (viablePrefix(text.slice(0, mid))) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Parses the text of a daemon.json. An empty (or all-whitespace) file is
 * `{}`, as dockerd reads it. Malformed JSON, or JSON that is not an object,
 * is an `INVALID_VALUE` error naming `file`, the line and the column.
 *
 * @param path how the error names the source (e.g. `--base` or `base`)
 */
export function parseDaemonJson(text: string, file: string, path = 'base'): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const { line, column } = lineAndColumn(text, errorOffset(text, message));
    const reason = message.replace(/ in JSON at position \d+.*$/s, '').replace(/, ".*" is not valid JSON$/s, '');
    throw new GvisorIacError('INVALID_VALUE', path, file, `is not valid JSON: line ${line}, column ${column}: ${reason}`, 'fix the file (dockerd cannot read it either), then run again');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GvisorIacError('INVALID_VALUE', path, file, `holds ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : `a ${typeof parsed}`}, not a JSON object`, 'a daemon.json is one JSON object, e.g. {"log-driver": "journald"}');
  }
  return parsed as Record<string, unknown>;
}

/**
 * Reads and parses the node's existing daemon.json. A path that does not
 * exist, is a directory or cannot be read is an error (never an empty
 * config: a typo must not turn into a daemon.json that drops the node's
 * settings).
 *
 * @param path how errors name the source (e.g. `--base`)
 */
export function readDaemonJsonFile(file: string, path = 'base'): Record<string, unknown> {
  let text: string;
  try {
    const st = fs.statSync(file);
    if (st.isDirectory()) {
      throw new GvisorIacError('INVALID_VALUE', path, file, 'is a directory, not a daemon.json file', `pass the file itself, e.g. ${file.replace(/\/+$/, '')}/daemon.json`);
    }
    if (!st.isFile() && !st.isFIFO()) {
      throw new GvisorIacError('INVALID_VALUE', path, file, 'is not a regular file', 'pass the daemon.json file, usually /etc/docker/daemon.json');
    }
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof GvisorIacError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new GvisorIacError('INVALID_VALUE', path, file, 'does not exist', "pass the node's existing daemon.json (usually /etc/docker/daemon.json); on a node that has none, leave the base out");
    }
    throw new GvisorIacError('INVALID_VALUE', path, file, `cannot be read (${code ?? (e as Error).message})`, 'run as a user that can read it (usually root), or pass a readable copy');
  }
  return parseDaemonJson(text, file, path);
}
