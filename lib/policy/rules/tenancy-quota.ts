import { field } from '../pods';
import type { Rule } from '../types';

/** TENANT-003: every namespace has a ResourceQuota. */
export const TENANCY_QUOTA: Rule = {
  id: 'TENANT-003',
  title: 'Namespaces have a ResourceQuota',
  severity: 'error',
  description: 'For every Namespace in the input, the input also holds a ResourceQuota in it with a non-empty `spec.hard`, '
    + 'so one tenant cannot take the cluster\'s capacity.',
  fields: ['ResourceQuota.spec.hard'],
  check: (obj, ctx) => {
    if (obj.kind !== 'Namespace') return [];
    const name = field(obj.metadata, 'name');
    const has = ctx.objects.some((o) => o.kind === 'ResourceQuota' && field(o.metadata, 'namespace') === name && Object.keys(field(o.spec, 'hard') ?? {}).length > 0);
    return has ? [] : [{
      path: 'metadata.name',
      value: name,
      problem: 'has no ResourceQuota in the input',
      fix: 'add a ResourceQuota in the namespace that limits cpu, memory and pods',
    }];
  },
};
