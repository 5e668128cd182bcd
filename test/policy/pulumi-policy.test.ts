// The policy pack's own harness: the engine calls validateStack with the
// stack's resources (type, props, urn) and collects reportViolation calls.
import * as k8s from '@pulumi/kubernetes';
import type { PolicyResource, StackValidationArgs } from '@pulumi/policy';
import { kubernetesObjectOf } from '../../lib/pulumi-policy/policies';
import { mockPulumi, settle } from '../helpers/pulumi';
import { MultiTenantSandbox, SandboxedDeployment, UntrustedCodeSandbox } from 'gvisor-iac/pulumi';
import { GvisorIacPolicyOptions, gvisorIacPolicies } from 'gvisor-iac/pulumi-policy';

async function stack(build: () => import('@pulumi/pulumi').Resource[]): Promise<PolicyResource[]> {
  const recorder = mockPulumi();
  await settle(recorder, ...build());
  return recorder.registrations.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs }) as unknown as PolicyResource);
}

function run(resources: PolicyResource[], options: GvisorIacPolicyOptions = {}) {
  return gvisorIacPolicies(options).map((p) => {
    const violations: [string, string | undefined][] = [];
    const args = { resources, stackTags: new Map(), getConfig: () => ({}), notApplicable: () => { throw new Error('n/a'); } } as unknown as StackValidationArgs;
    void p.validateStack(args, (message, urn) => violations.push([message, urn]));
    return { name: p.name, enforcementLevel: p.enforcementLevel, violations };
  });
}

describe('Pulumi policy pack', () => {
  test('the constructs pass, also with the tenancy and untrusted packs', async () => {
    const resources = await stack(() => [
      new SandboxedDeployment('web', { containers: [{ name: 'web', image: 'web:1' }] }),
      new MultiTenantSandbox('tenants', { tenants: [{ name: 'a' }, { name: 'b', egress: 'internet' }] }),
      new UntrustedCodeSandbox('run', { image: 'python:3.12', command: ['python', '-c', '1'] }),
    ]);
    expect(resources.filter((r) => kubernetesObjectOf(r)).length).toBeGreaterThan(10);
    expect(run(resources, { packs: ['gvisor', 'pss-restricted', 'hardening', 'tenancy'] }).map((p) => p.violations)).toEqual([[], []]);
  });

  test('a plain Deployment is reported against its URN: errors mandatory, warnings advisory; annotations suppress', async () => {
    const resources = await stack(() => [
      new k8s.apps.v1.Deployment('plain', {
        metadata: { name: 'plain' },
        spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { runtimeClassName: 'gvisor', containers: [{ name: 'c', image: 'c:1', securityContext: { privileged: true } }] } } },
      }),
      new k8s.core.v1.Pod('suppressed', {
        metadata: { name: 'legacy', annotations: { 'gvisor-iac.dev/suppress': 'GVISOR-001: migrated next quarter' } },
        spec: { containers: [] },
      }),
    ]);
    const urn = resources.find((r) => r.name === 'plain')!.urn;
    const [errors, warnings] = run(resources, { packs: ['gvisor', 'pss-baseline', 'hardening'] });
    expect(errors).toEqual({
      name: 'gvisor-iac-errors',
      enforcementLevel: 'mandatory',
      violations: [['PSS-B-003 spec.template.spec.containers[0].securityContext.privileged: true turns off the container\'s confinement; remove privileged (or set it to false)', urn]],
    });
    expect(warnings!.enforcementLevel).toBe('advisory');
    expect(warnings!.violations.map(([m]) => m.split(' ')[0]).sort()).toEqual(['HARD-001', 'HARD-001', 'HARD-002', 'HARD-002', 'HARD-003']);
  });

  test.each([
    ['kubernetes:apps/v1:Deployment', { apiVersion: 'apps/v1', kind: 'Deployment' }],
    ['kubernetes:core/v1:Pod', { apiVersion: 'v1', kind: 'Pod' }],
    ['kubernetes:node.k8s.io/v1:RuntimeClass', { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass' }],
    ['kubernetes:apps/v1:DeploymentPatch', undefined],
    ['kubernetes:core/v1:PodList', undefined],
    ['kubernetes:helm.sh/v4:Chart', undefined],
    ['kubernetes:yaml/v2:ConfigGroup', undefined],
    ['gvisor-iac:index:SandboxedPod', undefined],
  ])('%s', (type, expected) => {
    expect(kubernetesObjectOf({ type, props: {} })).toEqual(expected);
  });
});
