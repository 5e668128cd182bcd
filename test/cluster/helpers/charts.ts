// The library's objects as `cdk8s synth` emits them, for the cluster suites:
// the cdk8s example, and one chart per construct with its option families.
// Names and namespaces are prefixed per suite so the suites share a cluster.
import { App, Chart } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { SandboxChart } from '../../../examples/cdk8s/main';
import {
  EdgeRuntimeClass, EdgeSandbox, GvisorRuntimeClass, MultiTenantSandbox, SandboxedCronJob, SandboxedDaemonSet, SandboxedDeployment, SandboxedJob,
  SandboxedPod, SandboxedStatefulSet, UntrustedCodeSandbox,
} from '../../../lib/cdk8s';

/** The test image (built locally by the node's image build; never pulled). */
export const TEST_IMAGE = 'gvisor-iac.test/busybox:1';

/** Synthesises a chart the way `cdk8s synth` does and parses the YAML back. */
export function synthChart(build: (chart: Chart) => void): any[] {
  const app = new App();
  build(new Chart(app, 'chart'));
  return parseAllDocuments(app.synthYaml()).map((d) => d.toJSON()).filter((o) => o !== null);
}

/** The objects of examples/cdk8s (what `npm run synth` writes). */
export function exampleObjects(): any[] {
  const app = new App();
  new SandboxChart(app, 'gvisor-sandbox');
  return parseAllDocuments(app.synthYaml()).map((d) => d.toJSON()).filter((o) => o !== null);
}

const app = (name: string, extra: Record<string, unknown> = {}) => ({ name, image: TEST_IMAGE, command: ['sleep', '3600'], ...extra });
const namespace = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

/**
 * Every construct with its option families, each as one chart: a family
 * label and the objects in the order synth emits them. Workloads that need
 * a namespace of their own get a plain Namespace first (`<prefix>work`).
 */
export function constructFamilies(prefix: string): { family: string; objects: any[] }[] {
  const work = `${prefix}work`;
  return [
    {
      family: 'GvisorRuntimeClass: default, full scheduling + overhead, no overhead, edge',
      objects: synthChart((c) => {
        new GvisorRuntimeClass(c, 'gvisor');
        new GvisorRuntimeClass(c, 'full', {
          name: `${prefix}rc-full`,
          handler: 'runsc',
          podOverhead: { cpu: '250m', memory: '200Mi' },
          nodeSelector: { 'gvisor-iac.test/sandbox': 'true' },
          tolerations: [{ key: 'gvisor-iac.test/sandbox', operator: 'Equal', value: 'true', effect: 'NoSchedule' }],
          labels: { 'gvisor-iac.test/suite': 'apply' },
          annotations: { 'gvisor-iac.test/note': 'full' },
        });
        new GvisorRuntimeClass(c, 'bare', { name: `${prefix}rc-bare`, podOverhead: false });
        new EdgeRuntimeClass(c, 'edge', { name: `${prefix}rc-edge` });
      }),
    },
    {
      family: 'SandboxedPod / SandboxedDeployment / SandboxedJob with their options',
      objects: [namespace(work), ...synthChart((c) => {
        const rc = new GvisorRuntimeClass(c, 'gvisor');
        new SandboxedPod(c, 'pod-full', {
          runtimeClass: rc,
          namespace: work,
          labels: { tier: 'web' },
          annotations: { 'gvisor-iac.test/note': 'pod' },
          initContainers: [app('init', { command: ['true'] })],
          containers: [app('main', {
            ports: [{ name: 'http', containerPort: 8080 }],
            env: [{ name: 'MODE', value: 'test' }, { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
            readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 10 },
            volumeMounts: [{ name: 'config', mountPath: '/config', readOnly: true }, { name: 'cache', mountPath: '/cache' }],
            securityContext: { readOnlyRootFilesystem: false },
          })],
          volumes: [
            { name: 'config', configMap: { name: 'settings', optional: true } },
            { name: 'cache', emptyDir: { sizeLimit: '32Mi' } },
          ],
          securityContext: { runAsUser: 2000, runAsGroup: 2000, fsGroup: 2000 },
          hardening: { writableTmp: { sizeLimit: '16Mi', medium: 'Memory' } },
          terminationGracePeriodSeconds: 5,
          dnsPolicy: 'ClusterFirst',
          tolerations: [{ key: 'gvisor-iac.test/dedicated', operator: 'Exists', effect: 'NoSchedule' }],
        });
        new SandboxedPod(c, 'pod-image-user', {
          runtimeClass: 'gvisor',
          namespace: work,
          containers: [app('main')],
          hardening: { runAsUser: false, readOnlyRootFilesystem: false, writableTmp: false, defaultResources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '20m', memory: '32Mi' } } },
        });
        new SandboxedDeployment(c, 'deploy', {
          runtimeClass: rc,
          namespace: work,
          replicas: 2,
          minReadySeconds: 5,
          revisionHistoryLimit: 3,
          progressDeadlineSeconds: 120,
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
          containers: [app('main', { resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } } })],
          affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'deploy' } } } }] } },
        });
        new SandboxedJob(c, 'job', {
          runtimeClass: rc,
          namespace: work,
          completions: 3,
          parallelism: 2,
          backoffLimit: 1,
          restartPolicy: 'OnFailure',
          activeDeadlineSeconds: 600,
          ttlSecondsAfterFinished: 60,
          containers: [app('main', { command: ['true'] })],
        });
      })],
    },
    {
      family: 'SandboxedStatefulSet / SandboxedCronJob / SandboxedDaemonSet with their options, pod-template labels and annotations',
      objects: [namespace(`${work}-kinds`), ...synthChart((c) => {
        const rc = new GvisorRuntimeClass(c, 'gvisor');
        const ns = `${work}-kinds`;
        const podMeta = { podLabels: { 'gvisor-iac.test/pods': 'yes' }, podAnnotations: { 'prometheus.io/scrape': 'true', 'sidecar.istio.io/inject': 'false' } };
        new SandboxedStatefulSet(c, 'sts-full', {
          runtimeClass: rc,
          namespace: ns,
          serviceName: 'sts-full',
          replicas: 2,
          podManagementPolicy: 'Parallel',
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 1 } },
          volumeClaimTemplates: [{ metadata: { name: 'data', labels: { tier: 'db' } }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
          minReadySeconds: 5,
          revisionHistoryLimit: 3,
          ordinals: { start: 1 },
          containers: [app('main', { volumeMounts: [{ name: 'data', mountPath: '/data' }] })],
          ...podMeta,
        });
        new SandboxedStatefulSet(c, 'sts-bare', { runtimeClass: 'gvisor', namespace: ns, containers: [app('main')] });
        new SandboxedCronJob(c, 'cron-full', {
          runtimeClass: rc,
          namespace: ns,
          schedule: '0 3 * * MON-FRI',
          timeZone: 'Europe/Paris',
          concurrencyPolicy: 'Replace',
          suspend: true,
          startingDeadlineSeconds: 300,
          successfulJobsHistoryLimit: 1,
          failedJobsHistoryLimit: 2,
          backoffLimit: 0,
          activeDeadlineSeconds: 600,
          ttlSecondsAfterFinished: 60,
          restartPolicy: 'OnFailure',
          containers: [app('main', { command: ['true'] })],
          ...podMeta,
        });
        new SandboxedCronJob(c, 'cron-macro', { runtimeClass: rc, namespace: ns, schedule: '@every 1h30m', suspend: true, containers: [app('main', { command: ['true'] })] });
        new SandboxedDaemonSet(c, 'ds', {
          runtimeClass: rc, namespace: ns, updateStrategy: { type: 'OnDelete' }, minReadySeconds: 5, revisionHistoryLimit: 2, containers: [app('main')], ...podMeta,
        });
      })],
    },
    {
      family: 'MultiTenantSandbox: egress none / internet / CIDRs, admins, quotas, prefix, pinned Pod Security version',
      objects: synthChart((c) => {
        const rc = new GvisorRuntimeClass(c, 'gvisor');
        new MultiTenantSandbox(c, 'mt', {
          name: `${prefix}mt`,
          runtimeClass: rc,
          namespacePrefix: prefix,
          podSecurityVersion: 'v1.34',
          dns: { podLabels: false },
          internetExcept: ['198.51.100.0/24'],
          labels: { 'gvisor-iac.test/suite': 'apply' },
          tenants: [
            { name: 'none' },
            { name: 'inet', egress: { dns: true, internet: true, ports: [{ port: 443 }, { port: 8000, endPort: 8080, protocol: 'TCP' }] }, allowIntraNamespace: false },
            {
              name: 'cidrs',
              egress: { dns: true, cidrs: ['203.0.113.0/24', '2001:db8::/32'] },
              admins: { users: [`${prefix}alice`], groups: [`${prefix}admins`] },
              quota: { cpu: '2', memory: '4Gi', pods: 5, services: 2, hard: { 'count/jobs.batch': '10' } },
              containerDefaults: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
              serviceAccountName: 'runner',
              labels: { team: 'cidrs' },
            },
          ],
        });
      }),
    },
    {
      family: 'UntrustedCodeSandbox: no egress, DNS only, internet on ports, an allow-list',
      objects: [namespace(`${work}-untrusted`), ...synthChart((c) => {
        const rc = new GvisorRuntimeClass(c, 'gvisor');
        const ns = `${work}-untrusted`;
        new UntrustedCodeSandbox(c, 'run-none', { runtimeClass: rc, namespace: ns, image: TEST_IMAGE, command: ['sh', '/code/main.sh'], code: { 'main.sh': 'echo hi\n' } });
        new UntrustedCodeSandbox(c, 'run-dns', { runtimeClass: rc, namespace: ns, image: TEST_IMAGE, command: ['true'], egress: 'dns' });
        new UntrustedCodeSandbox(c, 'run-inet', {
          runtimeClass: rc,
          namespace: ns,
          image: TEST_IMAGE,
          command: ['true'],
          egress: { dns: true, internet: true, ports: [{ port: 443 }] },
          resources: { limits: { cpu: '500m', memory: '256Mi' } },
          activeDeadlineSeconds: 60,
          ttlSecondsAfterFinished: 30,
        });
        new UntrustedCodeSandbox(c, 'run-cidrs', { runtimeClass: rc, namespace: ns, image: TEST_IMAGE, command: ['true'], egress: { cidrs: ['203.0.113.0/24'], ports: [{ port: 5432 }] } });
      })],
    },
    {
      family: 'EdgeSandbox: Deployment spread over sites, DaemonSet, no edge toleration, edge RuntimeClass',
      objects: [namespace(`${work}-edge`), ...synthChart((c) => {
        const ns = `${work}-edge`;
        const edge = new EdgeRuntimeClass(c, 'edge', { name: `${prefix}rc-edge` });
        const rc = new GvisorRuntimeClass(c, 'gvisor');
        new EdgeSandbox(c, 'edge-deploy', { runtimeClass: rc, namespace: ns, replicas: 3, containers: [app('main')] });
        new EdgeSandbox(c, 'edge-ds', { runtimeClass: rc, namespace: ns, workload: 'DaemonSet', containers: [app('main')] });
        new EdgeSandbox(c, 'edge-plain', { runtimeClass: edge, namespace: ns, nodeSelector: {}, edgeToleration: false, siteLabel: false, tolerationSeconds: 600, containers: [app('main')] });
      })],
    },
  ];
}
