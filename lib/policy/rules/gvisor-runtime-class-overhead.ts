import { field } from '../pods';
import type { Rule } from '../types';

/** GVISOR-003: a RuntimeClass declares the sandbox's per-pod overhead. */
export const GVISOR_RUNTIME_CLASS_OVERHEAD: Rule = {
  id: 'GVISOR-003',
  title: 'RuntimeClasses declare the sandbox overhead',
  severity: 'warning',
  description: 'A RuntimeClass in the input sets `overhead.podFixed.cpu` and `overhead.podFixed.memory`. Each gVisor pod runs a Sentry and a Gofer '
    + 'besides its containers; without the overhead the scheduler and ResourceQuotas undercount every pod.',
  fields: ['overhead.podFixed.cpu', 'overhead.podFixed.memory'],
  check: (obj) => {
    if (obj.kind !== 'RuntimeClass') return [];
    const podFixed = field(obj.overhead, 'podFixed');
    return ['cpu', 'memory'].filter((k) => field(podFixed, k) === undefined).map((k) => ({
      path: `overhead.podFixed.${k}`,
      value: undefined,
      problem: 'is not set, so the sandbox\'s own usage is not accounted to its pods',
      fix: `set overhead.podFixed.${k} (gvisor-iac's default: cpu "100m", memory "160Mi")`,
    }));
  },
};
