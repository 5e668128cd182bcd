import type { DaemonSet, Deployment, StatefulSet } from '@pulumi/kubernetes/apps/v1';
import type { CronJob, Job } from '@pulumi/kubernetes/batch/v1';
import type * as corev1 from '@pulumi/kubernetes/core/v1';
import * as pulumi from '@pulumi/pulumi';
import {
  ExposeOptions, WorkloadAttributes, Manifests, RuntimeClassRef, ownValue, SandboxedDeploymentProps, SandboxedJobProps, SandboxedPodProps,
  SandboxedDaemonSetProps, SandboxedStatefulSetProps, SandboxedCronJobProps,
  renderSandboxedDeployment, renderSandboxedJob, renderSandboxedPod, renderSandboxedDaemonSet, renderSandboxedStatefulSet, renderSandboxedCronJob,
  workloadAttributes,
} from '../core';
import { AttributeValue, PrepareOptions, PreparedManifests, SandboxComponent, prepareManifests } from './component';
import { exposeWorkload } from './expose';
import { PulumiArgs } from './inputs';
import { GvisorRuntimeClass } from './runtime-class';

/** What the `runtimeClass` arg accepts in Pulumi: the component, its ref, or a class name. */
export type RuntimeClassInput = GvisorRuntimeClass | RuntimeClassRef | string;

/**
 * Pulumi args of a construct whose core props are `P`: what a user wires
 * from another resource accepts a `pulumi.Input` — `namespace`,
 * `serviceAccountName`, `replicas`, and in `containers`/`initContainers`
 * `image`, `env[].value`, `ports[].containerPort`, `command` and `args`;
 * every other arg is a plain value (it decides what is emitted);
 * `runtimeClass` (default "gvisor") takes the Pulumi `GvisorRuntimeClass`,
 * its ref or a name.
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
 * export class Foo extends SandboxWorkload<k8s.apps.v1.StatefulSet> {
 *   constructor(name: string, args: FooArgs, opts?: pulumi.ComponentResourceOptions) {
 *     super('gvisor-iac:index:Foo', name, prepareSandbox(name, args, renderFoo), opts);
 *   }
 * }
 * ```
 */
export function prepareSandbox<P>(
  name: string, args: SandboxArgs<P>, render: (props: P, id: string) => Manifests, options?: PrepareOptions,
): PreparedManifests {
  // Own properties only: an arg inherited from a polluted Object.prototype must not pick the RuntimeClass.
  const { ref, dependsOn } = resolveRuntimeClass(ownValue(args, 'runtimeClass'));
  return prepareManifests(name, { ...args, runtimeClass: ref } as unknown as P, render, dependsOn, options);
}

/**
 * Base of the Pulumi sandboxed workloads: exposes the main resource (typed
 * `R`: the Pod, Deployment, Job…) and the workload attributes the core
 * defines (also as outputs).
 */
export abstract class SandboxWorkload<
  R extends pulumi.CustomResource = pulumi.CustomResource, A extends WorkloadAttributes = WorkloadAttributes,
> extends SandboxComponent<A> {
  /** The main Kubernetes resource (the Pod, Deployment, Job…). */
  public readonly resource: R;
  /**
   * `metadata.namespace` of the main object, when set: the plain value, or
   * the checked Output when the `namespace` arg was one (e.g. `ns.metadata.name`).
   */
  public readonly namespace?: AttributeValue<string>;
  /** `runtimeClassName` of the emitted pods. */
  public readonly runtimeClassName?: string;
  /** The labels that select the workload's pods (`matchLabels`; see `WorkloadAttributes.podSelector`). */
  public readonly podSelector: Readonly<Record<string, string>>;
  /** What `expose()` needs: the component's name and what the core rendered. */
  private readonly exposable: { readonly name: string; readonly rendered: Manifests };

  protected constructor(
    type: string, name: string, prepared: PreparedManifests, opts?: pulumi.ComponentResourceOptions,
    attributes: (manifests: Manifests) => A = workloadAttributes as unknown as (manifests: Manifests) => A,
  ) {
    super(type, name, prepared, opts, attributes(prepared.manifests));
    // The emitter registers each kind as its typed class (lib/pulumi/emit.ts), so the main object's is `R`.
    this.resource = this.resources[prepared.manifests.primary ?? 0]! as R;
    this.namespace = this.attributes.namespace;
    this.runtimeClassName = this.attributes.runtimeClassName;
    this.podSelector = this.attributes.podSelector;
    this.exposable = { name, rendered: prepared.manifests };
  }

  /**
   * Registers a Service, a child of this component, that selects the
   * workload's pods and serves the ports of its containers (all, or those
   * `options.ports` picks; named container ports are targeted by name), of
   * type `ClusterIP` unless asked, named like the workload, in its
   * namespace. Refuses, before registering anything, a workload without
   * container ports, an unknown port, two ports alike, and a workload whose
   * own NetworkPolicy denies all ingress. Child: `kubernetes:core/v1:Service`
   * named `<name>-service-<namespace>-<service name>`.
   */
  public expose(options?: ExposeOptions): corev1.Service {
    return exposeWorkload(this, this.exposable.name, this.exposable.rendered, this.podSelector, options);
  }
}

/** A single Pod inside a gVisor sandbox, with the hardened defaults. Child: `kubernetes:core/v1:Pod`. */
export class SandboxedPod extends SandboxWorkload<corev1.Pod> {
  public constructor(name: string, args: SandboxedPodArgs, opts?: pulumi.ComponentResourceOptions) {
    super('gvisor-iac:index:SandboxedPod', name, prepareSandbox(name, args, renderSandboxedPod), opts);
  }
}

/** A Deployment whose pods run inside gVisor, with the hardened defaults. Child: `kubernetes:apps/v1:Deployment`. */
export class SandboxedDeployment extends SandboxWorkload<Deployment> {
  public constructor(name: string, args: SandboxedDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super('gvisor-iac:index:SandboxedDeployment', name, prepareSandbox(name, args, renderSandboxedDeployment), opts);
  }
}

/** A Job whose pods run inside gVisor: `restartPolicy: Never`, bounded retries and run time. Child: `kubernetes:batch/v1:Job`. */
export class SandboxedJob extends SandboxWorkload<Job> {
  public constructor(name: string, args: SandboxedJobArgs, opts?: pulumi.ComponentResourceOptions) {
    super('gvisor-iac:index:SandboxedJob', name, prepareSandbox(name, args, renderSandboxedJob), opts);
  }
}

/** A DaemonSet whose pods (one per matching node) run inside gVisor, with the hardened defaults. Child: `kubernetes:apps/v1:DaemonSet`. */
export class SandboxedDaemonSet extends SandboxWorkload<DaemonSet> {
  public constructor(name: string, args: SandboxedDaemonSetArgs, opts?: pulumi.ComponentResourceOptions) {
    super('gvisor-iac:index:SandboxedDaemonSet', name, prepareSandbox(name, args, renderSandboxedDaemonSet), opts);
  }
}

/** A StatefulSet whose pods (stable names, own claims) run inside gVisor, with the hardened defaults. Child: `kubernetes:apps/v1:StatefulSet`. */
export class SandboxedStatefulSet extends SandboxWorkload<StatefulSet> {
  public constructor(name: string, args: SandboxedStatefulSetArgs, opts?: pulumi.ComponentResourceOptions) {
    super('gvisor-iac:index:SandboxedStatefulSet', name, prepareSandbox(name, args, renderSandboxedStatefulSet), opts);
  }
}

/** A CronJob whose runs are sandboxed Jobs (as `SandboxedJob`); a run still going makes the next one skip. Child: `kubernetes:batch/v1:CronJob`. */
export class SandboxedCronJob extends SandboxWorkload<CronJob> {
  public constructor(name: string, args: SandboxedCronJobArgs, opts?: pulumi.ComponentResourceOptions) {
    super('gvisor-iac:index:SandboxedCronJob', name, prepareSandbox(name, args, renderSandboxedCronJob), opts);
  }
}
