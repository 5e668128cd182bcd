import type { RuntimeClass } from '@pulumi/kubernetes/node/v1';
import * as pulumi from '@pulumi/pulumi';
import { GvisorRuntimeClassProps, PodOverhead, RuntimeClassAttributes, RuntimeClassManifests, RuntimeClassRef, ownValue, renderRuntimeClass, runtimeClassAttributes } from '../core';
import { SandboxComponent, prepareManifests } from './component';

/** Args of `GvisorRuntimeClass` (Pulumi): the core props, all plain values. */
export type GvisorRuntimeClassArgs = GvisorRuntimeClassProps;

/**
 * A gVisor RuntimeClass (`node.k8s.io/v1`) as a Pulumi component, or a
 * reference to one that already exists (GKE Sandbox, or created elsewhere).
 *
 * Registers one child, `kubernetes:node/v1:RuntimeClass` named
 * `<name>-runtimeclass-<class name>` (none for GKE or existing classes).
 * Outputs: `name`, `runtimeClassName`, `objects`.
 *
 * @example
 * const gvisor = new GvisorRuntimeClass('gvisor');
 * new SandboxedPod('app', { runtimeClass: gvisor, containers: [...] });
 */
export class GvisorRuntimeClass extends SandboxComponent<RuntimeClassAttributes> {
  /** GKE Sandbox: refers to GKE's own `gvisor` class (handler `gvisor`); registers no Kubernetes resource. */
  public static gke(name: string, opts?: pulumi.ComponentResourceOptions): GvisorRuntimeClass {
    return new GvisorRuntimeClass(name, { preset: 'gke' }, opts);
  }

  /** Refers to an existing RuntimeClass by its class name; registers no Kubernetes resource. */
  public static fromName(
    name: string, className: string, options: { podOverhead?: PodOverhead } = {}, opts?: pulumi.ComponentResourceOptions,
  ): GvisorRuntimeClass {
    return new GvisorRuntimeClass(name, { name: className, existing: true, podOverhead: (ownValue(options, 'podOverhead') as PodOverhead | undefined) ?? false }, opts);
  }

  /** Pulumi type token; subclasses that preset props register under their own. */
  protected static readonly typeToken: string = 'gvisor-iac:index:GvisorRuntimeClass';

  /** What workloads need: name, handler, overhead, scheduling. */
  public readonly ref: RuntimeClassRef;
  /** The class name (the same as `name`; the attribute every construct has). */
  public readonly runtimeClassName: string;
  /** The registered RuntimeClass, or undefined for GKE / existing classes. */
  public readonly resource?: RuntimeClass;
  /** The registered RuntimeClass (the same as `resource`). @deprecated use `resource`, as on every other component. */
  public readonly runtimeClass?: RuntimeClass;

  public constructor(name: string, args: GvisorRuntimeClassArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    let rendered: RuntimeClassManifests | undefined;
    const prepared = prepareManifests(name, args, (props) => (rendered = renderRuntimeClass(props)));
    super((new.target as typeof GvisorRuntimeClass).typeToken, name, prepared, opts, runtimeClassAttributes(rendered!));
    this.ref = this.attributes.ref;
    this.runtimeClassName = this.attributes.runtimeClassName;
    this.resource = this.resources[0] as RuntimeClass | undefined;
    this.runtimeClass = this.resource;
  }
}
