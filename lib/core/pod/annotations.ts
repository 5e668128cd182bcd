import { GvisorIacError } from '../errors';

/** Legacy (pre-field) AppArmor annotation of one container: `container.apparmor.security.beta.kubernetes.io/<container>`. */
export const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
/** Legacy seccomp annotation of the whole pod. */
export const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
/** Legacy seccomp annotation of one container: `container.seccomp.security.alpha.kubernetes.io/<container>`. */
export const SECCOMP_CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';
/** The only `dev.gvisor.*` annotations a sandboxed pod may carry: mount hints, which change sharing and caching, not confinement. */
export const ALLOWED_GVISOR_ANNOTATION_PREFIXES: readonly string[] = ['dev.gvisor.spec.mount.'];

/**
 * Refuses annotations that loosen a sandboxed pod's confinement, wherever
 * they would reach a pod (pod metadata, workload metadata, pod templates):
 *
 * - legacy AppArmor annotations whose value is not `runtime/default` or
 *   `localhost/<profile>` — `unconfined` in any letter case above all;
 * - legacy seccomp annotations (pod and container) whose value is not
 *   `runtime/default`, `docker/default` or `localhost/<profile>`;
 * - `dev.gvisor.*` annotations other than mount hints: with the node's
 *   containerd passing pod annotations to runsc, `dev.gvisor.flag.<flag>`
 *   overrides runsc flags (host-uds, network…) for one pod, and the
 *   `dev.gvisor.internal.*` ones hand devices and seccomp settings to it.
 *
 * Values are compared exactly, as the kubelet and Pod Security admission
 * read them; anything outside the allowed set is refused, whatever its case
 * or surrounding whitespace. Keys are compared in lower case.
 */
export function checkConfinementAnnotations(annotations: Readonly<Record<string, string>> | undefined, path: string): void {
  if (annotations === undefined) return;
  for (const key of Object.keys(annotations)) {
    const value = annotations[key];
    const p = `${path}[${JSON.stringify(key)}]`;
    const k = key.toLowerCase();
    if (k.startsWith(APPARMOR_ANNOTATION_PREFIX)) {
      checkProfileValue(value, p, 'AppArmor', ['runtime/default'], 'set securityContext.appArmorProfile (type "RuntimeDefault" or "Localhost") instead of the deprecated annotation');
    } else if (k === SECCOMP_POD_ANNOTATION || k.startsWith(SECCOMP_CONTAINER_ANNOTATION_PREFIX)) {
      checkProfileValue(value, p, 'seccomp', ['runtime/default', 'docker/default'], 'remove it: the pod already runs with securityContext.seccompProfile RuntimeDefault');
    } else if (k.startsWith('dev.gvisor.') && !ALLOWED_GVISOR_ANNOTATION_PREFIXES.some((a) => k.startsWith(a))) {
      throw new GvisorIacError('SANDBOX_ESCAPE', p, value,
        'is a gVisor annotation that changes how runsc confines this pod (flag overrides, devices, seccomp) once the node passes pod annotations to runsc',
        'remove it; set runsc options on the node (gvisor-iac runsc options), not per pod');
    }
  }
}

function checkProfileValue(value: unknown, path: string, what: string, named: readonly string[], fix: string): void {
  if (typeof value === 'string' && (named.includes(value) || /^localhost\/\S+$/.test(value))) return;
  const unconfined = typeof value === 'string' && value.trim().toLowerCase() === 'unconfined';
  throw new GvisorIacError(
    unconfined ? 'SANDBOX_ESCAPE' : 'INVALID_VALUE', path, value,
    unconfined
      ? `turns ${what} off for the pod (forbidden by Pod Security; refused in any letter case)`
      : `is not a ${what} profile (${[...named, 'localhost/<profile>'].map((n) => JSON.stringify(n)).join(', ')})`,
    fix,
  );
}
