import * as pulumi from '@pulumi/pulumi';
import { prepareManifests } from '../../lib/pulumi/component';
import { mockPulumi, settle } from '../helpers/pulumi';
import { renderEdgeSandbox, renderMultiTenantSandbox, renderUntrustedCodeSandbox } from 'gvisor-iac';
import { EdgeRuntimeClass, EdgeSandbox, GvisorRuntimeClass, MultiTenantSandbox, UntrustedCodeSandbox } from 'gvisor-iac/pulumi';

const COMPONENT_URN = (type: string, name: string) => `urn:pulumi:stack::project::gvisor-iac:index:${type}::${name}`;

describe('MultiTenantSandbox (Pulumi)', () => {
  const props = { tenants: [{ name: 'tenant-a', admins: { groups: ['a-admins'] } }, { name: 'tenant-b', egress: 'internet' as const }] };

  test('children: typed, parented, in apply order with explicit dependsOn; inputs exactly the core objects', async () => {
    const rec = mockPulumi();
    const rc = new GvisorRuntimeClass('gvisor');
    const mt = new MultiTenantSandbox('tenants', { ...props, runtimeClass: rc });
    await settle(rec, rc, mt);
    const kids = rec.kube().filter((r) => r.parent === COMPONENT_URN('MultiTenantSandbox', 'tenants'));
    const expected = renderMultiTenantSandbox({ ...props, runtimeClass: rc.ref }, 'tenants').objects;
    expect(kids.map((r) => r.inputs)).toEqual(expect.arrayContaining(expected as any[]));
    expect(kids).toHaveLength(expected.length);
    const urnOf = (kind: string, name: string, ns?: string) =>
      kids.find((r) => r.inputs.kind === kind && r.inputs.metadata.name === name && r.inputs.metadata.namespace === ns)!.urn;
    const rcUrn = rec.byName('gvisor-runtimeclass-gvisor').urn;
    for (const r of kids) expect(r.dependencies).toContain(rcUrn);
    // A Namespace before what lives in it; the policy before its binding; a Role before its binding.
    const quota = kids.find((r) => r.inputs.kind === 'ResourceQuota' && r.inputs.metadata.namespace === 'tenant-a')!;
    expect(quota.dependencies).toContain(urnOf('Namespace', 'tenant-a'));
    expect(quota.dependencies).not.toContain(urnOf('Namespace', 'tenant-b'));
    const binding = kids.find((r) => r.inputs.kind === 'ValidatingAdmissionPolicyBinding')!;
    expect(binding.dependencies).toContain(urnOf('ValidatingAdmissionPolicy', mt.policyName));
    const roleBinding = kids.find((r) => r.inputs.kind === 'RoleBinding')!;
    expect(roleBinding.dependencies).toContain(urnOf('Role', 'tenant-admin', 'tenant-a'));
    // Children are registered after what they depend on.
    const order = rec.registrations.map((r) => r.urn);
    for (const r of kids) for (const d of r.dependencies) expect(order.indexOf(d)).toBeLessThan(order.indexOf(r.urn));
  });

  test('outputs: tenants, namespaces, policy and RuntimeClass names', async () => {
    const rec = mockPulumi();
    const mt = new MultiTenantSandbox('tenants', props);
    await settle(rec, mt);
    expect(mt.namespaces).toEqual(['tenant-a', 'tenant-b']);
    expect(mt.runtimeClassName).toBe('gvisor');
    const out = rec.outputs.get(COMPONENT_URN('MultiTenantSandbox', 'tenants'))!;
    expect(out).toMatchObject({ namespaces: ['tenant-a', 'tenant-b'], policyName: mt.policyName, runtimeClassName: 'gvisor' });
    expect(out.tenants.map((t: any) => t.namespace)).toEqual(['tenant-a', 'tenant-b']);
  });

  test('invalid args register nothing, not even the component', async () => {
    const rec = mockPulumi();
    expect(() => new MultiTenantSandbox('tenants', { tenants: [{ name: 'kube-evil' }] })).toThrow(/tenants\[0\]\.name/);
    expect(rec.registrations).toEqual([]);
  });
});

describe('UntrustedCodeSandbox (Pulumi)', () => {
  test('a ConfigMap, a NetworkPolicy and the Job, parented, the Job after what it mounts; podSelector as output', async () => {
    const rec = mockPulumi();
    const props = { image: 'python:3.12-slim', command: ['python', '/code/main.py'], code: { 'main.py': 'print(1)\n' } };
    const run = new UntrustedCodeSandbox('run-7', props);
    await settle(rec, run);
    const kids = rec.kube();
    expect(kids.map((r) => r.type)).toEqual(['kubernetes:core/v1:ConfigMap', 'kubernetes:networking.k8s.io/v1:NetworkPolicy', 'kubernetes:batch/v1:Job']);
    expect(kids.map((r) => r.inputs)).toEqual(renderUntrustedCodeSandbox(props, 'run-7').objects);
    for (const r of kids) expect(r.parent).toBe(COMPONENT_URN('UntrustedCodeSandbox', 'run-7'));
    expect(kids[2]!.dependencies).toEqual(expect.arrayContaining([kids[0]!.urn, kids[1]!.urn]));
    expect(run.resource).toBe(run.resources[2]);
    expect(rec.outputs.get(COMPONENT_URN('UntrustedCodeSandbox', 'run-7'))).toMatchObject({ name: 'run-7', podSelector: run.podSelector });
  });
});

describe('UntrustedCodeSandbox (Pulumi): image and env values from other resources', () => {
  test('an Output image and env value are validated as placeholders, then registered resolved', async () => {
    const rec = mockPulumi();
    const plain = { image: 'registry.example.com/runner:1', env: [{ name: 'LANG', value: 'C.UTF-8' }] };
    const run = new UntrustedCodeSandbox('run-8', { image: pulumi.output(plain.image), env: [{ name: 'LANG', value: pulumi.output('C.UTF-8') }] });
    await settle(rec, run);
    expect(rec.kube().map((r) => r.inputs)).toEqual(renderUntrustedCodeSandbox(plain, 'run-8').objects);
  });

  test('a bad image from an Output rejects with the core\'s error when it resolves', async () => {
    mockPulumi();
    const prepared = prepareManifests('run-9', { image: pulumi.output('bad image') } as any, renderUntrustedCodeSandbox);
    const job = prepared.manifests.objects.find((o) => o.kind === 'Job') as any;
    const image = job.spec.template.spec.containers[0].image as pulumi.Output<string>;
    for (const p of [(image as any).isKnown, (image as any).isSecret]) p.catch(() => undefined);
    await expect((image as any).promise()).rejects.toThrow('props.image: "bad image" contains whitespace');
  });
});

describe('EdgeSandbox and EdgeRuntimeClass (Pulumi)', () => {
  test('the edge class registers under its own type token; the workload waits for it', async () => {
    const rec = mockPulumi();
    const rc = new EdgeRuntimeClass('gvisor-edge');
    const edge = new EdgeSandbox('edge', { runtimeClass: rc, workload: 'DaemonSet', containers: [{ name: 'app', image: 'edge-app:1.0' }] });
    await settle(rec, rc, edge);
    expect(rec.registrations.filter((r) => !r.custom).map((r) => r.type)).toEqual(['gvisor-iac:index:EdgeRuntimeClass', 'gvisor-iac:index:EdgeSandbox']);
    const ds = rec.kube().find((r) => r.type === 'kubernetes:apps/v1:DaemonSet')!;
    expect(ds.parent).toBe(COMPONENT_URN('EdgeSandbox', 'edge'));
    expect(ds.dependencies).toEqual([rec.byName('gvisor-edge-runtimeclass-gvisor-edge').urn]);
    expect(ds.inputs).toEqual(renderEdgeSandbox({ runtimeClass: rc.ref, workload: 'DaemonSet', containers: [{ name: 'app', image: 'edge-app:1.0' }] }, 'edge').objects[0]);
    expect(edge.runtimeClassName).toBe('gvisor-edge');
  });
});
