import type { Job } from '@pulumi/kubernetes/batch/v1';
import * as pulumi from '@pulumi/pulumi';
import { UntrustedCodeAttributes, UntrustedCodeSandboxProps, renderUntrustedCodeSandbox, untrustedCodeAttributes } from '../core';
import { SandboxArgs, SandboxWorkload, prepareSandbox } from './workloads';

/** Args of `UntrustedCodeSandbox` (Pulumi): the core props; `namespace`, `image`, `env[].value`, `command` and `args` accept `pulumi.Input`s. */
export type UntrustedCodeSandboxArgs = SandboxArgs<UntrustedCodeSandboxProps>;

/**
 * One run of code nobody trusts: a gVisor Job (`backoffLimit: 0`, deadline,
 * TTL, Guaranteed cpu 1 / memory 512Mi), a NetworkPolicy that denies all
 * ingress and, by default, all egress (the cloud metadata address is never
 * reachable), and the code as a read-only ConfigMap when `code` is given.
 * Outputs: `name`, `namespace`, `runtimeClassName`, `podSelector`, `objects`.
 */
export class UntrustedCodeSandbox extends SandboxWorkload<Job, UntrustedCodeAttributes> {
  public constructor(name: string, args: UntrustedCodeSandboxArgs, opts?: pulumi.ComponentResourceOptions) {
    // podSelector: labels that select exactly this run's pods.
    super('gvisor-iac:index:UntrustedCodeSandbox', name, prepareSandbox(name, args, renderUntrustedCodeSandbox), opts, untrustedCodeAttributes);
  }
}
