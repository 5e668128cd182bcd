import { GvisorIacError } from '../core/errors';
import { assertKnownKeys } from '../core/validation/validate';

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

/** Refuses option names these options do not have, suggesting the closest one (`plaform` → `platform`). */
export function assertKnownOptions(value: Record<string, unknown>, known: readonly string[], path = ''): void {
  assertKnownKeys(value, known, path, 'option');
}
