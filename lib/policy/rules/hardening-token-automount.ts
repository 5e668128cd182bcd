import { podRule } from '../pods';

/** HARD-002: no service-account token in the pod. */
export const HARDENING_TOKEN_AUTOMOUNT = podRule({
  id: 'HARD-002',
  title: 'No service-account token automount',
  severity: 'warning',
  description: 'The pod sets `automountServiceAccountToken: false`: code in a sandbox gets no credentials for the API server unless it needs them '
    + '(then suppress with the reason).',
  fields: ['<pod spec>.automountServiceAccountToken'],
  checkPod: (pod) => (pod.spec.automountServiceAccountToken === false ? [] : [{
    path: `${pod.path}.automountServiceAccountToken`,
    value: pod.spec.automountServiceAccountToken,
    problem: 'is not false, so the pod receives an API token',
    fix: 'set automountServiceAccountToken: false',
  }]),
});
