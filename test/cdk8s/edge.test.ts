import { ApiObject } from 'cdk8s';
import { renderEdgeSandbox } from '../../lib/core';
import { caught } from '../helpers/errors';
import { assertRestrictedAndSandboxed } from '../helpers/pod-security';
import { assertAllSchemaValid } from '../helpers/schema';
import { newChart, synth, synthApp } from '../helpers/synth';
import { EdgeRuntimeClass, EdgeSandbox, GvisorRuntimeClass } from 'gvisor-iac/cdk8s';

const containers = [{ name: 'app', image: 'edge-app:1.0' }];

describe('EdgeSandbox (cdk8s)', () => {
  test('with an EdgeRuntimeClass: the class (scheduling pinned to edge nodes) comes first', () => {
    const objects = synth((chart) => {
      const edge = new EdgeRuntimeClass(chart, 'gvisor-edge');
      new EdgeSandbox(chart, 'edge-app', { runtimeClass: edge, containers, replicas: 2 });
    });
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['RuntimeClass/gvisor-edge', 'Deployment/edge-app']);
    expect(objects[0].scheduling).toEqual({
      nodeSelector: { 'node-type': 'edge' },
      tolerations: [{ key: 'node-type', operator: 'Equal', value: 'edge', effect: 'NoSchedule' }],
    });
    expect(objects[1].spec.template.spec.runtimeClassName).toBe('gvisor-edge');
    assertAllSchemaValid(objects);
    assertRestrictedAndSandboxed(objects, 'gvisor-edge');
  });

  test('EdgeRuntimeClass is a GvisorRuntimeClass; its props replace the edge defaults', () => {
    const { chart } = newChart();
    const rc = new EdgeRuntimeClass(chart, 'rc', { name: 'edge', nodeSelector: { 'example.com/edge': 'true' } });
    expect(rc).toBeInstanceOf(GvisorRuntimeClass);
    expect(rc.ref.nodeSelector).toEqual({ 'example.com/edge': 'true' });
    expect(rc.name).toBe('edge');
  });

  test('a DaemonSet, one per edge node', () => {
    const objects = synth((chart) => new EdgeSandbox(chart, 'agent', { workload: 'DaemonSet', containers }));
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['DaemonSet/agent']);
    assertAllSchemaValid(objects);
    assertRestrictedAndSandboxed(objects);
  });

  test('emits exactly what the core renders', () => {
    const props = { containers, replicas: 3, namespace: 'edge' };
    expect(synth((chart) => new EdgeSandbox(chart, 'edge-app', props))).toEqual(renderEdgeSandbox(props, 'edge-app').objects);
  });

  test('ApiObject.of(construct) is the workload', () => {
    const { chart } = newChart();
    const edge = new EdgeSandbox(chart, 'edge-app', { containers });
    expect(ApiObject.of(edge)).toBe(edge.apiObject);
    expect(edge.apiObject.kind).toBe('Deployment');
    expect(edge.name).toBe('edge-app');
  });

  test('bad props throw a GvisorIacError and leave nothing behind', () => {
    const { app, chart } = newChart();
    expect(caught(() => new EdgeSandbox(chart, 'edge-app', { containers, nodeSelector: { 'node type': 'edge' } })).path).toBe('props.nodeSelector["node type"]');
    expect(caught(() => new EdgeRuntimeClass(chart, 'rc', { preset: 'gke' } as never)).path).toBe('props.preset');
    expect(chart.node.children).toHaveLength(0);
    expect(synthApp(app)).toEqual([]);
  });
});
