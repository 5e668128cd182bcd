import type { Container, ContainerPort, PodSecurityContext, ResourceRequirements, SecurityContext, VolumeMount } from 'kubernetes-types/core/v1';
import { GvisorIacError, fieldPath } from '../errors';
import { checkKubeletActions } from './kubelet-actions';
import { built, pruneBuilt } from '../objects/built';
import { prune } from '../objects/manifest';
import { k8sFieldNames } from '../validation/k8s-types';
import { emptyRecord, ownValue } from '../validation/plain-data';
import { QuantityKind, parseQuantity } from '../validation/quantity';
import { assertArray, assertBoolean, assertDnsLabel, assertInteger, assertKnownKeys, assertOneOf, assertPlainObject, assertString } from '../validation/validate';

/** Capabilities Pod Security "restricted" lets a container add back after dropping ALL. */
export const ALLOWED_ADDED_CAPABILITIES: readonly string[] = ['NET_BIND_SERVICE'];

/** How containers are hardened; resolved from the pod props. */
export interface ContainerHardening {
  readonly readOnlyRootFilesystem: boolean;
  readonly defaultResources: ResourceRequirements;
  /** Mount for the writable scratch directory, when one is added. */
  readonly tmpMount?: VolumeMount;
}

/**
 * Validates one container and returns it hardened: privilege escalation
 * off, all capabilities dropped, read-only root, resources set.
 * `volumeNames` are the pod's declared volumes.
 */
export function hardenContainer(c: Container, path: string, h: ContainerHardening, volumeNames: ReadonlySet<string>): Container {
  assertKnownKeys(assertPlainObject(c, path), k8sFieldNames('CoreV1Container'), path);
  assertDnsLabel(c.name, `${path}.name`);
  assertImage(c.image, `${path}.image`);
  (c.ports === undefined ? [] : assertArray<ContainerPort>(c.ports, `${path}.ports`)).forEach((port, i) => {
    const p = `${path}.ports[${i}]`;
    assertPlainObject(port, p);
    assertInteger(port.containerPort, `${p}.containerPort`, 1, 65535);
    if (port.hostPort !== undefined && port.hostPort !== 0) {
      throw new GvisorIacError('SANDBOX_ESCAPE', `${p}.hostPort`, port.hostPort, 'binds a port on the node, outside the sandbox (forbidden by Pod Security)', 'remove hostPort and expose the pod through a Service');
    }
    if (port.hostIP !== undefined) {
      throw new GvisorIacError('SANDBOX_ESCAPE', `${p}.hostIP`, port.hostIP, 'binds an address on the node', 'remove hostIP and expose the pod through a Service');
    }
  });

  const mounts = c.volumeMounts === undefined ? [] : assertArray<VolumeMount>(c.volumeMounts, `${path}.volumeMounts`);
  mounts.forEach((m, i) => {
    const p = `${path}.volumeMounts[${i}]`;
    assertPlainObject(m, p);
    assertString(m.mountPath, `${p}.mountPath`, 'an absolute path');
    if (!volumeNames.has(m.name)) {
      throw new GvisorIacError('UNDECLARED_VOLUME', `${p}.name`, m.name, 'names no volume declared in `volumes`', `declare a volume named "${m.name}" or fix the mount's name`);
    }
    if (m.mountPropagation === 'Bidirectional') {
      throw new GvisorIacError('GVISOR_INCOMPATIBLE', `${p}.mountPropagation`, m.mountPropagation, 'is rejected by gVisor (and would share mounts with the node)', 'use "None" or "HostToContainer"');
    }
  });
  checkKubeletActions(c, path);
  if (c.volumeDevices !== undefined && assertArray(c.volumeDevices, `${path}.volumeDevices`).length > 0) {
    throw new GvisorIacError('GVISOR_INCOMPATIBLE', `${path}.volumeDevices`, c.volumeDevices, 'attaches raw block devices, which gVisor does not pass into the sandbox', 'use a filesystem volume (volumeMounts) instead');
  }

  const securityContext = hardenSecurityContext(c.securityContext, `${path}.securityContext`, h.readOnlyRootFilesystem);
  const resources = resolveResources(c.resources, `${path}.resources`, h.defaultResources);
  const needsTmp = h.tmpMount && !mounts.some((m) => m.mountPath === h.tmpMount!.mountPath || m.mountPath === `${h.tmpMount!.mountPath}/`);
  const volumeMounts = needsTmp ? [...mounts, { ...h.tmpMount! }] : mounts;

  const { name, image, ...rest } = c;
  return built(pruneBuilt({ name, image, ...rest, resources, securityContext, volumeMounts }));
}

/** Asserts a container image reference: a non-empty string without whitespace. */
export function assertImage(value: unknown, path: string): string {
  const image = assertString(value, path, 'a container image reference');
  if (/\s/.test(image)) {
    throw new GvisorIacError('INVALID_VALUE', path, image, 'contains whitespace', 'use an image reference such as "registry.example.com/app:1.2"');
  }
  return image;
}

/**
 * Container securityContext: the user's settings checked, then the hardened
 * fields forced. Exported for policy rules and other workloads.
 */
export function hardenSecurityContext(sc: SecurityContext | undefined, path: string, readOnlyRootDefault: boolean): SecurityContext {
  const s = sc === undefined ? emptyRecord<SecurityContext>() : assertPlainObject(sc, path) as SecurityContext;
  assertKnownKeys(s as Record<string, unknown>, k8sFieldNames('CoreV1SecurityContext'), path);
  if (s.privileged !== undefined && assertBoolean(s.privileged, `${path}.privileged`)) {
    throw new GvisorIacError('SANDBOX_ESCAPE', `${path}.privileged`, true, 'runs the container privileged (forbidden by Pod Security "restricted"; under gVisor it grants nothing useful)', 'remove privileged, or add only the capability you need (NET_BIND_SERVICE)');
  }
  if (s.allowPrivilegeEscalation !== undefined && assertBoolean(s.allowPrivilegeEscalation, `${path}.allowPrivilegeEscalation`)) {
    throw new GvisorIacError('SANDBOX_ESCAPE', `${path}.allowPrivilegeEscalation`, true, 'lets processes gain privileges (setuid binaries; forbidden by Pod Security "restricted")', 'remove allowPrivilegeEscalation (it defaults to false)');
  }
  checkSharedSecurityFields(s, path);
  if (s.procMount !== undefined && s.procMount !== 'Default') {
    throw new GvisorIacError('SANDBOX_ESCAPE', `${path}.procMount`, s.procMount, 'unmasks /proc (forbidden by Pod Security)', 'remove procMount');
  }
  const caps = s.capabilities === undefined ? emptyRecord() : assertPlainObject(s.capabilities, `${path}.capabilities`);
  assertKnownKeys(caps, k8sFieldNames('CoreV1Capabilities'), `${path}.capabilities`);
  const add = caps.add === undefined ? [] : assertArray<string>(caps.add, `${path}.capabilities.add`);
  add.forEach((cap, i) => {
    const normal = typeof cap === 'string' ? cap.toUpperCase().replace(/^CAP_/, '') : cap;
    if (!ALLOWED_ADDED_CAPABILITIES.includes(normal as string)) {
      throw new GvisorIacError('SANDBOX_ESCAPE', `${path}.capabilities.add[${i}]`, cap, 'is a capability Pod Security "restricted" forbids', `only ${ALLOWED_ADDED_CAPABILITIES.join(', ')} may be added back`);
    }
  });
  const drop = caps.drop === undefined ? [] : assertArray<string>(caps.drop, `${path}.capabilities.drop`);
  const readOnly = s.readOnlyRootFilesystem === undefined ? readOnlyRootDefault : assertBoolean(s.readOnlyRootFilesystem, `${path}.readOnlyRootFilesystem`);

  const { allowPrivilegeEscalation: _a, privileged: _p, readOnlyRootFilesystem: _r, capabilities: _c, ...others } = s;
  return built(prune({
    ...others,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: readOnly,
    capabilities: {
      drop: ['ALL', ...drop.filter((d) => d !== 'ALL')],
      add: add.length ? add.map((a) => a.toUpperCase().replace(/^CAP_/, '')) : undefined,
    },
  }));
}

/**
 * The checks of the fields a pod and a container securityContext share:
 * root, unconfined seccomp or AppArmor, SELinux labels (gVisor rejects
 * them), Windows host processes.
 */
export function checkSharedSecurityFields(s: PodSecurityContext | SecurityContext, path: string): void {
  checkRunAs(s, path);
  checkSeccomp(s.seccompProfile, `${path}.seccompProfile`);
  checkAppArmor(s.appArmorProfile, `${path}.appArmorProfile`);
  if (s.seLinuxOptions !== undefined) {
    throw new GvisorIacError('GVISOR_INCOMPATIBLE', `${path}.seLinuxOptions`, s.seLinuxOptions, 'sets SELinux labels, which gVisor rejects', 'remove seLinuxOptions; the sandbox is the isolation boundary');
  }
  if (s.windowsOptions?.hostProcess) {
    throw new GvisorIacError('SANDBOX_ESCAPE', `${path}.windowsOptions.hostProcess`, true, 'runs a Windows host process', 'remove windowsOptions.hostProcess');
  }
}

/** Refuses root: runAsNonRoot false, runAsUser 0; uids and gids outside 0..2147483647 (as Kubernetes validates them). */
export function checkRunAs(s: { runAsNonRoot?: boolean; runAsUser?: number; runAsGroup?: number }, path: string): void {
  if (s.runAsGroup !== undefined) assertInteger(s.runAsGroup, `${path}.runAsGroup`, 0, 2147483647);
  if (s.runAsNonRoot !== undefined && !assertBoolean(s.runAsNonRoot, `${path}.runAsNonRoot`)) {
    throw new GvisorIacError('SANDBOX_ESCAPE', `${path}.runAsNonRoot`, false, 'allows running as root (forbidden by Pod Security "restricted")', 'remove runAsNonRoot (it defaults to true) and run as a non-root uid');
  }
  if (s.runAsUser !== undefined) {
    assertInteger(s.runAsUser, `${path}.runAsUser`, 0, 2147483647);
    if (s.runAsUser === 0) {
      throw new GvisorIacError('SANDBOX_ESCAPE', `${path}.runAsUser`, 0, 'runs as root (forbidden by Pod Security "restricted")', 'use a non-root uid such as 1000');
    }
  }
}

/** Refuses an unconfined seccomp profile (restricted needs RuntimeDefault or Localhost). */
export function checkSeccomp(profile: { type?: string; localhostProfile?: string } | undefined, path: string): void {
  checkProfile(profile, path, 'seccomp', 'disables seccomp (forbidden by Pod Security "restricted")');
}

/** Refuses an unconfined AppArmor profile (Pod Security allows RuntimeDefault or Localhost). */
export function checkAppArmor(profile: { type?: string; localhostProfile?: string } | undefined, path: string): void {
  checkProfile(profile, path, 'AppArmor', 'disables AppArmor (forbidden by Pod Security)');
}

/**
 * A seccomp or AppArmor profile: `type` exactly "RuntimeDefault" or
 * "Localhost" (with its `localhostProfile`), compared case-sensitively as
 * Kubernetes compares it; "Unconfined" is refused in any letter case.
 */
function checkProfile(profile: { type?: string; localhostProfile?: string } | undefined, path: string, what: string, escape: string): void {
  if (profile === undefined) return;
  // Seccomp and AppArmor profiles have the same two fields.
  assertKnownKeys(assertPlainObject(profile, path), k8sFieldNames('CoreV1SeccompProfile'), path);
  if (typeof profile.type === 'string' && profile.type.trim().toLowerCase() === 'unconfined') {
    throw new GvisorIacError('SANDBOX_ESCAPE', `${path}.type`, profile.type, `${escape}; refused in any letter case`, 'use "RuntimeDefault"');
  }
  const type = assertOneOf(profile.type, ['RuntimeDefault', 'Localhost'] as const, `${path}.type`, `use "RuntimeDefault", or "Localhost" with a localhostProfile (Kubernetes compares ${what} profile types case-sensitively)`);
  if (type === 'Localhost') {
    assertString(profile.localhostProfile, `${path}.localhostProfile`, 'a profile name');
  } else if (profile.localhostProfile !== undefined) {
    throw new GvisorIacError('INVALID_VALUE', `${path}.localhostProfile`, profile.localhostProfile, 'is only used with type "Localhost"', 'remove localhostProfile, or set type "Localhost"');
  }
}

/** What a resource name measures: cpu, memory (also hugepages), storage, or a count (extended resources). */
export function resourceKind(key: string): QuantityKind {
  if (key === 'cpu') return 'cpu';
  if (key === 'memory' || key.startsWith('hugepages-')) return 'memory';
  if (key === 'ephemeral-storage') return 'storage';
  return 'count';
}

/**
 * Validates a container's resources (quantities, request ≤ limit) and fills
 * cpu/memory from `defaults` where unset, keeping request ≤ limit.
 */
export function resolveResources(r: ResourceRequirements | undefined, path: string, defaults: ResourceRequirements): ResourceRequirements {
  const given = r === undefined ? emptyRecord<ResourceRequirements>() : assertPlainObject(r, path) as ResourceRequirements;
  assertKnownKeys(given as Record<string, unknown>, k8sFieldNames('CoreV1ResourceRequirements'), path);
  // Null-prototype maps: a resource name is only ever looked up among the ones given.
  const map = (v: unknown, p: string): Record<string, string> =>
    Object.assign(emptyRecord<Record<string, string>>(), v === undefined ? undefined : assertPlainObject(v, p));
  const requests = map(ownValue(given, 'requests'), `${path}.requests`);
  const limits = map(ownValue(given, 'limits'), `${path}.limits`);
  const parsed = (m: Record<string, string>, p: string): Record<string, number> => {
    const out = emptyRecord<Record<string, number>>();
    for (const k in m) out[k] = parseQuantity(m[k], fieldPath(p, k), resourceKind(k));
    return out;
  };
  const req = parsed(requests, `${path}.requests`);
  const lim = parsed(limits, `${path}.limits`);
  for (const key in req) {
    if (lim[key] !== undefined && req[key]! > lim[key]!) {
      throw new GvisorIacError('INVALID_RESOURCES', `${path}.requests.${key}`, requests[key], `is above the limit ${JSON.stringify(limits[key])}`, `lower the request or raise limits.${key}`);
    }
  }
  // Own keys only: a default read from a polluted Object.prototype would be emitted.
  const dReq = ownValue(defaults, 'requests');
  const dLim = ownValue(defaults, 'limits');
  for (const key of ['cpu', 'memory']) {
    const kind = resourceKind(key);
    const dr = ownValue(dReq, key) as string | undefined;
    if (requests[key] === undefined && dr !== undefined) {
      // Without a request Kubernetes copies the limit; a smaller default request keeps scheduling cheap.
      requests[key] = lim[key] !== undefined && parseQuantity(dr, '', kind) > lim[key]! ? limits[key]! : dr;
    }
    const dl = ownValue(dLim, key) as string | undefined;
    if (limits[key] === undefined && dl !== undefined) {
      limits[key] = req[key] !== undefined && parseQuantity(dl, '', kind) < req[key]! ? requests[key]! : dl;
    }
  }
  return built(prune({
    requests: Object.keys(requests).length ? { ...requests } : undefined,
    limits: Object.keys(limits).length ? { ...limits } : undefined,
    claims: given.claims,
  }));
}
