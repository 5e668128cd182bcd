import { GvisorIacError, renderRuntimeClass, runtimeClassRef } from '../../../lib/core';
import { assertSchemaValid } from '../../helpers/schema';

describe('renderRuntimeClass', () => {
  test('defaults: name gvisor, handler runsc, overhead 100m/160Mi, no scheduling', () => {
    const { ref, objects, primary } = renderRuntimeClass();
    expect(objects).toEqual([
      {
        apiVersion: 'node.k8s.io/v1',
        kind: 'RuntimeClass',
        metadata: { name: 'gvisor', labels: { 'app.kubernetes.io/managed-by': 'gvisor-iac' } },
        handler: 'runsc',
        overhead: { podFixed: { cpu: '100m', memory: '160Mi' } },
      },
    ]);
    expect(primary).toBe(0);
    expect(ref).toEqual({ name: 'gvisor', handler: 'runsc', overhead: { cpu: '100m', memory: '160Mi' } });
    assertSchemaValid(objects[0]!);
  });

  test('name, handler, overhead, scheduling, labels and annotations are honoured', () => {
    const { objects, ref } = renderRuntimeClass({
      name: 'gvisor-kvm',
      handler: 'runsc-kvm',
      podOverhead: { cpu: '250m', memory: '256Mi' },
      nodeSelector: { 'gvisor.dev/platform': 'kvm' },
      tolerations: [{ key: 'sandbox', operator: 'Exists', effect: 'NoSchedule' }],
      labels: { team: 'platform' },
      annotations: { 'example.com/owner': 'platform' },
    });
    expect(objects[0]).toEqual({
      apiVersion: 'node.k8s.io/v1',
      kind: 'RuntimeClass',
      metadata: {
        name: 'gvisor-kvm',
        labels: { 'app.kubernetes.io/managed-by': 'gvisor-iac', 'team': 'platform' },
        annotations: { 'example.com/owner': 'platform' },
      },
      handler: 'runsc-kvm',
      overhead: { podFixed: { cpu: '250m', memory: '256Mi' } },
      scheduling: {
        nodeSelector: { 'gvisor.dev/platform': 'kvm' },
        tolerations: [{ key: 'sandbox', operator: 'Exists', effect: 'NoSchedule' }],
      },
    });
    expect(ref.overhead).toEqual({ cpu: '250m', memory: '256Mi' });
    assertSchemaValid(objects[0]!);
  });

  test('a partial overhead keeps the other default', () => {
    expect(renderRuntimeClass({ podOverhead: { memory: '200Mi' } }).ref.overhead).toEqual({ cpu: '100m', memory: '200Mi' });
  });

  test('podOverhead: false emits no overhead', () => {
    const { objects, ref } = renderRuntimeClass({ podOverhead: false });
    expect(objects[0]).not.toHaveProperty('overhead');
    expect(ref.overhead).toBeUndefined();
  });

  test('GKE preset: handler gvisor, GKE node label and taint, nothing emitted', () => {
    const { objects, ref, primary } = renderRuntimeClass({ preset: 'gke' });
    expect(objects).toEqual([]);
    expect(primary).toBeUndefined();
    expect(ref).toEqual({
      name: 'gvisor',
      handler: 'gvisor',
      nodeSelector: { 'sandbox.gke.io/runtime': 'gvisor' },
      tolerations: [{ key: 'sandbox.gke.io/runtime', operator: 'Equal', value: 'gvisor', effect: 'NoSchedule' }],
    });
  });

  test('existing class: referenced by name, nothing emitted', () => {
    expect(renderRuntimeClass({ name: 'sandboxed', existing: true }).objects).toEqual([]);
    expect(runtimeClassRef('sandboxed')).toEqual({ name: 'sandboxed', handler: 'runsc' });
    expect(runtimeClassRef('sandboxed', { podOverhead: { cpu: '50m', memory: '64Mi' } }).overhead).toEqual({ cpu: '50m', memory: '64Mi' });
  });

  test.each([
    [{ name: 'GVisor' }, 'INVALID_NAME', 'props.name'],
    [{ handler: 'run_sc' }, 'INVALID_NAME', 'props.handler'],
    [{ podOverhead: { cpu: 'lots' } }, 'INVALID_QUANTITY', 'props.podOverhead.cpu'],
    [{ podOverhead: { memory: '160m' } }, 'INVALID_QUANTITY', 'props.podOverhead.memory'],
    [{ nodeSelector: { 'node type': 'edge' } }, 'INVALID_LABEL', 'props.nodeSelector["node type"]'],
    [{ tolerations: [{ key: 'a', effect: 'Sometimes' }] }, 'INVALID_VALUE', 'props.tolerations[0].effect'],
    [{ preset: 'eks' }, 'INVALID_VALUE', 'props.preset'],
    [{ handlr: 'runsc' }, 'UNKNOWN_FIELD', 'props.handlr'],
  ])('refuses %j', (props, code, path) => {
    let err: unknown;
    try {
      renderRuntimeClass(props as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GvisorIacError);
    expect((err as GvisorIacError).code).toBe(code);
    expect((err as GvisorIacError).path).toBe(path);
    expect((err as GvisorIacError).message.startsWith(`${path}: `)).toBe(true);
  });
});
