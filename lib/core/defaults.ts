/**
 * The hardened defaults of gvisor-iac, in one place. They are the product:
 * every value here has a documented prop that changes it, and a test.
 */
export const DEFAULTS = {
  /** RuntimeClass name used by workloads that do not name one. */
  runtimeClassName: 'gvisor',
  /** CRI handler configured on the nodes (containerd `runtimes.runsc`). */
  runtimeHandler: 'runsc',
  /** `overhead.podFixed` charged per pod for the sandbox (Sentry + Gofer), as in the gVisor examples. */
  podOverhead: { cpu: '100m', memory: '160Mi' },
  /** Pod-level `runAsUser` (and `runAsGroup` / `fsGroup`): a fixed non-root uid. */
  runAsUser: 1000,
  /** `seccompProfile.type` for every pod. */
  seccompProfile: 'RuntimeDefault',
  /** Resources given to a container that sets none. */
  containerResources: {
    requests: { cpu: '100m', memory: '128Mi' },
    limits: { cpu: '500m', memory: '256Mi' },
  },
  /** Size limit of the writable emptyDir mounted at `/tmp`. */
  tmpSizeLimit: '64Mi',
  /** Path of the writable scratch directory. */
  tmpMountPath: '/tmp',
  /** Name of the volume backing `/tmp`. */
  tmpVolumeName: 'tmp',
  /** Deployment replicas. */
  replicas: 1,
  /** Job retries. */
  backoffLimit: 3,
  /** Job deadline in seconds (a runaway sandbox is stopped after an hour). */
  activeDeadlineSeconds: 3600,
  /** Seconds a finished Job is kept before garbage collection. */
  ttlSecondsAfterFinished: 3600,
} as const;

/** GKE Sandbox facts: the RuntimeClass GKE creates and how its nodes are marked. */
export const GKE_SANDBOX = {
  runtimeClassName: 'gvisor',
  handler: 'gvisor',
  nodeLabel: { key: 'sandbox.gke.io/runtime', value: 'gvisor' },
  taint: { key: 'sandbox.gke.io/runtime', value: 'gvisor', effect: 'NoSchedule' },
} as const;

/** Label put on every object a construct emits, naming this library. */
export const MANAGED_BY_LABEL = { 'app.kubernetes.io/managed-by': 'gvisor-iac' } as const;
/** Label whose value is the workload name; used for selectors. */
export const NAME_LABEL = 'app.kubernetes.io/name';
