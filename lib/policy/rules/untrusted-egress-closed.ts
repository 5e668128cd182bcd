import { field, list, podOf } from '../pods';
import type { PolicyObject, Rule } from '../types';

/** True when a NetworkPolicy's podSelector selects pods with `labels` (matchExpressions are not evaluated: such a selector does not count). */
function selects(selector: unknown, labels: Record<string, unknown>): boolean {
  if (selector === undefined || selector === null) return true;
  if (list(selector, 'matchExpressions').length > 0) return false;
  const match = field(selector, 'matchLabels') ?? {};
  return Object.entries(match).every(([k, v]) => labels[k] === v);
}

/** True when an egress rule lets traffic out to anywhere (no `to`, or an ipBlock of a whole address family). */
function opensEverything(rule: unknown): boolean {
  const to = list(rule, 'to');
  if (to.length === 0) return true;
  return to.some((peer) => {
    const cidr = field(field(peer, 'ipBlock'), 'cidr');
    return (cidr === '0.0.0.0/0' || cidr === '::/0') && list(field(peer, 'ipBlock'), 'except').length === 0;
  });
}

/** UNTRUSTED-003: egress of untrusted runs is closed by a NetworkPolicy. */
export const UNTRUSTED_EGRESS_CLOSED: Rule = {
  id: 'UNTRUSTED-003',
  title: 'Egress is closed',
  severity: 'error',
  description: 'For every Job and CronJob, the input holds a NetworkPolicy in its namespace that selects its pods with policy type `Egress`, '
    + 'and no policy selecting them allows egress to everywhere (an egress rule without `to`, or an ipBlock of 0.0.0.0/0 or ::/0 without exceptions).',
  fields: ['NetworkPolicy.spec.podSelector', 'NetworkPolicy.spec.policyTypes', 'NetworkPolicy.spec.egress'],
  check: (obj, ctx) => {
    if (obj.kind !== 'Job' && obj.kind !== 'CronJob') return [];
    const pod = podOf(obj)!;
    const labels = field(pod.metadata, 'labels') ?? {};
    const ns = field(obj.metadata, 'namespace');
    const policies = ctx.objects.filter((o: PolicyObject) => o.kind === 'NetworkPolicy' && field(o.metadata, 'namespace') === ns
      && list(o.spec, 'policyTypes').includes('Egress') && selects(field(o.spec, 'podSelector'), labels));
    if (policies.length === 0) {
      return [{ path: `${pod.metadataPath}.labels`, value: labels, problem: 'are selected by no NetworkPolicy with policy type Egress', fix: 'add a NetworkPolicy selecting these labels with policyTypes: [Egress] (and no egress rules)' }];
    }
    const open = policies.find((p) => list(p.spec, 'egress').some(opensEverything));
    return open ? [{
      path: `${pod.metadataPath}.labels`,
      value: labels,
      problem: `are selected by NetworkPolicy ${String(field(open.metadata, 'name'))}, which allows egress to everywhere`,
      fix: 'allow only the destinations the run needs',
    }] : [];
  },
};
