import {
  GVISOR_MOUNT_PROPAGATION, GVISOR_RUNTIME_CLASS_HANDLER, GVISOR_RUNTIME_CLASS_NAME, GVISOR_RUNTIME_CLASS_OVERHEAD, GVISOR_VOLUME_DEVICES,
  HARDENING_READ_ONLY_ROOT, HARDENING_RESOURCES, HARDENING_TOKEN_AUTOMOUNT, PSS_APP_ARMOR, PSS_BASELINE_CAPABILITIES, PSS_BASELINE_SECCOMP,
  PSS_HOST_NAMESPACES, PSS_HOST_PATH, PSS_HOST_PORTS, PSS_HOST_PROBES, PSS_HOST_PROCESS, PSS_PRIVILEGED, PSS_PRIVILEGE_ESCALATION, PSS_PROC_MOUNT,
  PSS_RESTRICTED_CAPABILITIES, PSS_RESTRICTED_SECCOMP, PSS_RUN_AS_NON_ROOT, PSS_RUN_AS_USER, PSS_SE_LINUX, PSS_SYSCTLS, PSS_VERSION, PSS_VOLUME_TYPES,
  TENANCY_DEFAULT_DENY, TENANCY_POD_SECURITY_LABELS, TENANCY_QUOTA, UNTRUSTED_DEADLINE, UNTRUSTED_EGRESS_CLOSED, UNTRUSTED_NO_RETRIES,
} from './rules';
import type { Pack } from './types';

/** gVisor: pods run under a gVisor class; classes in the input are gVisor classes; nothing gVisor refuses. */
export const GVISOR_PACK: Pack = {
  name: 'gvisor',
  description: 'Every pod-bearing object runs under a gVisor RuntimeClass, and every RuntimeClass in the input is one (gVisor handler, overhead set).',
  rules: [GVISOR_RUNTIME_CLASS_NAME, GVISOR_RUNTIME_CLASS_HANDLER, GVISOR_RUNTIME_CLASS_OVERHEAD, GVISOR_MOUNT_PROPAGATION, GVISOR_VOLUME_DEVICES],
};

/** Every control of Pod Security "baseline". */
export const PSS_BASELINE_PACK: Pack = {
  name: 'pss-baseline',
  description: `Every control of the Pod Security Standards "baseline" profile, ${PSS_VERSION}.`,
  rules: [PSS_HOST_PROCESS, PSS_HOST_NAMESPACES, PSS_PRIVILEGED, PSS_BASELINE_CAPABILITIES, PSS_HOST_PATH, PSS_HOST_PORTS, PSS_APP_ARMOR,
    PSS_SE_LINUX, PSS_PROC_MOUNT, PSS_BASELINE_SECCOMP, PSS_SYSCTLS, PSS_HOST_PROBES],
};

/** Every control of Pod Security "restricted" (baseline's included). */
export const PSS_RESTRICTED_PACK: Pack = {
  name: 'pss-restricted',
  description: `Every control of the Pod Security Standards "restricted" profile, ${PSS_VERSION} (the baseline controls included).`,
  rules: [...PSS_BASELINE_PACK.rules, PSS_VOLUME_TYPES, PSS_PRIVILEGE_ESCALATION, PSS_RUN_AS_NON_ROOT, PSS_RUN_AS_USER, PSS_RESTRICTED_SECCOMP,
    PSS_RESTRICTED_CAPABILITIES],
};

/** gvisor-iac's hardened defaults beyond Pod Security. */
export const HARDENING_PACK: Pack = {
  name: 'hardening',
  description: 'The hardened defaults gvisor-iac\'s constructs apply beyond Pod Security: limits set, no API token, read-only root filesystems.',
  rules: [HARDENING_RESOURCES, HARDENING_TOKEN_AUTOMOUNT, HARDENING_READ_ONLY_ROOT],
};

/** Tenant namespaces: Pod Security labels, default-deny network, quota. */
export const TENANCY_PACK: Pack = {
  name: 'tenancy',
  description: 'Every Namespace in the input is a tenant namespace: it enforces Pod Security "restricted", denies traffic by default and has a quota.',
  rules: [TENANCY_POD_SECURITY_LABELS, TENANCY_DEFAULT_DENY, TENANCY_QUOTA],
};

/** Runs of untrusted code: deadline, no retries, egress closed. */
export const UNTRUSTED_PACK: Pack = {
  name: 'untrusted',
  description: 'Every Job and CronJob in the input runs untrusted code: it has a deadline, is not retried, and its egress is closed.',
  rules: [UNTRUSTED_DEADLINE, UNTRUSTED_NO_RETRIES, UNTRUSTED_EGRESS_CLOSED],
};

/** Every pack, by name. */
export const PACKS = {
  'gvisor': GVISOR_PACK,
  'pss-baseline': PSS_BASELINE_PACK,
  'pss-restricted': PSS_RESTRICTED_PACK,
  'hardening': HARDENING_PACK,
  'tenancy': TENANCY_PACK,
  'untrusted': UNTRUSTED_PACK,
} as const satisfies Record<string, Pack>;

/** The name of a built-in pack. */
export type PackName = keyof typeof PACKS;

/** Pack names, in documentation order. */
export const PACK_NAMES = Object.keys(PACKS) as PackName[];

/** The packs `checkObjects` and `gvisor-iac check` use when none are named. */
export const DEFAULT_PACKS: readonly PackName[] = ['gvisor', 'pss-restricted', 'hardening'];
