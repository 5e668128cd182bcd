import fc from 'fast-check';
import { ApplyIndex, KubeObject, applyOrder, applyRank, dependencies, isClusterScoped, renderMultiTenantSandbox, sortForApply } from '../../../lib/core';

const obj = (kind: string, name: string, namespace?: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1', kind, metadata: namespace === undefined ? { name } : { name, namespace }, ...extra,
});

/** The pairwise definition the linear `dependencies` must agree with. */
function pairwiseDependencies(objects: readonly KubeObject[]): number[][] {
  return objects.map((o) => objects.flatMap((other, j) => {
    if (other === o || applyRank(other.kind) >= applyRank(o.kind)) return [];
    const related = other.kind === 'Namespace'
      ? other.metadata.name === o.metadata.namespace
      : isClusterScoped(other.kind) || other.metadata.namespace === o.metadata.namespace;
    return related ? [j] : [];
  }));
}

const KINDS = ['Namespace', 'RuntimeClass', 'ValidatingAdmissionPolicy', 'ClusterRole', 'ServiceAccount', 'ResourceQuota', 'Role', 'RoleBinding', 'ClusterRoleBinding', 'Pod', 'Deployment'];
const objectArb = fc.record({ kind: fc.constantFrom(...KINDS), name: fc.constantFrom('a', 'b', 'c'), ns: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }) })
  .map(({ kind, name, ns }) => obj(kind, name, isClusterScoped(kind) ? undefined : ns));

describe('apply order, decided once in the core', () => {
  test('dependencies() equals the pairwise definition for any set of objects (property)', () => {
    fc.assert(fc.property(fc.array(objectArb, { maxLength: 30 }), (objects) => {
      expect(dependencies(objects)).toEqual(pairwiseDependencies(objects));
    }), { numRuns: 300 });
  });

  test('applyOrder() is the stable sort by rank, and sortForApply() follows it', () => {
    fc.assert(fc.property(fc.array(objectArb, { maxLength: 30 }), (objects) => {
      const expected = objects.map((_, i) => i).sort((a, b) => applyRank(objects[a]!.kind) - applyRank(objects[b]!.kind) || a - b);
      expect(applyOrder(objects)).toEqual(expected);
      expect(sortForApply(objects)).toEqual(expected.map((i) => objects[i]));
    }));
  });

  test('a 2,000-tenant MultiTenantSandbox: each tenant object depends on its own Namespace and the policies only', () => {
    const tenants = Array.from({ length: 2000 }, (_, i) => ({ name: `t-${i}` }));
    const { objects } = renderMultiTenantSandbox({ tenants }, 'mt');
    const deps = dependencies(objects);
    const i = objects.findIndex((o) => o.kind === 'ResourceQuota' && o.metadata.namespace === 't-1234');
    const named = deps[i]!.map((j) => `${objects[j]!.kind}/${objects[j]!.metadata.name}`);
    expect(named).toEqual(['Namespace/t-1234', 'ValidatingAdmissionPolicy/mt-require-gvisor', 'ValidatingAdmissionPolicy/mt-restrict-tenant-objects']);
  });
});

describe('ApplyIndex: the by-name rule across constructs', () => {
  const pod = (name: string, namespace: string | undefined, runtimeClassName: string) => obj('Pod', name, namespace, { spec: { runtimeClassName } });

  test('an object depends on the Namespace it lives in and the RuntimeClass its pods name, indexed earlier', () => {
    const index = new ApplyIndex<string>();
    expect(index.add([obj('Namespace', 'apps'), obj('RuntimeClass', 'gvisor'), obj('RuntimeClass', 'other')], ['ns', 'rc', 'rc2'])).toEqual({ before: [[], [], []], after: [] });
    expect(index.add([pod('p', 'apps', 'gvisor'), pod('q', 'elsewhere', 'gvisor-x')], ['p', 'q'])).toEqual({ before: [['ns', 'rc'], []], after: [] });
  });

  test('declared later, a Namespace or RuntimeClass is returned as `after` edges of what already names it', () => {
    const index = new ApplyIndex<string>();
    index.add([pod('p', 'apps', 'gvisor')], ['p']);
    index.add([obj('ServiceAccount', 'sa', 'apps')], ['sa']);
    expect(index.add([obj('Namespace', 'apps'), obj('RuntimeClass', 'gvisor')], ['ns', 'rc']).after).toEqual([['p', 'ns'], ['sa', 'ns'], ['p', 'rc']]);
    expect(index.dependentsOf(obj('Namespace', 'apps'))).toEqual(['p', 'sa']);
    expect(index.dependentsOf(obj('ConfigMap', 'apps'))).toEqual([]);
  });

  test('a namespaced object without a namespace takes the default namespace; cluster-scoped ones never do', () => {
    const index = new ApplyIndex<string>();
    index.add([obj('Namespace', 'chart-ns')], ['ns']);
    expect(index.prerequisites([obj('ConfigMap', 'c'), obj('ClusterRole', 'r')], 'chart-ns')).toEqual([['ns'], []]);
    expect(index.prerequisites([obj('ConfigMap', 'c')])).toEqual([[]]);
  });

  test('indexing n workloads against one Namespace and RuntimeClass costs the same per workload at 1,000 and 16,000 (Map operations, not time)', () => {
    let calls = 0;
    const count = <K, V>(m: Map<K, V>) => {
      const get = m.get.bind(m);
      m.get = (k: K) => (calls++, get(k));
      return m;
    };
    const perWorkload = (n: number) => {
      const index = new ApplyIndex<number>();
      count((index as any).provided);
      count((index as any).wanting);
      index.add([obj('Namespace', 'apps'), obj('RuntimeClass', 'gvisor')], [-1, -2]);
      calls = 0;
      for (let i = 0; i < n; i++) index.add([pod(`p${i}`, 'apps', 'gvisor')], [i]);
      return calls / n;
    };
    expect(perWorkload(16_000)).toBe(perWorkload(1_000));
  });
});
