import { ApiObject } from 'cdk8s';
import { renderMultiTenantSandbox } from '../../lib';
import { GvisorRuntimeClass, MultiTenantSandbox } from '../../lib/cdk8s';
import { objectKey } from '../../lib/core';
import { assertAllSchemaValid } from '../helpers/schema';
import { newChart, synth, synthApp } from '../helpers/synth';

describe('MultiTenantSandbox (cdk8s)', () => {
  const props = { tenants: [{ name: 'tenant-a', admins: { groups: ['team-a'] } }, { name: 'tenant-b', egress: 'internet' as const }] };

  test('synthesises exactly the core objects, schema-valid, each after what it depends on', () => {
    const objects = synth((chart) => new MultiTenantSandbox(chart, 'tenants', props));
    const byKey = (list: readonly any[]) => Object.fromEntries(list.map((o) => [objectKey(o), o]));
    expect(byKey(objects)).toEqual(byKey(renderMultiTenantSandbox(props, 'tenants').objects));
    expect(objects).toHaveLength(renderMultiTenantSandbox(props, 'tenants').objects.length);
    assertAllSchemaValid(objects);
    const position = (kind: string, name: string) => objects.findIndex((o) => o.kind === kind && o.metadata.name === name);
    objects.forEach((o, i) => {
      if (o.metadata.namespace) expect(position('Namespace', o.metadata.namespace)).toBeLessThan(i);
    });
    expect(position('ValidatingAdmissionPolicy', 'tenants-require-gvisor')).toBeLessThan(position('ValidatingAdmissionPolicyBinding', 'tenants-require-gvisor'));
    expect(position('Role', 'tenant-admin')).toBeLessThan(position('RoleBinding', 'tenant-admin'));
  });

  test('exposes namespaces, tenants and the policy name; ApiObject.of reaches the admission policy', () => {
    const { chart } = newChart();
    const mts = new MultiTenantSandbox(chart, 'tenants', props);
    expect(mts.namespaces).toEqual(['tenant-a', 'tenant-b']);
    expect(mts.tenants.map((t) => t.serviceAccountName)).toEqual(['workload', 'workload']);
    expect(mts.policyName).toBe('tenants-require-gvisor');
    expect(ApiObject.of(mts).kind).toBe('ValidatingAdmissionPolicy');
    // The sandbox's name (as in Pulumi), not the policy's.
    expect(mts.name).toBe('tenants');
  });

  test('takes a GvisorRuntimeClass: its name and overhead are used, and it is applied first', () => {
    const { app, chart } = newChart();
    const rc = new GvisorRuntimeClass(chart, 'rc', { name: 'sandboxed', podOverhead: { cpu: '250m', memory: '512Mi' } });
    expect(() => new MultiTenantSandbox(chart, 'small', { runtimeClass: rc, tenants: [{ name: 'a', quota: { memory: '700Mi' } }] }))
      .toThrow('props.tenants[0].quota.memory: "700Mi" (limits.memory) cannot fit one pod of tenant "a": the LimitRange default limit 256Mi plus the RuntimeClass overhead 512Mi needs 768Mi');
    new MultiTenantSandbox(chart, 'tenants', { runtimeClass: rc, tenants: [{ name: 'a' }] });
    const objects = synthApp(app);
    expect(objects[0].kind).toBe('RuntimeClass');
    const policy = objects.find((o) => o.kind === 'ValidatingAdmissionPolicy');
    expect(policy.spec.validations[0].expression).toContain("== 'sandboxed'");
  });

  test('bad props leave nothing in the chart', () => {
    const { app, chart } = newChart();
    expect(() => new MultiTenantSandbox(chart, 'bad', { tenants: [{ name: 'kube-system' }] })).toThrow(/reserved by Kubernetes/);
    expect(chart.node.tryFindChild('bad')).toBeUndefined();
    expect(synthApp(app)).toEqual([]);
  });

  test('cluster-scoped objects drop the chart namespace; namespaced ones keep their tenant namespace', () => {
    const objects = synth((chart) => new MultiTenantSandbox(chart, 'tenants', props), { namespace: 'apps' });
    for (const o of objects) {
      if (['Namespace', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'].includes(o.kind)) expect(o.metadata.namespace).toBeUndefined();
      else expect(['tenant-a', 'tenant-b']).toContain(o.metadata.namespace);
    }
  });
});
