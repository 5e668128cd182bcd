import * as pulumi from '@pulumi/pulumi';
import {
  ConstructAttributes, Manifests, RuntimeClassRef, ownValue, SandboxedDeploymentProps, SandboxedJobProps, SandboxedPodProps,
  SandboxedDaemonSetProps, SandboxedStatefulSetProps, SandboxedCronJobProps,
  renderSandboxedDeployment, renderSandboxedJob, renderSandboxedPod, renderSandboxedDaemonSet, renderSandboxedStatefulSet, renderSandboxedCronJob,
  workloadAttributes,
} from '../core';
import { PreparedManifests, SandboxComponent, prepareManifests } from './component';
import { PulumiArgs } from './inputs';
import { GvisorRuntimeClass } from './runtime-class';

/** What the `runtimeClass` arg accepts in Pulumi: the component, its ref, or a class name. */
export type RuntimeClassInput = GvisorRuntimeClass | RuntimeClassRef | string;

/**
 * Pulumi args of a construct whose core props are `P`: structural args are
 * plain values; `containers[].image` and `containers[].env[].value` (and the
 * same in `initContainers`) accept `pulumi.Input<string>`; `runtimeClass`
 * (default "gvisor") takes the Pulumi `GvisorRuntimeClass`, its ref or a name.
 */
export type SandboxArgs<P> = PulumiArgs<P, RuntimeClassInput>;

/** Args of `SandboxedPod` (Pulumi). */
export type SandboxedPodArgs = SandboxArgs<SandboxedPodProps>;
/** Args of `SandboxedDeployment` (Pulumi). */
export type SandboxedDeploymentArgs = SandboxArgs<SandboxedDeploymentProps>;
/** Args of `SandboxedJob` (Pulumi). */
export type SandboxedJobArgs = SandboxArgs<SandboxedJobProps>;
/** Args of `SandboxedDaemonSet` (Pulumi). */
export type SandboxedDaemonSetArgs = SandboxArgs<SandboxedDaemonSetProps>;
/** Args of `SandboxedStatefulSet` (Pulumi). */
export type SandboxedStatefulSetArgs = SandboxArgs<SandboxedStatefulSetProps>;
/** Args of `SandboxedCronJob` (Pulumi). */
export type SandboxedCronJobArgs = SandboxArgs<SandboxedCronJobProps>;

/** Splits a `runtimeClass` arg into the core ref and the resource to depend on (the component's RuntimeClass child). */
export function resolveRuntimeClass(rc: unknown): { ref: RuntimeClassRef | string | undefined; dependsOn: pulumi.Resource[] } {
  if (rc instanceof GvisorRuntimeClass) return { ref: rc.ref, dependsOn: rc.resource ? [rc.resource] : [] };
  return { ref: rc as RuntimeClassRef | string | undefined, dependsOn: [] };
}

/**
 * Prepares a construct that takes a `runtimeClass`: resolves it (a
 * `GvisorRuntimeClass` becomes a dependency of every child), then validates
 * and renders through the core function. This is all a new construct needs:
 *
 * ```ts
 * export class Foo extends SandboxWorkload {
 *   constructor(name: string, args: FooArgs, opts?: pulumi.ComponentResourceOptions) {
 *     super('gvisor-iac:index:Foo', name, prepareSandbox(name, args, renderFoo), opts);
 *   }
 * }
 * ```
 */
export function prepareSandbox<P>(name: string, args: SandboxArgs<P>, render: (props: P, id: string) => Manifests): PreparedManifests {
  // Own properties only: an arg inherited from a polluted Object.prototype must not pick the RuntimeClass.
  const { ref, dependsOn } = resolveRuntimeClass(ownValue(args, 'runtimeClass'));
  return prepareManifests(name, { ...args, runtimeClass: ref } as unknown as P, render, dependsOn);
}

/**
 * Base of the Pulumi sandboxed workloads: exposes the main resource and the
 * workload attributes the core defines (also as outputs).
 */
export abstract class SandboxWorkload<A extends ConstructAttributes = ConstructAttributes> extends SandboxComponent<A> {
  /** The main Kubernetes resource (the Pod, Deployment, Job…). */
  public readonly resource: pulumi.CustomResource;
  /** `metadata.namespace` of the main object, when set. */
  public readonly namespace?: string;
  /** `runtimeClassName` of the emitted pods. */
  public readonly runtimeClassName?: string;

  protected constructor(
    type: string, name: string, prepared: PreparedManifests, opts?: pulumi.ComponentResourceOptions,
    attributes: (manifests: Manifests) => A = workloadAttributes as unknown as (manifests: Manifests) => A,
  ) {
    super(type, name, prepared, opts, attributes(prepared.manifests));
    this.resource = this.resources[prepared.manifests.primary ?? 0]!;
    this.namespace = this.attributes.namespace;
    this.runtimeClassName = this.attributes.runtimeClassName;
  }
}

/** A single Pod inside a gVisor sandbox, with the hardened defaults. Child: `kubernetes:core/v1:Pod`. */
export class SandboxedPod extends SandboxWorkload {
  public constructor(name: string, args: SandboxedPodArgs, opts?: pulumi.ComponentResourceOptions) {
    super('gvisor-iac:index:SandboxedPod', name, prepareSandbox(name, args, renderSandboxedPod), opts);
  }
}

/** A Deployment whose pods run inside gVisor, with the hardened defaults. Child: `kubernetes:apps/v1:Deployment`. */
export class SandboxedDeployment extends SandboxWorkload {
  public constructor(name: string, args: SandboxedDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super('gvisor-iac:index:SandboxedDeployment', name, prepareSandbox(name, args, renderSandboxedDeployment), opts);
  }
}

/** A Job whose pods run inside gVisor: `restartPolicy: Never`, bounded retries and run time. Child: `kubernetes:batch/v1:Job`. */
export class SandboxedJob extends SandboxWorkload {
  public constructor(name: string, args: SandboxedJobArgs, opts?: pulumi.ComponentResourceOptions) {
    super('gvisor-iac:index:SandboxedJob', name, prepareSandbox(name, args, renderSandboxedJob), opts);
  }
}

/** A DaemonSet whose pods (one per matching node) run inside gVisor, with the hardened defaults. Child: `kubernetes:apps/v1:DaemonSet`. */
export class SandboxedDaemonSet extends SandboxWorkload {
  public constructor(name: string, args: SandboxedDaemonSetArgs, opts?: pulumi.ComponentResourceOptions) {
    super('gvisor-iac:index:SandboxedDaemonSet', name, prepareSandbox(name, args, renderSandboxedDaemonSet), opts);
  }
}

/** A StatefulSet whose pods (stable names, own claims) run inside gVisor, with the hardened defaults. Child: `kubernetes:apps/v1:StatefulSet`. */
export class SandboxedStatefulSet extends SandboxWorkload {
  public constructor(name: string, args: SandboxedStatefulSetArgs, opts?: pulumi.ComponentResourceOptions) {
    super('gvisor-iac:index:SandboxedStatefulSet', name, prepareSandbox(name, args, renderSandboxedStatefulSet), opts);
  }
}

/** A CronJob whose runs are sandboxed Jobs (as `SandboxedJob`); a run still going makes the next one skip. Child: `kubernetes:batch/v1:CronJob`. */
export class SandboxedCronJob extends SandboxWorkload {
  public constructor(name: string, args: SandboxedCronJobArgs, opts?: pulumi.ComponentResourceOptions) {
    super('gvisor-iac:index:SandboxedCronJob', name, prepareSandbox(name, args, renderSandboxedCronJob), opts);
  }
}
