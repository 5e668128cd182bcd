// Issue 13, point 3, on the real cluster: a sandboxed Deployment, the Service its
// expose() makes, a cdk8s-plus Service that selects it, its PodDisruptionBudget and
// its HorizontalPodAutoscaler are accepted by the API server (server-side apply,
// strict field validation), and the controllers act on them: the EndpointSlices of
// both Services list the gVisor pods' IPs and serve their page, the budget counts
// the pods, the autoscaler scales the Deployment to minReplicas — and applying the
// manifests again leaves the count to the autoscaler.
//
// The test node runs no service proxy (kube-router runs its firewall only), so
// nothing answers on a ClusterIP: the endpoints are reached at the addresses the
// EndpointSlice lists, which is what a proxy would forward to.
import * as kplus from 'cdk8s-plus-33';
import { FIELD_MANAGER, applyServerSide, freshNamespaces, isReady, kubectl, kubectlJson, waitFor } from './helpers/cluster';
import { BUSYBOX, applyNodeRuntimeClasses, describeNode, exec, podReady, podsWith, restrictedNamespace, synth } from './node/pods';
import { SandboxedDeployment, SandboxedPod } from '../../lib/cdk8s';

const NS = 'expose-web';

const server = {
  name: 'web',
  image: BUSYBOX,
  ports: [{ name: 'http', containerPort: 8080 }],
  command: ['sh', '-c', 'hostname > /tmp/index.html && exec httpd -f -p 8080 -h /tmp'],
  readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 2 },
};

/** Objects of the suite, as `cdk8s synth` writes them. */
function manifests(): any[] {
  return synth((chart) => {
    const web = new SandboxedDeployment(chart, 'web', {
      namespace: NS,
      containers: [server],
      disruptionBudget: { maxUnavailable: 1 },
      autoscaling: { minReplicas: 2, maxReplicas: 3 },
    });
    web.expose({ ports: [{ targetPort: 'http', port: 80 }] });
    new kplus.Service(chart, 'kplus', { metadata: { name: 'web-kplus', namespace: NS }, selector: web, ports: [{ port: 8080, targetPort: 8080 }] });
    const sleeper = [{ name: 'main', image: BUSYBOX, command: ['sleep', '3600'] }];
    const client = new SandboxedPod(chart, 'client', { namespace: NS, containers: sleeper });
    new SandboxedPod(chart, 'intruder', { namespace: NS, containers: sleeper });
    // cdk8s-plus isolates the sandboxed workload: ingress from the client pod only.
    new kplus.NetworkPolicy(chart, 'web-ingress', {
      metadata: { name: 'web-from-client' },
      selector: web,
      ingress: { rules: [{ peer: client, ports: [kplus.NetworkPolicyPort.tcp(8080)] }] },
    });
  });
}

/** The ready endpoint addresses of a Service's EndpointSlices, and their ports. */
function readyEndpoints(service: string): { addresses: string[]; ports: any[] } {
  const slices = kubectlJson(['-n', NS, 'get', 'endpointslices', '-l', `kubernetes.io/service-name=${service}`]).items;
  return {
    addresses: slices.flatMap((s: any) => (s.endpoints ?? []).filter((e: any) => e.conditions?.ready).flatMap((e: any) => e.addresses)).sort(),
    ports: slices.flatMap((s: any) => s.ports ?? []),
  };
}

/** An HTTP GET from a pod: the page, or "blocked". */
function fetchFrom(pod: string, host: string, port: number): string {
  const r = exec(NS, pod, ['sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 4 ${host} ${port} 2>/dev/null | tail -n 1 | grep . || echo blocked`]);
  return r.status === 0 ? r.stdout.trim() : `exec failed: ${r.stderr}`;
}

describeNode('expose(), selection, disruption budget and autoscaling on the test cluster (issue 13: 3)', () => {
  let applied: any[];
  let pods: any[];

  beforeAll(async () => {
    applyNodeRuntimeClasses();
    await freshNamespaces([NS]);
    applyServerSide([restrictedNamespace(NS)]);
    applied = applyServerSide(manifests());
    await podReady(NS, 'client');
    await podReady(NS, 'intruder');
    // The autoscaler raises the Deployment (which sets no replicas: 1 at creation) to minReplicas 2.
    pods = await waitFor('two ready web pods', () => {
      const ready = podsWith(NS, { 'app.kubernetes.io/name': 'web' }).filter(isReady);
      return ready.length === 2 ? ready : undefined;
    }, 240_000, 2000);
  }, 420_000);

  afterAll(() => {
    kubectl(['delete', 'namespace', NS, '--ignore-not-found', '--wait=false']);
  });

  test('the API server accepts every object (strict field validation); the Deployment sets no replicas', () => {
    expect(applied.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Deployment/web', 'HorizontalPodAutoscaler/web', 'NetworkPolicy/web-from-client', 'Pod/client', 'Pod/intruder', 'PodDisruptionBudget/web', 'Service/web', 'Service/web-kplus',
    ]);
    // Of the fields this apply owns, spec.replicas is none: the autoscaler's writes are never undone by an apply.
    const ours = kubectlJson(['-n', NS, 'get', 'deployment', 'web', '--show-managed-fields']).metadata.managedFields.find((f: any) => f.manager === FIELD_MANAGER);
    expect(Object.keys(ours.fieldsV1['f:spec']).sort()).toEqual(['f:selector', 'f:template']);
  });

  test('the web pods run in gVisor, and both Services\' EndpointSlices list exactly their IPs', async () => {
    for (const p of pods) expect(p.spec.runtimeClassName).toBe('gvisor');
    const ips = pods.map((p) => p.status.podIP).sort();
    for (const service of ['web', 'web-kplus']) {
      const endpoints = await waitFor(`EndpointSlice of ${service} with both pods`, () => {
        const e = readyEndpoints(service);
        return e.addresses.length === 2 ? e : undefined;
      }, 60_000, 1000);
      expect(endpoints.addresses).toEqual(ips);
      expect(endpoints.ports).toEqual([service === 'web' ? { name: 'http', port: 8080, protocol: 'TCP' } : { name: '', port: 8080, protocol: 'TCP' }]);
    }
    const svc = kubectlJson(['-n', NS, 'get', 'service', 'web']);
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }]);
  });

  test('each endpoint serves its own page to a client pod (what a service proxy would forward to)', () => {
    const { addresses, ports } = readyEndpoints('web');
    const names = pods.map((p) => p.metadata.name).sort();
    expect(addresses.map((ip) => fetchFrom('client', ip, ports[0].port)).sort()).toEqual(names);
  });

  test('the cdk8s-plus NetworkPolicy selecting the workload is enforced: the client gets through, another pod does not', async () => {
    const policy = kubectlJson(['-n', NS, 'get', 'networkpolicy', 'web-from-client']);
    expect(policy.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'web' } });
    const [ip] = readyEndpoints('web').addresses;
    await waitFor('the intruder to be blocked', () => (fetchFrom('intruder', ip!, 8080) === 'blocked' ? true : undefined), 90_000, 2000);
    expect(pods.map((p) => p.metadata.name)).toContain(fetchFrom('client', ip!, 8080));
  });

  test('the PodDisruptionBudget counts the pods and allows one disruption', async () => {
    const pdb = await waitFor('PDB status for two pods', () => {
      const p = kubectlJson(['-n', NS, 'get', 'pdb', 'web']);
      return p.status?.expectedPods === 2 && p.status?.currentHealthy === 2 ? p : undefined;
    }, 60_000, 1000);
    expect(pdb.status).toMatchObject({ expectedPods: 2, currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1 });
  });

  test('the HorizontalPodAutoscaler resolved its target and owns the replica count: applying again does not reset it', async () => {
    const hpa = await waitFor('the HPA status to report 2 replicas', () => {
      const h = kubectlJson(['-n', NS, 'get', 'hpa', 'web']);
      return h.status?.currentReplicas === 2 ? h : undefined;
    }, 60_000, 2000);
    expect(hpa.status.desiredReplicas).toBe(2);
    expect(hpa.status.conditions).toContainEqual(expect.objectContaining({ type: 'AbleToScale', status: 'True' }));
    applyServerSide(manifests());
    await new Promise((r) => setTimeout(r, 3000));
    expect(kubectlJson(['-n', NS, 'get', 'deployment', 'web']).spec.replicas).toBe(2);
  });
});
