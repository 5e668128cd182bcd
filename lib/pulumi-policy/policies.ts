import { PolicyPack, PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from '@pulumi/policy';
import { CheckOptions, Finding, PolicyObject, checkObjects } from '../policy';

/** Options of the gvisor-iac Pulumi policies: the same as `checkObjects`. */
export interface GvisorIacPolicyOptions extends CheckOptions {}

const TYPE = /^kubernetes:([^:]+):([A-Za-z]+)$/;

/**
 * The Kubernetes object a Pulumi resource describes, or undefined for other
 * types, components (Helm charts, ConfigGroups) and `…Patch` resources (partial by design).
 */
export function kubernetesObjectOf(resource: Pick<PolicyResource, 'type' | 'props'>): PolicyObject | undefined {
  const m = TYPE.exec(resource.type);
  if (!m || m[2]!.endsWith('Patch') || m[2]!.endsWith('List') || m[1]!.includes('helm.sh') || m[1]!.startsWith('yaml/') || m[1] === 'kustomize') return undefined;
  const [group, version] = m[1]!.split('/');
  const apiVersion = group === 'core' ? version : `${group}/${version}`;
  return { apiVersion, kind: m[2], ...resource.props };
}

function validate(options: GvisorIacPolicyOptions, want: (f: Finding) => boolean) {
  return (args: StackValidationArgs, reportViolation: ReportViolation): void => {
    const resources: PolicyResource[] = [];
    const objects: PolicyObject[] = [];
    for (const r of args.resources) {
      const o = kubernetesObjectOf(r);
      if (o) {
        resources.push(r);
        objects.push(o);
      }
    }
    for (const f of checkObjects(objects, options)) {
      if (f.suppressed !== undefined || !want(f)) continue;
      reportViolation(`${f.ruleId} ${f.message}`, f.object ? resources[f.object.index]!.urn : undefined);
    }
  };
}

/**
 * gvisor-iac's rules as Pulumi stack policies: `gvisor-iac-errors`
 * (mandatory: findings of severity error fail `pulumi preview`/`up`) and
 * `gvisor-iac-warnings` (advisory). They judge every `kubernetes:*` resource
 * of the stack together, so cross-object rules (tenancy, untrusted) work.
 */
export function gvisorIacPolicies(options: GvisorIacPolicyOptions = {}): StackValidationPolicy[] {
  return [
    {
      name: 'gvisor-iac-errors',
      description: 'Kubernetes resources break a gvisor-iac policy rule of severity error (see RULES.md).',
      enforcementLevel: 'mandatory',
      validateStack: validate(options, (f) => f.severity === 'error'),
    },
    {
      name: 'gvisor-iac-warnings',
      description: 'Kubernetes resources break a gvisor-iac policy rule of severity warning or info (see RULES.md).',
      enforcementLevel: 'advisory',
      validateStack: validate(options, (f) => f.severity !== 'error'),
    },
  ];
}

/**
 * A Pulumi policy pack of gvisor-iac's rules: the whole `index.ts` of a pack
 * directory (`PulumiPolicy.yaml` with `runtime: nodejs`), run with
 * `pulumi preview --policy-pack <dir>`.
 * @param name @default "gvisor-iac"
 */
export function gvisorIacPolicyPack(name = 'gvisor-iac', options: GvisorIacPolicyOptions = {}): PolicyPack {
  return new PolicyPack(name, { policies: gvisorIacPolicies(options) });
}
