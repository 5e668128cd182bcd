import { Construct } from 'constructs';
import { UntrustedCodeAttributes, UntrustedCodeSandboxProps as CoreUntrustedCodeSandboxProps, renderUntrustedCodeSandbox, untrustedCodeAttributes } from '../core';
import { SandboxConstruct, WithRuntimeClass } from './workloads';

/** Props of `UntrustedCodeSandbox` (cdk8s). */
export type UntrustedCodeSandboxProps = WithRuntimeClass<CoreUntrustedCodeSandboxProps>;

/**
 * One run of code nobody trusts: a gVisor Job (`backoffLimit: 0`, deadline,
 * TTL, Guaranteed cpu 1 / memory 512Mi), a NetworkPolicy that denies all
 * ingress and, by default, all egress (the cloud metadata address is never
 * reachable), and the code as a read-only ConfigMap when `code` is given.
 *
 * @example
 * new UntrustedCodeSandbox(chart, 'run-42', {
 *   image: 'python:3.12-slim',
 *   command: ['python', '/code/main.py'],
 *   code: { 'main.py': 'print(6 * 7)' },
 * });
 */
export class UntrustedCodeSandbox extends SandboxConstruct<UntrustedCodeAttributes> {
  /** Labels that select exactly this run's pods (`kubectl get pods -l gvisor-iac.dev/run=<name>`). */
  public readonly podSelector: Readonly<Record<string, string>>;

  public constructor(scope: Construct, id: string, props: UntrustedCodeSandboxProps) {
    super(scope, id, props, renderUntrustedCodeSandbox, untrustedCodeAttributes);
    this.podSelector = this.attributes.podSelector;
  }
}
