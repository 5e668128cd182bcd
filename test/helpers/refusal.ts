import { GvisorIacError, GvisorIacErrorCode } from '../../lib/core';

/** What a refusal must carry: its code, the field it names, and (optionally) text its message contains or matches. */
export interface ExpectedRefusal {
  readonly code: GvisorIacErrorCode;
  readonly field: string;
  readonly message?: string | RegExp;
}

/** Runs `fn` and returns the GvisorIacError it throws; fails if it throws nothing or anything else. */
export function refusal(fn: () => unknown): GvisorIacError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GvisorIacError) return e;
    throw new Error(`expected a GvisorIacError, got ${String(e)}`);
  }
  throw new Error('expected a GvisorIacError, nothing was thrown');
}

/** Asserts that `fn` is refused with a GvisorIacError of this code and field (and message), and returns the error. */
export function expectRefusal(fn: () => unknown, expected: ExpectedRefusal): GvisorIacError {
  const e = refusal(fn);
  expect({ code: e.code, field: e.path }).toEqual({ code: expected.code, field: expected.field });
  if (typeof expected.message === 'string') expect(e.message).toContain(expected.message);
  else if (expected.message) expect(e.message).toMatch(expected.message);
  return e;
}
