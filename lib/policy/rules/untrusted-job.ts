import { field } from '../pods';
import type { PolicyObject } from '../types';

/** The Job spec of a Job or CronJob and its path, or undefined for other kinds. */
export function jobSpecOf(obj: PolicyObject): { spec: Record<string, any>; path: string } | undefined {
  if (obj.kind === 'Job') return { spec: field(obj, 'spec') ?? {}, path: 'spec' };
  if (obj.kind === 'CronJob') return { spec: field(field(field(obj, 'spec'), 'jobTemplate'), 'spec') ?? {}, path: 'spec.jobTemplate.spec' };
  return undefined;
}
