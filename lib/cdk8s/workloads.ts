import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import {
  ConstructAttributes, ExposeOptions, Manifests, ObjectIdentity, RuntimeClassRef, WorkloadAttributes,
  exposeTarget, ownValue, renderExposedService, workloadAttributes,
  SandboxedDeploymentProps as CoreDeploymentProps, SandboxedJobProps as CoreJobProps, SandboxedPodProps as CorePodProps,
  SandboxedDaemonSetProps as CoreDaemonSetProps, SandboxedStatefulSetProps as CoreStatefulSetProps, SandboxedCronJobProps as CoreCronJobProps,
  renderSandboxedDeployment, renderSandboxedJob, renderSandboxedPod, renderSandboxedDaemonSet, renderSandboxedStatefulSet, renderSandboxedCronJob,
} from '../core';
import { emitManifests, renderOrRemove } from './emit';
import { GvisorRuntimeClass } from './runtime-class';
import { NetworkPolicyPeerConfig, PodSelectorConfig, podSelectorConfig } from './selection';

/** What the `runtimeClass` prop accepts in cdk8s: the construct, its ref, or a class name. */
export type RuntimeClassInput = GvisorRuntimeClass | RuntimeClassRef | string;

export type WithRuntimeClass<P> = Omit<P, 'runtimeClass'> & {
  /**
   * The RuntimeClass: a `GvisorRuntimeClass` construct or a class name.
   * @default "gvisor"
   */
  readonly runtimeClass?: RuntimeClassInput;
};

/** Props of `SandboxedPod` (cdk8s). */
export type SandboxedPodProps = WithRuntimeClass<CorePodProps>;
/** Props of `SandboxedDeployment` (cdk8s). */
export type SandboxedDeploymentProps = WithRuntimeClass<CoreDeploymentProps>;
/** Props of `SandboxedJob` (cdk8s). */
export type SandboxedJobProps = WithRuntimeClass<CoreJobProps>;
/** Props of `SandboxedDaemonSet` (cdk8s). */
export type SandboxedDaemonSetProps = WithRuntimeClass<CoreDaemonSetProps>;
/** Props of `SandboxedStatefulSet` (cdk8s). */
export type SandboxedStatefulSetProps = WithRuntimeClass<CoreStatefulSetProps>;
/** Props of `SandboxedCronJob` (cdk8s). */
export type SandboxedCronJobProps = WithRuntimeClass<CoreCronJobProps>;

/** Splits a cdk8s `runtimeClass` input into the core ref and the construct to depend on. */
export function resolveRuntimeClass(rc: RuntimeClassInput | undefined): { ref: RuntimeClassRef | string | undefined; dependsOn: IConstruct[] } {
  if (rc instanceof GvisorRuntimeClass) return { ref: rc.ref, dependsOn: rc.apiObject ? [rc.apiObject] : [] };
  return { ref: rc, dependsOn: [] };
}

/**
 * Base of the cdk8s sandbox constructs: renders through the core, emits
 * through the one emitter, and exposes what was emitted and the attributes
 * the core defines for the construct (`ConstructAttributes`), the same as
 * the Pulumi twin's.
 */
export abstract class SandboxConstruct<A extends ConstructAttributes = ConstructAttributes> extends Construct {
  /** The emitted ApiObjects, in the order the core renders them. */
  public readonly apiObjects: readonly ApiObject[];
  /** The main ApiObject (also `ApiObject.of(this)`). */
  public readonly apiObject: ApiObject;
  /** The construct's name: `metadata.name` of the main object (MultiTenantSandbox: the sandbox's name). */
  public readonly name: string;
  /** `metadata.namespace` of the main object, when set. */
  public readonly namespace?: string;
  /** The RuntimeClass the construct's pods use. */
  public readonly runtimeClassName?: string;
  /** apiVersion, kind, name and namespace of each emitted object, in order. */
  public readonly objects: readonly ObjectIdentity[];
  /** All attributes, as the core function of the construct's attributes returned them. */
  protected readonly attributes: A;
  /** What the core rendered (before emission). */
  protected readonly rendered: Manifests;

  /**
   * Resolves `props.runtimeClass` (a `GvisorRuntimeClass` becomes a
   * dependency of every emitted object), renders through the core function
   * and emits. A new construct only passes its core function (and, if it has
   * its own, the core function of its attributes).
   */
  protected constructor(
    scope: Construct, id: string, props: { readonly runtimeClass?: RuntimeClassInput } | undefined, render: (props: never, id: string) => Manifests,
    attributes: (rendered: never) => A = workloadAttributes as unknown as (rendered: never) => A,
  ) {
    super(scope, id);
    // Own properties only: a prop inherited from a polluted Object.prototype must not pick the RuntimeClass.
    const { ref, dependsOn } = resolveRuntimeClass(ownValue(props, 'runtimeClass') as RuntimeClassInput | undefined);
    const manifests = renderOrRemove(scope, id, () => render({ ...props, runtimeClass: ref } as never, id));
    this.apiObjects = emitManifests(this, manifests, dependsOn);
    this.apiObject = this.apiObjects[manifests.primary ?? 0]!;
    this.rendered = manifests;
    const attrs = attributes(manifests as never);
    this.attributes = attrs;
    this.name = attrs.name;
    this.namespace = attrs.namespace;
    this.runtimeClassName = attrs.runtimeClassName;
    this.objects = attrs.objects;
  }
}

/**
 * Base of the cdk8s sandboxed workloads (constructs with pods): the
 * workload attributes, cdk8s-plus selection, and `expose()`.
 *
 * A workload is structurally a cdk8s-plus `IPodSelector` and
 * `INetworkPolicyPeer` (gvisor-iac does not depend on cdk8s-plus), so it
 * can be selected as a cdk8s-plus workload is:
 * `new kplus.Service(chart, 'svc', { selector: web, ports: [...] })`,
 * `service.select(web)`, `new kplus.NetworkPolicy(chart, 'np', { selector: web })`,
 * `policy.addIngressRule(web)`.
 */
export abstract class SandboxWorkload<A extends WorkloadAttributes = WorkloadAttributes> extends SandboxConstruct<A> {
  /** The labels that select the workload's pods (`matchLabels`; see `WorkloadAttributes.podSelector`). */
  public readonly podSelector: Readonly<Record<string, string>>;

  protected constructor(
    scope: Construct, id: string, props: { readonly runtimeClass?: RuntimeClassInput } | undefined, render: (props: never, id: string) => Manifests,
    attributes: (rendered: never) => A = workloadAttributes as unknown as (rendered: never) => A,
  ) {
    super(scope, id, props, render, attributes);
    this.podSelector = this.attributes.podSelector;
  }

  /**
   * The workload's pods as cdk8s-plus selects pods (`IPodSelector`): their
   * labels, in the workload's namespace when it sets one.
   */
  public toPodSelectorConfig(): PodSelectorConfig {
    return podSelectorConfig(this.podSelector, this.namespace, this.node.path);
  }

  /** The workload's pods as a cdk8s-plus network policy peer (`INetworkPolicyPeer`). */
  public toNetworkPolicyPeerConfig(): NetworkPolicyPeerConfig {
    return { podSelector: this.toPodSelectorConfig() };
  }

  /** The workload itself: it selects its pods (`INetworkPolicyPeer.toPodSelector()`). */
  public toPodSelector(): this {
    return this;
  }

  /**
   * Adds a Service that selects the workload's pods and serves the ports of
   * its containers (all, or those `options.ports` picks; named container
   * ports are targeted by name), of type `ClusterIP` unless asked, named
   * like the workload, in its namespace. Returns the Service's ApiObject
   * (a child of this construct). Refuses, before adding anything, a workload
   * without container ports, an unknown port, two ports alike, and a
   * workload whose own NetworkPolicy denies all ingress.
   *
   * @example
   * const web = new SandboxedDeployment(chart, 'web', {
   *   containers: [{ name: 'app', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 8080 }] }],
   * });
   * web.expose({ ports: [{ targetPort: 'http', port: 80 }] });
   */
  public expose(options: ExposeOptions = {}): ApiObject {
    const manifests = renderExposedService(exposeTarget(this.rendered, this.podSelector), options);
    let id = 'Service';
    for (let n = 2; this.node.tryFindChild(id); n++) id = `Service${n}`;
    return emitManifests(new Construct(this, id), manifests)[0]!;
  }
}

/** A single Pod inside a gVisor sandbox, with the hardened defaults. */
export class SandboxedPod extends SandboxWorkload {
  public constructor(scope: Construct, id: string, props: SandboxedPodProps) {
    super(scope, id, props, renderSandboxedPod);
  }
}

/** A Deployment whose pods run inside gVisor, with the hardened defaults. */
export class SandboxedDeployment extends SandboxWorkload {
  public constructor(scope: Construct, id: string, props: SandboxedDeploymentProps) {
    super(scope, id, props, renderSandboxedDeployment);
  }
}

/** A Job whose pods run inside gVisor: `restartPolicy: Never`, bounded retries and run time. */
export class SandboxedJob extends SandboxWorkload {
  public constructor(scope: Construct, id: string, props: SandboxedJobProps) {
    super(scope, id, props, renderSandboxedJob);
  }
}

/** A DaemonSet whose pods (one per matching node) run inside gVisor, with the hardened defaults. */
export class SandboxedDaemonSet extends SandboxWorkload {
  public constructor(scope: Construct, id: string, props: SandboxedDaemonSetProps) {
    super(scope, id, props, renderSandboxedDaemonSet);
  }
}

/** A StatefulSet whose pods (stable names, own claims) run inside gVisor, with the hardened defaults. */
export class SandboxedStatefulSet extends SandboxWorkload {
  public constructor(scope: Construct, id: string, props: SandboxedStatefulSetProps) {
    super(scope, id, props, renderSandboxedStatefulSet);
  }
}

/** A CronJob whose runs are sandboxed Jobs (as `SandboxedJob`); a run still going makes the next one skip. */
export class SandboxedCronJob extends SandboxWorkload {
  public constructor(scope: Construct, id: string, props: SandboxedCronJobProps) {
    super(scope, id, props, renderSandboxedCronJob);
  }
}
