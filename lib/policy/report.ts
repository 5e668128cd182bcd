import { ENGINE_RULES } from './engine-rules';
import type { LoadedManifests, ManifestSource } from './load';
import { PACKS } from './packs';
import type { Finding, Severity } from './types';

/** A finding with where it is in the input files. */
export interface LocatedFinding extends Finding {
  readonly source?: ManifestSource;
  readonly line?: number;
  readonly column?: number;
}

/** Adds file, document, item and line to each finding. */
export function locateFindings(findings: readonly Finding[], loaded: LoadedManifests): LocatedFinding[] {
  return findings.map((f) => {
    if (!f.object) return f;
    const source = loaded.sources[f.object.index];
    const { line, column } = loaded.locate(f.object.index, f.path.startsWith('(') ? '' : f.path);
    return { ...f, ...(source ? { source } : {}), line, column };
  });
}

function where(f: LocatedFinding): string {
  if (!f.source) return '(options)';
  const item = f.source.item === undefined ? '' : ` items[${f.source.item}]`;
  const o = f.object;
  const id = o?.kind ? ` ${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name ?? '(unnamed)'}` : '';
  return `${f.source.file}:${f.line ?? f.source.line} (document ${f.source.document}${item})${id}`;
}

/** Counts by severity of the findings that are not suppressed. */
export function countFindings(findings: readonly Finding[]): Record<Severity | 'suppressed', number> {
  const counts = { error: 0, warning: 0, info: 0, suppressed: 0 };
  for (const f of findings) counts[f.suppressed === undefined ? f.severity : 'suppressed']++;
  return counts;
}

/** One line per finding (`file:line (document N) Kind ns/name: severity ID path: value problem; fix`), then a summary. */
export function formatText(findings: readonly LocatedFinding[]): string {
  const lines = findings.map((f) => `${where(f)}: ${f.suppressed === undefined ? f.severity : `suppressed ${f.severity}`} ${f.ruleId} ${f.message}`
    + (f.suppressed === undefined ? '' : ` [suppressed: ${f.suppressed}]`));
  const c = countFindings(findings);
  lines.push(`${c.error} error(s), ${c.warning} warning(s), ${c.info} info, ${c.suppressed} suppressed`);
  return `${lines.join('\n')}\n`;
}

/** The findings as a JSON array (stable key order). */
export function formatJson(findings: readonly LocatedFinding[]): string {
  return `${JSON.stringify(findings.map((f) => ({
    ruleId: f.ruleId,
    severity: f.severity,
    file: f.source?.file,
    document: f.source?.document,
    item: f.source?.item,
    line: f.line,
    column: f.column,
    kind: f.object?.kind,
    namespace: f.object?.namespace,
    name: f.object?.name,
    path: f.path,
    message: f.message,
    fix: f.fix,
    suppressed: f.suppressed,
  })), null, 2)}\n`;
}

const LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note' };

/** The findings as a SARIF 2.1.0 log (one run, the rules that fired as `tool.driver.rules`). */
export function formatSarif(findings: readonly LocatedFinding[]): string {
  const docs = new Map<string, { title: string; description: string; severity: Severity }>();
  for (const r of ENGINE_RULES) docs.set(r.id, r);
  for (const p of Object.values(PACKS)) for (const r of p.rules) docs.set(r.id, r);
  const ids = [...new Set(findings.map((f) => f.ruleId))];
  const rules = ids.map((id) => {
    const d = docs.get(id);
    return {
      id,
      name: id,
      shortDescription: { text: d?.title ?? id },
      fullDescription: { text: d?.description ?? id },
      defaultConfiguration: { level: LEVEL[d?.severity ?? 'error'] },
    };
  });
  const results = findings.map((f) => ({
    ruleId: f.ruleId,
    ruleIndex: ids.indexOf(f.ruleId),
    level: LEVEL[f.severity],
    message: { text: f.message },
    ...(f.source ? {
      locations: [{
        physicalLocation: { artifactLocation: { uri: f.source.file === '-' ? 'stdin' : f.source.file }, region: { startLine: f.line ?? f.source.line, startColumn: f.column ?? 1 } },
        logicalLocations: [{ fullyQualifiedName: `${f.object?.kind ?? ''}/${f.object?.namespace ? `${f.object.namespace}/` : ''}${f.object?.name ?? ''}:${f.path}`, kind: 'object' }],
      }],
    } : {}),
    ...(f.suppressed === undefined ? {} : { suppressions: [{ kind: f.suppressedBy === 'annotation' ? 'inSource' : 'external', justification: f.suppressed }] }),
    properties: { document: f.source?.document, path: f.path, fix: f.fix },
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'gvisor-iac', rules } }, results }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
