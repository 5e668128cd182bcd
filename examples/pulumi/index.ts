// The gVisor examples as a Pulumi program: one RuntimeClass with its per-pod
// overhead, and workloads that run inside it with hardened defaults.
// `pulumi up` in examples/pulumi/ (after `npm run compile` at the repository root).
import * as pulumi from '@pulumi/pulumi';
import { GvisorRuntimeClass, SandboxedDeployment, SandboxedJob, SandboxedPod, enforceGvisor } from 'gvisor-iac/pulumi';

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

// Multi-tenant isolation (MultiTenantSandbox): added here with the construct.

// Untrusted code execution (UntrustedCodeSandbox): added here with the construct.

// Edge sandbox (EdgeSandbox): added here with the construct.

// Stack outputs.
export const runtimeClassName = gvisor.name;
export const objects = [gvisor, nginx, web, report].flatMap((c) => c.objects.map((o) => `${o.kind}/${o.name}`));
