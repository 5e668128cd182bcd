import fc from 'fast-check';
import { GvisorIacError, formatCpu, formatMemory, parseQuantity } from '../../../lib/core';

describe('parseQuantity', () => {
  test.each([
    ['100m', 'cpu', 0.1],
    ['1', 'cpu', 1],
    ['1.5', 'cpu', 1.5],
    ['2e3', 'count', 2000],
    ['160Mi', 'memory', 160 * 2 ** 20],
    ['1Gi', 'memory', 2 ** 30],
    ['1G', 'memory', 1e9],
    ['512Ki', 'storage', 512 * 1024],
    [3, 'cpu', 3],
  ] as const)('%s (%s) = %d', (q, kind, n) => {
    expect(parseQuantity(q, 'x', kind)).toBeCloseTo(n, 9);
  });

  test.each([
    ['lots', 'cpu', 'is not a Kubernetes quantity'],
    ['-1', 'cpu', 'is negative'],
    ['1 Gi', 'memory', 'is not a Kubernetes quantity'],
    ['128m', 'memory', 'means 0.128 bytes'],
    ['1.5', 'count', 'is not a whole number'],
    [true, 'cpu', 'is not a Kubernetes quantity'],
  ] as const)('refuses %j as %s', (q, kind, problem) => {
    expect(() => parseQuantity(q, 'limits.x', kind)).toThrow(GvisorIacError);
    expect(() => parseQuantity(q, 'limits.x', kind)).toThrow(problem);
  });

  test('the memory "m" mistake suggests Mi', () => {
    expect(() => parseQuantity('128m', 'm', 'memory')).toThrow('m: "128m" means 0.128 bytes (the "m" suffix is milli/micro/nano, not mega); write "128Mi" for mebibytes');
  });

  test('formatCpu rounds float noise away, never up a whole millicore (the quota fix names it)', () => {
    expect(formatCpu(0.1 + 0.2)).toBe('300m');
    expect(formatCpu(0.5 + 0.1)).toBe('600m');
    expect(formatCpu(1.1)).toBe('1100m');
    expect(formatCpu(2)).toBe('2');
  });

  test('formatCpu / formatMemory round-trip through parseQuantity', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 64_000 }), (milli) => {
      expect(parseQuantity(formatCpu(milli / 1000), '', 'cpu')).toBeCloseTo(milli / 1000, 9);
    }));
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 40 }), (bytes) => {
      expect(parseQuantity(formatMemory(bytes), '', 'memory')).toBe(bytes);
    }));
    expect(formatCpu(0.26)).toBe('260m');
    expect(formatMemory(288 * 2 ** 20)).toBe('288Mi');
  });
});
