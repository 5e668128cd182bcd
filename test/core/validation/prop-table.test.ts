import { k8sFieldNames, k8sType } from '../../../lib/core/validation/k8s-types';
import { PropTable, checkProps, keysOf, optional, propNames } from '../../../lib/core/validation/props';
import { assertInteger } from '../../../lib/core/validation/validate';
import { expectRefusal } from '../../helpers/refusal';

interface Props {
  readonly replicas?: number;
  readonly name: string;
}

const TABLE = {
  replicas: optional((v, p) => assertInteger(v, p)),
  name: () => undefined,
} satisfies PropTable<Props>;

describe('PropTable: one table gives the known keys and the validators', () => {
  test('a prop of the interface without a validator, or a validator for no prop, does not compile', () => {
    // @ts-expect-error `name` has no validator
    const missing = { replicas: optional((v, p) => assertInteger(v, p)) } satisfies PropTable<Props>;
    // @ts-expect-error `replica` is no prop of Props
    const extra = { ...TABLE, replica: () => undefined } satisfies PropTable<Props>;
    expect(propNames(missing)).toEqual(['replicas']);
    expect(propNames(extra)).toContain('replica');
  });

  test('the keys are the known keys; each validator runs on its own prop', () => {
    expect(propNames(TABLE)).toEqual(['replicas', 'name']);
    expect(checkProps({ replicas: 2, name: 'x' }, TABLE, 'props')).toEqual({ replicas: 2, name: 'x' });
    expectRefusal(() => checkProps({ replica: 2 }, TABLE, 'props'), { code: 'UNKNOWN_FIELD', field: 'props.replica', message: 'did you mean "replicas"?' });
    expectRefusal(() => checkProps({ replicas: -1 }, TABLE, 'props'), { code: 'INVALID_INTEGER', field: 'props.replicas', message: /whole number ≥ 0/ });
  });
});

describe('known keys of small records come from one typed place', () => {
  test('keysOf: a missing key or an extra one does not compile', () => {
    expect(keysOf<Props>({ replicas: true, name: true })).toEqual(['replicas', 'name']);
    // @ts-expect-error `name` is missing
    expect(keysOf<Props>({ replicas: true })).toEqual(['replicas']);
    // @ts-expect-error `replica` is no key of Props
    expect(keysOf<Props>({ replicas: true, name: true, replica: true })).toContain('replica');
  });

  test('k8sFieldNames: the field names of the generated Kubernetes type, computed once', () => {
    const names = k8sFieldNames('CoreV1Container');
    expect(names).toEqual(Object.keys(k8sType('CoreV1Container').fields));
    expect(names).toEqual(expect.arrayContaining(['name', 'image', 'securityContext', 'restartPolicy']));
    expect(k8sFieldNames('CoreV1Container')).toBe(names);
    expect(() => k8sFieldNames('CoreV1NoSuchType')).toThrow(/no Kubernetes type CoreV1NoSuchType/);
  });
});
