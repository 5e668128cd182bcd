import { Construct } from 'constructs';
import { UntrustedCodeAttributes, UntrustedCodeSandboxProps as CoreUntrustedCodeSandboxProps, renderUntrustedCodeSandbox, untrustedCodeAttributes } from '../core';
import { SandboxWorkload, WithRuntimeClass } from './workloads';

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
export class UntrustedCodeSandbox extends SandboxWorkload<UntrustedCodeAttributes> {
  public constructor(scope: Construct, id: string, props: UntrustedCodeSandboxProps) {
    // podSelector: labels that select exactly this run's pods (`kubectl get pods -l gvisor-iac.dev/run=<name>`).
    super(scope, id, props, renderUntrustedCodeSandbox, untrustedCodeAttributes);
  }
}
