import * as pulumi from '@pulumi/pulumi';
import { EMITTABLE_KINDS, assertEmittable, childName, emitManifests, pulumiType } from '../../lib/pulumi/emit';
import { mockPulumi, settle } from '../helpers/pulumi';
import { GvisorIacError, KubeObject } from 'gvisor-iac';

/** A minimal object of each kind the emitter knows, with every top-level field it takes. */
const SAMPLES: KubeObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' }, spec: { finalizers: ['kubernetes'] } },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa', namespace: 'ns' }, automountServiceAccountToken: false, imagePullSecrets: [{ name: 'p' }], secrets: [{ name: 's' }] },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'ns' }, data: { a: 'b' }, binaryData: { b: 'YQ==' }, immutable: true },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec', namespace: 'ns' }, type: 'Opaque', data: { a: 'Yg==' }, stringData: { c: 'd' }, immutable: true },
  { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'ns' }, spec: { hard: { pods: '10' } } },
  { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'l', namespace: 'ns' }, spec: { limits: [{ type: 'Container', default: { cpu: '1' } }] } },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [{ name: 'c', image: 'i' }] } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'ns' }, spec: { ports: [{ port: 80 }] } },
  ...['Deployment', 'DaemonSet', 'StatefulSet'].map((kind) => ({ apiVersion: 'apps/v1', kind, metadata: { name: kind.toLowerCase(), namespace: 'ns' }, spec: { selector: {}, template: {} } })),
  { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'ns' }, spec: { template: {} } },
  { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj', namespace: 'ns' }, spec: { schedule: '* * * * *', jobTemplate: {} } },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'np', namespace: 'ns' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'ns' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'rb', namespace: 'ns' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'u' }] },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'cr' }, rules: [{ nonResourceURLs: ['/x'], verbs: ['get'] }], aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] } },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'crb' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cr' }, subjects: [{ kind: 'Group', name: 'g' }] },
  { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'gvisor' }, handler: 'runsc', overhead: { podFixed: { cpu: '100m' } }, scheduling: { nodeSelector: { a: 'b' } } },
  { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'vap' }, spec: { validations: [{ expression: 'true' }] } },
  { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'vapb' }, spec: { policyName: 'vap', validationActions: ['Deny'] } },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'pdb', namespace: 'ns' }, spec: { maxUnavailable: 1 } },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'hpa', namespace: 'ns' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'deployment' }, maxReplicas: 3 } },
];

const SECRET_SIG = '4dabf18193072939515e22adb298388d';
const SECRET_VALUE = '1b47061264138c4ac30d75fd1eb44270';

/** Unwraps the engine's secret markers (`{ <sig>: <secret>, value }`). */
function unsecret(v: any): any {
  if (Array.isArray(v)) return v.map(unsecret);
  if (v && typeof v === 'object') return v[SECRET_SIG] === SECRET_VALUE ? unsecret(v.value) : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unsecret(x)]));
  return v;
}

class Holder extends pulumi.ComponentResource {
  public readonly children: pulumi.CustomResource[];
  public constructor(name: string, objects: KubeObject[], dependsOn: pulumi.Resource[] = []) {
    super('test:index:Holder', name, {}, {});
    this.children = emitManifests(this, name, { objects }, dependsOn);
    this.registerOutputs({});
  }
}

describe('emitManifests', () => {
  test('the samples cover exactly the kinds in the table', () => {
    expect(SAMPLES.map((o) => `${o.apiVersion}/${o.kind}`).sort()).toEqual([...EMITTABLE_KINDS].sort());
  });

  test('registers every kind as its typed resource with the object unchanged, under the parent, named <parent>-<objectKey>', async () => {
    const rec = mockPulumi();
    const holder = new Holder('h', SAMPLES);
    await settle(rec, holder);
    const kube = rec.kube();
    // Returned in the objects' order; registered with the engine concurrently, ordered by dependsOn only.
    expect(holder.children.map((c) => (c as any).__pulumiType)).toEqual(SAMPLES.map(pulumiType));
    const byName = new Map(kube.map((r) => [r.name, r]));
    expect(kube).toHaveLength(SAMPLES.length);
    for (const obj of SAMPLES) {
      const r = byName.get(childName('h', obj))!;
      expect(r.type).toBe(pulumiType(obj));
      expect(unsecret(r.inputs)).toEqual(obj);
    }
    // @pulumi/kubernetes marks a Secret's data as secret, as it should.
    const secret = byName.get('h-secret-ns-sec')!.inputs;
    expect([secret.data[SECRET_SIG], secret.stringData[SECRET_SIG]]).toEqual([SECRET_VALUE, SECRET_VALUE]);
    expect(kube.map((r) => r.type)).toContain('kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding');
    expect(kube.find((r) => r.inputs.kind === 'Pod')!.name).toBe('h-pod-ns-p');
    expect(kube.find((r) => r.inputs.kind === 'RuntimeClass')!.name).toBe('h-runtimeclass-gvisor');
    for (const r of kube) expect(r.parent).toBe('urn:pulumi:stack::project::test:index:Holder::h');
  });

  test('dependsOn follows the core\'s apply order: Namespace, then RuntimeClass/policies, then what uses them', async () => {
    const rec = mockPulumi();
    const holder = new Holder('h', SAMPLES);
    await settle(rec, holder);
    const urn = (kind: string) => rec.kube().find((r) => r.inputs.kind === kind)!.urn;
    const deps = (kind: string) => [...rec.kube().find((r) => r.inputs.kind === kind)!.dependencies].sort();
    expect(deps('Namespace')).toEqual([]);
    expect(deps('ValidatingAdmissionPolicyBinding')).toEqual([urn('RuntimeClass'), urn('ValidatingAdmissionPolicy'), urn('ClusterRole')].sort());
    expect(deps('RoleBinding')).toEqual(
      [urn('Namespace'), urn('RuntimeClass'), urn('ValidatingAdmissionPolicy'), urn('ClusterRole'), urn('ServiceAccount'), urn('ConfigMap'), urn('Secret'), urn('ResourceQuota'),
        urn('LimitRange'), urn('NetworkPolicy'), urn('Role'), urn('ValidatingAdmissionPolicyBinding')].sort(),
    );
    expect(deps('Pod')).toContain(urn('RuntimeClass'));
    expect(deps('Pod')).toContain(urn('RoleBinding'));
  });

  test('extra dependsOn reaches every child, and objects out of apply order still get their dependencies', async () => {
    const rec = mockPulumi();
    const other = new Holder('other', [SAMPLES[0]!]);
    const holder = new Holder('h', [SAMPLES.find((o) => o.kind === 'Pod')!, SAMPLES.find((o) => o.kind === 'RuntimeClass')!], [other.children[0]!]);
    await settle(rec, other, holder);
    const nsUrn = rec.byName('other-namespace-ns').urn;
    expect([...rec.byName('h-pod-ns-p').dependencies].sort()).toEqual([rec.byName('h-runtimeclass-gvisor').urn, nsUrn].sort());
    expect(rec.byName('h-runtimeclass-gvisor').dependencies).toEqual([nsUrn]);
  });
});

describe('assertEmittable', () => {
  test('accepts every sample', () => {
    expect(() => assertEmittable(SAMPLES)).not.toThrow();
  });

  test.each([
    [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, 'INVALID_VALUE',
      'Widget/w.kind: "example.com/v1/Widget" has no typed @pulumi/kubernetes resource in the gvisor-iac Pulumi emitter; emit one of v1/Namespace,'],
    [{ apiVersion: 'apps/v1beta1', kind: 'Deployment', metadata: { name: 'd' } }, 'INVALID_VALUE', 'Deployment/d.kind: "apps/v1beta1/Deployment" has no typed'],
    [{ apiVersion: 'v1', kind: 'Pod', metadata: {} }, 'REQUIRED', 'Pod/undefined.metadata.name: (missing) is not set, so Pulumi would auto-name the object with a random suffix'],
    [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, status: { phase: 'Running' } }, 'UNKNOWN_FIELD',
      'Pod/p.status: {"phase":"Running"} is not a field of kubernetes:core/v1:Pod, so Pulumi would drop it silently; use only metadata, spec'],
    [{ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'g' }, spec: {} }, 'UNKNOWN_FIELD', 'RuntimeClass/g.spec: {} is not a field of kubernetes:node.k8s.io/v1:RuntimeClass'],
  ])('refuses %j', (obj, code, message) => {
    let error: any;
    try {
      assertEmittable([SAMPLES[0]!, obj as KubeObject]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GvisorIacError);
    expect(error.code).toBe(code);
    expect(error.message.startsWith(message)).toBe(true);
  });
});
