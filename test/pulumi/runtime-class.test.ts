import { DEFAULTS } from '../../lib/core';
import { mockPulumi, settle } from '../helpers/pulumi';
import { assertAllSchemaValid } from '../helpers/schema';
import { renderRuntimeClass } from 'gvisor-iac';
import { GvisorRuntimeClass } from 'gvisor-iac/pulumi';

const URN = 'urn:pulumi:stack::project::gvisor-iac:index:GvisorRuntimeClass::gvisor';

describe('GvisorRuntimeClass (Pulumi)', () => {
  test('defaults: class "gvisor", handler "runsc", overhead 100m/160Mi, one child named from the component', async () => {
    const rec = mockPulumi();
    const rc = new GvisorRuntimeClass('gvisor');
    await settle(rec, rc);
    expect(rec.registrations.map((r) => [r.type, r.name, r.parent])).toEqual([
      ['gvisor-iac:index:GvisorRuntimeClass', 'gvisor', ''],
      ['kubernetes:node.k8s.io/v1:RuntimeClass', 'gvisor-runtimeclass-gvisor', URN],
    ]);
    const child = rec.byName('gvisor-runtimeclass-gvisor');
    expect(child.inputs).toEqual({
      apiVersion: 'node.k8s.io/v1',
      kind: 'RuntimeClass',
      metadata: { name: DEFAULTS.runtimeClassName, labels: { 'app.kubernetes.io/managed-by': 'gvisor-iac' } },
      handler: 'runsc',
      overhead: { podFixed: { cpu: '100m', memory: '160Mi' } },
    });
    expect(child.dependencies).toEqual([]);
    assertAllSchemaValid([child.inputs]);
    expect(rc.name).toBe('gvisor');
    expect(rc.ref).toEqual(renderRuntimeClass({}).ref);
    expect(rc.resource).toBe(rc.resources[0]);
    expect(rc.runtimeClass).toBe(rc.resource);
    // The core's RuntimeClass attributes (no `namespaces`: a RuntimeClass has none).
    expect(rec.outputs.get(URN)).toEqual({ name: 'gvisor', runtimeClassName: 'gvisor', objects: [{ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', name: 'gvisor' }] });
  });

  test('the component name does not name the class: props.name does', async () => {
    const rec = mockPulumi();
    const rc = new GvisorRuntimeClass('sandbox', { name: 'gvisor-edge', handler: 'runsc-edge' });
    await settle(rec, rc);
    expect(rec.kube().map((r) => [r.name, r.inputs.metadata.name, r.inputs.handler])).toEqual([['sandbox-runtimeclass-gvisor-edge', 'gvisor-edge', 'runsc-edge']]);
  });

  test.each([
    ['gke()', () => GvisorRuntimeClass.gke('gke'), { name: 'gvisor', handler: 'gvisor' }],
    ['fromName()', () => GvisorRuntimeClass.fromName('corp', 'corp-gvisor', { podOverhead: { cpu: '50m', memory: '64Mi' } }), { name: 'corp-gvisor', overhead: { cpu: '50m', memory: '64Mi' } }],
  ])('%s registers the component but no Kubernetes resource', async (_, make, ref) => {
    const rec = mockPulumi();
    const rc = make();
    await settle(rec, rc);
    expect(rec.kube()).toEqual([]);
    expect(rc.resource).toBeUndefined();
    expect(rc.resources).toEqual([]);
    expect(rc.ref).toMatchObject(ref);
    expect(rec.outputs.get(rec.registrations[0]!.urn)).toEqual({ name: ref.name, runtimeClassName: ref.name, objects: [] });
  });
});
