/*
 * A small benchmark harness for a noisy shared machine: every figure is a
 * ratio between sides run in the same process, interleaved round by round.
 *
 * - Warm-up runs of every side first (JIT, module loading, caches), untimed.
 * - Then `rounds` rounds; each round runs every side once, in an order that
 *   rotates from round to round (A B, then B A), so that a burst of load from
 *   another process or a drift of the machine hits both sides alike.
 * - A full garbage collection before every timed run (when `--expose-gc` is
 *   on), so that no side pays for the garbage the other one left behind.
 * - Each run is timed twice: `cpu`, the CPU time the process spent (user +
 *   system, all its threads: the garbage collector's too), and `wall`. CPU
 *   time is what the figures use: on a box where other jobs keep the load
 *   at 10 on 2 cores, wall time mostly measures how long the run waited
 *   for a core (the same run took 4 s or 16 s), CPU time what it did.
 * - The figure reported is the median of the per-round ratios (each ratio
 *   taken within one round, where both sides saw the same machine), with
 *   the min–max of those ratios as the spread; times are medians too.
 */

/** What one run of a side measured: its phases in milliseconds (`cpu` and `wall` always). */
export type Phases = Record<string, number>;

/**
 * One side of a comparison. It may time its own phases by returning them
 * (e.g. `{ construct: 12.3 }`, or `cpu` for a child process's CPU time);
 * `cpu` and `wall` are otherwise measured around the whole call.
 */
export type Side = () => unknown;

/** Median, minimum and maximum of a list of numbers. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** Everything the rounds measured: per side, per phase, one figure per round. */
export interface Comparison {
  readonly rounds: number;
  readonly times: Readonly<Record<string, Readonly<Record<string, readonly number[]>>>>;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function spread(xs: readonly number[]): Spread {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

/** True when full collections run between timed runs (`node --expose-gc`). */
export const collectsGarbage = gc !== undefined;

/** CPU time of this process so far (user + system), in milliseconds. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function timed(side: Side): Promise<Phases> {
  gc?.();
  const t = process.hrtime.bigint();
  const c = cpuMs();
  const own = await side();
  const cpu = cpuMs() - c;
  const wall = Number(process.hrtime.bigint() - t) / 1e6;
  return { cpu, wall, ...(typeof own === 'object' && own !== null ? own as Phases : {}) };
}

/**
 * Runs every side `warmUp` times untimed, then `rounds` interleaved timed
 * rounds (the order of the sides rotating each round).
 */
export async function compare(sides: Readonly<Record<string, Side>>, rounds: number, warmUp = 1): Promise<Comparison> {
  const names = Object.keys(sides);
  for (let w = 0; w < warmUp; w++) for (const n of names) await timed(sides[n]!);
  const times: Record<string, Record<string, number[]>> = {};
  for (const n of names) times[n] = {};
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const n = names[(r + k) % names.length]!;
      for (const [phase, ms] of Object.entries(await timed(sides[n]!))) (times[n]![phase] ??= []).push(ms);
    }
  }
  return { rounds, times };
}

/** Median time (ms) of one side's phase. */
export function time(c: Comparison, side: string, phase = 'cpu'): number {
  return median(c.times[side]![phase]!);
}

/** The per-round ratios subject / baseline of one phase: median and min–max. */
export function ratio(c: Comparison, subject: string, baseline: string, phase = 'cpu'): Spread {
  const s = c.times[subject]![phase]!;
  const b = c.times[baseline]![phase]!;
  return spread(s.map((x, i) => x / b[i]!));
}
