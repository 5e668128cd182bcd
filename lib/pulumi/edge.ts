import type { DaemonSet, Deployment } from '@pulumi/kubernetes/apps/v1';
import * as pulumi from '@pulumi/pulumi';
import { EdgeSandboxProps, GvisorRuntimeClassProps, edgeRuntimeClassProps, renderEdgeSandbox } from '../core';
import { GvisorRuntimeClass } from './runtime-class';
import { SandboxArgs, SandboxWorkload, prepareSandbox } from './workloads';

/**
 * Args of `EdgeSandbox` (Pulumi): the core props, with `pulumi.Input`s where
 * `SandboxArgs` takes them — except `replicas`, which stays a plain number
 * here: it decides whether the pods are spread across edge sites.
 */
export type EdgeSandboxArgs = Omit<SandboxArgs<EdgeSandboxProps>, 'replicas'> & Pick<EdgeSandboxProps, 'replicas'>;

/** Args an EdgeSandbox takes as plain values although other workloads take Inputs there. */
const EDGE_PLAIN_ARGS = ['replicas'];

/**
 * A gVisor Deployment (or, with `workload: "DaemonSet"`, one pod per edge
 * node) pinned to edge nodes (`node-type: edge`), tolerating the edge taint
 * and flaky links, pulling images only when absent, with a small footprint.
 */
export class EdgeSandbox extends SandboxWorkload<Deployment | DaemonSet> {
  public constructor(name: string, args: EdgeSandboxArgs, opts?: pulumi.ComponentResourceOptions) {
    super('gvisor-iac:index:EdgeSandbox', name, prepareSandbox(name, args as SandboxArgs<EdgeSandboxProps>, renderEdgeSandbox, { plainArgs: EDGE_PLAIN_ARGS }), opts);
  }
}

/**
 * A gVisor RuntimeClass for edge nodes (default name `gvisor-edge`) whose
 * `scheduling` adds the edge node selector (`node-type: edge`) and the edge
 * taint toleration to every pod that names it. Any arg replaces its default.
 */
export class EdgeRuntimeClass extends GvisorRuntimeClass {
  protected static override readonly typeToken: string = 'gvisor-iac:index:EdgeRuntimeClass';

  public constructor(name: string, args: Omit<GvisorRuntimeClassProps, 'preset'> = {}, opts?: pulumi.ComponentResourceOptions) {
    super(name, edgeRuntimeClassProps(args), opts);
  }
}
