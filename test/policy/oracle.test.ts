// The pss-restricted pack and the independent oracle in test/helpers/pod-security.ts
// (written separately, from the Pod Security Standards text) agree on generated pods.
import fc from 'fast-check';
import { podSpecsOf, restrictedViolations } from '../helpers/pod-security';
import { checkObjects } from 'gvisor-iac';

/** Mostly `ok` (undefined = field absent), sometimes one of `others`. */
function mostly<T>(ok: T, ...others: T[]): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: fc.constant(ok), weight: 24 }, ...others.map((o) => ({ arbitrary: fc.constant(o), weight: 1 })));
}
const seccomp = (ok: string | undefined) => mostly(ok, 'RuntimeDefault', 'Localhost', 'Unconfined', undefined).map((type) => (type === undefined ? undefined : { type }));
const appArmor = mostly<string | undefined>(undefined, 'RuntimeDefault', 'Localhost', 'Unconfined').map((type) => (type === undefined ? undefined : { type }));
const seLinux = mostly<Record<string, string> | undefined>(undefined, { user: 'system_u' }, { role: 'sysadm_r' }, { type: 'container_t' }, { type: 'spc_t' }, { type: '' },
  { level: 's0:c1,c2' });
const probe = mostly<Record<string, unknown> | undefined>(undefined, { httpGet: { port: 8080 } }, { httpGet: { host: '10.0.0.1', port: 80 } }, { tcpSocket: { host: '', port: 80 } },
  { tcpSocket: { host: 'node', port: 80 } }, { exec: { command: ['true'] } });
const hostProcess = mostly<boolean | undefined>(undefined, true, false).map((v) => (v === undefined ? undefined : { hostProcess: v }));

const container = (name: string) => fc.record({
  name: fc.constant(name),
  image: fc.constant('registry.example.com/app:1'),
  ports: mostly<number | undefined>(undefined, 0, 8080).map((hostPort) => [{ containerPort: 8080, hostPort }]),
  livenessProbe: probe,
  startupProbe: probe,
  lifecycle: fc.record({ preStop: probe, postStart: probe }),
  securityContext: fc.record({
    privileged: mostly<boolean | undefined>(undefined, true, false),
    allowPrivilegeEscalation: mostly<boolean | undefined>(false, true, undefined),
    runAsNonRoot: mostly<boolean | undefined>(undefined, true, false),
    runAsUser: mostly<number | undefined>(undefined, 0, 1000),
    seccompProfile: seccomp(undefined),
    procMount: mostly<string | undefined>(undefined, 'Default', 'Unmasked'),
    appArmorProfile: appArmor,
    seLinuxOptions: seLinux,
    windowsOptions: hostProcess,
    capabilities: fc.record({
      drop: mostly<string[] | undefined>(['ALL'], undefined, ['NET_RAW'], ['ALL', 'NET_RAW']),
      add: mostly<string[] | undefined>(undefined, ['NET_BIND_SERVICE'], ['CHOWN'], ['SYS_ADMIN'], ['NET_BIND_SERVICE', 'KILL']),
    }),
  }),
});

const podSpec = fc.record({
  runtimeClassName: fc.constant('gvisor'),
  hostNetwork: mostly<boolean | undefined>(undefined, true, false),
  hostPID: mostly<boolean | undefined>(undefined, true, false),
  hostIPC: mostly<boolean | undefined>(undefined, true, false),
  securityContext: fc.record({
    runAsNonRoot: mostly<boolean | undefined>(true, false, undefined),
    runAsUser: mostly<number | undefined>(1000, 0, undefined),
    seccompProfile: seccomp('RuntimeDefault'),
    appArmorProfile: appArmor,
    seLinuxOptions: seLinux,
    windowsOptions: hostProcess,
    sysctls: mostly<string[] | undefined>(undefined, ['net.ipv4.ping_group_range'], ['kernel.msgmax'], ['net.ipv4.tcp_keepalive_time', 'vm.swappiness']).map((names) => names?.map((name) => ({ name, value: '1' }))),
  }),
  volumes: mostly<string[]>([], ['emptyDir'], ['configMap'], ['hostPath'], ['nfs'], ['csi', 'secret'], ['gitRepo'], ['persistentVolumeClaim', 'iscsi'])
    .map((types) => types.map((t, i) => ({ name: `v${i}`, [t]: {} }))),
  initContainers: fc.option(fc.array(container('init'), { maxLength: 1 }), { nil: undefined, freq: 3 }),
  containers: fc.array(container('app'), { minLength: 1, maxLength: 2 }),
  ephemeralContainers: fc.option(fc.array(container('debug'), { maxLength: 1 }), { nil: undefined, freq: 3 }),
});

const annotations = mostly<string | undefined>(undefined, 'runtime/default', 'localhost/custom', 'unconfined')
  .map((v) => (v === undefined ? undefined : { 'container.apparmor.security.beta.kubernetes.io/app': v }));

/** A Pod or a Deployment around the generated spec, with undefined fields dropped as YAML would. */
const workload = fc.tuple(podSpec, annotations, fc.boolean()).map(([spec, ann, asPod]) => JSON.parse(JSON.stringify(asPod
  ? { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations: ann }, spec }
  : { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { selector: {}, template: { metadata: { annotations: ann }, spec } } })));

describe('pss-restricted agrees with the independent Pod Security oracle', () => {
  test('property: a generated pod passes the pack iff it passes the oracle', () => {
    let passed = 0;
    let failed = 0;
    fc.assert(fc.property(workload, (obj) => {
      const [{ spec, metadata }] = podSpecsOf(obj) as [{ spec: any; metadata: any }];
      const oracle = restrictedViolations(spec, metadata);
      const policy = checkObjects([obj], { packs: ['pss-restricted'] });
      const expected = { compliant: oracle.length === 0, policy: oracle.length === 0 ? [] : expect.anything() };
      expect({ compliant: policy.length === 0, policy: policy.map((f) => f.message) }).toEqual(expected);
      if (oracle.length === 0) passed++;
      else failed++;
    }), { numRuns: 600 });
    // Both outcomes are exercised, not just one.
    expect(passed).toBeGreaterThan(30);
    expect(failed).toBeGreaterThan(30);
  });
});
