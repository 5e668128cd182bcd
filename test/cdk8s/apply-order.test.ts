import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import fc from 'fast-check';
import { GvisorRuntimeClass, MultiTenantSandbox, SandboxedDeployment } from '../../lib/cdk8s';
import { KubeObject, dependencies, podSpecOf } from '../../lib/core';
import { synthApp } from '../helpers/synth';

/*
 * The apply order gvisor-iac promises in cdk8s (`kubectl apply -f` in one
 * pass): each of its objects comes after the Namespace it lives in and the
 * RuntimeClass its pods name when the app emits them (by construct or by
 * name, the user's own objects too), and after what its own construct
 * orders before it. The emitter adds only the dependency edges cdk8s needs
 * for that (settled at synth), so the promise is checked here on programs
 * built in any order, with the user's own dependencies pulling objects —
 * ours and theirs — out of their places in the tree.
 */

const key = (o: { kind: string; metadata: { name?: string; namespace?: string } }) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const keyOf = (a: ApiObject) => key({ kind: a.kind, metadata: { name: a.name, namespace: a.metadata.namespace } });

/** Every ordering gvisor-iac promises, checked against the synthesised order; `sets` are the constructs' emitted objects. */
function assertPromisedOrder(output: KubeObject[], sets: readonly (readonly ApiObject[])[], userEdges: readonly [ApiObject, ApiObject][]): void {
  const at = new Map(output.map((o, i) => [key(o), i]));
  const before = (first: string, then: string, why: string) => {
    if (!at.has(first) || !at.has(then)) return;
    if (at.get(first)! > at.get(then)!) throw new Error(`${first} comes after ${then} (${why}); order: ${output.map(key).join(', ')}`);
  };
  for (const set of sets) {
    const objects = set.map((a) => output[at.get(keyOf(a))!]!);
    dependencies(objects).forEach((deps, i) => deps.forEach((j) => before(key(objects[j]!), key(objects[i]!), 'within one construct')));
    for (const o of objects) {
      if (o.metadata.namespace !== undefined) before(`Namespace//${o.metadata.namespace}`, key(o), 'its Namespace');
      const rc = podSpecOf(o)?.runtimeClassName;
      if (typeof rc === 'string') before(`RuntimeClass//${rc}`, key(o), 'its RuntimeClass');
    }
  }
  for (const [dependent, prerequisite] of userEdges) before(keyOf(prerequisite), keyOf(dependent), 'the user\'s own dependency');
}

type Step =
  | { op: 'group' }
  | { op: 'namespace'; name: 'a' | 'b'; scope: number }
  | { op: 'runtimeClass'; scope: number }
  | { op: 'deployment'; namespace?: 'a' | 'b' | 't1'; byConstruct: boolean; scope: number }
  | { op: 'tenants'; scope: number }
  | { op: 'configMap'; dependsOn: number[]; scope: number }
  | { op: 'dependOn'; of: number; on: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.constant<Step>({ op: 'group' }),
  fc.record({ op: fc.constant('namespace' as const), name: fc.constantFrom('a' as const, 'b' as const), scope: fc.nat(5) }),
  fc.record({ op: fc.constant('runtimeClass' as const), scope: fc.nat(5) }),
  fc.record({ op: fc.constant('deployment' as const), namespace: fc.option(fc.constantFrom('a' as const, 'b' as const, 't1' as const), { nil: undefined }), byConstruct: fc.boolean(), scope: fc.nat(5) }),
  fc.record({ op: fc.constant('tenants' as const), scope: fc.nat(5) }),
  fc.record({ op: fc.constant('configMap' as const), dependsOn: fc.array(fc.nat(40), { maxLength: 3 }), scope: fc.nat(5) }),
  fc.record({ op: fc.constant('dependOn' as const), of: fc.nat(40), on: fc.nat(40) }),
);

/**
 * Builds a program from steps. The user's dependencies only go from a later
 * ConfigMap of theirs, or from one of gvisor-iac's workloads, to an object
 * created earlier (so they never form a cycle with the apply order).
 */
function build(steps: readonly Step[]) {
  const app = new App();
  const chart = new Chart(app, 'c');
  const scopes: Construct[] = [chart];
  const objects: ApiObject[] = [];
  const sets: ApiObject[][] = [];
  const userEdges: [ApiObject, ApiObject][] = [];
  const namespaces = new Set<string>();
  let rc: GvisorRuntimeClass | undefined;
  let tenants = false;
  let n = 0;
  const scopeOf = (i: number) => scopes[i % scopes.length]!;
  for (const s of steps) {
    const id = `x${n++}`;
    switch (s.op) {
      case 'group': scopes.push(new Construct(chart, id)); break;
      case 'namespace':
        if (namespaces.has(s.name)) break;
        namespaces.add(s.name);
        objects.push(new ApiObject(scopeOf(s.scope), id, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: s.name } }));
        break;
      case 'runtimeClass':
        if (rc) break;
        rc = new GvisorRuntimeClass(scopeOf(s.scope), id);
        objects.push(...rc.apiObjects);
        sets.push([...rc.apiObjects]);
        break;
      case 'deployment': {
        const d = new SandboxedDeployment(scopeOf(s.scope), id, {
          namespace: s.namespace, runtimeClass: s.byConstruct && rc ? rc : 'gvisor', containers: [{ name: 'app', image: 'app:1' }],
        });
        objects.push(...d.apiObjects);
        sets.push([...d.apiObjects]);
        break;
      }
      case 'tenants': {
        if (tenants) break;
        tenants = true;
        const t = new MultiTenantSandbox(scopeOf(s.scope), id, { tenants: [{ name: 't1' }, { name: 't2' }] });
        objects.push(...t.apiObjects);
        sets.push([...t.apiObjects]);
        break;
      }
      case 'configMap': {
        const cm = new ApiObject(scopeOf(s.scope), id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: id, namespace: 'a' } });
        for (const j of new Set(s.dependsOn)) {
          if (j >= objects.length) continue;
          cm.addDependency(objects[j]!);
          userEdges.push([cm, objects[j]!]);
        }
        objects.push(cm);
        break;
      }
      case 'dependOn': {
        // One of gvisor-iac's workloads made to depend on a user's ConfigMap created before it.
        const of = objects[s.of % Math.max(objects.length, 1)];
        const on = objects[s.on % Math.max(objects.length, 1)];
        if (!of || !on || of.kind !== 'Deployment' || on.kind !== 'ConfigMap' || objects.indexOf(on) > objects.indexOf(of)) break;
        of.addDependency(on);
        userEdges.push([of, on]);
        break;
      }
    }
  }
  return { app, sets, userEdges };
}

describe('cdk8s apply order: only the dependency edges cdk8s needs, and the promised order always', () => {
  test('any program, built in any order, with the user\'s dependencies moving objects (property)', () => {
    fc.assert(fc.property(fc.array(stepArb, { minLength: 1, maxLength: 25 }), (steps) => {
      const { app, sets, userEdges } = build(steps);
      const output = synthApp(app);
      assertPromisedOrder(output, sets, userEdges);
      // A second synth of the same app gives the same order (the edges added at the first one stay valid).
      expect(synthApp(app)).toEqual(output);
    }), { numRuns: 400 });
  });

  test('(oracle control) an order that breaks a promise is caught', () => {
    const { app, sets } = build([{ op: 'deployment', namespace: 'a', byConstruct: false, scope: 0 }, { op: 'namespace', name: 'a', scope: 0 }]);
    const output = synthApp(app);
    expect(() => assertPromisedOrder([...output].reverse(), sets, [])).toThrow(/Namespace\/\/a comes after Deployment\/a\/x0 \(its Namespace\)/);
  });

  test('the usual layout — Namespace and RuntimeClass declared first, tenants\' Namespaces before their objects — needs no edge at all', () => {
    const { app, sets } = build([
      { op: 'namespace', name: 'a', scope: 0 }, { op: 'runtimeClass', scope: 0 }, { op: 'tenants', scope: 0 },
      ...Array.from({ length: 5 }, (): Step => ({ op: 'deployment', namespace: 'a', byConstruct: true, scope: 0 })),
      { op: 'deployment', namespace: 't1', byConstruct: true, scope: 0 },
    ]);
    synthApp(app);
    for (const set of sets) for (const a of set) expect([keyOf(a), a.node.dependencies.length]).toEqual([keyOf(a), 0]);
  });

  test.each<[string, Step[], string, string]>([
    ['the Namespace declared after the workload', [
      { op: 'deployment', namespace: 'a', byConstruct: false, scope: 0 }, { op: 'namespace', name: 'a', scope: 0 },
    ], 'Deployment/a/x0', 'Namespace//a'],
    ['a user\'s object placed later depends on the Namespace (which moves before that object, after the workload)', [
      { op: 'namespace', name: 'a', scope: 0 }, { op: 'deployment', namespace: 'a', byConstruct: false, scope: 0 }, { op: 'configMap', dependsOn: [0], scope: 0 },
    ], 'Deployment/a/x1', 'Namespace//a'],
    ['a user\'s object placed earlier (in an earlier group) depends on the workload (which moves before its Namespace)', [
      { op: 'group' }, { op: 'namespace', name: 'a', scope: 0 }, { op: 'deployment', namespace: 'a', byConstruct: false, scope: 0 },
      { op: 'configMap', dependsOn: [1], scope: 1 },
    ], 'Deployment/a/x2', 'Namespace//a'],
  ])('%s: the edge is added', (_, steps, dependent, prerequisite) => {
    const { app, sets } = build(steps);
    const output = synthApp(app);
    assertPromisedOrder(output, sets, []);
    const ours = sets.flat().find((a) => keyOf(a) === dependent)!;
    expect(ours.node.dependencies.map((d) => keyOf(d as ApiObject))).toContain(prerequisite);
  });

  test('a RuntimeClass in another chart: the workload\'s chart is ordered after it (the edge is known before synth)', () => {
    const app = new App();
    const late = new Chart(app, 'a-workloads');
    const early = new Chart(app, 'z-classes');
    const rc = new GvisorRuntimeClass(early, 'rc');
    const web = new SandboxedDeployment(late, 'web', { runtimeClass: rc, containers: [{ name: 'app', image: 'app:1' }] });
    expect(web.apiObject.node.dependencies).toContain(rc.apiObject);
    expect(synthApp(app).map((o) => o.kind)).toEqual(['RuntimeClass', 'Deployment']);
  });
});
