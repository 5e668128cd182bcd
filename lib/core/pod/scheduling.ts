import type { Toleration } from 'kubernetes-types/core/v1';
import { GvisorIacError, fieldPath } from '../errors';
import { k8sFieldNames } from '../validation/k8s-types';
import { plainProps } from '../validation/plain-data';
import { assertArray, assertInteger, assertKnownKeys, assertLabelKey, assertLabelValue, assertOneOf, assertPlainObject } from '../validation/validate';

/** Validates a list of tolerations; returns it, or `undefined` when absent or empty. */
export function validateTolerations(value: unknown, path: string): Toleration[] | undefined {
  if (value === undefined) return undefined;
  const list = assertArray<Toleration>(value, path);
  list.forEach((t, i) => validateToleration(t, fieldPath(path, i)));
  return list.length ? list.map((t) => ({ ...t })) : undefined;
}

/** Validates one toleration (key, operator, value, effect, tolerationSeconds); returns a copy. */
export function validateToleration(tIn: Toleration, p: string): Toleration {
  const t = plainProps(tIn, p);
  assertKnownKeys(assertPlainObject(t, p), k8sFieldNames('CoreV1Toleration'), p);
  const operator = t.operator === undefined ? 'Equal' : assertOneOf(t.operator, ['Equal', 'Exists'] as const, `${p}.operator`);
  if (t.key !== undefined && t.key !== '') assertLabelKey(t.key, `${p}.key`);
  if (operator === 'Exists' && t.value) {
    throw new GvisorIacError('INVALID_VALUE', `${p}.value`, t.value, 'is set with operator "Exists"', 'drop the value, or use operator "Equal"');
  }
  if (operator === 'Equal' && t.value !== undefined) assertLabelValue(t.value, `${p}.value`);
  if (t.effect !== undefined && t.effect !== '') assertOneOf(t.effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const, `${p}.effect`);
  if (t.tolerationSeconds !== undefined) {
    assertInteger(t.tolerationSeconds, `${p}.tolerationSeconds`, 0);
    if (t.effect !== 'NoExecute') {
      throw new GvisorIacError('INVALID_VALUE', `${p}.tolerationSeconds`, t.tolerationSeconds, 'only applies to effect "NoExecute"', 'set effect: "NoExecute" or drop tolerationSeconds');
    }
  }
  return { ...t };
}
