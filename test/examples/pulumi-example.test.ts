import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { SandboxChart } from '../../examples/cdk8s/main';
import { assertRestrictedAndSandboxed } from '../helpers/pod-security';
import { Registration, mockPulumi, until } from '../helpers/pulumi';
import { assertAllSchemaValid } from '../helpers/schema';
import { synthApp } from '../helpers/synth';
import { MOCKS_WARNING } from 'gvisor-iac/pulumi';

describe('examples/pulumi', () => {
  let registrations: Registration[];
  let kube: Registration[];
  let program: typeof import('../../examples/pulumi/index');
  const warnings: string[] = [];

  beforeAll(async () => {
    const recorder = mockPulumi();
    // Mocks have no engine to run transforms: enforceGvisor registers nothing and says so.
    jest.spyOn(pulumi.log, 'warn').mockImplementation(async (m) => void warnings.push(m));
    jest.spyOn(pulumi.runtime, 'registerResourceTransform');
    program = await import('../../examples/pulumi/index');
    // The program exports plain values only; wait for its 8 components, 31 children and their outputs.
    await until(() => recorder.registrations.length >= 39 && recorder.outputs.size >= 8);
    registrations = recorder.registrations;
    kube = recorder.kube();
  });

  test('registers the RuntimeClass and every construct as components with typed children', () => {
    expect(registrations.filter((r) => !r.custom).map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      'gvisor-iac:index:EdgeSandbox edge-sandbox',
      'gvisor-iac:index:GvisorRuntimeClass gvisor',
      'gvisor-iac:index:MultiTenantSandbox tenants',
      'gvisor-iac:index:SandboxedDeployment web',
      'gvisor-iac:index:SandboxedJob report',
      'gvisor-iac:index:SandboxedPod nginx-sandboxed',
      'gvisor-iac:index:SandboxedPod secure-pod',
      'gvisor-iac:index:UntrustedCodeSandbox untrusted-code',
    ]);
    const names = kube.map((r) => `${r.type} ${r.name}`);
    expect(names).toEqual(expect.arrayContaining([
      'kubernetes:apps/v1:Deployment web-deployment-web',
      'kubernetes:batch/v1:Job report-job-report',
      'kubernetes:core/v1:Pod nginx-sandboxed-pod-nginx-sandboxed',
      'kubernetes:node.k8s.io/v1:RuntimeClass gvisor-runtimeclass-gvisor',
      'kubernetes:core/v1:Namespace tenants-namespace-tenant-a',
      'kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy tenants-validatingadmissionpolicy-tenants-require-gvisor',
      'kubernetes:batch/v1:Job untrusted-code-job-untrusted-code',
      'kubernetes:apps/v1:Deployment edge-sandbox-deployment-edge-sandbox',
    ]));
    expect(kube).toHaveLength(31);
    // Every child of a construct that names the RuntimeClass waits for it.
    const rc = kube.find((r) => r.inputs.kind === 'RuntimeClass')!;
    for (const r of kube.filter((x) => x !== rc)) expect(r.dependencies).toContain(rc.urn);
  });

  test('registers exactly what the cdk8s example synthesises', () => {
    const app = new App();
    new SandboxChart(app, 'gvisor-sandbox');
    const key = (o: any) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const byName = (a: any, b: any) => key(a).localeCompare(key(b));
    expect(kube.map((r) => r.inputs).sort(byName)).toEqual(synthApp(app).sort(byName));
  });

  test('every object is schema-valid and every pod is sandboxed and restricted', () => {
    assertAllSchemaValid(kube.map((r) => r.inputs));
    assertRestrictedAndSandboxed(kube.map((r) => r.inputs));
  });

  test('runs with enforceGvisor under mocks (which warns that it cannot enforce there), and exports its stack outputs', async () => {
    // Under mocks the program still runs; the engine-side enforcement (deny by default) is
    // proven by `pulumi up` in test/pulumi-up/example.test.ts.
    expect(warnings).toEqual([MOCKS_WARNING]);
    expect(pulumi.runtime.registerResourceTransform).not.toHaveBeenCalled();
    expect(program.runtimeClassName).toBe('gvisor');
    expect(program.objects.slice(0, 4)).toEqual(['RuntimeClass/gvisor', 'Pod/nginx-sandboxed', 'Deployment/web', 'Job/report']);
    expect(program.objects).toHaveLength(31);
    expect(program.namespaces).toEqual(['tenant-a', 'tenant-b']);
  });
});

test('the documented Pulumi quickstart is the tested example', () => {
  const root = path.resolve(__dirname, '../..');
  const example = readFileSync(path.join(root, 'examples/pulumi/index.ts'), 'utf8');
  const docs = ['README.md'].map((f) => path.join(root, f)).filter(existsSync).map((f) => readFileSync(f, 'utf8')).join('\n');
  const block = [...docs.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes("new GvisorRuntimeClass('gvisor')") && b.includes("from 'gvisor-iac/pulumi'"));
  expect(block).toBeDefined();
  // Every line of the snippet is in the example, in the same order.
  const lines = example.split('\n');
  let at = 0;
  for (const line of block!.split('\n').filter((l) => l.trim())) {
    const found = lines.indexOf(line, at);
    expect([line, found >= 0]).toEqual([line, true]);
    at = found + 1;
  }
});
