import { SCALING_DEFAULTS, renderEdgeSandbox, renderSandboxedDeployment, renderSandboxedStatefulSet, scalingObjects } from '../../../lib/core';
import { assertRestrictedAndSandboxed } from '../../helpers/pod-security';
import { expectRefusal } from '../../helpers/refusal';
import { assertAllSchemaValid } from '../../helpers/schema';

const containers = [{ name: 'app', image: 'app:1' }];
const deploy = (props: Record<string, unknown>) => {
  const { objects } = renderSandboxedDeployment({ containers, ...props } as any, 'web');
  assertAllSchemaValid(objects);
  assertRestrictedAndSandboxed(objects);
  return objects as any[];
};
const labels = { 'app.kubernetes.io/managed-by': 'gvisor-iac', 'app.kubernetes.io/name': 'web' };

describe('disruptionBudget: a PodDisruptionBudget (policy/v1) for the pods', () => {
  test('{} is maxUnavailable 1, selecting the Deployment\'s pods, named and labelled like it', () => {
    const [d, pdb] = deploy({ namespace: 'shop', disruptionBudget: {} });
    expect(pdb).toEqual({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web', namespace: 'shop', labels },
      spec: { selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } }, maxUnavailable: SCALING_DEFAULTS.maxUnavailable },
    });
    expect(pdb.spec.selector).toEqual(d.spec.selector);
    expect(d.spec.replicas).toBe(1);
  });

  test('minAvailable (number or percentage), maxUnavailable, unhealthyPodEvictionPolicy', () => {
    expect(deploy({ replicas: 3, disruptionBudget: { minAvailable: 2 } })[1].spec).toEqual({ selector: expect.anything(), minAvailable: 2 });
    expect(deploy({ disruptionBudget: { minAvailable: '50%' } })[1].spec.minAvailable).toBe('50%');
    expect(deploy({ disruptionBudget: { maxUnavailable: '25%', unhealthyPodEvictionPolicy: 'AlwaysAllow' } })[1].spec).toEqual({
      selector: expect.anything(), maxUnavailable: '25%', unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
    // Equal to the replicas is allowed (it blocks voluntary evictions, as documented).
    expect(deploy({ replicas: 2, disruptionBudget: { minAvailable: 2 } })[1].spec.minAvailable).toBe(2);
  });

  test.each<[string, any, { code: string; field: string; message: string }]>([
    ['both bounds', { disruptionBudget: { minAvailable: 1, maxUnavailable: 1 } }, { code: 'INVALID_VALUE', field: 'props.disruptionBudget.maxUnavailable', message: 'takes one of them' }],
    ['a budget above the replicas', { replicas: 2, disruptionBudget: { minAvailable: 3 } }, { code: 'INVALID_VALUE', field: 'props.disruptionBudget.minAvailable', message: 'above the 2 pod(s) the workload runs: the budget could never be met' }],
    ['a budget above minReplicas', { autoscaling: { minReplicas: 2, maxReplicas: 5 }, disruptionBudget: { minAvailable: 3 } }, { code: 'INVALID_VALUE', field: 'props.disruptionBudget.minAvailable', message: 'at its fewest (autoscaling.minReplicas)' }],
    ['a percentage above 100', { disruptionBudget: { maxUnavailable: '150%' } }, { code: 'INVALID_VALUE', field: 'props.disruptionBudget.maxUnavailable', message: 'percentage from "0%" to "100%"' }],
    ['a negative count', { disruptionBudget: { minAvailable: -1 } }, { code: 'INVALID_VALUE', field: 'props.disruptionBudget.minAvailable', message: 'whole number ≥ 0' }],
    ['a fraction', { disruptionBudget: { maxUnavailable: 0.5 } }, { code: 'INVALID_VALUE', field: 'props.disruptionBudget.maxUnavailable', message: 'whole number ≥ 0' }],
    ['a typo', { disruptionBudget: { minAvailible: 1 } }, { code: 'UNKNOWN_FIELD', field: 'props.disruptionBudget.minAvailible', message: 'did you mean "minAvailable"' }],
    ['an unknown policy', { disruptionBudget: { unhealthyPodEvictionPolicy: 'Always' } }, { code: 'INVALID_VALUE', field: 'props.disruptionBudget.unhealthyPodEvictionPolicy', message: '"IfHealthyBudget", "AlwaysAllow"' }],
    ['not an object', { disruptionBudget: true }, { code: 'INVALID_TYPE', field: 'props.disruptionBudget', message: 'is not an object' }],
  ])('refuses %s', (_, props, expected) => {
    expectRefusal(() => renderSandboxedDeployment({ containers, ...props }, 'web'), expected as any);
  });
});

describe('autoscaling: a HorizontalPodAutoscaler (autoscaling/v2) that owns the replica count', () => {
  test('defaults: minReplicas 1, CPU at 80% of requests; the Deployment sets no replicas', () => {
    const [d, hpa] = deploy({ autoscaling: { maxReplicas: 5 } });
    expect(d.spec.replicas).toBeUndefined();
    expect(hpa).toEqual({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', labels },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 1,
        maxReplicas: 5,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
      },
    });
  });

  test('memory only, or CPU and memory; with a budget: Deployment, budget, autoscaler', () => {
    expect(deploy({ autoscaling: { maxReplicas: 3, targetMemoryUtilizationPercentage: 70 } })[1].spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 70 } } },
    ]);
    const objects = deploy({ namespace: 'shop', autoscaling: { minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 150, targetMemoryUtilizationPercentage: 90 }, disruptionBudget: { minAvailable: 1 } });
    expect(objects.map((o) => o.kind)).toEqual(['Deployment', 'PodDisruptionBudget', 'HorizontalPodAutoscaler']);
    expect(objects[2].spec.metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization])).toEqual([['cpu', 150], ['memory', 90]]);
    expect(objects[2].metadata.namespace).toBe('shop');
  });

  test.each<[string, any, { code: string; field: string; message: string }]>([
    ['replicas with it', { replicas: 3, autoscaling: { maxReplicas: 5 } }, { code: 'INVALID_VALUE', field: 'props.replicas', message: 'the HorizontalPodAutoscaler owns the replica count' }],
    ['no maxReplicas', { autoscaling: { minReplicas: 2 } }, { code: 'REQUIRED', field: 'props.autoscaling.maxReplicas', message: 'is not set' }],
    ['min above max', { autoscaling: { minReplicas: 4, maxReplicas: 3 } }, { code: 'INVALID_VALUE', field: 'props.autoscaling.maxReplicas', message: 'is below minReplicas (4)' }],
    ['scaling to zero', { autoscaling: { minReplicas: 0, maxReplicas: 3 } }, { code: 'INVALID_INTEGER', field: 'props.autoscaling.minReplicas', message: 'from 1 to' }],
    ['a zero target', { autoscaling: { maxReplicas: 3, targetCPUUtilizationPercentage: 0 } }, { code: 'INVALID_INTEGER', field: 'props.autoscaling.targetCPUUtilizationPercentage', message: 'from 1 to 10000' }],
    ['a fractional target', { autoscaling: { maxReplicas: 3, targetMemoryUtilizationPercentage: 50.5 } }, { code: 'INVALID_INTEGER', field: 'props.autoscaling.targetMemoryUtilizationPercentage', message: 'whole number' }],
    ['a typo', { autoscaling: { maxReplica: 3 } }, { code: 'UNKNOWN_FIELD', field: 'props.autoscaling.maxReplica', message: 'did you mean "maxReplicas"' }],
  ])('refuses %s', (_, props, expected) => {
    expectRefusal(() => renderSandboxedDeployment({ containers, ...props }, 'web'), expected as any);
  });
});

describe('EdgeSandbox and other workloads', () => {
  test('an edge Deployment takes both; its replicas spread across sites up to maxReplicas', () => {
    const { objects } = renderEdgeSandbox({ containers, autoscaling: { maxReplicas: 4 }, disruptionBudget: {} }, 'edge');
    assertAllSchemaValid(objects);
    const d = objects[0] as any;
    expect(objects.map((o) => o.kind)).toEqual(['Deployment', 'PodDisruptionBudget', 'HorizontalPodAutoscaler']);
    expect(d.spec.replicas).toBeUndefined();
    expect(d.spec.template.spec.topologySpreadConstraints).toHaveLength(1);
  });

  test.each(['disruptionBudget', 'autoscaling'])('an edge DaemonSet refuses %s', (key) => {
    const value = key === 'autoscaling' ? { maxReplicas: 2 } : {};
    expectRefusal(() => renderEdgeSandbox({ containers, workload: 'DaemonSet', [key]: value } as any, 'edge'), { code: 'INVALID_VALUE', field: `props.${key}`, message: 'applies to a Deployment only' });
  });

  test('scalingObjects is generic over the workload (a StatefulSet passes its own kind)', () => {
    const objects = scalingObjects({ disruptionBudget: { maxUnavailable: 1 }, autoscaling: { maxReplicas: 3 } }, {
      apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', namespace: 'data', labels: { 'app.kubernetes.io/name': 'db' }, podSelector: { 'app.kubernetes.io/name': 'db' },
    });
    assertAllSchemaValid(objects);
    expect((objects[1] as any).spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db' });
    expect((objects[0] as any).spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'db' } });
  });

  test('a SandboxedStatefulSet takes both: no replicas of its own, the budget and autoscaler target it', () => {
    const { objects } = renderSandboxedStatefulSet({ containers, namespace: 'data', serviceName: 'db', autoscaling: { minReplicas: 2, maxReplicas: 5 }, disruptionBudget: { minAvailable: 2 } }, 'db');
    assertAllSchemaValid(objects);
    assertRestrictedAndSandboxed(objects);
    const [sts, pdb, hpa] = objects as any[];
    expect(objects.map((o) => o.kind)).toEqual(['StatefulSet', 'PodDisruptionBudget', 'HorizontalPodAutoscaler']);
    expect(sts.spec.replicas).toBeUndefined();
    expect(pdb.spec).toEqual({ minAvailable: 2, selector: { matchLabels: { 'app.kubernetes.io/name': 'db' } } });
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db' });
    expect(hpa.metadata.namespace).toBe('data');
    // Without autoscaling the StatefulSet keeps its replicas; the same refusals as a Deployment's.
    expect((renderSandboxedStatefulSet({ containers, replicas: 3, disruptionBudget: {} }, 'db').objects[0] as any).spec.replicas).toBe(3);
    expectRefusal(() => renderSandboxedStatefulSet({ containers, replicas: 2, autoscaling: { maxReplicas: 3 } }, 'db'), { code: 'INVALID_VALUE', field: 'props.replicas', message: 'is set with autoscaling' });
    expectRefusal(() => renderSandboxedStatefulSet({ containers, replicas: 2, disruptionBudget: { minAvailable: 3 } }, 'db'), { code: 'INVALID_VALUE', field: 'props.disruptionBudget.minAvailable', message: 'could never be met' });
  });

  test('overrides reach the budget and the autoscaler by kind', () => {
    const objects = deploy({
      autoscaling: { maxReplicas: 3 },
      disruptionBudget: {},
      overrides: [{ kind: 'HorizontalPodAutoscaler', patch: [{ op: 'add', path: '/spec/behavior', value: { scaleDown: { stabilizationWindowSeconds: 600 } } }] }],
    });
    expect(objects[2].spec.behavior).toEqual({ scaleDown: { stabilizationWindowSeconds: 600 } });
  });
});
