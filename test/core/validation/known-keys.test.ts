import { GvisorIacError, assertKnownKeys } from '../../../lib/core';

const known = ['containers', 'replicas', 'runtimeClass', 'automountServiceAccountToken', 'terminationGracePeriodSeconds'];
const fixOf = (key: string) => {
  try {
    assertKnownKeys({ [key]: 1 }, known, 'props');
  } catch (e) {
    return (e as GvisorIacError).fix;
  }
  return undefined;
};

describe('assertKnownKeys: typos are refused with the closest name', () => {
  test.each([
    ['replica', 'did you mean "replicas"?'],
    ['replicsa', 'did you mean "replicas"?'],
    ['Containers', 'did you mean "containers"?'],
    ['runtimeclass', 'did you mean "runtimeClass"?'],
    ['automountToken', 'did you mean "automountServiceAccountToken"?'],
    ['terminationGracePeriod', 'did you mean "terminationGracePeriodSeconds"?'],
    ['zzz', `known fields are ${known.join(', ')}`],
  ])('%s → %s', (key, fix) => {
    expect(fixOf(key)).toBe(fix);
  });

  test('undefined values and known keys pass; the error names path, value and code', () => {
    expect(() => assertKnownKeys({ replicas: 1, other: undefined }, known, 'props')).not.toThrow();
    expect(() => assertKnownKeys({ replica: 3 }, known, 'props')).toThrow(new GvisorIacError('UNKNOWN_FIELD', 'props.replica', 3, 'is not a known field', 'did you mean "replicas"?'));
  });
});
