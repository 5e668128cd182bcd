import * as pulumi from '@pulumi/pulumi';
import { EdgeSandboxProps, GvisorRuntimeClassProps, edgeRuntimeClassProps, renderEdgeSandbox } from '../core';
import { GvisorRuntimeClass } from './runtime-class';
import { SandboxArgs, SandboxWorkload, prepareSandbox } from './workloads';

/** Args of `EdgeSandbox` (Pulumi): the core props; container images and env values accept `pulumi.Input<string>`. */
export type EdgeSandboxArgs = SandboxArgs<EdgeSandboxProps>;

/**
 * A gVisor Deployment (or, with `workload: "DaemonSet"`, one pod per edge
 * node) pinned to edge nodes (`node-type: edge`), tolerating the edge taint
 * and flaky links, pulling images only when absent, with a small footprint.
 */
export class EdgeSandbox extends SandboxWorkload {
  public constructor(name: string, args: EdgeSandboxArgs, opts?: pulumi.ComponentResourceOptions) {
    super('gvisor-iac:index:EdgeSandbox', name, prepareSandbox(name, args, renderEdgeSandbox), opts);
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
