import { field } from '../pods';
import type { Rule } from '../types';
import { jobSpecOf } from './untrusted-job';

/** UNTRUSTED-001: runs of untrusted code have a deadline. */
export const UNTRUSTED_DEADLINE: Rule = {
  id: 'UNTRUSTED-001',
  title: 'Jobs have a deadline',
  severity: 'error',
  description: 'Every Job (and CronJob\'s job template) sets `activeDeadlineSeconds` on the Job or its pod template, so code that never ends is stopped.',
  fields: ['<job spec>.activeDeadlineSeconds', '<pod spec>.activeDeadlineSeconds'],
  check: (obj) => {
    const job = jobSpecOf(obj);
    if (!job) return [];
    const podDeadline = field(field(field(job.spec, 'template'), 'spec'), 'activeDeadlineSeconds');
    return typeof job.spec.activeDeadlineSeconds === 'number' || typeof podDeadline === 'number' ? [] : [{
      path: `${job.path}.activeDeadlineSeconds`,
      value: job.spec.activeDeadlineSeconds,
      problem: 'is not set, so a run may last for ever',
      fix: 'set activeDeadlineSeconds (UntrustedCodeSandbox uses 300)',
    }];
  },
};
