import { field } from '../pods';
import type { Rule } from '../types';

/** The Namespace labels that make the API server enforce Pod Security "restricted". */
export const POD_SECURITY_ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/** TENANT-001: tenant namespaces enforce Pod Security "restricted". */
export const TENANCY_POD_SECURITY_LABELS: Rule = {
  id: 'TENANT-001',
  title: 'Namespaces enforce Pod Security "restricted"',
  severity: 'error',
  description: 'Every Namespace in the input carries `pod-security.kubernetes.io/enforce: restricted`, so the API server refuses pods that break the profile '
    + 'whoever creates them.',
  fields: [`metadata.labels["${POD_SECURITY_ENFORCE_LABEL}"]`],
  check: (obj) => {
    if (obj.kind !== 'Namespace') return [];
    const v = field(field(obj.metadata, 'labels'), POD_SECURITY_ENFORCE_LABEL);
    return v === 'restricted' ? [] : [{
      path: `metadata.labels["${POD_SECURITY_ENFORCE_LABEL}"]`,
      value: v,
      problem: 'is not "restricted"',
      fix: `label the namespace ${POD_SECURITY_ENFORCE_LABEL}: restricted`,
    }];
  },
};
