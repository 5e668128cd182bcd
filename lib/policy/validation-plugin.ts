import * as fs from 'node:fs';
import { CheckOptions, checkObjects, failingFindings } from './engine';
import { loadManifests } from './load';
import { PackName } from './packs';
import type { Severity } from './types';

/**
 * The part of cdk8s-cli's validation context the plugin uses (declared here
 * so that gvisor-iac does not depend on cdk8s-cli).
 */
export interface Cdk8sValidationContext {
  readonly manifests: readonly string[];
  readonly report: {
    addViolation(violation: {
      ruleName: string;
      recommendation: string;
      fix: string;
      violatingResources: { resourceName: string; locations: string[]; manifestPath: string }[];
    }): void;
    submit(status: 'success' | 'failure', metadata?: Record<string, string>): void;
  };
  readonly logger: { log(message: string): void };
}

/** `properties` of the plugin in cdk8s.yaml. */
export interface GvisorIacValidationProperties {
  /** @default ["gvisor", "pss-restricted", "hardening"] */
  readonly packs?: PackName[];
  /** Rule ID → reason, for every object. @default - none */
  readonly suppressions?: Record<string, string>;
  /** @default ["gvisor"] */
  readonly runtimeClassNames?: string[];
  /** @default ["runsc", "gvisor"] */
  readonly gvisorHandlers?: string[];
  /**
   * The least severe finding that fails `cdk8s synth`.
   * @default "error"
   */
  readonly failOn?: Severity;
}

/**
 * A cdk8s validation plugin: name it in `cdk8s.yaml` and `cdk8s synth` checks
 * the synthesised manifests with gvisor-iac's policy packs and fails on findings.
 *
 * ```yaml
 * validations:
 *   - package: gvisor-iac
 *     version: <the exact version you use>
 *     class: GvisorIacValidation
 *     properties: { packs: [gvisor, pss-restricted, hardening] }
 * ```
 */
export class GvisorIacValidation {
  private readonly options: CheckOptions;
  private readonly failOn: Severity;

  public constructor(properties: GvisorIacValidationProperties = {}) {
    const { failOn, ...options } = properties;
    this.options = options;
    this.failOn = failOn ?? 'error';
  }

  public async validate(context: Cdk8sValidationContext): Promise<void> {
    const loaded = loadManifests(context.manifests.map((name) => ({ name, text: fs.readFileSync(name, 'utf8') })));
    const findings = checkObjects(loaded.objects, this.options);
    const failing = failingFindings(findings, this.failOn);
    const byRule = new Map<string, typeof failing>();
    for (const f of failing) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
    for (const [ruleId, list] of byRule) {
      context.report.addViolation({
        ruleName: ruleId,
        recommendation: list[0]!.message,
        fix: list[0]!.fix,
        violatingResources: list.map((f) => ({
          resourceName: `${f.object?.kind ?? '?'}/${f.object?.namespace ? `${f.object.namespace}/` : ''}${f.object?.name ?? '?'}`,
          locations: [f.path],
          manifestPath: f.object ? loaded.sources[f.object.index]!.file : '(options)',
        })),
      });
    }
    const suppressed = findings.filter((f) => f.suppressed !== undefined).length;
    context.logger.log(`gvisor-iac: ${findings.length} finding(s), ${failing.length} failing (fail on ${this.failOn}), ${suppressed} suppressed`);
    context.report.submit(failing.length ? 'failure' : 'success', { findings: String(findings.length), suppressed: String(suppressed) });
  }
}
