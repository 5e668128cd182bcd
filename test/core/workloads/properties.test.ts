import fc from 'fast-check';
import {
  GvisorIacError, SandboxedJobProps, renderSandboxedCronJob, renderSandboxedDaemonSet, renderSandboxedDeployment, renderSandboxedJob,
  renderSandboxedPod, renderSandboxedStatefulSet,
} from '../../../lib/core';
import { assertRestrictedAndSandboxed } from '../../helpers/pod-security';
import { assertAllSchemaValid } from '../../helpers/schema';

const dnsLabel = fc.stringMatching(/^[a-z]([-a-z0-9]{0,20}[a-z0-9])?$/);
const cpu = fc.integer({ min: 1, max: 4000 }).map((m) => `${m}m`);
const mem = fc.integer({ min: 1, max: 4096 }).map((m) => `${m}Mi`);
const resources = fc.option(
  fc.tuple(cpu, cpu, mem, mem).map(([c1, c2, m1, m2]) => {
    const [rc, lc] = [c1, c2].sort((a, b) => parseInt(a) - parseInt(b));
    const [rm, lm] = [m1, m2].sort((a, b) => parseInt(a) - parseInt(b));
    return { requests: { cpu: rc, memory: rm }, limits: { cpu: lc, memory: lm } };
  }),
  { nil: undefined },
);
const securityContext = fc.option(
  fc.record({
    readOnlyRootFilesystem: fc.boolean(),
    runAsUser: fc.integer({ min: 1, max: 65535 }),
    capabilities: fc.record({ add: fc.constantFrom([], ['NET_BIND_SERVICE']), drop: fc.constantFrom([], ['NET_RAW'], ['ALL']) }),
  }, { requiredKeys: [] }),
  { nil: undefined },
);
const volumes = fc.uniqueArray(dnsLabel.filter((n) => n !== 'tmp' && n !== 'sandbox-tmp'), { maxLength: 3 }).map((names) =>
  names.map((name, i) => (i % 2 ? { name, configMap: { name: `cm-${i}` } } : { name, emptyDir: { sizeLimit: `${i + 1}Mi` } })));

const podProps = fc
  .record({
    names: fc.uniqueArray(dnsLabel, { minLength: 1, maxLength: 4 }),
    volumes,
    resources,
    securityContext,
    namespace: fc.option(dnsLabel, { nil: undefined }),
    labels: fc.option(fc.dictionary(dnsLabel, dnsLabel, { maxKeys: 3 }), { nil: undefined }),
    runtimeClass: fc.option(dnsLabel, { nil: undefined }),
    hardening: fc.option(fc.record({
      runAsUser: fc.oneof(fc.constant(false as const), fc.integer({ min: 1, max: 65535 })),
      readOnlyRootFilesystem: fc.boolean(),
      writableTmp: fc.oneof(fc.constant(false as const), fc.record({ sizeLimit: mem })),
    }, { requiredKeys: [] }), { nil: undefined }),
    ports: fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), { maxLength: 3 }),
  })
  .map((r) => ({
    namespace: r.namespace,
    labels: r.labels,
    runtimeClass: r.runtimeClass,
    hardening: r.hardening,
    volumes: r.volumes,
    containers: r.names.map((name, i) => ({
      name,
      image: `registry.example.com/${name}:1.${i}`,
      resources: r.resources,
      securityContext: r.securityContext,
      ports: i === 0 ? r.ports.map((containerPort) => ({ containerPort })) : undefined,
      volumeMounts: r.volumes.map((v) => ({ name: v.name, mountPath: `/mnt/${v.name}`, readOnly: true })),
    })),
  }));

describe('property: random valid props give valid, restricted, sandboxed output', () => {
  test.each([
    ['Pod', renderSandboxedPod],
    ['Deployment', renderSandboxedDeployment],
    ['Job', renderSandboxedJob],
    ['DaemonSet', renderSandboxedDaemonSet],
    ['StatefulSet', renderSandboxedStatefulSet],
    ['CronJob', (props: SandboxedJobProps, id: string) => renderSandboxedCronJob({ ...props, schedule: '*/10 * * * *' }, id)],
  ] as const)('%s', (_kind, render) => {
    fc.assert(
      fc.property(podProps, dnsLabel, (props, id) => {
        const { objects } = render(props as never, id);
        assertAllSchemaValid(objects);
        assertRestrictedAndSandboxed(objects, props.runtimeClass ?? 'gvisor');
      }),
      { numRuns: 150 },
    );
  });
});

describe('property: names that are not DNS-1123 labels are always rejected', () => {
  const badName = fc.oneof(
    fc.string({ minLength: 1, maxLength: 80 }),
    fc.stringMatching(/^[a-z][-a-z0-9]{63,80}$/),
    fc.stringMatching(/^[A-Z_.][a-zA-Z0-9_.]{0,10}$/),
    fc.stringMatching(/^-[a-z0-9]{0,5}$|^[a-z0-9]{0,5}-$/),
  ).filter((s) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s) || s.length > 63);

  test.each(['name', 'namespace'] as const)('%s', (field) => {
    fc.assert(
      fc.property(badName, (bad) => {
        let err: unknown;
        try {
          renderSandboxedPod({ containers: [{ name: 'app', image: 'app:1' }], [field]: bad }, 'ok');
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(GvisorIacError);
        expect((err as GvisorIacError).code).toBe('INVALID_NAME');
        expect((err as GvisorIacError).path).toBe(`props.${field}`);
      }),
      { numRuns: 300 },
    );
  });

  test('container names too', () => {
    fc.assert(
      fc.property(badName, (bad) => {
        expect(() => renderSandboxedPod({ containers: [{ name: bad, image: 'app:1' }] }, 'ok')).toThrow(GvisorIacError);
      }),
      { numRuns: 200 },
    );
  });
});
