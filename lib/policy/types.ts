/** How much a finding matters. `--fail-on` and `failOn` compare against this order. */
export type Severity = 'error' | 'warning' | 'info';

/** Severities from most to least serious. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** True when `s` is at least as serious as `threshold`. */
export function reaches(s: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(s) <= SEVERITIES.indexOf(threshold);
}

/** A plain Kubernetes object as read from YAML/JSON or emitted by the core. */
export type PolicyObject = Record<string, any>;

/** One thing a rule found wrong with one object. */
export interface Violation {
  /** Field path from the object's root, e.g. `spec.template.spec.containers[0].securityContext.privileged`. */
  readonly path: string;
  /** The value found there (`undefined` when the field is missing). */
  readonly value?: unknown;
  /** What is wrong, read after the value: `is true, which …`. */
  readonly problem: string;
  /** What to do instead. */
  readonly fix: string;
}

/** What a rule sees besides the object: every object of the same input, and the options. */
export interface RuleContext {
  /** Every object being checked (rules that look across objects, e.g. tenancy, use it). */
  readonly objects: readonly PolicyObject[];
  /** RuntimeClass names that count as gVisor (see `CheckOptions.runtimeClassNames`). */
  readonly gvisorClassNames: ReadonlySet<string>;
  /** CRI handlers that count as gVisor (see `CheckOptions.gvisorHandlers`). */
  readonly gvisorHandlers: ReadonlySet<string>;
}

/**
 * A rule: a stable ID, its documentation and a check over one object. A
 * check returns its violations (none when the object passes or does not
 * concern it); a check that throws becomes a `POLICY-000` finding.
 */
export interface Rule {
  /** Stable ID, never reused for another meaning: `GVISOR-001`, `PSS-R-003`. */
  readonly id: string;
  /** One line: what the rule requires. */
  readonly title: string;
  /** Severity unless a pack says otherwise. */
  readonly severity: Severity;
  /** Why the rule exists and what it checks (Markdown; goes into RULES.md). */
  readonly description: string;
  /** The fields it reads. */
  readonly fields: readonly string[];
  /** Finds the violations of `obj`. */
  readonly check: (obj: PolicyObject, ctx: RuleContext) => Violation[];
}

/** A named set of rules; the pack owns the severities it reports them with. */
export interface Pack {
  readonly name: string;
  readonly description: string;
  readonly rules: readonly Rule[];
  /** Severity overrides by rule ID. @default - each rule's own severity */
  readonly severities?: Readonly<Record<string, Severity>>;
}

/** Where a finding was found: the object's identity and its index in the input. */
export interface FindingObject {
  readonly index: number;
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
}

/** One reported problem. */
export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  /** `path: value problem; fix` — the same shape as GvisorIacError messages. */
  readonly message: string;
  readonly path: string;
  readonly fix: string;
  /** The object, or undefined for findings about the options themselves (e.g. a suppression without a reason). */
  readonly object?: FindingObject;
  /** The reason it was suppressed with, when it was. Suppressed findings never fail a check. */
  readonly suppressed?: string;
  /** Where the suppression came from: the object's annotation or the options (`--suppress`). */
  readonly suppressedBy?: 'annotation' | 'options';
}
