// Issue 13, point 3, with the real Pulumi engine and Kubernetes provider on the test
// cluster: a SandboxedDeployment with a disruption budget and an autoscaler, and the
// Service its expose() registers, go up (the provider's own await logic waits for the
// Deployment's rollout and for the Service's endpoints, i.e. for ready gVisor pods it
// selects); the autoscaler scales the Deployment to minReplicas; a second `up` changes
// nothing (the Deployment leaves its replica count to the autoscaler); destroy removes all.
import * as pulumi from '@pulumi/pulumi';
import { EventLog, PulumiEnv, gone, inlineStack, kubectl, live, pulumiEnv } from './harness';
import { SandboxedDeployment } from 'gvisor-iac/pulumi';

const NS = 'expose-pulumi';
const image = 'gvisor-iac.test/busybox:1';
const server = {
  name: 'web',
  image,
  ports: [{ name: 'http', containerPort: 8080 }],
  command: ['sh', '-c', 'hostname > /tmp/index.html && exec httpd -f -p 8080 -h /tmp'],
  readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 2 },
};
const restricted = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } };

describe('Pulumi: expose(), disruption budget and autoscaling on the cluster', () => {
  let env: PulumiEnv;
  beforeAll(async () => {
    env = await pulumiEnv();
    kubectl(env, ['apply', '-f', '-'], JSON.stringify(restricted));
  });
  afterAll(() => {
    if (env) kubectl(env, ['delete', 'namespace', NS, '--ignore-not-found', '--wait=false']);
  });

  test('up (awaiting the Service\'s endpoints), the autoscaler scales, a second up is a no-op, destroy', async () => {
    let exposed: pulumi.CustomResource | undefined;
    const stack = await inlineStack(env, 'gvisor-iac-expose', 'expose', async () => {
      const web = new SandboxedDeployment('p-web', {
        name: 'web',
        namespace: NS,
        containers: [server],
        disruptionBudget: { maxUnavailable: 1 },
        autoscaling: { minReplicas: 2, maxReplicas: 3 },
      });
      const service = web.expose({ ports: [{ targetPort: 'http', port: 80 }] });
      exposed = service;
      return { clusterIP: service.spec.clusterIP, podSelector: web.podSelector };
    });
    try {
      const up = await stack.up();
      expect(up.summary.result).toBe('succeeded');
      expect(exposed).toBeDefined();
      expect(up.outputs.podSelector!.value).toEqual({ 'app.kubernetes.io/name': 'web' });
      const service = live(env, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: NS } });
      expect(up.outputs.clusterIP!.value).toBe(service.spec.clusterIP);
      expect(service.spec).toMatchObject({ type: 'ClusterIP', selector: { 'app.kubernetes.io/name': 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
      const slices = JSON.parse(kubectl(env, ['-n', NS, 'get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'json'])).items;
      expect(slices.flatMap((s: any) => s.endpoints ?? []).length).toBeGreaterThanOrEqual(1);

      // The autoscaler raises the Deployment (created with Kubernetes' 1 replica) to minReplicas.
      let deployment: any;
      for (let i = 0; i < 60 && deployment?.spec?.replicas !== 2; i++) {
        await new Promise((r) => setTimeout(r, 2000));
        deployment = live(env, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: NS } });
      }
      expect(deployment.spec.replicas).toBe(2);
      expect(live(env, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: NS } }).spec.maxUnavailable).toBe(1);

      const log = new EventLog();
      const again = await stack.up({ onEvent: log.onEvent });
      expect(log.steps().filter((s) => s.op !== 'same')).toEqual([]);
      expect(again.summary.resourceChanges).toEqual({ same: 6 }); // the stack, the component and its 4 children
      expect(live(env, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: NS } }).spec.replicas).toBe(2);

      const destroyed = await stack.destroy();
      expect(destroyed.summary.resourceChanges).toEqual({ delete: 6 });
      await gone(env, [
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: NS } },
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: NS } },
        { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: NS } },
        { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: NS } },
      ]);
    } finally {
      await stack.destroy().catch(() => undefined);
      await stack.workspace.removeStack('expose').catch(() => undefined);
    }
  });
});
