import { field, list } from '../pods';
import type { PolicyObject, Rule } from '../types';

function selectsAll(selector: unknown): boolean {
  return selector !== null && typeof selector === 'object' && Object.values(selector).every((v) => v === undefined || (v !== null && typeof v === 'object' && Object.keys(v).length === 0));
}

/** True when `np` is a NetworkPolicy in `namespace` that selects every pod and allows nothing in and out. */
export function isDefaultDeny(np: PolicyObject, namespace: string): boolean {
  if (np.kind !== 'NetworkPolicy' || field(np.metadata, 'namespace') !== namespace) return false;
  const spec = np.spec;
  const types = list(spec, 'policyTypes');
  return selectsAll(field(spec, 'podSelector') ?? {}) && types.includes('Ingress') && types.includes('Egress')
    && list(spec, 'ingress').length === 0 && list(spec, 'egress').length === 0;
}

/** TENANT-002: every namespace has a default-deny NetworkPolicy. */
export const TENANCY_DEFAULT_DENY: Rule = {
  id: 'TENANT-002',
  title: 'Namespaces deny traffic by default',
  severity: 'error',
  description: 'For every Namespace in the input, the input also holds a NetworkPolicy in it that selects all pods (`podSelector: {}`), '
    + 'has both policy types and no rules: traffic in and out is denied unless another policy allows it.',
  fields: ['NetworkPolicy.spec.podSelector', 'NetworkPolicy.spec.policyTypes'],
  check: (obj, ctx) => {
    if (obj.kind !== 'Namespace') return [];
    const name = field(obj.metadata, 'name');
    return ctx.objects.some((o) => isDefaultDeny(o, name)) ? [] : [{
      path: 'metadata.name',
      value: name,
      problem: 'has no default-deny NetworkPolicy in the input',
      fix: 'add a NetworkPolicy in the namespace with podSelector: {} and policyTypes: [Ingress, Egress] and no rules',
    }];
  },
};
