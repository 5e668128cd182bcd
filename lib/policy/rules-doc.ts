import { ENGINE_RULES } from './engine-rules';
import { PACKS, PACK_NAMES } from './packs';
import { SUPPRESS_ANNOTATION } from './suppressions';
import type { Rule } from './types';

/** Renders RULES.md: every pack, every rule with its ID, severity, fields and documentation. */
export function renderRulesMarkdown(): string {
  const lines: string[] = [
    '# gvisor-iac policy rules',
    '',
    '<!-- Generated from lib/policy by `npx projen rules`; do not edit. -->',
    '',
    `Suppress a rule on one object with the annotation \`${SUPPRESS_ANNOTATION}: "<ID>: <reason>[, <ID>: <reason>]"\`, `
      + 'or for every object with `gvisor-iac check --suppress <ID>:<reason>` (API: `suppressions`). A suppression needs a reason.',
    '',
    '## Packs',
    '',
    '| Pack | Rules | What it checks |',
    '|---|---|---|',
    ...PACK_NAMES.map((n) => `| \`${n}\` | ${PACKS[n].rules.map((r) => r.id).join(', ')} | ${PACKS[n].description} |`),
    '',
    '## Rules',
    '',
  ];
  const seen = new Set<string>();
  for (const n of PACK_NAMES) {
    for (const r of PACKS[n].rules as readonly Rule[]) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      const packs = PACK_NAMES.filter((p) => PACKS[p].rules.some((x) => x.id === r.id)).map((p) => `\`${p}\``).join(', ');
      lines.push(`### ${r.id}: ${r.title}`, '', `Severity: **${r.severity}**. Packs: ${packs}. Fields: ${r.fields.map((f) => `\`${f}\``).join(', ')}.`, '', r.description, '');
    }
  }
  lines.push('## Engine findings', '');
  for (const r of ENGINE_RULES) lines.push(`### ${r.id}: ${r.title}`, '', `Severity: **${r.severity}**.`, '', r.description, '');
  return `${lines.join('\n').trimEnd()}\n`;
}
