/** The annotation that suppresses findings on one object: `"<ID>: <reason>[, <ID>: <reason>]"`. */
export const SUPPRESS_ANNOTATION = 'gvisor-iac.dev/suppress';

/** One suppression as written: a rule ID and the reason (empty when none was given). */
export interface SuppressionEntry {
  readonly id: string;
  readonly reason: string;
}

// A new entry starts at a comma followed by something shaped like a rule ID
// and a colon (or the end): commas inside reasons stay part of the reason.
const ENTRY_START = /,\s*(?=[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+\s*(?::|,|$))/;

/**
 * Parses the suppress annotation's value. `"GVISOR-001: node agent, reviewed, HARD-002: needs the API"`
 * gives two entries; an entry without `:` or with an empty reason has reason `""`.
 */
export function parseSuppressions(text: string): SuppressionEntry[] {
  return text.split(ENTRY_START).map((part) => part.trim()).filter((part) => part !== '').map((part) => {
    const colon = part.indexOf(':');
    return colon < 0 ? { id: part, reason: '' } : { id: part.slice(0, colon).trim(), reason: part.slice(colon + 1).trim() };
  });
}

/**
 * Parses a CLI `--suppress ID:reason` value (or `ID=reason`, as `--acknowledge` takes).
 */
export function parseSuppressOption(text: string): SuppressionEntry {
  const i = text.search(/[:=]/);
  return i < 0 ? { id: text.trim(), reason: '' } : { id: text.slice(0, i).trim(), reason: text.slice(i + 1).trim() };
}
