import { Construct } from 'constructs';
import { EdgeSandboxProps as CoreEdgeSandboxProps, GvisorRuntimeClassProps, edgeRuntimeClassProps, renderEdgeSandbox } from '../core';
import { GvisorRuntimeClass } from './runtime-class';
import { SandboxWorkload, WithRuntimeClass } from './workloads';

/** Props of `EdgeSandbox` (cdk8s). */
export type EdgeSandboxProps = WithRuntimeClass<CoreEdgeSandboxProps>;

/**
 * A gVisor Deployment (or, with `workload: "DaemonSet"`, one pod per edge
 * node) pinned to edge nodes (`node-type: edge`), tolerating the edge taint
 * and flaky links, pulling images only when absent, with a small footprint.
 *
 * @example
 * new EdgeSandbox(chart, 'edge-app', {
 *   runtimeClass: new EdgeRuntimeClass(chart, 'gvisor-edge'),
 *   containers: [{ name: 'app', image: 'edge-app:1.0' }],
 * });
 */
export class EdgeSandbox extends SandboxWorkload {
  public constructor(scope: Construct, id: string, props: EdgeSandboxProps) {
    super(scope, id, props, renderEdgeSandbox);
  }
}

/**
 * A gVisor RuntimeClass for edge nodes (default name `gvisor-edge`) whose
 * `scheduling` adds the edge node selector (`node-type: edge`) and the edge
 * taint toleration to every pod that names it. Any prop replaces its default.
 */
export class EdgeRuntimeClass extends GvisorRuntimeClass {
  public constructor(scope: Construct, id: string, props: Omit<GvisorRuntimeClassProps, 'preset'> = {}) {
    super(scope, id, edgeRuntimeClassProps(props));
  }
}
