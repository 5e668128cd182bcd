import { App } from 'cdk8s';
import { SandboxChart } from '../../examples/cdk8s/main';
import { admit } from '../helpers/admission';
import { assertRestrictedAndSandboxed } from '../helpers/pod-security';
import { assertAllSchemaValid } from '../helpers/schema';
import { synthApp } from '../helpers/synth';

describe('examples/cdk8s', () => {
  const app = new App();
  new SandboxChart(app, 'gvisor-sandbox');
  const objects = synthApp(app);

  test('emits the RuntimeClass first, then the workloads', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'RuntimeClass/gvisor',
      'Pod/nginx-sandboxed',
      'Deployment/web',
      'Job/report',
      'Namespace/tenant-a',
      'Namespace/tenant-b',
      'ValidatingAdmissionPolicy/tenants-require-gvisor',
      'ServiceAccount/workload',
      'ResourceQuota/tenant-quota',
      'LimitRange/container-defaults',
      'NetworkPolicy/default-deny-all',
      'NetworkPolicy/allow-dns',
      'NetworkPolicy/allow-same-namespace',
      'Role/tenant-admin',
      'ServiceAccount/workload',
      'ResourceQuota/tenant-quota',
      'LimitRange/container-defaults',
      'NetworkPolicy/default-deny-all',
      'NetworkPolicy/allow-dns',
      'NetworkPolicy/allow-same-namespace',
      'NetworkPolicy/allow-egress',
      'ValidatingAdmissionPolicyBinding/tenants-require-gvisor',
      'RoleBinding/tenant-admin',
      'Pod/secure-pod',
      'ConfigMap/untrusted-code-code',
      'NetworkPolicy/untrusted-code',
      'Job/untrusted-code',
      'Deployment/edge-sandbox',
    ]);
  });

  test('the untrusted-code and edge cases keep the source document\'s values', () => {
    const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
    expect(find('Job', 'untrusted-code').spec.template.spec.containers[0].resources.limits).toMatchObject({ cpu: '1', memory: '512Mi' });
    expect(find('Deployment', 'edge-sandbox').spec.template.spec.nodeSelector).toEqual({ 'node-type': 'edge' });
  });

  test('every object is schema-valid and every pod is sandboxed and restricted', () => {
    assertAllSchemaValid(objects);
    assertRestrictedAndSandboxed(objects);
  });

  test('the tenant pod (tenant-a, as in the source document) is admitted by the tenants\' admission policy', () => {
    const policy = objects.find((o) => o.kind === 'ValidatingAdmissionPolicy');
    const binding = objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
    const namespace = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === 'tenant-a');
    const pod = objects.find((o) => o.kind === 'Pod' && o.metadata.namespace === 'tenant-a');
    expect(pod.spec.serviceAccountName).toBe('workload');
    expect(admit(policy, binding, { operation: 'CREATE', object: pod, namespaceLabels: namespace.metadata.labels })).toEqual({ allowed: true, matched: true, messages: [] });
  });
});
