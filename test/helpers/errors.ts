import { GvisorIacError } from '../../lib/core';

/** Runs `fn` and returns the GvisorIacError it throws; fails if it throws nothing or anything else. */
export function caught(fn: () => unknown): GvisorIacError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GvisorIacError) return e;
    throw new Error(`expected a GvisorIacError, got ${String(e)}`);
  }
  throw new Error('expected a GvisorIacError, nothing was thrown');
}

/** Asserts that `fn` throws a GvisorIacError with this code and path whose message contains `fragment`. */
export function expectRefused(fn: () => unknown, code: string, path: string, fragment: string): void {
  const e = caught(fn);
  expect(e.code).toBe(code);
  expect(e.path).toBe(path);
  expect(e.message).toContain(fragment);
}
