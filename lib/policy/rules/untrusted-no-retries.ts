import type { Rule } from '../types';
import { jobSpecOf } from './untrusted-job';

/** UNTRUSTED-002: runs of untrusted code are not retried. */
export const UNTRUSTED_NO_RETRIES: Rule = {
  id: 'UNTRUSTED-002',
  title: 'Jobs are not retried',
  severity: 'error',
  description: 'Every Job (and CronJob\'s job template) sets `backoffLimit: 0` (Kubernetes\' default is 6): a failed run of untrusted code is reported, not run again.',
  fields: ['<job spec>.backoffLimit'],
  check: (obj) => {
    const job = jobSpecOf(obj);
    if (!job || job.spec.backoffLimit === 0) return [];
    return [{
      path: `${job.path}.backoffLimit`,
      value: job.spec.backoffLimit,
      problem: job.spec.backoffLimit === undefined ? 'is not set, so a failed run is retried 6 times' : 'retries a failed run',
      fix: 'set backoffLimit: 0',
    }];
  },
};
