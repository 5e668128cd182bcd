/*
 * An independent implementation of the Kubernetes Pod Security Standards
 * "restricted" profile (baseline + restricted controls, policy version 1.34),
 * used as a test oracle for everything gvisor-iac emits. It deliberately does
 * not reuse the library's own validation.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
type Any = Record<string, any>;

const ALLOWED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const BASELINE_CAPS = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SELINUX_TYPES = new Set(['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']);

/** Returns the restricted-profile violations of a pod spec (empty when compliant). */
export function restrictedViolations(spec: Any, podMeta: Any = {}): string[] {
  const v: string[] = [];
  const psc: Any = spec.securityContext ?? {};
  const containers: Any[] = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) v.push('host namespaces');
  if (psc.windowsOptions?.hostProcess) v.push('hostProcess');
  for (const vol of spec.volumes ?? []) {
    for (const k of Object.keys(vol)) if (k !== 'name' && !ALLOWED_VOLUME_TYPES.has(k)) v.push(`volume type ${k}`);
  }
  for (const s of psc.sysctls ?? []) if (!SAFE_SYSCTLS.has(s.name)) v.push(`sysctl ${s.name}`);
  const ann = podMeta.annotations ?? {};
  for (const [k, val] of Object.entries(ann)) if (k.startsWith('container.apparmor.security.beta.kubernetes.io/') && val !== 'runtime/default' && !String(val).startsWith('localhost/')) v.push('apparmor annotation');
  if (psc.appArmorProfile?.type === 'Unconfined') v.push('pod apparmor unconfined');
  if (psc.seLinuxOptions && (psc.seLinuxOptions.user || psc.seLinuxOptions.role)) v.push('pod selinux user/role');
  if (psc.seLinuxOptions?.type && !SELINUX_TYPES.has(psc.seLinuxOptions.type)) v.push('pod selinux type');
  if (psc.runAsUser === 0) v.push('pod runAsUser 0');
  const podSeccomp = psc.seccompProfile?.type;
  if (podSeccomp !== undefined && podSeccomp !== 'RuntimeDefault' && podSeccomp !== 'Localhost') v.push('pod seccomp');

  for (const c of containers) {
    const sc: Any = c.securityContext ?? {};
    const n = `container ${c.name}`;
    if (sc.privileged) v.push(`${n}: privileged`);
    if (sc.windowsOptions?.hostProcess) v.push(`${n}: hostProcess`);
    for (const p of c.ports ?? []) if (p.hostPort) v.push(`${n}: hostPort`);
    if (sc.procMount && sc.procMount !== 'Default') v.push(`${n}: procMount`);
    if (sc.appArmorProfile?.type === 'Unconfined') v.push(`${n}: apparmor`);
    if (sc.seLinuxOptions && (sc.seLinuxOptions.user || sc.seLinuxOptions.role)) v.push(`${n}: selinux user/role`);
    if (sc.seLinuxOptions?.type && !SELINUX_TYPES.has(sc.seLinuxOptions.type)) v.push(`${n}: selinux type`);
    // v1.34: probes and lifecycle hooks may not name a host.
    const handlers = [c.livenessProbe, c.readinessProbe, c.startupProbe, c.lifecycle?.postStart, c.lifecycle?.preStop];
    for (const h of handlers) if (h?.httpGet?.host || h?.tcpSocket?.host) v.push(`${n}: probe/hook host`);
    for (const cap of sc.capabilities?.add ?? []) if (!BASELINE_CAPS.has(cap)) v.push(`${n}: baseline capability ${cap}`);
    // restricted
    if (sc.allowPrivilegeEscalation !== false) v.push(`${n}: allowPrivilegeEscalation != false`);
    const nonRoot = sc.runAsNonRoot ?? psc.runAsNonRoot;
    if (nonRoot !== true) v.push(`${n}: runAsNonRoot != true`);
    if (sc.runAsUser === 0) v.push(`${n}: runAsUser 0`);
    const seccomp = sc.seccompProfile?.type ?? podSeccomp;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') v.push(`${n}: seccomp not set`);
    const drop: string[] = sc.capabilities?.drop ?? [];
    if (!drop.includes('ALL')) v.push(`${n}: capabilities.drop lacks ALL`);
    for (const cap of sc.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') v.push(`${n}: restricted capability ${cap}`);
  }
  return v;
}

/** The pod specs (with their metadata) inside any pod-bearing object. */
export function podSpecsOf(obj: Any): { spec: Any; metadata: Any }[] {
  switch (obj.kind) {
    case 'Pod':
      return [{ spec: obj.spec, metadata: obj.metadata ?? {} }];
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return [{ spec: obj.spec.template.spec, metadata: obj.spec.template.metadata ?? {} }];
    case 'CronJob':
      return [{ spec: obj.spec.jobTemplate.spec.template.spec, metadata: obj.spec.jobTemplate.spec.template.metadata ?? {} }];
    default:
      return [];
  }
}

/** Throws unless every pod spec in `objects` passes "restricted" and runs under `runtimeClassName`. */
export function assertRestrictedAndSandboxed(objects: readonly Any[], runtimeClassName = 'gvisor'): void {
  for (const o of objects) {
    for (const { spec, metadata } of podSpecsOf(o)) {
      const v = restrictedViolations(spec, metadata);
      if (v.length) throw new Error(`${o.kind}/${o.metadata?.name} violates Pod Security "restricted": ${v.join('; ')}`);
      if (spec.runtimeClassName !== runtimeClassName) throw new Error(`${o.kind}/${o.metadata?.name} is not sandboxed: runtimeClassName=${spec.runtimeClassName}`);
    }
  }
}
