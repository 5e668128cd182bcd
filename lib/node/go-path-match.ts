/**
 * Go's `path.Match` glob semantics, which containerd uses to decide which pod
 * annotations reach the runtime (`pod_annotations`): a pattern matches the
 * whole name; `*` is any run of bytes other than `/`; `?` is one character
 * other than `/`; `[...]` / `[^...]` is a character class of single
 * characters and `lo-hi` ranges (it may match `/`); `\` makes the next
 * character literal. Go compares literals byte by byte, reads `?` and classes
 * as one UTF-8 character, and places each `*`-led chunk at its leftmost fit
 * (the last chunk must end the name); a malformed pattern never matches
 * (containerd ignores the error). This module reproduces that behaviour on the
 * UTF-8 bytes of both strings; the test suite checks it against the Go
 * toolchain's own `path.Match`.
 */

const STAR = 0x2a;
const QUESTION = 0x3f;
const BACKSLASH = 0x5c;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const CARET = 0x5e;
const DASH = 0x2d;
const SLASH = 0x2f;
const RUNE_ERROR = 0xfffd;
const MAX_RUNE = 0x10ffff;

/** Thrown for a pattern Go reports as `ErrBadPattern`. */
export class GoBadPatternError extends Error {
  public constructor(pattern: string) {
    super(`syntax error in pattern ${JSON.stringify(pattern)}`);
    this.name = 'GoBadPatternError';
  }
}

const utf8 = new TextEncoder();

/** Decodes one UTF-8 character of `b` at `i` (before `end`) the way Go does: `[rune, width]`, `[U+FFFD, 1]` when invalid. */
function decodeRune(b: Uint8Array, i: number, end: number): [number, number] {
  const c0 = b[i] as number;
  if (c0 < 0x80) return [c0, 1];
  let need: number;
  let min: number;
  let r: number;
  if (c0 >= 0xc2 && c0 <= 0xdf) {
    need = 1;
    min = 0x80;
    r = c0 - 0xc0;
  } else if (c0 >= 0xe0 && c0 <= 0xef) {
    need = 2;
    min = 0x800;
    r = c0 - 0xe0;
  } else if (c0 >= 0xf0 && c0 <= 0xf4) {
    need = 3;
    min = 0x10000;
    r = c0 - 0xf0;
  } else {
    return [RUNE_ERROR, 1];
  }
  // Fewer bytes left than the lead byte announces.
  if (i + need >= end) return [RUNE_ERROR, 1];
  for (let k = 1; k <= need; k++) {
    const c = b[i + k] as number;
    if (c < 0x80 || c > 0xbf) return [RUNE_ERROR, 1];
    r = r * 64 + (c - 0x80);
  }
  if (r < min || r > MAX_RUNE || (r >= 0xd800 && r <= 0xdfff)) return [RUNE_ERROR, 1];
  return [r, need + 1];
}

/** End (exclusive) of the chunk starting at `i`: up to the next `*` outside a class. */
function chunkEnd(p: Uint8Array, i: number): number {
  let inClass = false;
  for (; i < p.length; i++) {
    const c = p[i];
    if (c === BACKSLASH) {
      if (i + 1 < p.length) i++;
    } else if (c === LBRACKET) {
      inClass = true;
    } else if (c === RBRACKET) {
      inClass = false;
    } else if (c === STAR && !inClass) {
      break;
    }
  }
  return i;
}

/** One class member (possibly `\`-escaped) at `i`: `[rune, next index]`. */
function classChar(p: Uint8Array, i: number, end: number, pattern: string): [number, number] {
  if (i >= end || p[i] === DASH || p[i] === RBRACKET) throw new GoBadPatternError(pattern);
  if (p[i] === BACKSLASH) {
    i++;
    if (i >= end) throw new GoBadPatternError(pattern);
  }
  const [r, w] = decodeRune(p, i, end);
  if (r === RUNE_ERROR && w === 1) throw new GoBadPatternError(pattern);
  if (i + w >= end) throw new GoBadPatternError(pattern);
  return [r, i + w];
}

/**
 * Matches chunk `p[start, end)` against the front of `n` from `s`. Returns
 * the index in `n` after the chunk, or -1. The whole chunk is always parsed,
 * so a malformed chunk throws whatever `n` holds.
 */
function matchChunk(p: Uint8Array, start: number, end: number, n: Uint8Array, s: number, pattern: string): number {
  let failed = false;
  let i = start;
  while (i < end) {
    if (!failed && s >= n.length) failed = true;
    const c = p[i];
    if (c === LBRACKET) {
      let r = 0;
      if (!failed) {
        const [rune, w] = decodeRune(n, s, n.length);
        r = rune;
        s += w;
      }
      i++;
      let negated = false;
      if (i < end && p[i] === CARET) {
        negated = true;
        i++;
      }
      let hit = false;
      for (let count = 0; ; count++) {
        if (i < end && p[i] === RBRACKET && count > 0) {
          i++;
          break;
        }
        const [lo, afterLo] = classChar(p, i, end, pattern);
        let hi = lo;
        i = afterLo;
        if (p[i] === DASH) [hi, i] = classChar(p, i + 1, end, pattern);
        if (lo <= r && r <= hi) hit = true;
      }
      if (hit === negated) failed = true;
    } else if (c === QUESTION) {
      if (!failed) {
        if (n[s] === SLASH) failed = true;
        s += decodeRune(n, s, n.length)[1];
      }
      i++;
    } else {
      if (c === BACKSLASH) {
        i++;
        if (i >= end) throw new GoBadPatternError(pattern);
      }
      if (!failed) {
        if (p[i] !== n[s]) failed = true;
        s++;
      }
      i++;
    }
  }
  return failed ? -1 : s;
}

/**
 * Go's `path.Match(pattern, name)`: true when `name` matches. Throws
 * `GoBadPatternError` for a malformed pattern (whatever the name).
 */
export function goPathMatch(pattern: string, name: string): boolean {
  const p = utf8.encode(pattern);
  const n = utf8.encode(name);
  let pi = 0;
  let ni = 0;
  chunks: while (pi < p.length) {
    let star = false;
    while (pi < p.length && p[pi] === STAR) {
      star = true;
      pi++;
    }
    const start = pi;
    const end = chunkEnd(p, pi);
    pi = end;
    const last = pi >= p.length;
    if (star && start === end) return !n.subarray(ni).includes(SLASH);
    const here = matchChunk(p, start, end, n, ni, pattern);
    if (here >= 0 && (here === n.length || !last)) {
      ni = here;
      continue;
    }
    if (star) {
      // The star takes one more byte each round, never a '/'.
      for (let skip = ni; skip < n.length && n[skip] !== SLASH; skip++) {
        const after = matchChunk(p, start, end, n, skip + 1, pattern);
        if (after < 0 || (last && after < n.length)) continue;
        ni = after;
        continue chunks;
      }
    }
    // No match: still report a malformed remainder, as Go does.
    const empty = new Uint8Array(0);
    while (pi < p.length) {
      while (pi < p.length && p[pi] === STAR) pi++;
      const e = chunkEnd(p, pi);
      matchChunk(p, pi, e, empty, 0, pattern);
      pi = e;
    }
    return false;
  }
  return ni === n.length;
}

/** True when Go's `path.Match` accepts `pattern` as well-formed. */
export function isValidGoPattern(pattern: string): boolean {
  try {
    goPathMatch(pattern, '');
    return true;
  } catch (e) {
    if (e instanceof GoBadPatternError) return false;
    throw e;
  }
}

type Token =
  | { readonly kind: 'byte'; readonly byte: number }
  | { readonly kind: 'any' }
  | { readonly kind: 'star' }
  | { readonly kind: 'class'; readonly negated: boolean; readonly ranges: ReadonlyArray<readonly [number, number]> };

/** Splits a well-formed pattern into tokens (one per byte, `?`, `*` or class). */
function tokens(pattern: string): Token[] {
  const p = utf8.encode(pattern);
  const out: Token[] = [];
  let i = 0;
  while (i < p.length) {
    const c = p[i];
    if (c === STAR) {
      out.push({ kind: 'star' });
      i++;
    } else if (c === QUESTION) {
      out.push({ kind: 'any' });
      i++;
    } else if (c === LBRACKET) {
      i++;
      let negated = false;
      if (p[i] === CARET) {
        negated = true;
        i++;
      }
      const ranges: Array<readonly [number, number]> = [];
      while (!(p[i] === RBRACKET && ranges.length > 0)) {
        const [lo, afterLo] = classChar(p, i, p.length, pattern);
        let hi = lo;
        i = afterLo;
        if (p[i] === DASH) [hi, i] = classChar(p, i + 1, p.length, pattern);
        ranges.push([lo, hi]);
      }
      i++;
      out.push({ kind: 'class', negated, ranges });
    } else {
      if (c === BACKSLASH) i++;
      out.push({ kind: 'byte', byte: p[i] as number });
      i++;
    }
  }
  return out;
}

function classHas(t: Extract<Token, { kind: 'class' }>, rune: number): boolean {
  return t.ranges.some(([lo, hi]) => lo <= rune && rune <= hi) !== t.negated;
}

/** True when some character satisfies the class. */
function classSatisfiable(t: Extract<Token, { kind: 'class' }>): boolean {
  if (!t.negated) return t.ranges.some(([lo, hi]) => lo <= hi);
  // The complement of finitely many ranges is empty only if it has no boundary point left.
  const candidates = [0, MAX_RUNE, ...t.ranges.flatMap(([lo, hi]) => [lo - 1, hi + 1])];
  return candidates.some((r) => r >= 0 && r <= MAX_RUNE && classHas(t, r));
}

/**
 * True when some name that starts with the ASCII string `prefix` matches the
 * well-formed `pattern` (e.g. whether `pod_annotations` glob `d*.g?isor.*`
 * lets any `dev.gvisor.` annotation through). Decided exactly for the
 * pattern read as a regular expression (`*` = any run of non-`/`
 * characters), which accepts every name Go's `path.Match` accepts: the
 * answer errs only towards "yes".
 */
export function goPatternCanMatchPrefix(pattern: string, prefix: string): boolean {
  if (!/^[\x00-\x7f]*$/.test(prefix)) throw new Error('prefix must be ASCII');
  const toks = tokens(pattern);
  // States: the index of the next token to match. A star may match nothing.
  const close = (states: Set<number>): Set<number> => {
    const out = new Set(states);
    for (const s of states) {
      let k = s;
      while (k < toks.length && toks[k]?.kind === 'star') out.add(++k);
    }
    return out;
  };
  let states = close(new Set([0]));
  for (const ch of utf8.encode(prefix)) {
    const next = new Set<number>();
    for (const s of states) {
      const t = toks[s];
      if (t === undefined) continue;
      if (t.kind === 'star') {
        if (ch !== SLASH) next.add(s);
      } else if (t.kind === 'any') {
        if (ch !== SLASH) next.add(s + 1);
      } else if (t.kind === 'byte') {
        if (t.byte === ch) next.add(s + 1);
      } else if (classHas(t, ch)) {
        next.add(s + 1);
      }
    }
    states = close(next);
    if (states.size === 0) return false;
  }
  // Whatever follows the prefix is free: the rest of the pattern only needs each class to be satisfiable.
  return [...states].some((s) => toks.slice(s).every((t) => t.kind !== 'class' || classSatisfiable(t)));
}
