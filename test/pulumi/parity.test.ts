// The cross-frontend parity test: the same props give the same manifests in
// cdk8s (synth output) and Pulumi (inputs registered with the mock engine).
// A new construct needs one row in CASES (and in INVALID if it has its own errors).
import * as pulumi from '@pulumi/pulumi';
import { Construct } from 'constructs';
import fc from 'fast-check';
import { assertRestrictedAndSandboxed } from '../helpers/pod-security';
import { drain, mockPulumi, settle, valueOf } from '../helpers/pulumi';
import { assertAllSchemaValid } from '../helpers/schema';
import { synth } from '../helpers/synth';
import { thrown } from '../helpers/thrown';
import { CONSTRUCT_ATTRIBUTES, GvisorIacError } from 'gvisor-iac';
import * as cdk8sFrontend from 'gvisor-iac/cdk8s';
import * as pulumiFrontend from 'gvisor-iac/pulumi';

/** One construct built with one set of props in both frontends. */
interface Case {
  /** Export name, the same in gvisor-iac/cdk8s and gvisor-iac/pulumi. */
  readonly construct: string;
  /** cdk8s construct id = Pulumi resource name. */
  readonly id: string;
  readonly props: Record<string, any>;
  /** Also build a GvisorRuntimeClass with these props (id "rc") and pass it as `runtimeClass`. */
  readonly runtimeClass?: Record<string, any>;
  /** Pass containers[].image and env[].value to Pulumi as Outputs. */
  readonly outputs?: boolean;
}

const container = { name: 'app', image: 'registry.example.com/app:1.2', ports: [{ containerPort: 8080 }] };

const CASES: Case[] = [
  { construct: 'GvisorRuntimeClass', id: 'gvisor', props: {} },
  { construct: 'GvisorRuntimeClass', id: 'sandbox', props: { name: 'gvisor-edge', handler: 'runsc-edge', podOverhead: { cpu: '250m', memory: '200Mi' }, nodeSelector: { 'node-type': 'edge' }, tolerations: [{ key: 'edge', operator: 'Exists', effect: 'NoSchedule' }], labels: { team: 'a' }, annotations: { note: 'x' } } },
  { construct: 'GvisorRuntimeClass', id: 'no-overhead', props: { podOverhead: false } },
  { construct: 'GvisorRuntimeClass', id: 'gke', props: { preset: 'gke' } },
  { construct: 'GvisorRuntimeClass', id: 'existing', props: { name: 'corp-gvisor', existing: true } },
  { construct: 'SandboxedPod', id: 'pod', props: { containers: [container] } },
  { construct: 'SandboxedPod', id: 'MyPod_1', props: { namespace: 'team-a', labels: { tier: 'web' }, annotations: { a: 'b' }, restartPolicy: 'OnFailure', containers: [container] } },
  { construct: 'SandboxedPod', id: 'pod-rc', runtimeClass: { name: 'gvisor-fast' }, props: { containers: [container] } },
  { construct: 'SandboxedPod', id: 'pod-outputs', outputs: true, props: { containers: [{ ...container, env: [{ name: 'MODE', value: 'prod' }, { name: 'EMPTY' }] }], initContainers: [{ name: 'init', image: 'busybox:1.36', command: ['true'] }] } },
  {
    construct: 'SandboxedPod',
    id: 'pod-opts',
    props: {
      runtimeClass: 'corp-gvisor',
      serviceAccountName: 'runner',
      automountServiceAccountToken: true,
      enableServiceLinks: true,
      hardening: { runAsUser: false, readOnlyRootFilesystem: false, writableTmp: false, defaultResources: { requests: { cpu: '50m' }, limits: { cpu: '1' } } },
      volumes: [{ name: 'data', emptyDir: {} }],
      containers: [{ ...container, volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      nodeSelector: { 'node-type': 'edge' },
      tolerations: [{ key: 'edge', operator: 'Exists' }],
      priorityClassName: 'low',
      terminationGracePeriodSeconds: 5,
    },
  },
  { construct: 'SandboxedDeployment', id: 'web', props: { containers: [container] } },
  { construct: 'SandboxedDeployment', id: 'web-full', runtimeClass: {}, outputs: true, props: { replicas: 3, strategy: { type: 'Recreate' }, minReadySeconds: 5, revisionHistoryLimit: 2, progressDeadlineSeconds: 60, namespace: 'apps', containers: [{ ...container, env: [{ name: 'A', value: 'b' }] }] } },
  { construct: 'SandboxedDeployment', id: 'web-scaled', outputs: true, props: { namespace: 'apps', disruptionBudget: { minAvailable: '50%', unhealthyPodEvictionPolicy: 'AlwaysAllow' }, autoscaling: { minReplicas: 2, maxReplicas: 6, targetMemoryUtilizationPercentage: 75 }, containers: [container] } },
  { construct: 'SandboxedDeployment', id: 'web-budget', props: { replicas: 3, disruptionBudget: {}, containers: [container] } },
  { construct: 'SandboxedJob', id: 'job-outputs', outputs: true, props: { namespace: 'jobs', serviceAccountName: 'runner', containers: [{ name: 'job', image: 'busybox:1.36', command: ['sh', '-c'], args: ['echo hi'], ports: [{ containerPort: 9090, name: 'metrics' }] }] } },
  { construct: 'SandboxedJob', id: 'report', props: { containers: [{ name: 'report', image: 'busybox:1.36', command: ['sh', '-c', 'echo hi'] }] } },
  { construct: 'SandboxedJob', id: 'batch', runtimeClass: { preset: 'gke' }, props: { backoffLimit: 0, activeDeadlineSeconds: 60, ttlSecondsAfterFinished: 10, completions: 2, parallelism: 2, restartPolicy: 'OnFailure', containers: [container] } },
  // Overrides (JSON patch) behave the same in both frontends.
  {
    construct: 'SandboxedDeployment',
    id: 'patched',
    props: {
      containers: [container],
      overrides: [
        { patch: [{ op: 'replace', path: '/spec/replicas', value: 5 }, { op: 'add', path: '/spec/template/spec/priorityClassName', value: 'high' }] },
        { kind: 'Deployment', name: 'patched', patch: [{ op: 'remove', path: '/spec/template/spec/enableServiceLinks' }, { op: 'add', path: '/metadata/annotations', value: { patched: 'yes' } }] },
      ],
    },
  },
  { construct: 'SandboxedPod', id: 'patched-pod', outputs: true, props: { containers: [container], overrides: [{ patch: [{ op: 'add', path: '/metadata/annotations', value: {} }, { op: 'copy', from: '/spec/containers/0/image', path: '/metadata/annotations/image' }] }] } },
  { construct: 'SandboxedJob', id: 'patched-job', props: { containers: [container], overrides: [{ kind: 'Job', patch: [{ op: 'test', path: '/spec/backoffLimit', value: 3 }, { op: 'replace', path: '/spec/backoffLimit', value: 1 }] }] } },
  { construct: 'SandboxedDaemonSet', id: 'agent', props: { containers: [container] } },
  { construct: 'SandboxedDaemonSet', id: 'agent-full', runtimeClass: {}, outputs: true, props: { namespace: 'nodes', updateStrategy: { type: 'OnDelete' }, minReadySeconds: 5, revisionHistoryLimit: 2, podLabels: { tier: 'agent' }, podAnnotations: { 'prometheus.io/scrape': 'true' }, containers: [{ ...container, env: [{ name: 'A', value: 'b' }] }] } },
  { construct: 'SandboxedStatefulSet', id: 'db', props: { containers: [container] } },
  {
    construct: 'SandboxedStatefulSet',
    id: 'db-full',
    runtimeClass: {},
    outputs: true,
    props: {
      namespace: 'data',
      serviceName: 'db',
      replicas: 3,
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
      minReadySeconds: 5,
      revisionHistoryLimit: 2,
      ordinals: { start: 1 },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      podAnnotations: { 'sidecar.istio.io/inject': 'false' },
      containers: [{ ...container, env: [{ name: 'A', value: 'b' }], volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
    },
  },
  { construct: 'SandboxedCronJob', id: 'tick', props: { schedule: '*/5 * * * *', containers: [container] } },
  {
    construct: 'SandboxedCronJob',
    id: 'nightly',
    runtimeClass: { preset: 'gke' },
    outputs: true,
    props: {
      namespace: 'batch',
      schedule: '0 3 * * MON-FRI',
      timeZone: 'Europe/Paris',
      concurrencyPolicy: 'Replace',
      suspend: true,
      startingDeadlineSeconds: 120,
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 2,
      backoffLimit: 0,
      activeDeadlineSeconds: 600,
      ttlSecondsAfterFinished: 60,
      restartPolicy: 'OnFailure',
      podLabels: { team: 'reports' },
      containers: [{ ...container, env: [{ name: 'A', value: 'b' }] }],
    },
  },
  // The use-case constructs.
  {
    construct: 'MultiTenantSandbox',
    id: 'tenants',
    runtimeClass: {},
    props: {
      tenants: [
        { name: 'tenant-a', admins: { groups: ['tenant-a-admins'], users: ['alice@example.com'] } },
        { name: 'tenant-b', quota: { cpu: '2', memory: '4Gi', pods: 10 }, egress: { dns: true, internet: true, ports: [{ port: 443 }] } },
        { name: 'tenant-c', egress: { dns: true, cidrs: ['203.0.113.0/24', '2001:db8::/32'] }, allowIntraNamespace: false },
      ],
    },
  },
  // Tenant ingress (issue 13: 4): every peer form, named and numbered ports, "all".
  {
    construct: 'MultiTenantSandbox',
    id: 'ingress',
    props: {
      namespacePrefix: 'in-',
      tenants: [
        {
          name: 'web',
          ingress: [
            { name: 'controller', podLabels: { app: 'web' }, from: [{ namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } }], ports: [{ port: 8080 }, { port: 'https', protocol: 'TCP' }] },
            { from: [{ namespaceLabels: { purpose: 'monitoring' } }, { allNamespaces: true, podLabels: { role: 'prober' } }], ports: 'all' },
          ],
        },
        { name: 'api', ingress: [{ from: [{ namespace: 'in-web' }], ports: [{ port: 9000, endPort: 9010, protocol: 'UDP' }] }] },
      ],
    },
  },
  { construct: 'MultiTenantSandbox', id: 'prefixed', props: { runtimeClass: 'gvisor-kvm', namespacePrefix: 'team-', tenants: [{ name: 'x' }], overrides: [{ patch: [{ op: 'add', path: '/metadata/annotations', value: { owner: 'platform' } }] }] } },
  { construct: 'UntrustedCodeSandbox', id: 'run-1', props: { image: 'python:3.12-slim', command: ['python', '/code/main.py'], code: { 'main.py': 'print(6 * 7)\n' } } },
  { construct: 'UntrustedCodeSandbox', id: 'run-2', runtimeClass: {}, props: { namespace: 'runs', image: 'node:22-slim', args: ['-e', '1'], egress: { dns: true, cidrs: ['198.51.100.0/24'], ports: [{ port: 443 }] }, activeDeadlineSeconds: 60, resources: { limits: { cpu: '500m', memory: '256Mi' } } } },
  { construct: 'UntrustedCodeSandbox', id: 'run-outputs', outputs: true, props: { namespace: 'runs', image: 'python:3.12-slim', command: ['python', '/code/main.py'], args: ['-v'], code: { 'main.py': 'print(1)\n' } } },
  { construct: 'EdgeSandbox', id: 'edge', props: { containers: [container] } },
  { construct: 'EdgeSandbox', id: 'edge-spread', outputs: true, props: { replicas: 3, namespace: 'edge', containers: [{ ...container, env: [{ name: 'SITE', value: 'a' }] }] } },
  { construct: 'EdgeSandbox', id: 'edge-scaled', props: { autoscaling: { maxReplicas: 3 }, disruptionBudget: { maxUnavailable: 1 }, containers: [container] } },
  { construct: 'EdgeSandbox', id: 'edge-ds', runtimeClass: { name: 'gvisor-edge', nodeSelector: { 'node-type': 'edge' } }, props: { workload: 'DaemonSet', containers: [container] } },
  { construct: 'EdgeRuntimeClass', id: 'gvisor-edge', props: {} },
  { construct: 'EdgeRuntimeClass', id: 'edge-custom', props: { name: 'gvisor-edge-kvm', handler: 'runsc-kvm' } },
];

/**
 * Wraps every value a Pulumi user may wire from another resource in an Output (or a Promise), as
 * one passing other resources' outputs would: images, env values, ports, command/args items or
 * lists, namespace, serviceAccountName, replicas (not an EdgeSandbox's, which stays plain).
 */
function withOutputs(props: Record<string, any>, construct: string): Record<string, any> {
  const wrap = (cs: any[] | undefined) => cs?.map((c) => ({
    ...c,
    image: pulumi.output(c.image),
    ...(c.env ? { env: c.env.map((e: any) => (e.value === undefined ? e : { ...e, value: pulumi.output(e.value) })) } : {}),
    ...(c.ports ? { ports: c.ports.map((p: any) => ({ ...p, containerPort: Promise.resolve(p.containerPort) })) } : {}),
    ...(c.command ? { command: pulumi.output(c.command) } : {}),
    ...(c.args ? { args: c.args.map((a: string) => pulumi.output(a)) } : {}),
  }));
  const wired: Record<string, unknown> = Object.fromEntries(['namespace', 'serviceAccountName', ...(construct === 'EdgeSandbox' ? [] : ['replicas'])]
    .filter((k) => props[k] !== undefined).map((k) => [k, pulumi.output(props[k])]));
  // UntrustedCodeSandbox: one container's fields at the top level.
  if (typeof props.image === 'string') wired.image = pulumi.output(props.image);
  if (Array.isArray(props.command)) wired.command = pulumi.output(props.command);
  if (Array.isArray(props.args)) wired.args = props.args.map((a: string) => Promise.resolve(a));
  return { ...props, ...wired, containers: wrap(props.containers), ...(props.initContainers ? { initContainers: wrap(props.initContainers) } : {}) };
}

function buildCdk8s(c: Case): any[] {
  return buildCdk8sConstruct(c).objects;
}

function buildCdk8sConstruct(c: Case): { objects: any[]; construct: any } {
  let construct: any;
  const objects = synth((chart) => {
    const rc = c.runtimeClass && new cdk8sFrontend.GvisorRuntimeClass(chart, 'rc', c.runtimeClass);
    construct = new (cdk8sFrontend as any)[c.construct](chart, c.id, rc ? { ...c.props, runtimeClass: rc } : c.props);
  });
  return { objects, construct };
}

async function buildPulumi(c: Case): Promise<{ objects: any[]; component: pulumi.ComponentResource; outputs?: Record<string, any> }> {
  const recorder = mockPulumi();
  const rc = c.runtimeClass && new pulumiFrontend.GvisorRuntimeClass('rc', c.runtimeClass);
  const props = c.outputs ? withOutputs(c.props, c.construct) : c.props;
  const component = new (pulumiFrontend as any)[c.construct](c.id, rc ? { ...props, runtimeClass: rc } : props);
  await settle(recorder, ...(rc ? [rc] : []), component);
  const urn = await new Promise<string>((r) => component.urn.apply(r));
  return { objects: recorder.kube().map((r) => r.inputs), component, outputs: recorder.outputs.get(urn) };
}

const byKey = (o: any) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const sorted = (objects: any[]) => [...objects].sort((a, b) => byKey(a).localeCompare(byKey(b)));

describe('parity: cdk8s synth objects deep-equal the inputs Pulumi registers', () => {
  test('every cdk8s construct has a Pulumi twin and at least one row here', () => {
    const constructs = Object.entries(cdk8sFrontend)
      .filter(([, v]) => typeof v === 'function' && v.prototype instanceof Construct && !/^Sandbox(Construct)$/.test(v.name))
      .map(([k]) => k);
    expect(constructs).toContain('SandboxedPod');
    for (const name of constructs) {
      expect(typeof (pulumiFrontend as any)[name]).toBe('function');
      expect(CASES.some((c) => c.construct === name)).toBe(true);
    }
  });

  test.each(CASES.map((c) => [`${c.construct} ${c.id}`, c] as const))('%s', async (_, c) => {
    const fromCdk8s = buildCdk8s(c);
    const { objects } = await buildPulumi(c);
    // toEqual ignores key order (cdk8s sorts keys); nothing else is normalised.
    expect(sorted(objects)).toEqual(sorted(fromCdk8s));
    assertAllSchemaValid(objects);
    if (c.construct !== 'GvisorRuntimeClass') assertRestrictedAndSandboxed(objects, c.props.runtimeClass ?? c.runtimeClass?.name ?? 'gvisor');
  });

  test('property: random workloads are identical in both frontends', async () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/);
    await fc.assert(fc.asyncProperty(
      fc.constantFrom('SandboxedPod', 'SandboxedDeployment', 'SandboxedJob'), name, name, fc.option(name, { nil: undefined }),
      fc.array(fc.record({ name: fc.stringMatching(/^[A-Z][A-Z0-9_]{0,8}$/), value: fc.string() }), { maxLength: 3 }), fc.boolean(),
      async (construct, id, image, namespace, env, outputs) => {
        const c: Case = { construct, id, outputs, props: { ...(namespace ? { namespace } : {}), containers: [{ name: 'c', image: `${image}:1`, ...(env.length ? { env } : {}) }] } };
        const { objects } = await buildPulumi(c);
        expect(objects).toEqual(buildCdk8s(c));
      },
    ), { numRuns: 25 });
  });
});

describe('parity: the attributes the core defines (CONSTRUCT_ATTRIBUTES) are the same in both frontends', () => {
  test('every construct has its attribute list in the core', () => {
    expect(Object.keys(CONSTRUCT_ATTRIBUTES).sort()).toEqual([...new Set(CASES.map((c) => c.construct))].sort());
  });

  test.each(CASES.map((c) => [`${c.construct} ${c.id}`, c] as const))('%s', async (_, c) => {
    const keys: readonly string[] = CONSTRUCT_ATTRIBUTES[c.construct as keyof typeof CONSTRUCT_ATTRIBUTES];
    const { construct } = buildCdk8sConstruct(c);
    const { component, outputs } = await buildPulumi(c);
    const pick = (o: any) => Object.fromEntries(keys.map((k) => [k, o[k]]));
    const fromCdk8s = pick(construct);
    // Plain args give plain attributes; one that came from an Input (a namespace) is its Output, with the same value.
    expect(c.outputs ? await valueOf(pulumi.output(pick(component))) : pick(component)).toEqual(fromCdk8s);
    // Every attribute is set, except a workload's namespace when it has none.
    for (const k of keys) if (k !== 'namespace') expect(fromCdk8s[k]).toBeDefined();
    // Pulumi registers the attributes (but the ref) as outputs, nothing else and nothing undefined.
    const expectedOutputs = Object.fromEntries(keys.filter((k) => k !== 'ref' && fromCdk8s[k] !== undefined).map((k) => [k, fromCdk8s[k]]));
    expect(outputs).toEqual(expectedOutputs);
    // The framework handles map one to one: apiObjects ↔ resources, apiObject ↔ resource.
    const p = component as any;
    const kindAndName = (o: any) => ({ kind: o.kind, name: o.name });
    expect(construct.apiObjects.map(kindAndName)).toEqual(p.objects.map(kindAndName));
    expect(p.resources).toHaveLength(construct.apiObjects.length);
    expect(construct.apiObjects.indexOf(construct.apiObject)).toBe(p.resources.indexOf(p.resource));
  });
});

/** Invalid props: the same GvisorIacError in both, and Pulumi registers nothing (not even the component). */
const INVALID: Array<{ construct: string; props: any; message: RegExp }> = [
  { construct: 'GvisorRuntimeClass', props: { name: 'Bad_Name' }, message: /^props\.name: "Bad_Name" is not a valid DNS-1123 subdomain/ },
  { construct: 'GvisorRuntimeClass', props: { handlr: 'runsc' }, message: /^props\.handlr: "runsc" is not a known field; did you mean "handler"\?$/ },
  { construct: 'SandboxedPod', props: { containers: [] }, message: /^props\.containers: \[\] is empty/ },
  { construct: 'SandboxedPod', props: undefined, message: /^props\.containers: \(missing\) is not an array/ },
  { construct: 'SandboxedPod', props: { containers: [{ name: 'a', image: 'x', securityContext: { privileged: true } }] }, message: /^props\.containers\[0\]\.securityContext\.privileged: true runs the container privileged/ },
  { construct: 'SandboxedDeployment', props: { replicas: -1, containers: [container] }, message: /^props\.replicas: -1/ },
  { construct: 'SandboxedDeployment', props: { hostNetwork: true, containers: [container] }, message: /^props\.hostNetwork: true shares the node's Network namespace/ },
  { construct: 'SandboxedDeployment', props: { replicas: 2, autoscaling: { maxReplicas: 4 }, containers: [container] }, message: /^props\.replicas: 2 is set with autoscaling/ },
  { construct: 'SandboxedDeployment', props: { autoscaling: { minReplicas: 5, maxReplicas: 4 }, containers: [container] }, message: /^props\.autoscaling\.maxReplicas: 4 is below minReplicas \(5\)/ },
  { construct: 'SandboxedDeployment', props: { disruptionBudget: { minAvailable: 2 }, containers: [container] }, message: /^props\.disruptionBudget\.minAvailable: 2 is above the 1 pod\(s\)/ },
  { construct: 'EdgeSandbox', props: { workload: 'DaemonSet', autoscaling: { maxReplicas: 2 }, containers: [container] }, message: /^props\.autoscaling: .* applies to a Deployment only/ },
  { construct: 'SandboxedJob', props: { restartPolicy: 'Always', containers: [container] }, message: /^props\.restartPolicy: "Always" is not one of "Never", "OnFailure"/ },
  { construct: 'SandboxedJob', props: { containers: [container], overrides: [{ kind: 'Pod', patch: [] }] }, message: /^props\.overrides\[0\]: .* matches no emitted object/ },
  { construct: 'SandboxedCronJob', props: { schedule: '0 0 * * 7', containers: [container] }, message: /^props\.schedule: "0 0 \* \* 7" has day of week field "7", which is outside 0-6/ },
  { construct: 'SandboxedCronJob', props: { containers: [container] }, message: /^props\.schedule: \(missing\) is not a cron schedule/ },
  { construct: 'SandboxedStatefulSet', props: { serviceName: 'DB', containers: [container] }, message: /^props\.serviceName: "DB" is not a valid DNS-1123 label/ },
  { construct: 'SandboxedStatefulSet', props: { volumeClaimTemplates: { data: '1Gi' }, containers: [container] }, message: /^props\.volumeClaimTemplates: .* is not an array/ },
  { construct: 'SandboxedDaemonSet', props: { podAnnotations: { 'dev.gvisor.flag.network': 'host' }, containers: [container] }, message: /^props\.podAnnotations\["dev\.gvisor\.flag\.network"\]: "host" is a gVisor annotation/ },
];

describe('parity: invalid props fail the same way, before anything is registered', () => {
  test.each(INVALID.map((c) => [`${c.construct} ${c.message.source}`, c] as const))('%s', async (_, c) => {
    const cdk8sError = thrown(() => buildCdk8s({ construct: c.construct, id: 'bad', props: c.props }));
    expect(cdk8sError.message).toMatch(c.message);
    const recorder = mockPulumi();
    const pulumiError = thrown(() => new (pulumiFrontend as any)[c.construct]('bad', c.props));
    expect(pulumiError).toBeInstanceOf(GvisorIacError);
    const essentials = (e: any) => ({ code: e.code, path: e.path, message: e.message });
    expect(essentials(pulumiError)).toEqual(essentials(cdk8sError));
    await drain();
    expect(recorder.registrations).toEqual([]);
  });
});
