import { PropTable, checkProps, optional, propNames } from '../../../lib/core/validation/props';
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
