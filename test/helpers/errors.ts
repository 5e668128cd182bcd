import { expectRefusal, refusal } from './refusal';
import { GvisorIacErrorCode } from '../../lib/core';

/** Runs `fn` and returns the GvisorIacError it throws (the one refusal helper, `refusal`, under its older name). */
export const caught = refusal;

/** `expectRefusal(fn, { code, field: path, message: fragment })`, with positional arguments. */
export function expectRefused(fn: () => unknown, code: string, path: string, fragment: string): void {
  expectRefusal(fn, { code: code as GvisorIacErrorCode, field: path, message: fragment });
}
