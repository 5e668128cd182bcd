// The gVisor examples as a Pulumi program: one RuntimeClass with its per-pod
// overhead, and workloads that run inside it with hardened defaults.
// `pulumi up` in examples/pulumi/ (after `npm run compile` at the repository root).
import * as pulumi from '@pulumi/pulumi';
import {
  EdgeSandbox,
  GvisorRuntimeClass,
  MultiTenantSandbox,
  SandboxedDeployment,
  SandboxedJob,
  SandboxedPod,
  UntrustedCodeSandbox,
  enforceGvisor,
} from 'gvisor-iac/pulumi';

const config = new pulumi.Config();

// Stack-wide: every pod-bearing resource (also from Helm charts) must run in gVisor.
// "deny" fails the deployment of one that does not; "inject" sets runtimeClassName.
const enforce = config.get('enforce') ?? 'deny';
if (enforce === 'inject' || enforce === 'deny') enforceGvisor({ mode: enforce });

// RuntimeClass "gvisor" → containerd handler "runsc", overhead 100m / 160Mi per pod.
const gvisor = new GvisorRuntimeClass('gvisor');

// A single sandboxed pod.
const nginx = new SandboxedPod('nginx-sandboxed', {
  runtimeClass: gvisor,
  containers: [{ name: 'nginx', image: 'nginxinc/nginx-unprivileged:1.27', ports: [{ containerPort: 8080 }] }],
});

// A sandboxed web deployment with explicit resources.
const web = new SandboxedDeployment('web', {
  runtimeClass: gvisor,
  replicas: 3,
  containers: [{
    name: 'web',
    image: 'nginxinc/nginx-unprivileged:1.27',
    ports: [{ containerPort: 8080 }],
    resources: { requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
  }],
});

// A sandboxed batch job: restartPolicy Never, bounded retries and run time.
const report = new SandboxedJob('report', {
  runtimeClass: gvisor,
  containers: [{ name: 'report', image: 'busybox:1.36', command: ['sh', '-c', 'echo generating report; sleep 5'] }],
});

// Multi-tenant isolation: a namespace per tenant, sealed by Pod Security "restricted", a quota
// sized for the gVisor overhead, default-deny network policies (DNS only; the metadata server
// never), and an admission policy that only admits gVisor pods in tenant namespaces.
const tenants = new MultiTenantSandbox('tenants', {
  runtimeClass: gvisor,
  tenants: [
    {
      name: 'tenant-a',
      admins: { groups: ['tenant-a-admins'] },
      // Its web app takes traffic from the ingress controller's namespace, on 8080 only; nothing else gets in.
      ingress: [{ name: 'web', from: [{ namespace: 'ingress-nginx' }], ports: [{ port: 8080 }] }],
    },
    { name: 'tenant-b', quota: { cpu: '2', memory: '4Gi', pods: 10 }, egress: { dns: true, internet: true, ports: [{ port: 443 }] } },
  ],
});

// The source document's tenant pod: gVisor, uid 1000, no privilege escalation, read-only root.
const securePod = new SandboxedPod('secure-pod', {
  runtimeClass: gvisor,
  namespace: 'tenant-a',
  serviceAccountName: tenants.tenants[0]!.serviceAccountName,
  containers: [{ name: 'app', image: 'nginxinc/nginx-unprivileged:1.27', ports: [{ containerPort: 8080 }] }],
}, { dependsOn: [tenants] });

// Untrusted code execution: limits cpu 1 / memory 512Mi (requests equal, Guaranteed QoS),
// no retries, a 5-minute deadline, cleaned up 10 minutes after it ends; the code arrives
// as a read-only ConfigMap and a NetworkPolicy denies all traffic in and out.
const untrusted = new UntrustedCodeSandbox('untrusted-code', {
  runtimeClass: gvisor,
  image: 'python:3.12-slim',
  command: ['python', '/code/main.py'],
  code: { 'main.py': 'print("hello from the sandbox")\n' },
  resources: { limits: { cpu: '1', memory: '512Mi' } },
});

// An edge sandbox: pinned to nodes labelled node-type=edge, tolerant of flaky links,
// cached images, a small footprint.
const edge = new EdgeSandbox('edge-sandbox', {
  runtimeClass: gvisor,
  nodeSelector: { 'node-type': 'edge' },
  containers: [{ name: 'app', image: 'edge-app:1.0' }],
});

// Stack outputs.
export const runtimeClassName = gvisor.name;
export const webDeployment = web.name;
export const namespaces = tenants.namespaces;
export const objects = [gvisor, nginx, web, report, tenants, securePod, untrusted, edge].flatMap((c) => c.objects.map((o) => `${o.kind}/${o.name}`));
