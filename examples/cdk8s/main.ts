// The gVisor examples, written the way they should be: one RuntimeClass with
// its per-pod overhead, and workloads that run inside it with hardened defaults.
// `npm run synth` (from the repository root) writes the YAML to examples/cdk8s/dist/.
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  EdgeSandbox,
  GvisorRuntimeClass,
  MultiTenantSandbox,
  SandboxedDeployment,
  SandboxedJob,
  SandboxedPod,
  UntrustedCodeSandbox,
} from 'gvisor-iac/cdk8s';

export class SandboxChart extends Chart {
  public constructor(scope: Construct, id: string) {
    super(scope, id);

    // RuntimeClass "gvisor" → containerd handler "runsc", overhead 100m / 160Mi per pod.
    const gvisor = new GvisorRuntimeClass(this, 'gvisor');

    // A single sandboxed pod.
    new SandboxedPod(this, 'nginx-sandboxed', {
      runtimeClass: gvisor,
      containers: [{ name: 'nginx', image: 'nginxinc/nginx-unprivileged:1.27', ports: [{ containerPort: 8080 }] }],
    });

    // A sandboxed web deployment with explicit resources.
    new SandboxedDeployment(this, 'web', {
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
    new SandboxedJob(this, 'report', {
      runtimeClass: gvisor,
      containers: [{ name: 'report', image: 'busybox:1.36', command: ['sh', '-c', 'echo generating report; sleep 5'] }],
    });

    // Multi-tenant isolation: a namespace per tenant, sealed by Pod Security "restricted", a quota
    // sized for the gVisor overhead, default-deny network policies (DNS only; the metadata server
    // never), and an admission policy that only admits gVisor pods in tenant namespaces.
    const tenants = new MultiTenantSandbox(this, 'tenants', {
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
    // It is ordered after its namespace (and the class) by itself, as both are in this chart.
    new SandboxedPod(this, 'secure-pod', {
      runtimeClass: gvisor,
      namespace: 'tenant-a',
      serviceAccountName: tenants.tenants[0]!.serviceAccountName,
      containers: [{ name: 'app', image: 'nginxinc/nginx-unprivileged:1.27', ports: [{ containerPort: 8080 }] }],
    });

    // Untrusted code execution: limits cpu 1 / memory 512Mi (requests equal, Guaranteed QoS),
    // no retries, a 5-minute deadline, cleaned up 10 minutes after it ends; the code arrives
    // as a read-only ConfigMap and a NetworkPolicy denies all traffic in and out.
    new UntrustedCodeSandbox(this, 'untrusted-code', {
      runtimeClass: gvisor,
      image: 'python:3.12-slim',
      command: ['python', '/code/main.py'],
      code: { 'main.py': 'print("hello from the sandbox")\n' },
      resources: { limits: { cpu: '1', memory: '512Mi' } },
    });

    // An edge sandbox: pinned to nodes labelled node-type=edge, tolerant of flaky links,
    // cached images, a small footprint.
    new EdgeSandbox(this, 'edge-sandbox', {
      runtimeClass: gvisor,
      nodeSelector: { 'node-type': 'edge' },
      containers: [{ name: 'app', image: 'edge-app:1.0' }],
    });
  }
}

if (require.main === module) {
  const app = new App();
  new SandboxChart(app, 'gvisor-sandbox');
  app.synth();
}
