import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { GvisorRuntimeClassProps, ObjectIdentity, PodOverhead, RuntimeClassRef, ownValue, renderRuntimeClass, runtimeClassAttributes } from '../core';
import { emitManifests, renderOrRemove } from './emit';

/**
 * A gVisor RuntimeClass (`node.k8s.io/v1`), or a reference to one that
 * already exists (GKE Sandbox, or created elsewhere).
 *
 * @example
 * const gvisor = new GvisorRuntimeClass(chart, 'gvisor');
 * new SandboxedPod(chart, 'app', { runtimeClass: gvisor, containers: [...] });
 */
export class GvisorRuntimeClass extends Construct {
  /** GKE Sandbox: refers to GKE's own `gvisor` class (handler `gvisor`); emits nothing. */
  public static gke(scope: Construct, id: string): GvisorRuntimeClass {
    return new GvisorRuntimeClass(scope, id, { preset: 'gke' });
  }

  /** Refers to an existing RuntimeClass by name; emits nothing. */
  public static fromName(scope: Construct, id: string, name: string, options: { podOverhead?: PodOverhead } = {}): GvisorRuntimeClass {
    return new GvisorRuntimeClass(scope, id, { name, existing: true, podOverhead: (ownValue(options, 'podOverhead') as PodOverhead | undefined) ?? false });
  }

  /** What workloads need: name, handler, overhead, scheduling. */
  public readonly ref: RuntimeClassRef;
  /** The class name pods put in `runtimeClassName`. */
  public readonly name: string;
  /** The class name (the same as `name`; the attribute every construct has). */
  public readonly runtimeClassName: string;
  /** The emitted RuntimeClass, or undefined for GKE / existing classes. */
  public readonly apiObject?: ApiObject;
  /** The emitted ApiObjects: the RuntimeClass, or none for GKE / existing classes. */
  public readonly apiObjects: readonly ApiObject[];
  /** apiVersion, kind and name of each emitted object. */
  public readonly objects: readonly ObjectIdentity[];

  public constructor(scope: Construct, id: string, props: GvisorRuntimeClassProps = {}) {
    super(scope, id);
    const rendered = renderOrRemove(scope, id, () => renderRuntimeClass(props));
    const attrs = runtimeClassAttributes(rendered);
    this.ref = attrs.ref;
    this.name = attrs.name;
    this.runtimeClassName = attrs.runtimeClassName;
    this.objects = attrs.objects;
    this.apiObjects = emitManifests(this, rendered);
    this.apiObject = this.apiObjects[0];
  }
}
