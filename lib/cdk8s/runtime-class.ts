import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { GvisorRuntimeClassProps, PodOverhead, RuntimeClassRef, ownValue, renderRuntimeClass } from '../core';
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
  /** The emitted RuntimeClass, or undefined for GKE / existing classes. */
  public readonly apiObject?: ApiObject;

  public constructor(scope: Construct, id: string, props: GvisorRuntimeClassProps = {}) {
    super(scope, id);
    const rendered = renderOrRemove(scope, id, () => renderRuntimeClass(props));
    this.ref = rendered.ref;
    this.name = rendered.ref.name;
    this.apiObject = emitManifests(this, rendered)[0];
  }
}
