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
  /** Deployment and StatefulSet replicas. */
  replicas: 1,
  /** Job retries. */
  backoffLimit: 3,
  /** Job pod `restartPolicy`: a failed pod is replaced, never restarted in place. */
  jobRestartPolicy: 'Never',
  /** Job deadline in seconds (a runaway sandbox is stopped after an hour). */
  activeDeadlineSeconds: 3600,
  /** Seconds a finished Job is kept before garbage collection. */
  ttlSecondsAfterFinished: 3600,
  /**
   * CronJob `concurrencyPolicy` (Kubernetes' own default is "Allow"): a run
   * that is still going when the next one is due makes that one skip, so a
   * slow or stuck sandboxed job never piles up concurrent copies of itself
   * (each a gVisor sandbox with its own overhead).
   */
  cronJobConcurrencyPolicy: 'Forbid',
  /** Where the cluster DNS runs (the peer of DNS egress): CoreDNS / kube-dns as kubeadm, GKE, EKS and AKS label it. */
  clusterDns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } },
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

/** Defaults of `UntrustedCodeSandbox`: a short-lived, Guaranteed-QoS Job that reaches nothing. */
export const UNTRUSTED_CODE_DEFAULTS = {
  /** Container name, as in the gVisor examples. */
  containerName: 'code-runner',
  /** Limits (requests are set equal: Guaranteed QoS). cpu 1 / memory 512Mi as in the gVisor examples. */
  limits: { 'cpu': '1', 'memory': '512Mi', 'ephemeral-storage': '256Mi' },
  /** Job retries: none, untrusted code is never re-run silently. */
  backoffLimit: 0,
  /** Pod `restartPolicy`. */
  restartPolicy: 'Never',
  /** What a run may reach: nothing, not even DNS (a `SandboxEgress`). */
  egress: 'none',
  /** Seconds a run may take before Kubernetes stops it. */
  activeDeadlineSeconds: 300,
  /** Seconds a finished run is kept (for its logs and status) before it is deleted. */
  ttlSecondsAfterFinished: 600,
  /** Where the `code` files are mounted, read-only. */
  codeMountPath: '/code',
  /** Mode of the mounted code files (read-only for everyone: 0444). */
  codeFileMode: 0o444,
  /** Size limit of the writable `/tmp`. */
  tmpSizeLimit: '64Mi',
  /** Label whose value is the run's name; selects exactly one run's pods. */
  runLabel: 'gvisor-iac.dev/run',
  /** `app.kubernetes.io/component` of every run. */
  component: 'untrusted-code',
} as const;

/** Defaults of `EdgeSandbox`: pinned to edge nodes, small, tolerant of flaky links. */
export const EDGE_DEFAULTS = {
  /** Pod `nodeSelector`, as in the gVisor examples. */
  nodeSelector: { 'node-type': 'edge' },
  /** Toleration for the taint that keeps ordinary pods off edge nodes. */
  edgeToleration: { key: 'node-type', operator: 'Equal', value: 'edge', effect: 'NoSchedule' },
  /** Seconds a pod stays bound to an unreachable / not-ready edge node before eviction (Kubernetes' own default is 300). */
  tolerationSeconds: 3600,
  /** Resources for containers that set none: a small footprint for small nodes. */
  containerResources: {
    requests: { cpu: '50m', memory: '64Mi' },
    limits: { cpu: '250m', memory: '128Mi' },
  },
  /** Node label that names an edge site; replicas are spread across its values. */
  siteLabel: 'topology.kubernetes.io/zone',
  /** `imagePullPolicy` of containers that set none: run the cached image when the registry is out of reach. */
  imagePullPolicy: 'IfNotPresent',
  /** Name of the edge RuntimeClass made by `edgeRuntimeClassProps`. */
  runtimeClassName: 'gvisor-edge',
} as const;

/** Defaults of `MultiTenantSandbox` and of each tenant (its egress is a `SandboxEgress` word). */
export const MULTI_TENANT_DEFAULTS = {
  namespacePrefix: '',
  podSecurityVersion: 'latest',
  serviceAccountName: 'workload',
  egress: 'dns',
  allowIntraNamespace: true,
  allowIngress: false,
  quota: {
    cpu: '4',
    memory: '8Gi',
    pods: 20,
    services: 10,
    loadBalancers: 0,
    nodePorts: 0,
    persistentVolumeClaims: 10,
    storage: '100Gi',
    configMaps: 50,
    secrets: 50,
  },
} as const;

/** Where gVisor's installer puts runsc. */
export const DEFAULT_RUNSC_PATH = '/usr/local/bin/runsc';

/** Where the containerd drop-ins put the shim's runsc.toml. */
export const DEFAULT_RUNSC_CONFIG_PATH = '/etc/containerd/runsc.toml';

/** Defaults of the PodDisruptionBudget and HorizontalPodAutoscaler of a replicated workload (`disruptionBudget`, `autoscaling`). */
export const SCALING_DEFAULTS = {
  /** `maxUnavailable` of a budget that sets neither it nor `minAvailable`: one pod at a time. */
  maxUnavailable: 1,
  /** `minReplicas` of the autoscaler. */
  minReplicas: 1,
  /** Average CPU use the autoscaler aims for, in percent of requests, when no target is given (Kubernetes' own default). */
  targetCPUUtilizationPercentage: 80,
} as const;

/** Defaults of the Service a workload's `expose()` makes. */
export const EXPOSE_DEFAULTS = {
  /** Service `type`: reachable inside the cluster only; NodePort and LoadBalancer are asked for explicitly. */
  type: 'ClusterIP',
} as const;
