import { App } from 'cdk8s';
import { SandboxChart } from '../../examples/cdk8s/main';
import { admit } from '../helpers/admission';
import { ingressAllowedFrom, podIn, podRefOf } from '../helpers/network-policy';
import { assertRestrictedAndSandboxed } from '../helpers/pod-security';
import { assertAllSchemaValid } from '../helpers/schema';
import { synthApp } from '../helpers/synth';

describe('examples/cdk8s', () => {
  const app = new App();
  new SandboxChart(app, 'gvisor-sandbox');
  const objects = synthApp(app);

  const id = (o: any) => [o.kind, o.metadata.namespace, o.metadata.name].filter(Boolean).join('/');

  test('emits every case of the source document', () => {
    expect(objects.map(id).sort()).toEqual([
      'ConfigMap/untrusted-code-code',
      'Deployment/edge-sandbox',
      'Deployment/web',
      'Job/report',
      'Job/untrusted-code',
      'LimitRange/tenant-a/container-defaults',
      'LimitRange/tenant-b/container-defaults',
      'Namespace/tenant-a',
      'Namespace/tenant-b',
      'NetworkPolicy/tenant-a/allow-dns',
      'NetworkPolicy/tenant-a/allow-ingress-web',
      'NetworkPolicy/tenant-a/allow-same-namespace',
      'NetworkPolicy/tenant-a/default-deny-all',
      'NetworkPolicy/tenant-b/allow-dns',
      'NetworkPolicy/tenant-b/allow-egress',
      'NetworkPolicy/tenant-b/allow-same-namespace',
      'NetworkPolicy/tenant-b/default-deny-all',
      'NetworkPolicy/untrusted-code',
      'Pod/nginx-sandboxed',
      'Pod/tenant-a/secure-pod',
      'ResourceQuota/tenant-a/tenant-quota',
      'ResourceQuota/tenant-b/tenant-quota',
      'Role/tenant-a/tenant-admin',
      'RoleBinding/tenant-a/tenant-admin',
      'RuntimeClass/gvisor',
      'ServiceAccount/tenant-a/workload',
      'ServiceAccount/tenant-b/workload',
      'ValidatingAdmissionPolicy/tenants-require-gvisor',
      'ValidatingAdmissionPolicy/tenants-restrict-tenant-objects',
      'ValidatingAdmissionPolicyBinding/tenants-require-gvisor',
      'ValidatingAdmissionPolicyBinding/tenants-restrict-tenant-objects',
    ]);
  });

  test('the order applies in one pass: the class, namespaces, policies and roles before what needs them', () => {
    const at = (key: string) => objects.findIndex((o) => id(o) === key);
    expect(at('RuntimeClass/gvisor')).toBe(0);
    for (const o of objects) {
      const i = at(id(o));
      if (o.metadata.namespace) expect([id(o), i > at(`Namespace/${o.metadata.namespace}`)]).toEqual([id(o), true]);
      const spec = o.kind === 'Pod' ? o.spec : o.spec?.template?.spec;
      if (spec?.runtimeClassName) expect(i).toBeGreaterThan(at(`RuntimeClass/${spec.runtimeClassName}`));
    }
    expect(at('ValidatingAdmissionPolicyBinding/tenants-require-gvisor')).toBeGreaterThan(at('ValidatingAdmissionPolicy/tenants-require-gvisor'));
    expect(at('RoleBinding/tenant-a/tenant-admin')).toBeGreaterThan(at('Role/tenant-a/tenant-admin'));
    expect(at('Job/untrusted-code')).toBeGreaterThan(at('ConfigMap/untrusted-code-code'));
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

  test('the tenant pod takes traffic from the ingress controller\'s namespace on 8080 only; the other tenant stays out', () => {
    const pod = podRefOf(objects.find((o) => o.kind === 'Pod' && o.metadata.name === 'secure-pod'));
    expect(ingressAllowedFrom(objects, pod, podIn('ingress-nginx'), { port: 8080 })).toBe(true);
    expect(ingressAllowedFrom(objects, pod, podIn('ingress-nginx'), { port: 9090 })).toBe(false);
    expect(ingressAllowedFrom(objects, pod, podIn('tenant-b'), { port: 8080 })).toBe(false);
    expect(ingressAllowedFrom(objects, pod, podIn('default'), { port: 8080 })).toBe(false);
  });
});
