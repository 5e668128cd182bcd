import * as pulumi from '@pulumi/pulumi';
import { podSpecPath } from '../../lib/pulumi/enforce';
import { mockPulumi, until, valueOf } from '../helpers/pulumi';
import { thrown } from '../helpers/thrown';
import { GvisorIacError } from 'gvisor-iac';
import { MOCKS_WARNING, enforceGvisor, gvisorTransform } from 'gvisor-iac/pulumi';

// Mocks do not run transforms, so the transform is called directly with what
// Pulumi passes it (ResourceTransformArgs: type, name, props, opts, custom).
const opts = { parent: undefined, protect: false } as pulumi.ResourceOptions;
const podSpec = { containers: [{ name: 'c', image: 'nginx' }] };
const deployment = (spec: Record<string, unknown> = podSpec) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { selector: {}, template: { metadata: {}, spec } } });
const args = (type: string, props: Record<string, any>, custom = true): pulumi.ResourceTransformArgs => ({ type, name: 'res', props, opts, custom });

async function run(transform: pulumi.ResourceTransform, a: pulumi.ResourceTransformArgs) {
  return transform(a);
}


describe('podSpecPath', () => {
  test.each([
    ['kubernetes:core/v1:Pod', ['spec'], false],
    ['kubernetes:apps/v1:Deployment', ['spec', 'template', 'spec'], false],
    ['kubernetes:apps/v1:StatefulSet', ['spec', 'template', 'spec'], false],
    ['kubernetes:apps/v1:DaemonSet', ['spec', 'template', 'spec'], false],
    ['kubernetes:apps/v1:ReplicaSet', ['spec', 'template', 'spec'], false],
    ['kubernetes:extensions/v1beta1:Deployment', ['spec', 'template', 'spec'], false],
    ['kubernetes:core/v1:ReplicationController', ['spec', 'template', 'spec'], false],
    ['kubernetes:core/v1:PodTemplate', ['template', 'spec'], false],
    ['kubernetes:batch/v1:Job', ['spec', 'template', 'spec'], false],
    ['kubernetes:batch/v1:CronJob', ['spec', 'jobTemplate', 'spec', 'template', 'spec'], false],
    ['kubernetes:batch/v1beta1:CronJob', ['spec', 'jobTemplate', 'spec', 'template', 'spec'], false],
    ['kubernetes:apps/v1:DeploymentPatch', ['spec', 'template', 'spec'], true],
  ])('%s', (type, path, patch) => {
    expect(podSpecPath(type)).toEqual({ path, patch });
  });

  test.each(['kubernetes:core/v1:Service', 'kubernetes:core/v1:PodList', 'kubernetes:node.k8s.io/v1:RuntimeClass', 'gvisor-iac:index:SandboxedPod', 'aws:ec2/instance:Instance', 'kubernetes:helm.sh/v4:Chart'])('%s bears no pods', (type) => {
    expect(podSpecPath(type)).toBeUndefined();
  });
});

describe('gvisorTransform, mode "inject"', () => {
  const inject = gvisorTransform({ mode: 'inject' });

  test('sets runtimeClassName "gvisor" where it is absent, keeping everything else and the opts', async () => {
    const a = args('kubernetes:apps/v1:Deployment', deployment());
    const result = await run(inject, a);
    expect(result).toEqual({ props: deployment({ ...podSpec, runtimeClassName: 'gvisor' }), opts });
    expect(result!.opts).toBe(opts);
    expect(a.props).toEqual(deployment()); // inputs untouched
  });

  test.each([
    ['kubernetes:core/v1:Pod', { spec: podSpec }, { spec: { ...podSpec, runtimeClassName: 'gvisor' } }],
    ['kubernetes:batch/v1:CronJob', { spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec: podSpec } } } } },
      { spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec: { ...podSpec, runtimeClassName: 'gvisor' } } } } } }],
    ['kubernetes:apps/v1:StatefulSet', { spec: {} }, { spec: { template: { spec: { runtimeClassName: 'gvisor' } } } }],
  ])('%s', async (type, props, expected) => {
    expect((await run(inject, args(type, props)))!.props).toEqual(expected);
  });

  test('keeps an allowed class and leaves other resources, components and excluded ones alone', async () => {
    const custom = gvisorTransform({ mode: 'inject', runtimeClassName: 'gvisor-fast', allowedRuntimeClassNames: ['gvisor'], exclude: (a) => a.name === 'cni' });
    const keep = deployment({ ...podSpec, runtimeClassName: 'gvisor' });
    expect((await run(custom, args('kubernetes:apps/v1:Deployment', keep)))!.props).toBe(keep);
    expect((await run(custom, args('kubernetes:apps/v1:Deployment', deployment())))!.props.spec.template.spec.runtimeClassName).toBe('gvisor-fast');
    expect(await run(custom, args('kubernetes:core/v1:Service', { spec: {} }))).toBeUndefined();
    expect(await run(custom, args('kubernetes:apps/v1:Deployment', deployment(), false))).toBeUndefined();
    expect(await run(custom, { ...args('kubernetes:apps/v1:DaemonSet', deployment()), name: 'cni' })).toBeUndefined();
  });

  test('a class that is not allowed fails even in inject mode (never overwritten silently)', () => {
    const e = thrown(() => inject(args('kubernetes:apps/v1:Deployment', deployment({ ...podSpec, runtimeClassName: 'runc' }))));
    expect(e).toBeInstanceOf(GvisorIacError);
    expect(e.code).toBe('SANDBOX_ESCAPE');
    expect(e.message).toBe('res (kubernetes:apps/v1:Deployment) spec.template.spec.runtimeClassName: "runc" is not an allowed gVisor RuntimeClass, so the pods would run outside the sandbox; use "gvisor" (or add the class to allowedRuntimeClassNames)');
  });

  test('Patch resources are only checked: no class stays absent, a bad one fails', async () => {
    const patch = { spec: { replicas: 2 } };
    expect((await run(inject, args('kubernetes:apps/v1:DeploymentPatch', patch)))!.props).toBe(patch);
    expect(thrown(() => inject(args('kubernetes:apps/v1:DeploymentPatch', deployment({ runtimeClassName: 'kata' })))).code).toBe('SANDBOX_ESCAPE');
  });

  test('Outputs and secrets in the props (as the engine hands them over) are followed and kept', async () => {
    mockPulumi();
    const out = await run(inject, args('kubernetes:apps/v1:Deployment', { spec: pulumi.output({ template: { spec: podSpec } }) }));
    expect(await valueOf(out!.props.spec)).toEqual({ template: { spec: { ...podSpec, runtimeClassName: 'gvisor' } } });
    const sig = '4dabf18193072939515e22adb298388d';
    const secret = { [sig]: '1b47061264138c4ac30d75fd1eb44270', value: { spec: podSpec } };
    const wrapped = await run(inject, args('kubernetes:apps/v1:Deployment', { spec: { template: secret } }));
    expect(wrapped!.props.spec.template).toEqual({ [sig]: '1b47061264138c4ac30d75fd1eb44270', value: { spec: { ...podSpec, runtimeClassName: 'gvisor' } } });
    const later = await run(inject, args('kubernetes:core/v1:Pod', { spec: { ...podSpec, runtimeClassName: pulumi.output('runc') } }));
    const checked = later!.props.spec.runtimeClassName;
    for (const p of [checked.isKnown, checked.isSecret]) p.catch(() => undefined);
    await expect(checked.promise()).rejects.toThrow('"runc" is not an allowed gVisor RuntimeClass');
  });
});

describe('gvisorTransform, mode "deny"', () => {
  const deny = gvisorTransform({ mode: 'deny' });

  test('fails a pod-bearing resource without runtimeClassName', () => {
    const e = thrown(() => deny(args('kubernetes:batch/v1:Job', { spec: { template: { spec: podSpec } } })));
    expect(e.message).toBe('res (kubernetes:batch/v1:Job) spec.template.spec.runtimeClassName: (missing) is not set, so the pods would run outside gVisor; set runtimeClassName: "gvisor" (or enforce with mode "inject")');
  });

  test('passes one that uses the class, unchanged', async () => {
    const props = deployment({ ...podSpec, runtimeClassName: 'gvisor' });
    expect((await run(deny, args('kubernetes:apps/v1:Deployment', props)))!.props).toBe(props);
  });
});

describe('options', () => {
  test.each([
    [{ mode: 'block' }, 'options.mode: "block" is not one of "inject", "deny"'],
    [{ mode: 'deny', runtimeClassName: 'G Visor' }, 'options.runtimeClassName: "G Visor" is not a valid DNS-1123 subdomain'],
    [{ mode: 'deny', allowedRuntimeClassNames: 'gvisor' }, 'options.allowedRuntimeClassNames: "gvisor" is not an array'],
    [{ mode: 'deny', exclude: true }, 'options.exclude: true is not a function'],
    [{ mode: 'deny', runtimeclass: 'x' }, 'options.runtimeclass: "x" is not a known field'],
    [undefined, 'options: (missing) is not an object'],
  ])('%j is refused', (o, message) => {
    expect(() => gvisorTransform(o as any)).toThrow(message);
  });

  test('runtimeClassName defaults to "gvisor"', async () => {
    const out = await run(gvisorTransform({ mode: 'inject' }), args('kubernetes:core/v1:Pod', { spec: {} }));
    expect(out!.props.spec.runtimeClassName).toBe('gvisor');
  });
});

describe('enforceGvisor', () => {
  /** An engine's resource monitor, as far as enforceGvisor looks at it (not the SDK's MockMonitor). */
  const engineMonitor = () => jest.spyOn(pulumi.runtime, 'getMonitor').mockReturnValue({} as any);

  afterEach(() => jest.restoreAllMocks());

  test('with an engine, registers the transform stack-wide with pulumi.runtime.registerResourceTransform and returns it', async () => {
    engineMonitor();
    const spy = jest.spyOn(pulumi.runtime, 'registerResourceTransform').mockImplementation(() => undefined);
    const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
    const transform = enforceGvisor({ mode: 'deny', runtimeClassName: 'gvisor-fast' });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy).toHaveBeenCalledWith(transform);
    expect(warn).not.toHaveBeenCalled();
    expect(thrown(() => transform(args('kubernetes:core/v1:Pod', { spec: podSpec }))).message).toContain('set runtimeClassName: "gvisor-fast"');
  });

  test('with an engine whose CLI lacks transform support, fails loudly instead of skipping the check', () => {
    engineMonitor();
    jest.spyOn(pulumi.runtime, 'registerResourceTransform').mockImplementation(() => {
      throw new Error('The Pulumi CLI does not support transforms. Please update the Pulumi CLI');
    });
    expect(() => enforceGvisor({ mode: 'inject' })).toThrow('The Pulumi CLI does not support transforms');
  });

  test('validates its options before registering anything', () => {
    engineMonitor();
    const spy = jest.spyOn(pulumi.runtime, 'registerResourceTransform').mockImplementation(() => undefined);
    expect(() => enforceGvisor({ mode: 'warn' as any })).toThrow(GvisorIacError);
    expect(spy).not.toHaveBeenCalled();
  });
});

describe('enforceGvisor under unit-test mocks (no engine to run transforms)', () => {
  afterEach(() => jest.restoreAllMocks());

  test.each(['inject', 'deny'] as const)('mode %s: the program goes on, nothing is registered, a warning says so, and the returned transform still works', async (mode) => {
    mockPulumi();
    const register = jest.spyOn(pulumi.runtime, 'registerResourceTransform');
    const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
    const transform = enforceGvisor({ mode });
    expect(register).not.toHaveBeenCalled();
    expect(warn.mock.calls).toEqual([[MOCKS_WARNING]]);
    expect(MOCKS_WARNING).toBe('gvisor-iac: enforceGvisor is not enforced in this run: unit-test mocks (pulumi.runtime.setMocks) have no engine to run resource transforms. '
      + 'To test the enforcement, call the transform that enforceGvisor returns with ResourceTransformArgs; under `pulumi preview`/`pulumi up` it applies to every resource.');
    const pod = args('kubernetes:core/v1:Pod', { spec: podSpec });
    if (mode === 'inject') expect((await run(transform, pod))!.props.spec.runtimeClassName).toBe('gvisor');
    else expect(thrown(() => transform(pod)).message).toContain('is not set, so the pods would run outside gVisor');
  });

  test('the SDK itself would refuse the registration under mocks (what enforceGvisor spares the program)', () => {
    mockPulumi();
    expect(() => pulumi.runtime.registerResourceTransform(() => undefined)).toThrow('The Pulumi CLI does not support transforms. Please update the Pulumi CLI');
  });

  test('the README recipe: a mocked program that enables enforceGvisor still registers its resources, and the transform is tested directly', async () => {
    const recorder = mockPulumi();
    jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
    const transform = enforceGvisor({ mode: 'deny' });
    const { SandboxedPod } = await import('gvisor-iac/pulumi');
    const pod = new SandboxedPod('app', { containers: [{ name: 'app', image: 'nginxinc/nginx-unprivileged:1.27' }] });
    await valueOf(pod.urn);
    await until(() => recorder.kube().length === 1);
    const registered = recorder.kube()[0]!;
    expect(registered.type).toBe('kubernetes:core/v1:Pod');
    // The program's own pods pass the check; a foreign one without a class is refused.
    expect(await run(transform, args(registered.type, registered.inputs))).toEqual({ props: registered.inputs, opts });
    expect(thrown(() => transform(args('kubernetes:core/v1:Pod', { spec: podSpec }))).code).toBe('SANDBOX_ESCAPE');
  });
});

describe('Helm v3 Release: rendered inside the provider, out of the transform\'s sight', () => {
  const release = args('kubernetes:helm.sh/v3:Release', { chart: './charts/app', values: {} });

  test.each(['inject', 'deny'] as const)('mode %s refuses it, naming the way out', (mode) => {
    const e = thrown(() => gvisorTransform({ mode })(release));
    expect(e).toBeInstanceOf(GvisorIacError);
    expect(e.code).toBe('SANDBOX_ESCAPE');
    expect(e.message).toBe('res (kubernetes:helm.sh/v3:Release): "./charts/app" renders its manifests inside the Kubernetes provider, where no transform sees them, so its pods could run outside gVisor; '
      + 'deploy the chart with kubernetes:helm.sh/v4:Chart (its objects pass through this check), or exclude the release after checking that every pod in it sets an allowed runtimeClassName');
  });

  test('an excluded release passes; a Helm v4 Chart component is not refused (its objects are checked one by one)', async () => {
    const transform = gvisorTransform({ mode: 'deny', exclude: (a) => a.type === 'kubernetes:helm.sh/v3:Release' });
    expect(await run(transform, release)).toBeUndefined();
    expect(await run(gvisorTransform({ mode: 'deny' }), args('kubernetes:helm.sh/v4:Chart', { chart: './charts/app' }, false))).toBeUndefined();
  });
});
