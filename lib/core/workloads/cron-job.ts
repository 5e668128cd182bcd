import type { CronJob } from 'kubernetes-types/batch/v1';
import { DEFAULTS } from '../defaults';
import { GvisorIacError } from '../errors';
import { JOB_ONLY_PROPS, SandboxedJobProps, sandboxedJobSpec } from './job';
import { WORKLOAD_PROPS, workloadIdentity } from './pod';
import { pruneBuilt } from '../objects/built';
import { KubeObject, Manifests } from '../objects/manifest';
import { assertNameFits, objectMeta } from '../objects/metadata';
import { applyOverrides } from '../objects/overrides';
import { plainProps } from '../validation/plain-data';
import { PropTable, Validator, checkProps, k8sCount, optional } from '../validation/props';
import { assertBoolean, assertString } from '../validation/validate';

/** A CronJobSpec count field: its Kubernetes type, a whole number ≥ 0 too. */
const spec = (field: string): Validator => k8sCount('BatchV1CronJobSpec', field);

/** The longest CronJob name the API server accepts (its Jobs are named `<name>-<11-digit time>`). */
export const CRON_JOB_MAX_NAME = 52;

/** Props of a sandboxed CronJob: a sandboxed Job (all its props apply) run on a schedule. */
export interface SandboxedCronJobProps extends SandboxedJobProps {
  /**
   * When to run, in cron syntax: five fields (minute hour day-of-month
   * month day-of-week, e.g. `"*\/15 * * * *"`) or a macro (`@hourly`,
   * `@daily`, `@midnight`, `@weekly`, `@monthly`, `@yearly`, `@annually`,
   * `@every <duration>`).
   */
  readonly schedule: string;
  /** IANA time zone of `schedule` (e.g. `"Europe/Paris"`). @default - the kube-controller-manager's time zone */
  readonly timeZone?: string;
  /**
   * What to do when a run is due while the previous one still runs:
   * `"Forbid"` skips it, `"Replace"` stops the old one, `"Allow"` runs both.
   * @default "Forbid"
   */
  readonly concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
  /** Stops scheduling new runs (running ones go on). @default false */
  readonly suspend?: boolean;
  /** Seconds after its time a missed run may still start. @default - no deadline */
  readonly startingDeadlineSeconds?: number;
  /** @default - Kubernetes' 3 */
  readonly successfulJobsHistoryLimit?: number;
  /** @default - Kubernetes' 1 */
  readonly failedJobsHistoryLimit?: number;
}

/** How each CronJob-specific prop is checked. @internal */
export const CRON_JOB_ONLY_PROPS = {
  schedule: (v: unknown, p: string) => checkSchedule(v, p),
  timeZone: optional((v, p) => checkTimeZone(v, p)),
  concurrencyPolicy: spec('concurrencyPolicy'),
  suspend: optional((v, p) => assertBoolean(v, p)),
  startingDeadlineSeconds: spec('startingDeadlineSeconds'),
  successfulJobsHistoryLimit: spec('successfulJobsHistoryLimit'),
  failedJobsHistoryLimit: spec('failedJobsHistoryLimit'),
} satisfies PropTable<Omit<SandboxedCronJobProps, keyof SandboxedJobProps>>;

/** How each prop of a sandboxed CronJob is checked: a Job's, then the schedule's. @internal */
export const CRON_JOB_PROPS = { ...WORKLOAD_PROPS, ...JOB_ONLY_PROPS, ...CRON_JOB_ONLY_PROPS } satisfies PropTable<SandboxedCronJobProps>;

const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
/** The five fields of a standard cron schedule: name, bounds, names (as Kubernetes' cron parser reads them). */
const FIELDS: readonly { name: string; min: number; max: number; names?: readonly string[] }[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day of week', min: 0, max: 6, names: DAYS },
];
/** A Go duration, as `@every` takes (`1h30m`, `90s`). */
const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const SCHEDULE_FIX = 'use five fields "minute hour day-of-month month day-of-week" (e.g. "*/15 * * * *", "0 3 * * MON-FRI") or a macro such as "@hourly" or "@daily"';

/** Checks a cron schedule as Kubernetes does (five fields or a macro); a time zone goes in `timeZone`. */
export function checkSchedule(value: unknown, path: string): string {
  const schedule = assertString(value, path, 'a cron schedule such as "*/15 * * * *"');
  const text = schedule.trim();
  if (/^(CRON_)?TZ=/.test(text)) {
    throw new GvisorIacError('INVALID_VALUE', path, schedule, 'sets a time zone inside the schedule (refused by the API server)', 'move the zone to `timeZone` and keep the five fields here');
  }
  if (text.startsWith('@')) {
    const lower = text.toLowerCase();
    if (MACROS.includes(lower)) return schedule;
    const every = /^@every\s+(\S+)$/.exec(text);
    if (every && GO_DURATION.test(every[1]!)) return schedule;
    throw new GvisorIacError('INVALID_VALUE', path, schedule, `is not a cron macro (${[...MACROS, '@every <duration>'].join(', ')})`, SCHEDULE_FIX);
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5) {
    throw new GvisorIacError('INVALID_VALUE', path, schedule, `has ${fields.length} field${fields.length === 1 ? '' : 's'}, not 5`, SCHEDULE_FIX);
  }
  fields.forEach((field, i) => checkCronField(field, FIELDS[i]!, schedule, path));
  return schedule;
}

function checkCronField(field: string, f: (typeof FIELDS)[number], schedule: string, path: string): void {
  const bad = (why: string): never => {
    throw new GvisorIacError('INVALID_VALUE', path, schedule, `has ${f.name} field "${field}", which ${why}`, SCHEDULE_FIX);
  };
  const number = (text: string): number => {
    const named = f.names?.indexOf(text.toUpperCase()) ?? -1;
    if (named >= 0) return named + (f.names === MONTHS ? 1 : 0);
    if (!/^\d+$/.test(text)) bad(`is not a number${f.names ? ' or a name' : ''}`);
    const n = Number(text);
    if (n < f.min || n > f.max) bad(`is outside ${f.min}-${f.max}`);
    return n;
  };
  for (const part of field.split(',')) {
    const [range, step, ...more] = part.split('/');
    if (more.length || range === '' || range === undefined) bad('is not a list of values, ranges and steps');
    if (step !== undefined && (!/^\d+$/.test(step) || Number(step) === 0)) bad('has a step that is not a whole number above 0');
    if (range === '*' || range === '?') continue;
    const [from, to, ...rest] = range!.split('-');
    if (rest.length) bad('is not a list of values, ranges and steps');
    const lo = number(from!);
    if (to !== undefined && number(to) < lo) bad('has a range that runs backwards');
  }
}

/** Checks an IANA time zone name (what Go's `time.LoadLocation` loads; "Local" is refused, as the API server does). */
function checkTimeZone(value: unknown, path: string): string {
  const zone = assertString(value, path, 'an IANA time zone such as "Europe/Paris"');
  let known = zone.trim() === zone && zone.toLowerCase() !== 'local';
  if (known) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
    } catch {
      known = false;
    }
  }
  if (!known) throw new GvisorIacError('INVALID_VALUE', path, zone, 'is not an IANA time zone', 'use a name such as "UTC" or "Europe/Paris"');
  return zone;
}

/**
 * Builds a gVisor-sandboxed CronJob: each run is a sandboxed Job
 * (`restartPolicy: Never`, bounded retries and run time, cleaned up after it
 * ends) and, by default, a run still going makes the next one skip
 * (`concurrencyPolicy: Forbid`). The schedule is checked here.
 */
export function renderSandboxedCronJob(propsIn: SandboxedCronJobProps, id: string, path = 'props'): Manifests {
  const props = plainProps(propsIn, path);
  checkProps(props, CRON_JOB_PROPS, path);
  const { identity, podLabels, template } = workloadIdentity(props, id, path);
  assertNameFits(identity.name, CRON_JOB_MAX_NAME, `${path}.name`,
    `; the API server refuses CronJob names above ${CRON_JOB_MAX_NAME} (its Jobs append an 11-character suffix)`);
  const cronJob: CronJob & KubeObject = pruneBuilt({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: objectMeta(identity.name, identity.namespace, podLabels, identity.annotations),
    spec: {
      schedule: props.schedule,
      timeZone: props.timeZone,
      concurrencyPolicy: props.concurrencyPolicy ?? DEFAULTS.cronJobConcurrencyPolicy,
      suspend: props.suspend,
      startingDeadlineSeconds: props.startingDeadlineSeconds,
      successfulJobsHistoryLimit: props.successfulJobsHistoryLimit,
      failedJobsHistoryLimit: props.failedJobsHistoryLimit,
      jobTemplate: {
        metadata: { labels: { ...podLabels } },
        spec: sandboxedJobSpec(props, template, path),
      },
    },
  });
  return applyOverrides({ objects: [cronJob], primary: 0 }, props.overrides, `${path}.overrides`);
}
