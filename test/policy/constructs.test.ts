// The constructs' output, in both frontends, passes the same rules a user's
// CI runs (`gvisor-iac check`): zero findings with the defaults, and exactly
// the findings each documented opt-out implies.
import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { SandboxChart } from '../../examples/cdk8s/main';
import { mockPulumi, settle } from '../helpers/pulumi';
import { synth, synthApp } from '../helpers/synth';
import { CheckOptions, checkObjects } from 'gvisor-iac';
import * as cdk8sFrontend from 'gvisor-iac/cdk8s';
import * as pulumiFrontend from 'gvisor-iac/pulumi';

interface Case {
  readonly construct: string;
  readonly id: string;
  readonly props: Record<string, any>;
  /** Build a GvisorRuntimeClass with these props first and pass it as `runtimeClass`. */
  readonly runtimeClass?: Record<string, any>;
  readonly options?: CheckOptions;
  /** `ruleId path` of every expected finding (none by default). */
  readonly expected?: string[];
}

const container = { name: 'app', image: 'registry.example.com/app:1.2', ports: [{ containerPort: 8080 }] };
const ALL: CheckOptions['packs'] = ['gvisor', 'pss-baseline', 'pss-restricted', 'hardening'];

const CASES: Case[] = [
  { construct: 'GvisorRuntimeClass', id: 'gvisor', props: {} },
  { construct: 'GvisorRuntimeClass', id: 'gke', props: { preset: 'gke' } },
  { construct: 'GvisorRuntimeClass', id: 'custom', props: { name: 'gvisor-kvm', handler: 'runsc-kvm' }, options: { gvisorHandlers: ['runsc-kvm'] } },
  { construct: 'GvisorRuntimeClass', id: 'no-overhead', props: { podOverhead: false }, expected: ['GVISOR-003 overhead.podFixed.cpu', 'GVISOR-003 overhead.podFixed.memory'] },
  { construct: 'SandboxedPod', id: 'pod', props: { containers: [container], initContainers: [{ name: 'init', image: 'busybox:1.36' }] } },
  { construct: 'SandboxedPod', id: 'pod-rc', runtimeClass: { name: 'gvisor-fast' }, props: { containers: [container] } },
  { construct: 'SandboxedPod', id: 'pod-named-class', props: { runtimeClass: 'corp-gvisor', containers: [container] }, options: { runtimeClassNames: ['corp-gvisor'] } },
  {
    construct: 'SandboxedPod',
    id: 'pod-opt-outs',
    props: { automountServiceAccountToken: true, hardening: { readOnlyRootFilesystem: false, runAsUser: false }, containers: [container] },
    expected: ['HARD-002 spec.automountServiceAccountToken', 'HARD-003 spec.containers[0].securityContext.readOnlyRootFilesystem'],
  },
  { construct: 'SandboxedDeployment', id: 'web', props: { replicas: 3, namespace: 'apps', containers: [container] } },
  { construct: 'SandboxedJob', id: 'report', props: { containers: [{ name: 'report', image: 'busybox:1.36', command: ['true'] }] } },
  { construct: 'SandboxedDaemonSet', id: 'agent', props: { namespace: 'apps', containers: [container] } },
  { construct: 'SandboxedStatefulSet', id: 'db', props: { serviceName: 'db', replicas: 3, containers: [{ ...container, volumeMounts: [{ name: 'data', mountPath: '/data' }] }], volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] } },
  { construct: 'SandboxedCronJob', id: 'nightly', props: { schedule: '0 3 * * *', podAnnotations: { 'prometheus.io/scrape': 'true' }, containers: [{ name: 'report', image: 'busybox:1.36', command: ['true'] }] } },
  { construct: 'SandboxedJob', id: 'gke-job', runtimeClass: { preset: 'gke' }, props: { backoffLimit: 0, containers: [container] } },
  {
    construct: 'MultiTenantSandbox',
    id: 'tenants',
    runtimeClass: {},
    props: { tenants: [{ name: 'tenant-a', admins: { groups: ['a'] } }, { name: 'tenant-b', egress: 'internet' }, { name: 'tenant-c', egress: { dns: true, cidrs: ['203.0.113.0/24'] }, allowIntraNamespace: false }] },
    options: { packs: [...ALL!, 'tenancy'] },
  },
  { construct: 'MultiTenantSandbox', id: 'prefixed', props: { namespacePrefix: 'team-', tenants: [{ name: 'x' }] }, options: { packs: [...ALL!, 'tenancy'] } },
  { construct: 'UntrustedCodeSandbox', id: 'run-1', props: { image: 'python:3.12-slim', command: ['python', '/code/main.py'], code: { 'main.py': 'print(1)\n' } }, options: { packs: [...ALL!, 'untrusted'] } },
  {
    construct: 'UntrustedCodeSandbox',
    id: 'run-2',
    runtimeClass: {},
    props: { namespace: 'runs', image: 'node:22-slim', egress: { dns: true, cidrs: ['198.51.100.0/24'], ports: [{ port: 443 }] } },
    options: { packs: [...ALL!, 'untrusted'] },
  },
  { construct: 'EdgeSandbox', id: 'edge', props: { containers: [container] } },
  { construct: 'EdgeSandbox', id: 'edge-ds', runtimeClass: { name: 'gvisor-edge' }, props: { workload: 'DaemonSet', containers: [container] } },
  { construct: 'EdgeRuntimeClass', id: 'gvisor-edge', props: {} },
];

function buildCdk8s(c: Case): any[] {
  return synth((chart) => {
    const rc = c.runtimeClass && new cdk8sFrontend.GvisorRuntimeClass(chart, 'rc', c.runtimeClass);
    new (cdk8sFrontend as any)[c.construct](chart, c.id, rc ? { ...c.props, runtimeClass: rc } : c.props);
  });
}

async function buildPulumi(c: Case): Promise<any[]> {
  const recorder = mockPulumi();
  const rc = c.runtimeClass && new pulumiFrontend.GvisorRuntimeClass('rc', c.runtimeClass);
  const component = new (pulumiFrontend as any)[c.construct](c.id, rc ? { ...c.props, runtimeClass: rc } : c.props);
  await settle(recorder, ...(rc ? [rc] : []), component);
  return recorder.kube().map((r) => r.inputs);
}

const found = (objects: any[], options: CheckOptions = {}) => checkObjects(objects, { packs: ALL, ...options }).map((f) => `${f.ruleId} ${f.path}`);

describe('the constructs\' output passes the policy packs', () => {
  test('every cdk8s construct has a row here', () => {
    const constructs = Object.entries(cdk8sFrontend)
      .filter(([, v]) => typeof v === 'function' && v.prototype instanceof Construct && v.name !== 'SandboxConstruct')
      .map(([k]) => k);
    for (const name of constructs) expect(CASES.filter((c) => c.construct === name).length).toBeGreaterThan(0);
  });

  test.each(CASES.map((c) => [`${c.construct} ${c.id}`, c] as const))('%s: cdk8s and Pulumi', async (_, c) => {
    const fromCdk8s = buildCdk8s(c);
    const fromPulumi = await buildPulumi(c);
    expect(fromCdk8s.length).toBe(fromPulumi.length);
    expect(found(fromCdk8s, c.options)).toEqual(c.expected ?? []);
    expect(found(fromPulumi, c.options)).toEqual(c.expected ?? []);
  });

  test('the cdk8s example app passes the default packs and tenancy', () => {
    const objects = synthApp(((app) => { new SandboxChart(app, 'example'); return app; })(new App()));
    expect(objects.length).toBeGreaterThan(20);
    expect(found(objects, { packs: [...ALL!, 'tenancy'] })).toEqual([]);
  });
});
