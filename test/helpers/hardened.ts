/* The hardened defaults every sandboxed pod is expected to carry, written out once for targeted assertions. */

/** Pod fields: the gVisor class, no token, no service links, non-root uid 1000, seccomp RuntimeDefault. */
export const HARDENED_POD = {
  runtimeClassName: 'gvisor',
  automountServiceAccountToken: false,
  enableServiceLinks: false,
  securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
} as const;

/** Container securityContext: no escalation, not privileged, read-only root, all capabilities dropped. */
export const HARDENED_CONTAINER_SECURITY_CONTEXT = {
  allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] },
} as const;
