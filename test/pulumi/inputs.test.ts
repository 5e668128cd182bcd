import * as pulumi from '@pulumi/pulumi';
import fc from 'fast-check';
import { INPUT_LEAF, liftInputs, placeholder, restoreInputs, substitute } from '../../lib/pulumi/inputs';
import { mockPulumi, valueOf } from '../helpers/pulumi';

describe('Input leaves', () => {
  test.each([
    ['props.containers[0].image', true],
    ['props.initContainers[2].env[1].value', true],
    ['props.containers[0].env[0].name', false],
    ['props.containers[0].command[0]', false],
    ['props.image', true], // UntrustedCodeSandbox: one container's fields at the top level
    ['props.env[3].value', true],
    ['props.env[3].name', false],
    ['props.tenants[0].image', false],
    ['props.sidecars[0].image', false],
  ])('%s accepts an Input: %s', (path, ok) => {
    expect(INPUT_LEAF.test(path)).toBe(ok);
  });

  test('the placeholder passes the core\'s image checks: non-empty, no whitespace, digest-pinned', () => {
    expect(placeholder(3)).toBe(`gvisor-iac.invalid/pulumi-input-3@sha256:${'0'.repeat(64)}`);
    expect(placeholder(3)).not.toMatch(/\s/);
  });

  test('a placeholder inside a longer string comes back as a concatenation', async () => {
    mockPulumi();
    const objects = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { ref: `image=${placeholder(0)};tag=${placeholder(1)}`, plain: 'x' } }];
    const restored = restoreInputs({ objects }, (i) => pulumi.output(['nginx', '1.27'][i]!));
    const data = restored.objects[0]!.data as Record<string, any>;
    expect(data.plain).toBe('x');
    expect(await valueOf(data.ref)).toBe('image=nginx;tag=1.27');
  });

  test('property: lifting then substituting every leaf gives back the resolved args, untouched elsewhere', () => {
    fc.assert(fc.property(
      fc.array(fc.record({
        name: fc.string(), image: fc.string(), env: fc.array(fc.record({ name: fc.string(), value: fc.string() }), { maxLength: 3 }),
      }), { minLength: 1, maxLength: 3 }),
      fc.jsonValue(),
      (containers, other) => {
        const asInputs = (c: (typeof containers)[number]) => ({
          ...c, image: Promise.resolve(c.image), env: c.env.map((e) => ({ ...e, value: pulumi.output(e.value) })),
        });
        const args = { other, containers: containers.map(asInputs) };
        const { plain, leaves } = liftInputs(args, 'props');
        expect(leaves).toHaveLength(containers.reduce((n, c) => n + 1 + c.env.length, 0));
        expect((plain as any).other).toEqual(other);
        const values = containers.flatMap((c) => [c.image, ...c.env.map((e) => e.value)]);
        const resolved = values.reduce((acc: any, v, i) => substitute(acc, i, v), plain);
        expect(resolved).toEqual({ other, containers });
      },
    ), { numRuns: 50 });
  });
});
