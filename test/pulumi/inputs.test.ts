import * as pulumi from '@pulumi/pulumi';
import fc from 'fast-check';
import { KubeObject, assertDnsLabel, assertImage, renderSandboxedDeployment } from '../../lib/core';
import { InputKind, InputLeaf, MAX_INPUTS, inputKind, liftInputs, placeholder, restoreInputs, sameManifests } from '../../lib/pulumi/inputs';
import { mockPulumi, valueOf } from '../helpers/pulumi';

describe('Input leaves', () => {
  test.each<[string, InputKind | undefined]>([
    ['props.containers[0].image', 'string'],
    ['props.initContainers[2].env[1].value', 'string'],
    ['props.containers[0].env[0].name', undefined],
    ['props.containers[0].command[0]', 'string'],
    ['props.containers[0].command', 'strings'],
    ['props.initContainers[1].args', 'strings'],
    ['props.containers[0].ports[1].containerPort', 'number'],
    ['props.containers[0].ports[1].hostPort', undefined],
    ['props.containers[0].ports[1].name', undefined],
    ['props.containers[0].workingDir', undefined],
    ['props.namespace', 'name'],
    ['props.serviceAccountName', 'name'],
    ['props.replicas', 'number'],
    ['props.name', undefined],
    ['props.labels.app', undefined],
    ['props.image', 'string'], // UntrustedCodeSandbox: one container's fields at the top level
    ['props.env[3].value', 'string'],
    ['props.command', 'strings'],
    ['props.args[0]', 'string'],
    ['props.env[3].name', undefined],
    ['props.tenants[0].image', undefined],
    ['props.tenants[0].namespace', undefined],
    ['props.sidecars[0].image', undefined],
  ])('%s accepts an Input: %s', (path, kind) => {
    expect(inputKind(path)).toBe(kind);
  });

  test('each placeholder is valid for its field, and the two sets differ', () => {
    expect(placeholder('string', 3)).toBe(`gvisor-iac.invalid/pulumi-input-3-a@sha256:${'0'.repeat(64)}`);
    expect(assertImage(placeholder('string', 3, 1), 'p')).toBe(`gvisor-iac.invalid/pulumi-input-3-b@sha256:${'0'.repeat(64)}`);
    expect(assertDnsLabel(placeholder('name', MAX_INPUTS - 1, 1), 'p')).toBe(`gvisor-iac-input-${MAX_INPUTS - 1}-b`);
    expect([placeholder('number', 0), placeholder('number', 0, 1), placeholder('number', MAX_INPUTS - 1, 1)]).toEqual([30000, 30001, 65533]);
    expect(placeholder('strings', 2)).toEqual([placeholder('string', 2)]);
  });

  test('an Input at a field that takes none is refused, naming it; so is one arg a construct keeps plain', () => {
    expect(() => liftInputs({ name: pulumi.output('x') }, 'props')).toThrow(/^props\.name: "\(a Pulumi Output or Promise\)" is not a plain value/);
    expect(() => liftInputs({ replicas: pulumi.output(2) }, 'props', ['replicas'])).toThrow(/^props\.replicas: /);
    expect(liftInputs({ replicas: pulumi.output(2) }, 'props').leaves.map((l) => [l.path, l.kind])).toEqual([['props.replicas', 'number']]);
  });

  test('property: building with each Input\'s value gives back the resolved args, untouched elsewhere', () => {
    fc.assert(fc.property(
      fc.array(fc.record({
        name: fc.string(),
        image: fc.string(),
        env: fc.array(fc.record({ name: fc.string(), value: fc.string() }), { maxLength: 3 }),
        ports: fc.array(fc.record({ containerPort: fc.integer() }), { maxLength: 2 }),
        command: fc.array(fc.string(), { maxLength: 2 }),
      }), { minLength: 1, maxLength: 3 }),
      fc.jsonValue(),
      (containers, other) => {
        const asInputs = (c: (typeof containers)[number]) => ({
          ...c,
          image: Promise.resolve(c.image),
          env: c.env.map((e) => ({ ...e, value: pulumi.output(e.value) })),
          ports: c.ports.map((p) => ({ containerPort: pulumi.output(p.containerPort) })),
          command: pulumi.output(c.command),
        });
        const args = { other, containers: containers.map(asInputs) };
        const { leaves, build } = liftInputs(args, 'props');
        expect(leaves).toHaveLength(containers.reduce((n, c) => n + 2 + c.env.length + c.ports.length, 0));
        const values = containers.flatMap((c) => [c.image, ...c.env.map((e) => e.value), ...c.ports.map((p) => p.containerPort), c.command]);
        expect(build((_, i) => values[i])).toEqual({ other, containers });
        expect((build((l, i) => placeholder(l.kind, i)) as any).other).toEqual(other);
      },
    ), { numRuns: 50 });
  });
});

describe('restoring Inputs from two renders', () => {
  const leaves = (...kinds: InputKind[]): InputLeaf[] => kinds.map((kind, i) => ({ input: `input-${i}`, path: `props.leaf${i}`, kind }));
  const object = (set: 0 | 1, literal: unknown): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: placeholder('name', 0, set) as string },
    spec: {
      containers: [{
        name: 'c',
        image: placeholder('string', 1, set),
        command: placeholder('strings', 2, set),
        ports: [{ containerPort: placeholder('number', 3, set) }, { containerPort: literal }],
        env: [{ name: 'DNS', value: `svc.${placeholder('name', 0, set)}.svc:${placeholder('string', 1, set)}` }],
      }],
    },
    extra: { literal, sameLiteral: placeholder('string', 1, 0), inString: `x ${placeholder('name', 0, 0)} ${placeholder('name', 0, set)}` },
  });

  test('each Input goes back exactly where its placeholders differ; a literal that equals a placeholder stays', async () => {
    mockPulumi();
    const ls = leaves('name', 'string', 'strings', 'number');
    const a = [object(0, placeholder('number', 3, 0))];
    const b = [object(1, placeholder('number', 3, 0))];
    const values = ['team-a', 'nginx:1', ['sh', '-c'], 8080];
    const [o] = restoreInputs(a, b, ls, (i) => pulumi.output(values[i]));
    const c = (o as any).spec.containers[0];
    expect(await valueOf((o as any).metadata.namespace)).toBe('team-a');
    expect(await valueOf(c.image)).toBe('nginx:1');
    expect(await valueOf(c.command)).toEqual(['sh', '-c']);
    expect(await valueOf(c.ports[0].containerPort)).toBe(8080);
    expect(c.ports[1].containerPort).toBe(placeholder('number', 3, 0)); // the user's literal 30006
    expect(await valueOf(c.env[0].value)).toBe('svc.team-a.svc:nginx:1');
    expect((o as any).extra.literal).toBe(placeholder('number', 3, 0));
    expect((o as any).extra.sameLiteral).toBe(placeholder('string', 1, 0));
    expect(await valueOf((o as any).extra.inString)).toBe(`x ${placeholder('name', 0, 0)} team-a`);
    // Plain values: strings joined, no Output.
    const [plain] = restoreInputs(a, b, ls, (i) => values[i]);
    expect((plain as any).spec.containers[0].env[0].value).toBe('svc.team-a.svc:nginx:1');
  });

  test('a render whose structure depends on an Input, or that transforms it, is refused naming the Inputs', () => {
    const ls = leaves('number');
    const base = (_set: 0 | 1, spec: unknown): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec });
    expect(() => restoreInputs([base(0, { a: 1 })], [base(1, { b: 1 })], ls, () => 0)).toThrow(
      /^Deployment\/d\.spec: .* depends on a value from another resource \(props\.leaf0\) in a way that decides more than this field/,
    );
    expect(() => restoreInputs([base(0, { replicas: 60000 })], [base(1, { replicas: 60002 })], ls, () => 0))
      .toThrow(/^Deployment\/d\.spec\.replicas: 60000 /);
    expect(() => restoreInputs([base(0, { x: [1, 2] })], [base(1, { x: [1] })], ls, () => 0)).toThrow(/^Deployment\/d\.spec\.x: /);
    const s = leaves('string');
    expect(() => restoreInputs([base(0, { x: placeholder('string', 0, 0) })], [base(1, { x: (placeholder('string', 0, 1) as string).toUpperCase() })], s, () => 0))
      .toThrow(/^Deployment\/d\.spec\.x: /);
  });

  test('sameManifests: key order, undefined values and empty lists aside', () => {
    expect(sameManifests({ a: 1, b: [], c: undefined, d: { e: 'x' } }, { d: { e: 'x' }, a: 1 })).toBe(true);
    expect(sameManifests({ a: 1 }, { a: 2 })).toBe(false);
    expect(sameManifests({ a: [1] }, { a: [1, 1] })).toBe(false);
    expect(sameManifests(renderSandboxedDeployment({ containers: [{ name: 'a', image: 'a:1' }] }, 'x').objects,
      renderSandboxedDeployment({ containers: [{ name: 'a', image: 'a:1' }] }, 'x').objects)).toBe(true);
  });
});
