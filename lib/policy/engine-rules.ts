import { SUPPRESS_ANNOTATION } from './suppressions';
import type { Severity } from './types';

/** Findings the engine itself reports (not tied to a pack). */
export interface EngineRule {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly description: string;
}

/** A rule threw instead of returning its violations. */
export const RULE_FAILED: EngineRule = {
  id: 'POLICY-000',
  title: 'A rule could not check an object',
  severity: 'error',
  description: 'A rule threw while checking the object (usually a field of an unexpected type). The object is reported rather than passed.',
};

/** An input document that is not a Kubernetes object. */
export const NOT_AN_OBJECT: EngineRule = {
  id: 'POLICY-001',
  title: 'Input is a Kubernetes object',
  severity: 'error',
  description: 'Every input document is a mapping with `apiVersion` and `kind` (a `List` is read item by item).',
};

/** A suppression without a reason. */
export const SUPPRESSION_WITHOUT_REASON: EngineRule = {
  id: 'SUPPRESS-001',
  title: 'Suppressions give a reason',
  severity: 'error',
  description: `Every suppression — an entry of the \`${SUPPRESS_ANNOTATION}\` annotation, a \`--suppress\` option, an entry of \`suppressions\` — `
    + 'names a rule ID and a non-empty reason (`GVISOR-001: node agent, reviewed in SEC-12`). One without a reason suppresses nothing.',
};

/** A suppression naming no known rule. */
export const SUPPRESSION_UNKNOWN_RULE: EngineRule = {
  id: 'SUPPRESS-002',
  title: 'Suppressions name a known rule',
  severity: 'warning',
  description: 'A suppression names a rule ID that no pack defines (usually a typo); it suppresses nothing.',
};

/** The engine's own findings, in documentation order. */
export const ENGINE_RULES: readonly EngineRule[] = [RULE_FAILED, NOT_AN_OBJECT, SUPPRESSION_WITHOUT_REASON, SUPPRESSION_UNKNOWN_RULE];
