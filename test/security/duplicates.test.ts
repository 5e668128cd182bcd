/*
 * Class 9 of issue 9: two constructs that emit the same object (API group,
 * kind, namespace, name) in one cdk8s app or one Pulumi program. Applied
 * together, the last one silently wins; the library refuses the second at
 * construction, naming both.
 */
import * as kubernetes from '@pulumi/kubernetes';
import { ApiObject, App, Chart } from 'cdk8s';
import { ObjectRegistry, objectIdentityKey } from '../../lib/core';
import { drain, mockPulumi, settle } from '../helpers/pulumi';
import { synthApp } from '../helpers/synth';
import { thrown } from '../helpers/thrown';
import { DuplicateObjectError, KubeObject } from 'gvisor-iac';
import * as k8s from 'gvisor-iac/cdk8s';
import * as pl from 'gvisor-iac/pulumi';

const containers = [{ name: 'app', image: 'registry.example.com/app:1.0' }];

function duplicate(make: () => unknown): DuplicateObjectError {
  const e = thrown(make);
  expect(e).toBeInstanceOf(DuplicateObjectError);
  expect(e.code).toBe('DUPLICATE_NAME');
  return e;
}

describe('cdk8s: one app', () => {
  test('two SandboxedDeployments named web: the second is refused, naming both node paths; the first is synthesised alone', () => {
    const app = new App();
    const chart = new Chart(app, 'prod');
    new k8s.SandboxedDeployment(chart, 'web', { containers });
    const e = duplicate(() => new k8s.SandboxedDeployment(chart, 'web-v2', { name: 'web', containers }));
    expect([e.object, e.first, e.second, e.path]).toEqual(['Deployment web (apps)', 'prod/web', 'prod/web-v2', 'prod/web-v2']);
    expect(e.message).toBe(
      'prod/web-v2: "Deployment web (apps)" is also emitted by prod/web: applied together, the last one would silently replace the other; give one of them another name (props.name) or namespace',
    );
    expect(chart.node.tryFindChild('web-v2')).toBeUndefined();
    expect(synthApp(app).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Deployment/web']);
  });

  test.each<[string, (app: App) => void, string, string, string]>([
    ['in two charts without a namespace', (app) => {
      new k8s.SandboxedPod(new Chart(app, 'a'), 'web', { containers });
      new k8s.SandboxedPod(new Chart(app, 'b'), 'web', { containers });
    }, 'Pod web (core)', 'a/web', 'b/web'],
    ['in two charts with the same namespace', (app) => {
      new k8s.SandboxedJob(new Chart(app, 'a', { namespace: 'jobs' }), 'run', { containers });
      new k8s.SandboxedJob(new Chart(app, 'b', { namespace: 'jobs' }), 'run', { containers });
    }, 'Job jobs/run (batch)', 'a/run', 'b/run'],
    ['one namespaced by its chart, one by props', (app) => {
      new k8s.SandboxedPod(new Chart(app, 'a', { namespace: 'shop' }), 'web', { containers });
      new k8s.SandboxedPod(new Chart(app, 'b'), 'web', { containers, namespace: 'shop' });
    }, 'Pod shop/web (core)', 'a/web', 'b/web'],
    ['two RuntimeClasses with the default name (cluster-scoped: chart namespaces do not separate them)', (app) => {
      new k8s.GvisorRuntimeClass(new Chart(app, 'a', { namespace: 'x' }), 'rc');
      new k8s.GvisorRuntimeClass(new Chart(app, 'b', { namespace: 'y' }), 'rc');
    }, 'RuntimeClass gvisor (node.k8s.io)', 'a/rc', 'b/rc'],
    ['a RuntimeClass and an EdgeRuntimeClass given the same name', (app) => {
      const c = new Chart(app, 'c');
      new k8s.GvisorRuntimeClass(c, 'rc', { name: 'gvisor-edge' });
      new k8s.EdgeRuntimeClass(c, 'edge');
    }, 'RuntimeClass gvisor-edge (node.k8s.io)', 'c/rc', 'c/edge'],
    ['two MultiTenantSandboxes that share a tenant (its Namespace comes first)', (app) => {
      const c = new Chart(app, 'c');
      new k8s.MultiTenantSandbox(c, 'team-1', { tenants: [{ name: 'shared' }] });
      new k8s.MultiTenantSandbox(c, 'team-2', { tenants: [{ name: 'other' }, { name: 'shared' }] });
    }, 'Namespace shared (core)', 'c/team-1', 'c/team-2'],
    ['two UntrustedCodeSandboxes with one name', (app) => {
      const c = new Chart(app, 'c');
      new k8s.UntrustedCodeSandbox(c, 'run', { image: 'python:3.12' });
      new k8s.UntrustedCodeSandbox(c, 'run-2', { name: 'run', image: 'python:3.12' });
    }, 'NetworkPolicy run (networking.k8s.io)', 'c/run', 'c/run-2'],
    ['an EdgeSandbox and a SandboxedDeployment with one name', (app) => {
      const c = new Chart(app, 'c');
      new k8s.SandboxedDeployment(c, 'web', { containers });
      new k8s.EdgeSandbox(c, 'edge', { name: 'web', containers });
    }, 'Deployment web (apps)', 'c/web', 'c/edge'],
    ['an override that renames an object into another construct\'s', (app) => {
      const c = new Chart(app, 'c');
      new k8s.SandboxedPod(c, 'web', { containers });
      new k8s.SandboxedPod(c, 'api', { containers, overrides: [{ patch: [{ op: 'replace', path: '/metadata/name', value: 'web' }] }] });
    }, 'Pod web (core)', 'c/web', 'c/api'],
    ['two constructs in nested scopes', (app) => {
      const c = new Chart(app, 'c');
      const group = new Chart(c, 'group');
      new k8s.SandboxedPod(c, 'web', { containers });
      new k8s.SandboxedPod(group, 'web', { containers });
    }, 'Pod web (core)', 'c/web', 'c/group/web'],
  ])('refused: %s', (_, build, object, first, second) => {
    const e = duplicate(() => build(new App()));
    expect([e.object, e.first, e.second]).toEqual([object, first, second]);
  });

  test.each<[string, (app: App) => void]>([
    ['different kinds with one name', (app) => {
      const c = new Chart(app, 'c');
      new k8s.SandboxedPod(c, 'web', { containers });
      new k8s.SandboxedDeployment(c, 'web-d', { name: 'web', containers });
      new k8s.SandboxedJob(c, 'web-j', { name: 'web', containers });
    }],
    ['one name in different namespaces', (app) => {
      new k8s.SandboxedPod(new Chart(app, 'a', { namespace: 'x' }), 'web', { containers });
      new k8s.SandboxedPod(new Chart(app, 'b', { namespace: 'y' }), 'web', { containers });
      new k8s.SandboxedPod(new Chart(app, 'c'), 'web', { containers, namespace: 'z' });
    }],
    ['GKE and existing classes, which emit nothing', (app) => {
      const c = new Chart(app, 'c');
      k8s.GvisorRuntimeClass.gke(c, 'gke');
      k8s.GvisorRuntimeClass.fromName(c, 'same', 'gvisor');
      new k8s.GvisorRuntimeClass(c, 'rc');
    }],
  ])('allowed: %s', (_, build) => {
    const app = new App();
    build(app);
    expect(synthApp(app).length).toBeGreaterThan(0);
  });

  test.each<[string, (c: Chart) => void, string, string, string]>([
    ['the user\'s own Namespace named like a tenant (it would strip the Pod Security labels at apply)', (c) => {
      new ApiObject(c, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shared' } });
      new k8s.MultiTenantSandbox(c, 'tenants', { tenants: [{ name: 'shared' }] });
    }, 'Namespace shared (core)', 'c/ns', 'c/tenants/namespace'],
    ['a raw Deployment emitted after a SandboxedDeployment of the same name', (c) => {
      new k8s.SandboxedDeployment(c, 'web', { containers });
      new ApiObject(c, 'raw', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } });
    }, 'Deployment web (apps)', 'c/web/deployment', 'c/raw'],
    ['a raw RuntimeClass named gvisor with another handler', (c) => {
      new k8s.GvisorRuntimeClass(c, 'rc');
      new ApiObject(c, 'runc', { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'gvisor' }, handler: 'runc' } as never);
    }, 'RuntimeClass gvisor (node.k8s.io)', 'c/rc/runtimeclass', 'c/runc'],
  ])('refused at synth: %s', (_, build, object, first, second) => {
    const app = new App();
    build(new Chart(app, 'c'));
    const e = duplicate(() => app.synthYaml());
    expect([e.object, e.first, e.second]).toEqual([object, first, second]);
  });

  test('a raw object that does not collide synthesises, and apps without gvisor-iac constructs are left alone', () => {
    const app = new App();
    const c = new Chart(app, 'c');
    new k8s.SandboxedDeployment(c, 'web', { containers });
    new ApiObject(c, 'raw', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' } });
    expect(synthApp(app).map((o) => o.kind)).toEqual(['Deployment', 'Service']);
    const plain = new App();
    const p = new Chart(plain, 'p');
    new ApiObject(p, 'a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    new ApiObject(p, 'b', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    expect(synthApp(plain)).toHaveLength(2);
  });

  test('in an app with gvisor-iac constructs, two of the user\'s own objects that collide are refused too', () => {
    const app = new App();
    const c = new Chart(app, 'c');
    new k8s.SandboxedDeployment(c, 'web', { containers });
    new ApiObject(c, 'a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    new ApiObject(c, 'b', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    const e = duplicate(() => app.synthYaml());
    expect([e.object, e.first, e.second]).toEqual(['ConfigMap x (core)', 'c/a', 'c/b']);
  });

  test('an object of gvisor-iac\'s taken out of the tree collides with nothing any more', () => {
    const app = new App();
    const c = new Chart(app, 'c');
    new k8s.SandboxedDeployment(c, 'web', { containers });
    c.node.tryRemoveChild('web');
    new ApiObject(c, 'raw', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } });
    expect(synthApp(app).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Deployment/web']);
  });

  test('separate apps do not see each other', () => {
    for (let i = 0; i < 3; i++) new k8s.SandboxedPod(new Chart(new App(), 'c'), 'web', { containers });
  });

  test('a construct refused for another reason claims nothing: its name stays free', () => {
    const c = new Chart(new App(), 'c');
    expect(() => new k8s.SandboxedPod(c, 'web', { containers: [{ name: 'app', image: 'x:1', securityContext: { privileged: true } }] })).toThrow();
    expect(() => new k8s.SandboxedPod(c, 'web', { containers })).not.toThrow();
  });
});

describe('Pulumi: one program', () => {
  test('two SandboxedDeployments named web: the second is refused, naming both, and registers no Kubernetes resource', async () => {
    const rec = mockPulumi();
    const first = new pl.SandboxedDeployment('web', { containers });
    const e = duplicate(() => new pl.SandboxedDeployment('web-v2', { name: 'web', containers }));
    expect([e.object, e.first, e.second]).toEqual(['Deployment web (apps)', 'gvisor-iac:index:SandboxedDeployment::web', 'gvisor-iac:index:SandboxedDeployment::web-v2']);
    await settle(rec, first);
    await drain();
    expect(rec.kube().map((r) => r.name)).toEqual(['web-deployment-web']);
  });

  test.each<[string, () => void, string, string]>([
    ['a tenant shared by two MultiTenantSandboxes', () => {
      new pl.MultiTenantSandbox('team-1', { tenants: [{ name: 'shared' }] });
      new pl.MultiTenantSandbox('team-2', { tenants: [{ name: 'shared' }] });
    }, 'gvisor-iac:index:MultiTenantSandbox::team-1', 'gvisor-iac:index:MultiTenantSandbox::team-2'],
    ['two default RuntimeClasses', () => {
      new pl.GvisorRuntimeClass('a');
      new pl.EdgeRuntimeClass('b', { name: 'gvisor' });
    }, 'gvisor-iac:index:GvisorRuntimeClass::a', 'gvisor-iac:index:EdgeRuntimeClass::b'],
    ['a pod and a renamed pod in one namespace', () => {
      new pl.SandboxedPod('web', { containers, namespace: 'shop' });
      new pl.SandboxedPod('api', { containers, namespace: 'shop', overrides: [{ patch: [{ op: 'replace', path: '/metadata/name', value: 'web' }] }] });
    }, 'gvisor-iac:index:SandboxedPod::web', 'gvisor-iac:index:SandboxedPod::api'],
  ])('refused: %s', async (_, build, first, second) => {
    mockPulumi();
    const e = duplicate(build);
    expect([e.first, e.second]).toEqual([first, second]);
    await drain();
  });

  test('the same object through two Kubernetes providers (two clusters) is allowed, and a program restarts clean', async () => {
    const rec = mockPulumi();
    const east = new kubernetes.Provider('east', {});
    const west = new kubernetes.Provider('west', {});
    const a = new pl.SandboxedDeployment('web-east', { name: 'web', containers }, { provider: east });
    const b = new pl.SandboxedDeployment('web-west', { name: 'web', containers }, { providers: { kubernetes: west } });
    duplicate(() => new pl.SandboxedDeployment('web-east-2', { name: 'web', containers }, { provider: east }));
    await settle(rec, a, b);
    const rec2 = mockPulumi();
    const c = new pl.SandboxedDeployment('web', { containers });
    await settle(rec2, c);
    expect(rec2.kube()).toHaveLength(1);
  });
});

describe('the registry', () => {
  const obj = (apiVersion: string, kind: string, name: string, namespace?: string): KubeObject =>
    ({ apiVersion, kind, metadata: { name, namespace } });

  test('identity is API group (not version), kind, namespace, name', () => {
    expect(objectIdentityKey(obj('autoscaling/v1', 'HorizontalPodAutoscaler', 'h', 'n'))).toBe(objectIdentityKey(obj('autoscaling/v2', 'HorizontalPodAutoscaler', 'h', 'n')));
    expect(objectIdentityKey(obj('v1', 'Pod', 'p'), 'ns')).toBe(objectIdentityKey(obj('v1', 'Pod', 'p', 'ns')));
    expect(objectIdentityKey(obj('node.k8s.io/v1', 'RuntimeClass', 'gvisor', 'x'))).toBe(objectIdentityKey(obj('node.k8s.io/v1', 'RuntimeClass', 'gvisor')));
    expect(objectIdentityKey(obj('v1', 'Pod', 'p', 'a'))).not.toBe(objectIdentityKey(obj('v1', 'Pod', 'p', 'b')));
    expect(objectIdentityKey(obj('v1', 'Pod', 'a-b', 'c'))).not.toBe(objectIdentityKey(obj('v1', 'Pod', 'b', 'c-a')));
  });

  test('a claim is all or nothing, and a construct that emits one object twice is refused too', () => {
    const r = new ObjectRegistry();
    r.claim([obj('v1', 'Pod', 'a', 'n')], 'first');
    const e = duplicate(() => r.claim([obj('v1', 'Pod', 'b', 'n'), obj('v1', 'Pod', 'a', 'n')], 'second'));
    expect(e.first).toBe('first');
    expect(r.size).toBe(1);
    const twice = duplicate(() => r.claim([obj('v1', 'ConfigMap', 'c', 'n'), obj('v1', 'ConfigMap', 'c', 'n')], 'third'));
    expect(twice.message).toContain('is emitted twice by this construct');
  });

  test('linear: each object costs one Map lookup and two Set lookups (its own batch, the cluster-scoped kinds), never a scan of the registry', () => {
    const r = new ObjectRegistry();
    const claimAll = (from: number, to: number) => {
      for (let i = from; i < to; i++) r.claim([obj('apps/v1', 'Deployment', `w${i}`, 'ns'), obj('v1', 'Service', `w${i}`, 'ns')], `c/w${i}`);
    };
    claimAll(0, 1000);
    const get = jest.spyOn(Map.prototype, 'get');
    const has = jest.spyOn(Set.prototype, 'has');
    const iterate = jest.spyOn(Map.prototype, Symbol.iterator);
    const forEach = jest.spyOn(Map.prototype, 'forEach');
    const values = jest.spyOn(Map.prototype, 'values');
    const keys = jest.spyOn(Map.prototype, 'keys');
    try {
      claimAll(1000, 5000);
      expect(get).toHaveBeenCalledTimes(4000 * 2);
      expect(has).toHaveBeenCalledTimes(4000 * 2 * 2); // the batch, and isClusterScoped (a set of kinds)
      expect(iterate).not.toHaveBeenCalled();
      expect(forEach).not.toHaveBeenCalled();
      expect(values).not.toHaveBeenCalled();
      expect(keys).not.toHaveBeenCalled();
    } finally {
      for (const spy of [get, has, iterate, forEach, values, keys]) spy.mockRestore();
    }
    expect(r.size).toBe(10000);
  });

  test('measured: 40,000 objects claimed one construct at a time', () => {
    const r = new ObjectRegistry();
    const start = process.hrtime.bigint();
    for (let i = 0; i < 20000; i++) r.claim([obj('apps/v1', 'Deployment', `w${i}`, 'ns'), obj('v1', 'Service', `w${i}`, 'ns')], `c/w${i}`);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    console.log(`ObjectRegistry: 40,000 objects in ${ms.toFixed(1)} ms`);
    // A scan would compare ~8e8 pairs; the Map needs a fraction of a second even on a loaded machine.
    expect(ms).toBeLessThan(10000);
    expect(r.size).toBe(40000);
  });
});
