import { editDistance } from './core/validation/validate';
// The command-line parser shared by every gvisor-iac command: long options from a table,
// "did you mean" for typos, and one-line usage errors instead of Node's parser text.

/**
 * How a flag takes its value: `value` needs one (`--platform kvm`, `--platform=kvm`);
 * `bool` takes an optional `true`/`false` (`--debug` alone is `true`); `switch` takes none.
 */
export type FlagArity = 'value' | 'bool' | 'switch';

/** One flag a command accepts. */
export interface FlagSpec {
  /** The name without the leading `--`. */
  readonly flag: string;
  readonly arity: FlagArity;
  /** May be given more than once (each value is kept, in order). */
  readonly repeatable?: boolean;
}

/** A command line that cannot be understood: exit status 2, one line on stderr. */
export class UsageError extends Error {}

/** What a command line holds: the values of each flag given, by flag name, and the other words. */
export interface ParsedArgs {
  readonly values: ReadonlyMap<string, readonly string[]>;
  readonly positionals: readonly string[];
  readonly help: boolean;
}

/** The candidate closest to `word` when it is close enough to be a typo of it (or `word` is a prefix of exactly one). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  if (word.length === 0 || word.length > 100) return undefined;
  const w = word.toLowerCase().replace(/_/g, '-');
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best !== undefined && bestDistance <= Math.max(2, Math.floor(w.length / 3))) return best;
  const prefixed = candidates.filter((c) => c.startsWith(w));
  return w.length >= 3 && prefixed.length === 1 ? prefixed[0] : undefined;
}

/** ` did you mean X?`, or nothing. */
export function didYouMean(word: string, candidates: readonly string[], prefix = ''): string {
  const c = closest(word, candidates);
  return c === undefined ? '' : `; did you mean ${prefix}${c}?`;
}

/**
 * Parses `argv` against `flags`. `--name value`, `--name=value`, `-h`/`--help`,
 * and `--` (everything after it is a positional). `elsewhere(flag)` names the
 * commands that do take a flag this one does not (`docker and compose take it`).
 */
export function parseFlags(
  argv: readonly string[],
  flags: readonly FlagSpec[],
  elsewhere: (flag: string) => string | undefined = () => undefined,
): ParsedArgs {
  const byName = new Map(flags.map((f) => [f.flag, f]));
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  let help = false;
  const isOurFlag = (word: string | undefined) =>
    word !== undefined && (word === '-h' || (word.startsWith('--') && (byName.has(word.slice(2).split('=')[0] as string) || word.startsWith('--help'))));

  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (word === '-h' || word === '--help') {
      help = true;
      continue;
    }
    if (!word.startsWith('-') || word === '-') {
      positionals.push(word);
      continue;
    }
    const eq = word.indexOf('=');
    const name = (eq < 0 ? word : word.slice(0, eq)).replace(/^--?/, '');
    const inline = eq < 0 ? undefined : word.slice(eq + 1);
    const spec = byName.get(name);
    if (!spec || !word.startsWith('--')) {
      const other = elsewhere(name);
      const known = flags.map((f) => f.flag);
      throw new UsageError(`${word.startsWith('--') ? `--${name}` : word} is not an option here${other ? `; ${other}` : didYouMean(name, known, '--')}`);
    }
    let value: string;
    if (spec.arity === 'switch') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value, not "${inline}"; write --${name} alone`);
      value = 'true';
    } else if (spec.arity === 'bool') {
      const next = argv[i + 1];
      value = inline ?? (next !== undefined && !next.startsWith('-') ? (i++, next) : 'true');
      if (value !== 'true' && value !== 'false') throw new UsageError(`--${name} takes true or false, not "${value}"; write --${name} (true) or --${name} false`);
    } else if (inline !== undefined) {
      value = inline;
    } else {
      const next = argv[i + 1];
      if (next === undefined || isOurFlag(next)) throw new UsageError(`--${name} needs a value; write --${name} VALUE${next !== undefined ? ` or --${name}=${next} if "${next}" is the value` : ''}`);
      value = next;
      i++;
    }
    const seen = values.get(name);
    if (seen && !spec.repeatable) throw new UsageError(`--${name} is given twice ("${seen[0]}", then "${value}"); give it once`);
    values.set(name, [...(seen ?? []), value]);
  }
  return { values, positionals, help };
}
