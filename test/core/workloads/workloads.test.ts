import { renderSandboxedDeployment, renderSandboxedJob, renderSandboxedPod } from '../../../lib/core';
import { assertRestrictedAndSandboxed } from '../../helpers/pod-security';
import { assertAllSchemaValid } from '../../helpers/schema';

const containers = [{ name: 'app', image: 'app:1' }];

describe('SandboxedDeployment', () => {
  test('defaults: replicas 1, selector from the name, template labelled to match', () => {
    const { objects } = renderSandboxedDeployment({ containers }, 'Web_Frontend');
    const d = objects[0] as any;
    expect(d.metadata.name).toBe('web-frontend');
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'web-frontend' } });
    expect(d.spec.template.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'gvisor-iac', 'app.kubernetes.io/name': 'web-frontend' });
    expect(d.spec.template.spec.runtimeClassName).toBe('gvisor');
    assertAllSchemaValid(objects);
    assertRestrictedAndSandboxed(objects);
  });
  test('replicas, namespace, labels, annotations and rollout fields', () => {
    const d = renderSandboxedDeployment({
      containers,
      name: 'api',
      namespace: 'shop',
      replicas: 4,
      labels: { tier: 'backend' },
      annotations: { 'example.com/owner': 'team-a' },
      strategy: { type: 'Recreate' },
      minReadySeconds: 5,
      revisionHistoryLimit: 2,
      progressDeadlineSeconds: 120,
    }, 'ignored').objects[0] as any;
    expect(d.metadata).toEqual({
      name: 'api',
      namespace: 'shop',
      labels: { 'app.kubernetes.io/managed-by': 'gvisor-iac', 'tier': 'backend', 'app.kubernetes.io/name': 'api' },
      annotations: { 'example.com/owner': 'team-a' },
    });
    expect(d.spec).toMatchObject({ replicas: 4, strategy: { type: 'Recreate' }, minReadySeconds: 5, revisionHistoryLimit: 2, progressDeadlineSeconds: 120 });
    expect(d.spec.template.metadata.labels.tier).toBe('backend');
  });
  test('a user-given app.kubernetes.io/name label drives the selector', () => {
    const d = renderSandboxedDeployment({ containers, labels: { 'app.kubernetes.io/name': 'shop' } }, 'api').objects[0] as any;
    expect(d.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'shop' });
    expect(d.spec.template.metadata.labels['app.kubernetes.io/name']).toBe('shop');
  });
  test('replicas: 0 is allowed', () => {
    expect((renderSandboxedDeployment({ containers, replicas: 0 }, 'x').objects[0] as any).spec.replicas).toBe(0);
  });
});

describe('SandboxedJob', () => {
  test('defaults: backoffLimit 3, activeDeadlineSeconds 3600, ttlSecondsAfterFinished 3600, restartPolicy Never', () => {
    const { objects } = renderSandboxedJob({ containers }, 'report');
    const j = objects[0] as any;
    expect(j.spec).toMatchObject({ backoffLimit: 3, activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 3600 });
    expect(j.spec.template.spec.restartPolicy).toBe('Never');
    expect(j.spec.template.spec.runtimeClassName).toBe('gvisor');
    expect(j.spec.selector).toBeUndefined();
    assertAllSchemaValid(objects);
    assertRestrictedAndSandboxed(objects);
  });
  test('every Job field is honoured', () => {
    const j = renderSandboxedJob({ containers, backoffLimit: 0, activeDeadlineSeconds: 60, ttlSecondsAfterFinished: 0, completions: 3, parallelism: 2, restartPolicy: 'OnFailure' }, 'batch').objects[0] as any;
    expect(j.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 60, ttlSecondsAfterFinished: 0, completions: 3, parallelism: 2 });
    expect(j.spec.template.spec.restartPolicy).toBe('OnFailure');
  });
});

describe('SandboxedPod', () => {
  test('restartPolicy passes through; Kubernetes default otherwise', () => {
    expect((renderSandboxedPod({ containers }, 'p').objects[0] as any).spec.restartPolicy).toBeUndefined();
    expect((renderSandboxedPod({ containers, restartPolicy: 'Never' }, 'p').objects[0] as any).spec.restartPolicy).toBe('Never');
  });
  test('names derive from the id deterministically', () => {
    const names = ['MyPod', 'my_pod', 'My Pod!', 'pod'].map((id) => renderSandboxedPod({ containers }, id).objects[0]!.metadata.name);
    expect(names).toEqual(['my-pod', 'my-pod', 'my-pod', 'pod']);
  });
  test('output is identical for identical input', () => {
    const a = renderSandboxedPod({ containers, labels: { b: '2', a: '1' } }, 'p');
    const b = renderSandboxedPod({ containers, labels: { b: '2', a: '1' } }, 'p');
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});
