import { Document, isMap, isSeq, parseAllDocuments } from 'yaml';

/** Where an object came from: file, document (1-based) and, for `List` kinds, the item index. */
export interface ManifestSource {
  readonly file: string;
  /** 1-based index of the YAML document in the file. */
  readonly document: number;
  /** Index in the `items` of a `List`, when the object was one of them. */
  readonly item?: number;
  /** Line (1-based) where the object starts. */
  readonly line: number;
}

/** Objects read from manifest files, each with its source, and a way to find a field's line. */
export interface LoadedManifests {
  readonly objects: unknown[];
  readonly sources: ManifestSource[];
  /** 1-based line and column of `path` in object `index` (or of its deepest existing parent). */
  readonly locate: (index: number, path: string) => { line: number; column: number };
}

/** A manifest file that is not valid YAML/JSON. */
export class ManifestParseError extends Error {
  public constructor(public readonly file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'ManifestParseError';
  }
}

/** Splits a finding path (`spec.containers[0].securityContext`, `metadata.annotations["a/b"]`) into keys. */
export function pathKeys(path: string): (string | number)[] {
  const keys: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    if (m[1] !== undefined) keys.push(m[1]);
    else if (m[2] !== undefined) keys.push(Number(m[2]));
    else keys.push(JSON.parse(`"${m[3]}"`));
  }
  return keys;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function position(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi + 1) / 2);
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}

interface Origin { readonly doc: Document; readonly prefix: (string | number)[]; readonly starts: number[] }

/**
 * Reads YAML or JSON manifests (JSON is YAML): every document of every file,
 * with `<<` merge keys resolved as kubectl's YAML 1.1 parser does (so
 * `<<: {hostPID: true}` cannot hide a field), duplicate keys refused,
 * skipping empty ones; a `List` (`kind: List` or `*List` with `items`)
 * contributes its items. Throws ManifestParseError on a syntax error.
 */
export function loadManifests(files: readonly { name: string; text: string }[]): LoadedManifests {
  const objects: unknown[] = [];
  const sources: ManifestSource[] = [];
  const origins: Origin[] = [];
  for (const { name, text } of files) {
    const starts = lineStarts(text);
    parseAllDocuments(text, { merge: true }).forEach((doc, d) => {
      if (!(doc instanceof Document)) throw new ManifestParseError(name, 'is not YAML');
      const error = doc.errors[0];
      if (error) throw new ManifestParseError(name, `document ${d + 1}: ${error.message.split('\n')[0]}`);
      const value = doc.toJS({ maxAliasCount: 100 });
      if (value === null || value === undefined) return;
      const at = (node: unknown) => position(starts, (node as { range?: number[] })?.range?.[0] ?? 0).line;
      const items = typeof value === 'object' && !Array.isArray(value) && /List$/.test(String(value.kind)) && Array.isArray(value.items) ? value.items as unknown[] : undefined;
      if (items) {
        const seq = doc.get('items', true);
        items.forEach((item, i) => {
          objects.push(item);
          sources.push({ file: name, document: d + 1, item: i, line: at(isSeq(seq) ? seq.items[i] : doc.contents) });
          origins.push({ doc, prefix: ['items', i], starts });
        });
        return;
      }
      objects.push(value);
      sources.push({ file: name, document: d + 1, line: at(doc.contents) });
      origins.push({ doc, prefix: [], starts });
    });
  }
  const locate = (index: number, path: string) => {
    const o = origins[index];
    if (!o) return { line: 1, column: 1 };
    let keys = [...o.prefix, ...pathKeys(path)];
    for (;;) {
      const node = keys.length === 0 ? o.doc.contents : o.doc.getIn(keys, true);
      const range = (node as { range?: number[] } | undefined)?.range;
      if (range) {
        // A scalar's range starts at its value; a map's at its first key. Either way the line is the field's.
        return position(o.starts, range[0]!);
      }
      if (keys.length === 0) return { line: 1, column: 1 };
      keys = keys.slice(0, -1);
      // A missing key under a map: report the map itself.
      const parent = keys.length === 0 ? o.doc.contents : o.doc.getIn(keys, true);
      if (isMap(parent) || isSeq(parent)) {
        const r = (parent as { range?: number[] }).range;
        if (r) return position(o.starts, r[0]!);
      }
    }
  };
  return { objects, sources, locate };
}
