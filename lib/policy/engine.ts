import { NOT_AN_OBJECT, RULE_FAILED, SUPPRESSION_UNKNOWN_RULE, SUPPRESSION_WITHOUT_REASON } from './engine-rules';
import { DEFAULT_PACKS, PACKS, PackName } from './packs';
import { isGvisorRuntimeClass } from './rules/gvisor-runtime-class-handler';
import { SUPPRESS_ANNOTATION, SuppressionEntry, parseSuppressions } from './suppressions';
import { Finding, FindingObject, Pack, PolicyObject, Rule, RuleContext, Severity, Violation, reaches } from './types';
import { DEFAULTS, GKE_SANDBOX } from '../core/defaults';
import { GvisorIacError, describeValue } from '../core/errors';

/** Options of `checkObjects`. */
export interface CheckOptions {
  /**
   * The packs to check with: built-in names or your own `Pack`s. A rule in
   * several packs runs once, with the severity of the first pack naming it.
   * @default ["gvisor", "pss-restricted", "hardening"]
   */
  readonly packs?: readonly (PackName | Pack)[];
  /**
   * RuntimeClass names that count as gVisor classes (GVISOR-001), besides
   * every RuntimeClass in the input whose handler is a gVisor handler.
   * @default ["gvisor"]
   */
  readonly runtimeClassNames?: readonly string[];
  /**
   * CRI handlers that count as gVisor (GVISOR-002).
   * @default ["runsc", "gvisor"]
   */
  readonly gvisorHandlers?: readonly string[];
  /**
   * Suppressions for every object: rule ID → reason. An empty reason is a
   * SUPPRESS-001 finding and suppresses nothing.
   * @default - none
   */
  readonly suppressions?: Readonly<Record<string, string>>;
  /**
   * Honour the objects' own `gvisor-iac.dev/suppress` annotations. Turn off
   * when the manifests come from someone who should not waive their own
   * findings (the annotations are then ignored, not reported).
   * @default true
   */
  readonly annotationSuppressions?: boolean;
}

interface ActiveRule {
  readonly rule: Rule;
  readonly severity: Severity;
}

/** The rules of `packs`, each once, with the severity of the first pack naming it. */
export function resolvePacks(packs: readonly (PackName | Pack)[] = DEFAULT_PACKS): ActiveRule[] {
  const seen = new Map<string, ActiveRule>();
  for (const p of packs) {
    const pack: Pack | undefined = typeof p === 'string' ? (Object.prototype.hasOwnProperty.call(PACKS, p) ? PACKS[p] : undefined) : p;
    if (!pack) throw new GvisorIacError('INVALID_VALUE', 'packs', p, 'is not a policy pack', `use one of ${Object.keys(PACKS).join(', ')}`);
    for (const rule of pack.rules) {
      if (!seen.has(rule.id)) seen.set(rule.id, { rule, severity: pack.severities?.[rule.id] ?? rule.severity });
    }
  }
  return [...seen.values()];
}

/** Every rule ID any built-in pack or the engine reports. */
export function knownRuleIds(extra: readonly (PackName | Pack)[] = []): Set<string> {
  const ids = new Set<string>([RULE_FAILED.id, NOT_AN_OBJECT.id, SUPPRESSION_WITHOUT_REASON.id, SUPPRESSION_UNKNOWN_RULE.id]);
  for (const p of [...Object.values(PACKS), ...extra]) {
    if (typeof p !== 'string') for (const r of p.rules) ids.add(r.id);
  }
  return ids;
}

function isObject(v: unknown): v is PolicyObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function identity(obj: unknown, index: number): FindingObject {
  if (!isObject(obj)) return { index };
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const out: Record<string, unknown> = { index, apiVersion: obj.apiVersion, kind: obj.kind, name: meta.name, namespace: meta.namespace };
  for (const k of Object.keys(out)) if (typeof out[k] !== 'string' && k !== 'index') delete out[k];
  return out as unknown as FindingObject;
}

function makeFinding(ruleId: string, severity: Severity, v: Violation, object?: FindingObject, prefix = ''): Finding {
  // Paths inside a List item start at the List (`items[2].spec…`); "(object)"-style paths name the item.
  const path = prefix === '' ? v.path : v.path.startsWith('(') ? prefix.slice(0, -1) : `${prefix}${v.path}`;
  const message = `${path}: ${describeValue(v.value)} ${v.problem}; ${v.fix}`;
  return { ruleId, severity, message, path, fix: v.fix, ...(object ? { object } : {}) };
}

interface Entry { readonly obj: unknown; readonly index: number; readonly prefix: string }

/** True for a `List`-kind object with items (`kind: List`, `PodList`, …). */
export function isListObject(obj: unknown): obj is PolicyObject & { items: unknown[] } {
  return isObject(obj) && typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items);
}

/** The objects to check: Lists contribute their items, recursively (kubectl applies nested Lists' items too). */
function flatten(objects: readonly unknown[]): Entry[] {
  const out: Entry[] = [];
  const walk = (obj: unknown, index: number, prefix: string): void => {
    if (isListObject(obj)) obj.items.forEach((item, i) => walk(item, index, `${prefix}items[${i}].`));
    else out.push({ obj, index, prefix });
  };
  objects.forEach((o, i) => walk(o, i, ''));
  return out;
}

/** The gVisor RuntimeClass names for an input: the options' (or "gvisor") and the input's own gVisor classes. */
function gvisorClassNames(objects: readonly unknown[], options: CheckOptions, handlers: ReadonlySet<string>): Set<string> {
  const names = new Set<string>(options.runtimeClassNames ?? [DEFAULTS.runtimeClassName]);
  for (const o of objects) if (isObject(o) && isGvisorRuntimeClass(o, handlers)) names.add(o.metadata.name);
  return names;
}

/**
 * Checks plain Kubernetes objects against policy packs and returns every
 * finding, suppressed ones included (with `suppressed` set to the reason).
 * A rule that throws yields a POLICY-000 finding for that object instead of
 * stopping the check. Findings come in input order, then rule order.
 *
 * Suppress a rule on one object with the annotation
 * `gvisor-iac.dev/suppress: "<ID>: <reason>[, <ID>: <reason>]"`, or for all
 * objects with `options.suppressions`.
 */
export function checkObjects(objects: readonly unknown[], options: CheckOptions = {}): Finding[] {
  const rules = resolvePacks(options.packs);
  const known = knownRuleIds(options.packs ?? []);
  const handlers = new Set(options.gvisorHandlers ?? [DEFAULTS.runtimeHandler, GKE_SANDBOX.handler]);
  const entries = flatten(objects);
  const flat = entries.map((e) => e.obj);
  const ctx: RuleContext = {
    objects: flat.filter(isObject),
    gvisorClassNames: gvisorClassNames(flat, options, handlers),
    gvisorHandlers: handlers,
  };
  const findings: Finding[] = [];

  const globalSuppressions = new Map<string, { reason: string; by: 'annotation' | 'options' }>();
  for (const [id, reason] of Object.entries(options.suppressions ?? {})) {
    const entry = checkEntry({ id, reason: typeof reason === 'string' ? reason.trim() : '' }, `suppressions["${id}"]`, known, findings);
    if (entry) globalSuppressions.set(entry.id, { reason: entry.reason, by: 'options' });
  }

  for (const { obj, index, prefix } of entries) {
    const object = identity(obj, index);
    const finding = (ruleId: string, severity: Severity, v: Violation, o?: FindingObject) => makeFinding(ruleId, severity, v, o, prefix);
    if (!isObject(obj) || typeof obj.kind !== 'string' || typeof obj.apiVersion !== 'string') {
      findings.push(finding(NOT_AN_OBJECT.id, NOT_AN_OBJECT.severity, {
        path: isObject(obj) ? (typeof obj.kind === 'string' ? 'apiVersion' : 'kind') : '(document)',
        value: isObject(obj) ? (typeof obj.kind === 'string' ? obj.apiVersion : obj.kind) : obj,
        problem: 'is not a Kubernetes object',
        fix: 'give every document apiVersion and kind',
      }, object));
      continue;
    }
    const local = new Map(globalSuppressions);
    const annotation = isObject(obj.metadata) && isObject(obj.metadata.annotations) ? obj.metadata.annotations[SUPPRESS_ANNOTATION] : undefined;
    if (annotation !== undefined && options.annotationSuppressions !== false) {
      const path = `metadata.annotations["${SUPPRESS_ANNOTATION}"]`;
      const written = parseSuppressions(String(annotation));
      if (written.length === 0) checkEntry({ id: '', reason: '' }, prefix + path, known, findings, object);
      for (const e of written) {
        const entry = checkEntry(e, prefix + path, known, findings, object);
        if (entry) local.set(entry.id, { reason: entry.reason, by: 'annotation' });
      }
    }
    const add = (f: Finding) => {
      const s = local.get(f.ruleId);
      findings.push(s === undefined ? f : { ...f, suppressed: s.reason, suppressedBy: s.by });
    };
    for (const { rule, severity } of rules) {
      let violations: Violation[];
      try {
        violations = rule.check(obj, ctx);
      } catch (e) {
        add(finding(RULE_FAILED.id, RULE_FAILED.severity, { path: '(object)', value: (e as Error)?.message ?? e, problem: `was thrown by ${rule.id}`, fix: 'fix the object\'s field types (or report the rule\'s bug)' }, object));
        continue;
      }
      for (const v of violations) add(finding(rule.id, severity, v, object));
    }
  }
  return findings;
}

/** Validates one suppression; pushes SUPPRESS-001/002 findings and returns the entry when it suppresses something. */
function checkEntry(
  e: SuppressionEntry, path: string, known: ReadonlySet<string>, findings: Finding[], object?: FindingObject,
): SuppressionEntry | undefined {
  if (e.reason === '') {
    const fix = `write "${e.id || '<ID>'}: <why this is acceptable>"`;
    findings.push(makeFinding(SUPPRESSION_WITHOUT_REASON.id, SUPPRESSION_WITHOUT_REASON.severity, { path, value: e.id, problem: e.id ? 'is suppressed without a reason' : 'names no rule and no reason', fix }, object));
    return undefined;
  }
  if (!known.has(e.id)) {
    findings.push(makeFinding(SUPPRESSION_UNKNOWN_RULE.id, SUPPRESSION_UNKNOWN_RULE.severity, { path, value: e.id, problem: 'is not a known rule ID', fix: 'use an ID from RULES.md' }, object));
    return undefined;
  }
  return e;
}

/**
 * The findings that fail a check: not suppressed, and at least as serious as `failOn`.
 * @param failOn @default "error"
 */
export function failingFindings(findings: readonly Finding[], failOn: Severity = 'error'): Finding[] {
  return findings.filter((f) => f.suppressed === undefined && reaches(f.severity, failOn));
}
