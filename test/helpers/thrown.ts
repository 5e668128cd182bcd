/** Runs `f` and returns what it throws (fails the test if it does not throw). */
export function thrown(f: () => unknown): any {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}
