// Issue 9, class 2: nothing that reaches a pod may turn its confinement off —
// legacy AppArmor / seccomp annotations with an unconfining value (any case),
// gVisor's per-pod flag annotations, and profile types that are not exactly
// a confining Kubernetes enum value.
import { checkConfinementAnnotations, hardenSecurityContext } from '../../lib/core';
import { caught } from '../helpers/errors';
import { FrontendCase, buildCdk8s, buildPulumi, refusedInBoth } from '../helpers/frontends';
import { renderSandboxedPod } from 'gvisor-iac';

const container = { name: 'app', image: 'registry.example.com/app:1.2' };
const APPARMOR = 'container.apparmor.security.beta.kubernetes.io/app';
const SECCOMP_POD = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER = 'container.seccomp.security.alpha.kubernetes.io/app';

/** Every construct whose annotations reach a pod (its own metadata, or its workload's). */
function constructsWith(annotations: Record<string, string>): FrontendCase[] {
  return [
    { construct: 'SandboxedPod', id: 'pod', props: { containers: [container], annotations } },
    { construct: 'SandboxedDeployment', id: 'web', props: { containers: [container], annotations } },
    { construct: 'SandboxedJob', id: 'job', props: { containers: [container], annotations } },
    { construct: 'SandboxedDaemonSet', id: 'ds', props: { containers: [container], annotations } },
    { construct: 'SandboxedStatefulSet', id: 'sts', props: { containers: [container], annotations } },
    { construct: 'SandboxedCronJob', id: 'cron', props: { schedule: '@daily', containers: [container], annotations } },
    { construct: 'EdgeSandbox', id: 'edge', props: { containers: [container], annotations } },
    { construct: 'EdgeSandbox', id: 'edge-ds', props: { workload: 'DaemonSet', containers: [container], annotations } },
    { construct: 'UntrustedCodeSandbox', id: 'run', props: { image: 'python:3.12-slim', annotations } },
  ];
}

const UNCONFINED_SPELLINGS = ['unconfined', 'Unconfined', 'UNCONFINED', 'unConfined', ' unconfined', 'unconfined\n', '\tUnconfined '];

describe('legacy annotations with an unconfining value are refused in every construct, both frontends', () => {
  const cases: Array<[string, string, string]> = [];
  for (const key of [APPARMOR, SECCOMP_POD, SECCOMP_CONTAINER, 'container.apparmor.security.beta.kubernetes.io/sidecar-that-does-not-exist']) {
    for (const value of UNCONFINED_SPELLINGS) cases.push([`${key}=${JSON.stringify(value)}`, key, value]);
  }

  test.each(cases)('%s', async (_, key, value) => {
    for (const c of constructsWith({ [key]: value })) {
      const e = await refusedInBoth(c);
      expect(e.code).toBe('SANDBOX_ESCAPE');
      expect(e.path).toBe(`props.annotations[${JSON.stringify(key)}]`);
      expect(e.message).toContain('refused in any letter case');
    }
  });

  test.each([
    [APPARMOR, 'localhost'], [APPARMOR, 'localhost/'], [APPARMOR, 'docker/default'], [APPARMOR, 'Runtime/Default'], [APPARMOR, ''],
    [SECCOMP_POD, 'runtime/Default'], [SECCOMP_POD, 'unconfined/'], [SECCOMP_POD, 'localhost/ '], [SECCOMP_CONTAINER, 'none'],
  ])('not a confining profile: %s=%j', async (key, value) => {
    const e = await refusedInBoth({ construct: 'SandboxedPod', id: 'pod', props: { containers: [container], annotations: { [key]: value } } });
    expect(e.code).toBe('INVALID_VALUE');
    expect(e.path).toBe(`props.annotations[${JSON.stringify(key)}]`);
  });

  test.each([
    [APPARMOR, 'runtime/default'], [APPARMOR, 'localhost/k8s-nginx'],
    [SECCOMP_POD, 'runtime/default'], [SECCOMP_POD, 'docker/default'], [SECCOMP_CONTAINER, 'localhost/profiles/audit.json'],
  ])('a confining profile passes and is emitted as given: %s=%s', async (key, value) => {
    const c: FrontendCase = { construct: 'SandboxedPod', id: 'pod', props: { containers: [container], annotations: { [key]: value } } };
    for (const objects of [buildCdk8s(c), await buildPulumi(c)]) expect(objects[0].metadata.annotations).toEqual({ [key]: value });
  });

  test('annotation keys are matched whatever their case (core check, before key validation)', () => {
    const e = caught(() => checkConfinementAnnotations({ 'Container.AppArmor.Security.Beta.Kubernetes.io/app': 'unconfined' }, 'a'));
    expect(e.code).toBe('SANDBOX_ESCAPE');
  });
});

/** Every construct whose pods take podAnnotations (issue 13: where an annotation takes effect). */
function constructsWithPodAnnotations(podAnnotations: Record<string, string>): FrontendCase[] {
  return constructsWith({}).map((c) => {
    const { annotations: _a, ...props } = c.props;
    return { ...c, props: { ...props, podAnnotations } };
  });
}

describe('podAnnotations: the same refusals, on every workload, both frontends', () => {
  test.each([
    [APPARMOR, 'unconfined', 'SANDBOX_ESCAPE'],
    [APPARMOR, 'Unconfined ', 'SANDBOX_ESCAPE'],
    [SECCOMP_POD, 'unconfined', 'SANDBOX_ESCAPE'],
    [SECCOMP_CONTAINER, 'UNCONFINED', 'SANDBOX_ESCAPE'],
    [SECCOMP_POD, 'none', 'INVALID_VALUE'],
    ['dev.gvisor.flag.network', 'host', 'SANDBOX_ESCAPE'],
    ['dev.gvisor.flag.host-uds', 'all', 'SANDBOX_ESCAPE'],
    ['dev.gvisor.internal.nvproxy', 'true', 'SANDBOX_ESCAPE'],
  ])('%s=%j', async (key, value, code) => {
    const cases = constructsWithPodAnnotations({ [key]: value });
    expect(cases.map((c) => c.construct)).toEqual([
      'SandboxedPod', 'SandboxedDeployment', 'SandboxedJob', 'SandboxedDaemonSet', 'SandboxedStatefulSet', 'SandboxedCronJob', 'EdgeSandbox', 'EdgeSandbox',
      'UntrustedCodeSandbox',
    ]);
    for (const c of cases) {
      const e = await refusedInBoth(c);
      expect([c.construct, e.code, e.path]).toEqual([c.construct, code, `props.podAnnotations[${JSON.stringify(key)}]`]);
    }
  });

  test('confining values and ordinary annotations reach the pod template in both frontends', async () => {
    const podAnnotations = { [APPARMOR]: 'runtime/default', 'prometheus.io/scrape': 'true', 'dev.gvisor.spec.mount.data.share': 'pod' };
    for (const c of constructsWithPodAnnotations(podAnnotations)) {
      for (const objects of [buildCdk8s(c), await buildPulumi(c)]) {
        const o = objects.find((x) => x.kind !== 'NetworkPolicy' && x.kind !== 'ConfigMap');
        const meta = o.kind === 'Pod' ? o.metadata : o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.metadata : o.spec.template.metadata;
        expect(meta.annotations).toEqual(podAnnotations);
      }
    }
  });

  test('the selector label cannot be moved through podLabels, in both frontends', async () => {
    for (const c of constructsWithPodAnnotations({})) {
      const e = await refusedInBoth({ ...c, props: { ...c.props, podLabels: { 'app.kubernetes.io/name': 'elsewhere' } } });
      expect([e.code, e.path]).toEqual(['RESERVED_NAME', 'props.podLabels["app.kubernetes.io/name"]']);
    }
  });
});

test('UntrustedCodeSandbox: podLabels may not move a run\'s pods out of its NetworkPolicy (the run label), in both frontends', async () => {
  const e = await refusedInBoth({ construct: 'UntrustedCodeSandbox', id: 'run', props: { image: 'python:3.12-slim', podLabels: { 'gvisor-iac.dev/run': 'other' } } });
  expect([e.code, e.path]).toEqual(['RESERVED_NAME', 'props.podLabels["gvisor-iac.dev/run"]']);
  expect(e.message).toMatch(/leave its egress policy/);
  const ok: FrontendCase = { construct: 'UntrustedCodeSandbox', id: 'run', props: { image: 'python:3.12-slim', podLabels: { team: 'a' }, podAnnotations: { 'sidecar.istio.io/inject': 'false' } } };
  for (const objects of [buildCdk8s(ok), await buildPulumi(ok)]) {
    const [policy, job] = objects;
    expect(job.spec.template.metadata).toEqual({
      labels: { 'app.kubernetes.io/managed-by': 'gvisor-iac', 'app.kubernetes.io/component': 'untrusted-code', 'gvisor-iac.dev/run': 'run', 'app.kubernetes.io/name': 'run', 'team': 'a' },
      annotations: { 'sidecar.istio.io/inject': 'false' },
    });
    expect(policy.spec.podSelector.matchLabels).toEqual({ 'gvisor-iac.dev/run': 'run' });
  }
});

describe('bad input to the new kinds is refused the same way in both frontends', () => {
  test.each<[string, FrontendCase, string, string]>([
    ['a 6-field schedule', { construct: 'SandboxedCronJob', id: 'c', props: { schedule: '0 0 3 * * *', containers: [container] } }, 'INVALID_VALUE', 'props.schedule'],
    ['no schedule', { construct: 'SandboxedCronJob', id: 'c', props: { containers: [container] } }, 'REQUIRED', 'props.schedule'],
    ['a time zone in the schedule', { construct: 'SandboxedCronJob', id: 'c', props: { schedule: 'TZ=UTC 0 3 * * *', containers: [container] } }, 'INVALID_VALUE', 'props.schedule'],
    ['an unknown time zone', { construct: 'SandboxedCronJob', id: 'c', props: { schedule: '@daily', timeZone: 'Paris', containers: [container] } }, 'INVALID_VALUE', 'props.timeZone'],
    ['a serviceName that is no Service name', { construct: 'SandboxedStatefulSet', id: 's', props: { serviceName: 'db.local', containers: [container] } }, 'INVALID_NAME', 'props.serviceName'],
    ['volumeClaimTemplates of the wrong type', { construct: 'SandboxedStatefulSet', id: 's', props: { volumeClaimTemplates: 'data', containers: [container] } }, 'INVALID_TYPE', 'props.volumeClaimTemplates'],
    ['a claim template that is a pod Volume', { construct: 'SandboxedStatefulSet', id: 's', props: { volumeClaimTemplates: [{ name: 'data', persistentVolumeClaim: { claimName: 'x' } }], containers: [container] } }, 'UNKNOWN_FIELD', 'props.volumeClaimTemplates[0].name'],
    ['a DaemonSet with replicas', { construct: 'SandboxedDaemonSet', id: 'd', props: { replicas: 2, containers: [container] } }, 'UNKNOWN_FIELD', 'props.replicas'],
  ])('%s', async (_, c, code, path) => {
    const e = await refusedInBoth(c);
    expect([e.code, e.path]).toEqual([code, path]);
  });
});

describe('gVisor annotations that change how runsc confines one pod are refused', () => {
  test.each([
    ['dev.gvisor.flag.network', 'host'],
    ['dev.gvisor.flag.host-uds', 'all'],
    ['dev.gvisor.flag.net-raw', 'true'],
    ['dev.gvisor.flag.TESTONLY-unsafe-nonroot', 'true'],
    ['dev.gvisor.internal.nvproxy', 'true'],
    ['dev.gvisor.internal.seccomp.app', 'Unconfined'],
    ['dev.gvisor.container-name-remap.app', 'other'],
    ['dev.gvisor.tar.rootfs.upper', '/etc/shadow'],
    ['DEV.GVISOR.FLAG.network', 'host'],
  ])('%s', async (key, value) => {
    for (const c of constructsWith({ [key]: value })) {
      if (key !== key.toLowerCase()) continue; // an upper-case prefix is refused as a label key already
      const e = await refusedInBoth(c);
      expect([e.code, e.path]).toEqual(['SANDBOX_ESCAPE', `props.annotations[${JSON.stringify(key)}]`]);
    }
    expect(caught(() => checkConfinementAnnotations({ [key]: value }, 'a')).code).toBe('SANDBOX_ESCAPE');
  });

  test('mount hints (dev.gvisor.spec.mount.*) change sharing, not confinement, and pass', () => {
    const pod = renderSandboxedPod({ containers: [container], annotations: { 'dev.gvisor.spec.mount.data.share': 'pod' } }, 'p').objects[0]!;
    expect(pod.metadata.annotations).toEqual({ 'dev.gvisor.spec.mount.data.share': 'pod' });
  });
});

describe('seccompProfile / appArmorProfile types are compared exactly, as Kubernetes does', () => {
  const securityContexts = (profile: Record<string, unknown>): Array<[string, Record<string, unknown>, string]> => [
    ['pod seccomp', { securityContext: { seccompProfile: profile }, containers: [container] }, 'props.securityContext.seccompProfile.type'],
    ['pod AppArmor', { securityContext: { appArmorProfile: profile }, containers: [container] }, 'props.securityContext.appArmorProfile.type'],
    ['container seccomp', { containers: [{ ...container, securityContext: { seccompProfile: profile } }] }, 'props.containers[0].securityContext.seccompProfile.type'],
    ['container AppArmor', { containers: [{ ...container, securityContext: { appArmorProfile: profile } }] }, 'props.containers[0].securityContext.appArmorProfile.type'],
    ['init container AppArmor', { containers: [container], initContainers: [{ name: 'init', image: 'b:1', securityContext: { appArmorProfile: profile } }] }, 'props.initContainers[0].securityContext.appArmorProfile.type'],
    ['sidecar seccomp', { containers: [container], initContainers: [{ name: 'side', image: 'b:1', restartPolicy: 'Always', securityContext: { seccompProfile: profile } }] }, 'props.initContainers[0].securityContext.seccompProfile.type'],
  ];

  test.each(UNCONFINED_SPELLINGS.map((s) => [JSON.stringify(s), s]))('Unconfined spelled %s is refused everywhere', async (_, spelling) => {
    for (const [, props, path] of securityContexts({ type: spelling })) {
      for (const construct of ['SandboxedPod', 'SandboxedJob']) {
        const e = await refusedInBoth({ construct, id: 'x', props });
        expect([e.code, e.path]).toEqual(['SANDBOX_ESCAPE', path]);
      }
    }
  });

  test.each(['runtimedefault', 'RUNTIMEDEFAULT', 'Runtime/Default', 'runtime/default', 'localhost', 'LocalHost', 'None', ''])('a near miss %j is refused (Kubernetes would reject it)', async (type) => {
    for (const [, props, path] of securityContexts({ type })) {
      const e = await refusedInBoth({ construct: 'SandboxedDeployment', id: 'x', props });
      expect(e.code).toBe('INVALID_VALUE');
      expect(e.path).toBe(path);
    }
  });

  test('Localhost needs its profile, and a profile needs Localhost (Pod Security restricted allows Localhost)', async () => {
    let e = await refusedInBoth({ construct: 'SandboxedPod', id: 'x', props: { containers: [container], securityContext: { seccompProfile: { type: 'Localhost' } } } });
    expect([e.code, e.path]).toEqual(['REQUIRED', 'props.securityContext.seccompProfile.localhostProfile']);
    e = await refusedInBoth({ construct: 'SandboxedPod', id: 'x', props: { containers: [container], securityContext: { appArmorProfile: { type: 'RuntimeDefault', localhostProfile: 'x' } } } });
    expect([e.code, e.path]).toEqual(['INVALID_VALUE', 'props.securityContext.appArmorProfile.localhostProfile']);
    const ok = renderSandboxedPod({ containers: [container], securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: 'k8s-app' } } }, 'p').objects[0] as any;
    expect(ok.spec.securityContext.appArmorProfile).toEqual({ type: 'Localhost', localhostProfile: 'k8s-app' });
  });

  test('the exported hardenSecurityContext applies the same rules', () => {
    expect(caught(() => hardenSecurityContext({ appArmorProfile: { type: 'unconfined' } } as any, 'sc', true)).code).toBe('SANDBOX_ESCAPE');
    expect(caught(() => hardenSecurityContext({ seccompProfile: { type: 'UNCONFINED' } } as any, 'sc', true)).code).toBe('SANDBOX_ESCAPE');
    expect(caught(() => hardenSecurityContext({ procMount: 'unmasked' } as any, 'sc', true)).code).toBe('SANDBOX_ESCAPE');
  });

  test.each(['Unmasked', 'unmasked', 'UNMASKED'])('procMount %s is refused', async (procMount) => {
    const e = await refusedInBoth({ construct: 'SandboxedPod', id: 'x', props: { containers: [{ ...container, securityContext: { procMount } }] } });
    expect([e.code, e.path]).toEqual(['SANDBOX_ESCAPE', 'props.containers[0].securityContext.procMount']);
  });
});
