import { CheckOptions, checkObjects, failingFindings } from './engine';
import { containersOf, podOf } from './pods';
import type { Finding, PolicyObject } from './types';
import { DEFAULTS } from '../core/defaults';
import { resolveResources } from '../core/pod/container';

/** Options of `sandboxObjects`. */
export interface SandboxOptions extends Pick<CheckOptions, 'suppressions' | 'gvisorHandlers' | 'runtimeClassNames'> {
  /**
   * The RuntimeClass filled into pods that name none.
   * @default "gvisor"
   */
  readonly runtimeClassName?: string;
}

/** What `sandboxObjects` made of the input. */
export interface SandboxResult {
  /** The objects with the sandbox filled in (empty when anything was refused). */
  readonly objects: PolicyObject[];
  /** Every finding on the filled-in objects; those of severity error are the refusals. */
  readonly findings: Finding[];
  /** The findings that refused the input (severity error, not suppressed). */
  readonly refused: Finding[];
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `obj[key]`, created as `{}` when absent (only where the value is absent, never over a value). */
function child(obj: Record<string, any>, key: string): Record<string, any> {
  if (obj[key] === undefined || obj[key] === null) obj[key] = {};
  return obj[key];
}

/** No privilege escalation and drop ALL, where absent (every kind of container). */
function fillSecurityContext(c: Record<string, any>): Record<string, any> {
  const sc = child(c, 'securityContext');
  sc.allowPrivilegeEscalation ??= false;
  const caps = child(sc, 'capabilities');
  if (!Array.isArray(caps.drop)) caps.drop = ['ALL'];
  else if (!caps.drop.includes('ALL')) caps.drop = [...caps.drop, 'ALL'];
  return sc;
}

function fillContainer(c: Record<string, any>, path: string, tmp: { volume: string } | undefined): boolean {
  const sc = fillSecurityContext(c);
  let writesRoot = false;
  if (sc.readOnlyRootFilesystem === undefined) {
    sc.readOnlyRootFilesystem = true;
    writesRoot = true;
  }
  c.resources = resolveResources(c.resources, `${path}.resources`, DEFAULTS.containerResources);
  const mounts: any[] = Array.isArray(c.volumeMounts) ? c.volumeMounts : [];
  const hasTmp = mounts.some((m) => m?.mountPath === DEFAULTS.tmpMountPath || m?.mountPath === `${DEFAULTS.tmpMountPath}/`);
  if (writesRoot && tmp && !hasTmp) {
    c.volumeMounts = [...mounts, { name: tmp.volume, mountPath: DEFAULTS.tmpMountPath }];
    return true;
  }
  return false;
}

/**
 * Fills the gVisor sandbox into foreign manifests: for every pod-bearing
 * object whose fields are absent, the RuntimeClass, `runAsNonRoot` with uid/gid
 * 1000, seccomp `RuntimeDefault`, no service-account token or service links,
 * and per container no privilege escalation, drop ALL, a read-only root with a
 * size-limited `/tmp` emptyDir, and default resources (the core's DEFAULTS).
 * Values the input states are never overwritten: what stays unsafe after
 * filling (privileged, host namespaces, hostPath, a non-gVisor class, …) is
 * refused as findings of the gvisor, pss-restricted and hardening packs.
 * The input is not modified.
 */
export function sandboxObjects(objects: readonly unknown[], options: SandboxOptions = {}): SandboxResult {
  const className = options.runtimeClassName ?? DEFAULTS.runtimeClassName;
  const filled = objects.map((o, index) => {
    const obj = structuredClone(o) as PolicyObject;
    const pod = isObject(obj) ? podOf(obj) : undefined;
    if (!pod) return obj;
    const spec = pod.spec;
    // podOf returns a fresh {} for a workload without a template: attach it.
    const where = pod.path.split('.');
    let parent: Record<string, any> = obj;
    for (const key of where.slice(0, -1)) parent = child(parent, key);
    parent[where[where.length - 1]!] = spec;
    if (spec.runtimeClassName === undefined || spec.runtimeClassName === null || spec.runtimeClassName === '') spec.runtimeClassName = className;
    spec.automountServiceAccountToken ??= false;
    spec.enableServiceLinks ??= false;
    const psc = child(spec, 'securityContext');
    psc.runAsNonRoot ??= true;
    const anyUser = psc.runAsUser !== undefined || containersOf(pod).some((c) => c.container.securityContext?.runAsUser !== undefined);
    if (!anyUser) {
      psc.runAsUser = DEFAULTS.runAsUser;
      psc.runAsGroup ??= DEFAULTS.runAsUser;
      psc.fsGroup ??= DEFAULTS.runAsUser;
    }
    psc.seccompProfile ??= { type: DEFAULTS.seccompProfile };
    const volumes: any[] = Array.isArray(spec.volumes) ? spec.volumes : [];
    const names = new Set(volumes.map((v) => v?.name));
    const tmp = { volume: names.has(DEFAULTS.tmpVolumeName) ? `gvisor-iac-${DEFAULTS.tmpVolumeName}` : DEFAULTS.tmpVolumeName };
    let needsTmp = false;
    for (const kind of ['initContainers', 'containers']) {
      const list = spec[kind];
      if (!Array.isArray(list)) continue;
      list.forEach((c, i) => {
        if (!isObject(c)) return;
        // Bad quantities are a typed error naming objects[index] and the field (never half-filled output).
        if (fillContainer(c, `objects[${index}].${pod.path}.${kind}[${i}]`, tmp)) needsTmp = true;
      });
    }
    // Ephemeral (debug) containers take no resources or mounts here; their securityContext is filled alike.
    if (Array.isArray(spec.ephemeralContainers)) {
      for (const c of spec.ephemeralContainers) if (isObject(c)) fillSecurityContext(c);
    }
    if (needsTmp && !names.has(tmp.volume)) spec.volumes = [...volumes, { name: tmp.volume, emptyDir: { sizeLimit: DEFAULTS.tmpSizeLimit } }];
    return obj;
  });
  const findings = checkObjects(filled, { packs: ['gvisor', 'pss-restricted', 'hardening'], ...options, runtimeClassNames: [className, ...(options.runtimeClassNames ?? [])] });
  const refused = failingFindings(findings, 'error');
  return { objects: refused.length ? [] : filled, findings, refused };
}
