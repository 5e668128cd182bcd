import fc from 'fast-check';
import { DEFAULTS } from '../../lib/core';
import { restrictedViolations } from '../helpers/pod-security';
import { thrown } from '../helpers/thrown';
import { GvisorIacError, checkObjects, sandboxObjects } from 'gvisor-iac';

const pod = (spec: Record<string, any>, extra: Record<string, any> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...extra }, spec });

describe('sandboxObjects', () => {
  test('fills only what is absent; explicit safe choices stay, and the input is not modified', () => {
    const input = pod({
      runtimeClassName: 'gvisor',
      automountServiceAccountToken: true,
      securityContext: { runAsUser: 2000 },
      volumes: [{ name: 'tmp', configMap: { name: 'x' } }],
      containers: [
        { name: 'a', image: 'a:1', securityContext: { readOnlyRootFilesystem: false, capabilities: { drop: ['NET_RAW'] } }, resources: { requests: { cpu: '2' } } },
        { name: 'b', image: 'b:1', volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }] },
        { name: 'c', image: 'c:1' },
      ],
    });
    const before = structuredClone(input);
    const { objects, findings, refused } = sandboxObjects([input]);
    expect(input).toEqual(before);
    expect(refused).toEqual([]);
    expect(findings.map((f) => `${f.ruleId} ${f.path}`)).toEqual(['HARD-002 spec.automountServiceAccountToken', 'HARD-003 spec.containers[0].securityContext.readOnlyRootFilesystem']);
    const spec = objects[0]!.spec;
    expect(spec.securityContext).toEqual({ runAsUser: 2000, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.containers[0].securityContext).toEqual({ readOnlyRootFilesystem: false, allowPrivilegeEscalation: false, capabilities: { drop: ['NET_RAW', 'ALL'] } });
    // A request above the default limit raises the filled-in limit to it (the core's resolveResources).
    expect(spec.containers[0].resources).toEqual({ requests: { cpu: '2', memory: '128Mi' }, limits: { cpu: '2', memory: '256Mi' } });
    expect(spec.containers[0].volumeMounts).toBeUndefined();
    expect(spec.containers[1].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    // "tmp" is taken by the pod's own volume: the scratch volume gets another name.
    expect(spec.containers[2].volumeMounts).toEqual([{ name: 'gvisor-iac-tmp', mountPath: '/tmp' }]);
    expect(spec.volumes).toEqual([{ name: 'tmp', configMap: { name: 'x' } }, { name: 'gvisor-iac-tmp', emptyDir: { sizeLimit: DEFAULTS.tmpSizeLimit } }]);
  });

  test.each([
    ['a class that is not gVisor', { runtimeClassName: 'runc', containers: [{ name: 'a', image: 'a:1' }] }, ['GVISOR-001 spec.runtimeClassName']],
    ['hostPID', { hostPID: true, containers: [{ name: 'a', image: 'a:1' }] }, ['PSS-B-002 spec.hostPID']],
    ['root', { securityContext: { runAsUser: 0 }, containers: [{ name: 'a', image: 'a:1' }] }, ['PSS-R-004 spec.securityContext.runAsUser']],
    ['an explicit runAsNonRoot: false', { containers: [{ name: 'a', image: 'a:1', securityContext: { runAsNonRoot: false } }] }, ['PSS-R-003 spec.containers[0].securityContext.runAsNonRoot']],
    ['added capabilities', { containers: [{ name: 'a', image: 'a:1', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }] },
      ['PSS-B-004 spec.containers[0].securityContext.capabilities.add[0]', 'PSS-R-006 spec.containers[0].securityContext.capabilities.add[0]']],
    ['an nfs volume', { volumes: [{ name: 'n', nfs: { server: 's', path: '/' } }], containers: [{ name: 'a', image: 'a:1' }] }, ['PSS-R-001 spec.volumes[0].nfs']],
  ])('refuses %s and returns no objects', (_, spec, expected) => {
    const r = sandboxObjects([pod(spec)]);
    expect(r.objects).toEqual([]);
    expect(r.refused.map((f) => `${f.ruleId} ${f.path}`)).toEqual(expected);
  });

  test('a suppression with a reason lets a refusal through; other objects pass untouched', () => {
    const agent = pod({ hostNetwork: true, containers: [{ name: 'a', image: 'a:1' }] }, { annotations: { 'gvisor-iac.dev/suppress': 'PSS-B-002: gVisor gives host-network pods loopback only' } });
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } };
    const r = sandboxObjects([agent, cm]);
    expect(r.refused).toEqual([]);
    expect(r.objects[1]).toEqual(cm);
    expect(r.objects[0]!.spec.runtimeClassName).toBe('gvisor');
  });

  test('the runtime class to fill is an option; a workload without a template gets one', () => {
    const r = sandboxObjects([{ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'a', image: 'a:1' }] } } } } } }], { runtimeClassName: 'gvisor-kvm' });
    expect(r.refused).toEqual([]);
    expect(r.objects[0]!.spec.jobTemplate.spec.template.spec.runtimeClassName).toBe('gvisor-kvm');
    const bare = sandboxObjects([{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: {} }]);
    expect(bare.objects[0]!.spec.template.spec.runtimeClassName).toBe('gvisor');
  });

  test('ephemeral containers get the securityContext filled too', () => {
    const r = sandboxObjects([pod({ containers: [{ name: 'a', image: 'a:1' }], ephemeralContainers: [{ name: 'debug', image: 'busybox:1', securityContext: { capabilities: { drop: ['NET_RAW'] } } }] })]);
    expect(r.refused).toEqual([]);
    expect(r.objects[0]!.spec.ephemeralContainers).toEqual([{ name: 'debug', image: 'busybox:1', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['NET_RAW', 'ALL'] } } }]);
  });

  test('bad quantities are a typed error naming the object and the field', () => {
    const e = thrown(() => sandboxObjects([pod({ containers: [{ name: 'a', image: 'a:1', resources: { limits: { cpu: 'lots' } } }] })]));
    expect(e).toBeInstanceOf(GvisorIacError);
    expect(e.message).toMatch(/^objects\[0\]\.spec\.containers\[0\]\.resources\.limits\.cpu: "lots" /);
  });

  test('property: whatever safe or absent fields a foreign pod has, the sandboxed pod passes check and the oracle', () => {
    const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
    const container = fc.record({
      name: fc.constantFrom('a', 'b'),
      image: fc.constant('img:1'),
      securityContext: maybe(fc.record({
        runAsNonRoot: maybe(fc.constant(true)),
        runAsUser: maybe(fc.constantFrom(1, 1000)),
        readOnlyRootFilesystem: maybe(fc.boolean()),
        capabilities: maybe(fc.record({ drop: maybe(fc.subarray(['ALL', 'NET_RAW', 'CHOWN'])), add: maybe(fc.constant(['NET_BIND_SERVICE'])) })),
        seccompProfile: maybe(fc.constant({ type: 'RuntimeDefault' })),
      })),
      resources: maybe(fc.record({ limits: maybe(fc.record({ cpu: maybe(fc.constantFrom('250m', '2')), memory: maybe(fc.constantFrom('64Mi', '1Gi')) })) })),
      volumeMounts: maybe(fc.constant([{ name: 'data', mountPath: '/tmp' }])),
    });
    const spec = fc.record({
      initContainers: maybe(fc.array(container, { maxLength: 1 })),
      containers: fc.array(container, { minLength: 1, maxLength: 2 }),
      volumes: fc.constant([{ name: 'data', emptyDir: {} }]),
      securityContext: maybe(fc.record({ runAsGroup: maybe(fc.constant(3000)), fsGroup: maybe(fc.constant(2000)) })),
    });
    fc.assert(fc.property(spec, (s) => {
      const input = JSON.parse(JSON.stringify({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' }, spec: { template: { spec: s } } }));
      const r = sandboxObjects([input]);
      expect(r.refused).toEqual([]);
      const out = r.objects[0]!;
      expect(checkObjects([out], { packs: ['gvisor', 'pss-restricted'] })).toEqual([]);
      expect(restrictedViolations(out.spec.template.spec)).toEqual([]);
    }), { numRuns: 150 });
  });
});
