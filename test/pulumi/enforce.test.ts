import * as pulumi from '@pulumi/pulumi';
import { mockPulumi, valueOf } from '../helpers/pulumi';
import { thrown } from '../helpers/thrown';
import { GvisorIacError } from 'gvisor-iac';
import { enforceGvisor, gvisorTransform, podSpecPath } from 'gvisor-iac/pulumi';

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
  test('registers the transform stack-wide with pulumi.runtime.registerResourceTransform and returns it', async () => {
    // Mocks cannot register transforms (no engine callback server): spy on the SDK call instead.
    const spy = jest.spyOn(pulumi.runtime, 'registerResourceTransform').mockImplementation(() => undefined);
    const transform = enforceGvisor({ mode: 'deny', runtimeClassName: 'gvisor-fast' });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy).toHaveBeenCalledWith(transform);
    expect(thrown(() => transform(args('kubernetes:core/v1:Pod', { spec: podSpec }))).message).toContain('set runtimeClassName: "gvisor-fast"');
    spy.mockRestore();
  });

  test('validates its options before registering anything', () => {
    const spy = jest.spyOn(pulumi.runtime, 'registerResourceTransform').mockImplementation(() => undefined);
    expect(() => enforceGvisor({ mode: 'warn' as any })).toThrow(GvisorIacError);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });
});
