import { GvisorIacError } from '../core/errors';

/**
 * Asserts an absolute filesystem path: starts with `/`, no NUL or newline, no
 * `..` segment. Node files are read by daemons that resolve relative paths
 * against whatever their working directory happens to be, so relative paths
 * are refused everywhere.
 */
export function assertAbsolutePath(value: unknown, path: string, example = '/etc/containerd/runsc.toml'): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new GvisorIacError(value === undefined || value === '' ? 'REQUIRED' : 'INVALID_TYPE', path, value, 'is not a path', `use an absolute path such as "${example}"`);
  }
  if (!value.startsWith('/')) {
    throw new GvisorIacError('INVALID_VALUE', path, value, 'is a relative path; the daemon would resolve it against its own working directory', `use an absolute path such as "/${value.replace(/^\.\/+/, '')}"`);
  }
  if (/[\0\n\r]/.test(value)) {
    throw new GvisorIacError('INVALID_VALUE', path, value, 'contains a NUL or newline character', 'use a plain absolute path');
  }
  if (value.split('/').includes('..')) {
    throw new GvisorIacError('INVALID_VALUE', path, value, "contains a '..' segment", 'use the resolved absolute path');
  }
  return value;
}

/** Asserts a list of non-empty strings without NUL or newline characters. */
export function assertStringList(value: unknown, path: string, what: string): string[] {
  if (!Array.isArray(value)) {
    throw new GvisorIacError('INVALID_TYPE', path, value, 'is not an array', `pass a list of ${what} for ${path}`);
  }
  value.forEach((item, i) => {
    if (typeof item !== 'string' || item.length === 0 || /[\0\n\r]/.test(item)) {
      throw new GvisorIacError('INVALID_TYPE', `${path}[${i}]`, item, `is not ${what}`, 'use a non-empty string without newlines');
    }
  });
  return value as string[];
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] as number;
}

/**
 * Refuses option names that are not in `known` (`UNKNOWN_FIELD`), suggesting
 * the closest known name: a JavaScript caller's typo (`plaform`) must not be
 * ignored.
 */
export function assertKnownOptions(value: Record<string, unknown>, known: readonly string[], path = ''): void {
  for (const key of Object.keys(value)) {
    if (value[key] === undefined || known.includes(key)) continue;
    const ranked = known.map((k) => ({ k, d: editDistance(key.toLowerCase(), k.toLowerCase()) })).sort((x, y) => x.d - y.d);
    const best = ranked[0];
    const p = path ? `${path}.${key}` : key;
    const prefix = (k: string) => { let i = 0; while (i < k.length && k[i]?.toLowerCase() === key[i]?.toLowerCase()) i++; return i; };
    const byPrefix = [...known].sort((x, y) => prefix(y) - prefix(x))[0];
    const close = best && best.d <= Math.max(2, Math.floor(key.length / 3)) ? best.k : byPrefix && prefix(byPrefix) >= 5 ? byPrefix : undefined;
    const fix = close ? `did you mean "${close}"?` : `known options are ${known.join(', ')}`;
    throw new GvisorIacError('UNKNOWN_FIELD', p, value[key], 'is not a known option', fix);
  }
}
