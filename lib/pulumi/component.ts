import * as pulumi from '@pulumi/pulumi';
import { ConstructAttributes, GvisorIacError, Manifests, ObjectIdentity, assertString } from '../core';
import { assertEmittable, claimObjects, emitManifests } from './emit';
import { liftInputs, placeholder, restoreInputs, sameManifests } from './inputs';

/** What a component registers, fully validated before its constructor calls `super`. */
export interface PreparedManifests {
  /** The objects, with the caller's Inputs back where the core put their values. */
  readonly manifests: Manifests;
  /** Resources every child waits for (e.g. the RuntimeClass the pods name). */
  readonly dependsOn: readonly pulumi.Resource[];
}

export type { ObjectIdentity } from '../core';

/**
 * An attribute in Pulumi: the plain value (the same as cdk8s') when the args
 * it comes from were plain, the checked Output when one came from another
 * resource (e.g. `namespace: ns.metadata.name`).
 */
export type AttributeValue<T> = T | pulumi.Output<T>;

/** `ObjectIdentity` in Pulumi: `namespace` is an Output when the `namespace` arg was one. */
export type PulumiObjectIdentity = Omit<ObjectIdentity, 'namespace'> & {
  /** `metadata.namespace`, when set. */
  readonly namespace?: AttributeValue<string>;
};

/** How `prepareManifests` treats the args. */
export interface PrepareOptions {
  /**
   * Top-level args that must be plain values in this construct although
   * other constructs accept an Input there (they decide the structure of its
   * output, e.g. `replicas` of an EdgeSandbox, which decides whether pods are
   * spread across sites).
   * @default - none
   */
  readonly plainArgs?: readonly string[];
}

/**
 * Renders args through a core function, validating everything before a
 * single resource (not even the component) is registered:
 *
 * - at construction: the whole structure, with each unresolved Input
 *   (`namespace`, `serviceAccountName`, `replicas`, and containers' `image`,
 *   `env[].value`, `ports[].containerPort`, `command`, `args`) replaced by a
 *   placeholder valid for its field, exactly as cdk8s validates plain props
 *   (same errors). It renders twice, with two placeholder sets, and puts
 *   each Input back where (and only where) the two renders differ by its
 *   placeholders, so a user's value that equals a placeholder stays as it is;
 * - at deployment, when an Input resolves: the args again with its real
 *   value, so a bad value from another resource fails `pulumi up` with the
 *   same `GvisorIacError`; and what is registered must be exactly what the
 *   core renders for that value (else the Input shaped more than its field,
 *   which is refused). Unknown values in a preview are not checked.
 */
export function prepareManifests<P>(
  name: string, args: P, render: (props: P, id: string) => Manifests, dependsOn: readonly pulumi.Resource[] = [], options: PrepareOptions = {},
): PreparedManifests {
  assertString(name, 'name', 'a Pulumi resource name');
  const { leaves, build, plain } = liftInputs(args, 'props', options.plainArgs);
  if (leaves.length === 0) {
    const rendered = render(plain, name);
    assertEmittable(rendered.objects);
    return { manifests: rendered, dependsOn };
  }
  const b = render(build((l, i) => placeholder(l.kind, i, 1)), name);
  // Set 0 last: a render function that keeps what it rendered (for attributes) keeps this one.
  const a = render(plain, name);
  assertEmittable(a.objects);
  const restore = (value: (i: number) => unknown) => restoreInputs(a.objects, b.objects, leaves, value);
  const checked = new Map<number, pulumi.Output<unknown>>();
  const leaf = (i: number): pulumi.Output<unknown> => {
    if (!checked.has(i)) {
      const { input, path, kind } = leaves[i]!;
      const check = (value: unknown): void => {
        const resolved = (j: number) => (j === i ? value : placeholder(leaves[j]!.kind, j, 0));
        const rendered = render(build((_, j) => resolved(j)), name);
        assertEmittable(rendered.objects);
        if (!sameManifests(restore(resolved), rendered.objects)) {
          throw new GvisorIacError('INVALID_VALUE', path, value, 'changes more of the output than this field when it comes from another resource',
            'pass a plain value for this field');
        }
      };
      const output = pulumi.output(input as pulumi.Input<any>);
      checked.set(i, pulumi.all([output, pulumi.isSecret(output)]).apply(([value, secret]: [unknown, boolean]) => {
        try {
          check(value);
        } catch (e) {
          // A secret is never echoed: neither the value nor a message (or a suggested fix) that quotes it.
          if (secret && e instanceof GvisorIacError) {
            throw new GvisorIacError(e.code, e.path, '(a secret value)', 'is refused by the checks of this field (the value is secret, so the core\'s message is not shown)',
              'check the secret this field comes from: it gets the same checks as a plain value');
          }
          throw e;
        }
        // An empty list is no list: the core drops it, and so does the registration.
        return kind === 'strings' && Array.isArray(value) && value.length === 0 ? undefined : value;
      }));
    }
    return checked.get(i)!;
  };
  return { manifests: { ...a, objects: restore(leaf) }, dependsOn };
}

/**
 * Base of the Pulumi sandbox components: claims the prepared objects in the
 * program's registry (refusing one another component already registers),
 * registers them as children through the one emitter, then registers the
 * attributes the core defines for the construct (`ConstructAttributes`,
 * the same as the cdk8s twin's; `ref` excepted) as outputs, last. The
 * caller's `opts` go to the component only; children get `{ parent: this }`
 * and inherit provider(s), `protect` and `transforms` through it.
 */
export abstract class SandboxComponent<A extends ConstructAttributes = ConstructAttributes> extends pulumi.ComponentResource {
  /** The registered Kubernetes resources, in the order the core renders them. */
  public readonly resources: readonly pulumi.CustomResource[];
  /** The construct's name (see `ConstructAttributes.name`). */
  public readonly name: string;
  /**
   * apiVersion, kind, name and namespace of each registered object, in order
   * (`namespace` is the caller's Output when the `namespace` arg was one).
   */
  public readonly objects: readonly PulumiObjectIdentity[];
  /**
   * All attributes, as the core function of the construct's attributes
   * returned them (from the registered objects: a value that came from an
   * Input arg, e.g. `namespace`, is that Input's checked Output).
   */
  protected readonly attributes: A;

  protected constructor(
    type: string, name: string, prepared: PreparedManifests, opts: pulumi.ComponentResourceOptions | undefined, attributes: A,
  ) {
    super(type, name, {}, opts);
    const { objects } = prepared.manifests;
    const program = claimObjects(this, type, name, objects);
    this.resources = emitManifests(this, name, prepared.manifests, prepared.dependsOn, program);
    this.attributes = attributes;
    this.name = attributes.name;
    this.objects = attributes.objects;
    const outputs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(attributes)) if (v !== undefined && k !== 'ref') outputs[k] = v;
    this.registerOutputs(outputs);
  }
}
