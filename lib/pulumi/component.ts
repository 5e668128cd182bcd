import * as pulumi from '@pulumi/pulumi';
import { KubeObject, Manifests, assertString, isClusterScoped } from '../core';
import { assertEmittable, claimObjects, emitManifests } from './emit';
import { liftInputs, restoreInputs, substitute } from './inputs';

/** What a component registers, fully validated before its constructor calls `super`. */
export interface PreparedManifests {
  /** The objects, with the caller's Inputs back in their leaves. */
  readonly manifests: Manifests;
  /** Resources every child waits for (e.g. the RuntimeClass the pods name). */
  readonly dependsOn: readonly pulumi.Resource[];
}

/** Identity of one registered object, as exposed in outputs. */
export interface ObjectIdentity {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/**
 * Renders args through a core function, validating everything before a
 * single resource (not even the component) is registered:
 *
 * - at construction: the whole structure, with each unresolved Input
 *   (`containers[].image`, `containers[].env[].value`) replaced by a
 *   placeholder, exactly as cdk8s validates plain props (same errors);
 * - at deployment, when an Input resolves: the args again with its real
 *   value, so a bad image from another resource fails `pulumi up` with the
 *   same `GvisorIacError` (unknown values in a preview are not checked).
 */
export function prepareManifests<P>(
  name: string, args: P, render: (props: P, id: string) => Manifests, dependsOn: readonly pulumi.Resource[] = [],
): PreparedManifests {
  assertString(name, 'name', 'a Pulumi resource name');
  const { plain, leaves } = liftInputs(args, 'props');
  const rendered = render(plain, name);
  assertEmittable(rendered.objects);
  if (leaves.length === 0) return { manifests: rendered, dependsOn };
  const checked = new Map<number, pulumi.Output<unknown>>();
  const leaf = (i: number): pulumi.Output<unknown> => {
    if (!checked.has(i)) {
      checked.set(i, pulumi.output(leaves[i] as pulumi.Input<any>).apply((value: unknown) => {
        assertEmittable(render(substitute(plain, i, value), name).objects);
        return value;
      }));
    }
    return checked.get(i)!;
  };
  return { manifests: restoreInputs(rendered, leaf), dependsOn };
}

/**
 * Base of the Pulumi sandbox components: claims the prepared objects in the
 * program's registry (refusing one another component already registers),
 * registers them as children through the one emitter, then `registerOutputs`. The caller's
 * `opts` go to the component only; children get `{ parent: this }` and
 * inherit provider(s), `protect` and `transforms` through it.
 */
export abstract class SandboxComponent extends pulumi.ComponentResource {
  /** The registered Kubernetes resources, in apply order. */
  public readonly resources: readonly pulumi.CustomResource[];
  /** apiVersion, kind, name and namespace of each registered object, in order. */
  public readonly objects: readonly ObjectIdentity[];
  /** Namespaces the objects live in or create, in order of first appearance. */
  public readonly namespaces: readonly string[];

  protected constructor(
    type: string, name: string, prepared: PreparedManifests, opts: pulumi.ComponentResourceOptions | undefined, outputs: Record<string, unknown>,
  ) {
    super(type, name, {}, opts);
    const { objects } = prepared.manifests;
    claimObjects(this, type, name, objects);
    this.resources = emitManifests(this, name, prepared.manifests, prepared.dependsOn);
    this.objects = objects.map(identity);
    this.namespaces = [...new Set(objects.flatMap((o) => (o.kind === 'Namespace' ? [o.metadata.name] : isClusterScoped(o.kind) || !o.metadata.namespace ? [] : [o.metadata.namespace])))];
    this.registerOutputs({ objects: this.objects, namespaces: this.namespaces, ...outputs });
  }
}

function identity(o: KubeObject): ObjectIdentity {
  return o.metadata.namespace === undefined
    ? { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name }
    : { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace };
}
