import { DEFAULTS, SandboxedPodProps, renderSandboxedPod } from '../../../lib/core';
import { restrictedViolations } from '../../helpers/pod-security';
import { assertSchemaValid } from '../../helpers/schema';

const app = { name: 'app', image: 'registry.example.com/app:1.0' };
const pod = (props: Partial<SandboxedPodProps> = {}) => {
  const obj = renderSandboxedPod({ containers: [app], ...props }, 'web').objects[0] as any;
  assertSchemaValid(obj);
  return obj;
};

describe('hardened defaults of every sandboxed pod', () => {
  const spec = pod().spec;
  const c = spec.containers[0];

  test('the whole default pod, exactly', () => {
    expect(pod()).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', labels: { 'app.kubernetes.io/managed-by': 'gvisor-iac', 'app.kubernetes.io/name': 'web' } },
      spec: {
        runtimeClassName: 'gvisor',
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{
          name: 'app',
          image: 'registry.example.com/app:1.0',
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
        }],
        volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
      },
    });
    expect(restrictedViolations(spec)).toEqual([]);
  });

  // One row per documented default: [what, actual, expected]
  test.each([
    ['runtimeClassName @default "gvisor"', spec.runtimeClassName, DEFAULTS.runtimeClassName],
    ['runAsNonRoot true', spec.securityContext.runAsNonRoot, true],
    ['hardening.runAsUser @default 1000', spec.securityContext.runAsUser, 1000],
    ['runAsGroup follows runAsUser', spec.securityContext.runAsGroup, 1000],
    ['fsGroup follows runAsUser', spec.securityContext.fsGroup, 1000],
    ['seccompProfile RuntimeDefault', spec.securityContext.seccompProfile, { type: 'RuntimeDefault' }],
    ['automountServiceAccountToken @default false', spec.automountServiceAccountToken, false],
    ['enableServiceLinks @default false', spec.enableServiceLinks, false],
    ['allowPrivilegeEscalation false', c.securityContext.allowPrivilegeEscalation, false],
    ['privileged false', c.securityContext.privileged, false],
    ['hardening.readOnlyRootFilesystem @default true', c.securityContext.readOnlyRootFilesystem, true],
    ['capabilities.drop ALL', c.securityContext.capabilities.drop, ['ALL']],
    ['hardening.defaultResources requests', c.resources.requests, { cpu: '100m', memory: '128Mi' }],
    ['hardening.defaultResources limits', c.resources.limits, { cpu: '500m', memory: '256Mi' }],
    ['hardening.writableTmp @default { sizeLimit: "64Mi" }', spec.volumes, [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]],
    ['no host namespaces', [spec.hostNetwork, spec.hostPID, spec.hostIPC], [undefined, undefined, undefined]],
  ])('%s', (_what, actual, expected) => {
    expect(actual).toEqual(expected);
  });
});

describe('explicit opt-outs', () => {
  test('hardening.runAsUser: false leaves uid/gid to the image, still non-root', () => {
    expect(pod({ hardening: { runAsUser: false } }).spec.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  });
  test('hardening.runAsUser: 2000', () => {
    expect(pod({ hardening: { runAsUser: 2000 } }).spec.securityContext).toMatchObject({ runAsUser: 2000, runAsGroup: 2000, fsGroup: 2000 });
  });
  test('hardening.readOnlyRootFilesystem: false, and per container', () => {
    expect(pod({ hardening: { readOnlyRootFilesystem: false } }).spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(false);
    const p = pod({ containers: [{ ...app, securityContext: { readOnlyRootFilesystem: false } }, { name: 'side', image: 'side:1' }] });
    expect(p.spec.containers.map((x: any) => x.securityContext.readOnlyRootFilesystem)).toEqual([false, true]);
  });
  test('hardening.writableTmp: false adds no volume and no mount', () => {
    const p = pod({ hardening: { writableTmp: false } });
    expect(p.spec.volumes).toBeUndefined();
    expect(p.spec.containers[0].volumeMounts).toBeUndefined();
  });
  test('hardening.writableTmp size and medium', () => {
    expect(pod({ hardening: { writableTmp: { sizeLimit: '1Gi', medium: 'Memory' } } }).spec.volumes).toEqual([{ name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } }]);
  });
  test('a container that mounts its own /tmp gets no second one', () => {
    const p = pod({ volumes: [{ name: 'scratch', emptyDir: {} }], containers: [{ ...app, volumeMounts: [{ name: 'scratch', mountPath: '/tmp' }] }] });
    expect(p.spec.containers[0].volumeMounts).toEqual([{ name: 'scratch', mountPath: '/tmp' }]);
    expect(p.spec.volumes).toEqual([{ name: 'scratch', emptyDir: {} }]);
  });
  test('a user volume named "tmp" does not collide with the scratch volume', () => {
    const p = pod({ volumes: [{ name: 'tmp', configMap: { name: 'cfg' } }], containers: [{ ...app, volumeMounts: [{ name: 'tmp', mountPath: '/etc/cfg' }] }] });
    expect(p.spec.volumes.map((v: any) => v.name)).toEqual(['tmp', 'sandbox-tmp']);
    expect(p.spec.containers[0].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/etc/cfg' }, { name: 'sandbox-tmp', mountPath: '/tmp' }]);
  });
  test('automountServiceAccountToken and enableServiceLinks can be turned on', () => {
    const p = pod({ automountServiceAccountToken: true, enableServiceLinks: true, serviceAccountName: 'reader' });
    expect([p.spec.automountServiceAccountToken, p.spec.enableServiceLinks, p.spec.serviceAccountName]).toEqual([true, true, 'reader']);
  });
  test('hardening.defaultResources replaces the defaults', () => {
    const p = pod({ hardening: { defaultResources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '1', memory: '1Gi' } } } });
    expect(p.spec.containers[0].resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '1', memory: '1Gi' } });
  });
  test('NET_BIND_SERVICE may be added back; other drops are kept next to ALL', () => {
    const p = pod({ containers: [{ ...app, securityContext: { capabilities: { add: ['NET_BIND_SERVICE'], drop: ['NET_RAW'] } } }] });
    expect(p.spec.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL', 'NET_RAW'], add: ['NET_BIND_SERVICE'] });
    expect(restrictedViolations(p.spec)).toEqual([]);
  });
  test('the runtime class can be named', () => {
    expect(pod({ runtimeClass: 'gvisor-kvm' }).spec.runtimeClassName).toBe('gvisor-kvm');
    expect(pod({ runtimeClass: { name: 'gvisor-gpu' } }).spec.runtimeClassName).toBe('gvisor-gpu');
  });
});

describe('resources: always set, request ≤ limit', () => {
  test.each([
    ['given in full: kept', { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } }, { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } }],
    ['limits only: default requests where they fit', { limits: { cpu: '50m', memory: '1Gi' } }, { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '50m', memory: '1Gi' } }],
    ['requests only: default limits raised to the request', { requests: { cpu: '2', memory: '64Mi' } }, { requests: { cpu: '2', memory: '64Mi' }, limits: { cpu: '2', memory: '256Mi' } }],
    ['extra resources kept', { limits: { 'ephemeral-storage': '1Gi' } }, { requests: { cpu: '100m', memory: '128Mi' }, limits: { 'ephemeral-storage': '1Gi', 'cpu': '500m', 'memory': '256Mi' } }],
  ])('%s', (_what, resources, expected) => {
    expect(pod({ containers: [{ ...app, resources }] }).spec.containers[0].resources).toEqual(expected);
  });
});

describe('pass-through fields keep Kubernetes names', () => {
  test('scheduling and pod fields', () => {
    const p = pod({
      nodeSelector: { 'kubernetes.io/arch': 'amd64' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'sandbox', effect: 'NoSchedule' }],
      priorityClassName: 'high',
      terminationGracePeriodSeconds: 5,
      imagePullSecrets: [{ name: 'regcred' }],
      dnsPolicy: 'ClusterFirst',
      initContainers: [{ name: 'init', image: 'busybox:1.36', command: ['true'] }],
    });
    expect(p.spec).toMatchObject({
      nodeSelector: { 'kubernetes.io/arch': 'amd64' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'sandbox', effect: 'NoSchedule' }],
      priorityClassName: 'high',
      terminationGracePeriodSeconds: 5,
      imagePullSecrets: [{ name: 'regcred' }],
      dnsPolicy: 'ClusterFirst',
    });
    expect(p.spec.initContainers[0].securityContext.capabilities.drop).toEqual(['ALL']);
    expect(restrictedViolations(p.spec)).toEqual([]);
  });
  test('no empty arrays are emitted', () => {
    const p = pod({ tolerations: [], imagePullSecrets: [], initContainers: [], volumes: [] });
    expect(JSON.stringify(p)).not.toContain('[]');
  });
});
