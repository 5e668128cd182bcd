// cdk8s-plus selects sandboxed workloads as it selects its own: the workloads are
// structurally IPodSelector and INetworkPolicyPeer (gvisor-iac does not depend on
// cdk8s-plus). This file type-checks those uses (`selector: web` compiles) and
// checks what cdk8s-plus synthesises from them.
import * as kplus from 'cdk8s-plus-33';
import { expectRefusal } from '../helpers/refusal';
import { newChart, synth } from '../helpers/synth';
import { EdgeSandbox, SandboxedDeployment, SandboxedJob, SandboxedPod, UntrustedCodeSandbox } from 'gvisor-iac/cdk8s';

const app = { name: 'app', image: 'registry.example.com/app:1.2', ports: [{ name: 'http', containerPort: 8080 }] };
const find = (objects: any[], kind: string, name?: string) => {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  expect(found).toHaveLength(1);
  return found[0];
};

// Compile-time proof: each workload is assignable to the cdk8s-plus selection interfaces.
type Workloads = [SandboxedDeployment, SandboxedPod, SandboxedJob, EdgeSandbox, UntrustedCodeSandbox];
const _typeCheck = (...[web, pod, job, edge, run]: Workloads): kplus.IPodSelector[] => {
  const peers: kplus.INetworkPolicyPeer[] = [web, pod, job, edge, run];
  return peers.map((p) => p.toPodSelector()!);
};
void _typeCheck;

describe('cdk8s-plus selects sandboxed workloads', () => {
  test('kplus.Service({ selector: web }) selects the Deployment\'s pods, and an Ingress routes to it', () => {
    const objects = synth((chart) => {
      const web = new SandboxedDeployment(chart, 'web', { containers: [app] });
      const svc = new kplus.Service(chart, 'svc', { selector: web, ports: [{ port: 80, targetPort: 8080 }] });
      new kplus.Ingress(chart, 'ingress', { defaultBackend: kplus.IngressBackend.fromService(svc) });
    });
    const svc = find(objects, 'Service');
    expect(svc.spec.selector).toEqual({ 'app.kubernetes.io/name': 'web' });
    expect(svc.spec.selector).toEqual(find(objects, 'Deployment').spec.selector.matchLabels);
    expect(svc.spec.ports).toEqual([{ port: 80, targetPort: 8080 }]);
    expect(find(objects, 'Ingress').spec.defaultBackend).toEqual({ service: { name: svc.metadata.name, port: { number: 80 } } });
  });

  test('service.select(pod) and a Job: their selector label', () => {
    const objects = synth((chart) => {
      const pod = new SandboxedPod(chart, 'one', { containers: [app] });
      const job = new SandboxedJob(chart, 'batch', { containers: [app] });
      new kplus.Service(chart, 'to-pod', { ports: [{ port: 80 }] }).select(pod);
      new kplus.Service(chart, 'to-job', { ports: [{ port: 80 }] }).select(job);
    });
    const services = objects.filter((o) => o.kind === 'Service');
    expect(services.map((s) => s.spec.selector)).toEqual([{ 'app.kubernetes.io/name': 'one' }, { 'app.kubernetes.io/name': 'batch' }]);
    expect(find(objects, 'Pod').metadata.labels).toMatchObject(services[0].spec.selector);
    expect(find(objects, 'Job').spec.template.metadata.labels).toMatchObject(services[1].spec.selector);
  });

  test('kplus.NetworkPolicy({ selector: web }) takes the workload\'s namespace; a workload as ingress and egress peer', () => {
    const objects = synth((chart) => {
      const web = new SandboxedDeployment(chart, 'web', { namespace: 'shop', containers: [app] });
      const edge = new EdgeSandbox(chart, 'edge', { namespace: 'edge', containers: [app] });
      new kplus.NetworkPolicy(chart, 'web-in', {
        selector: web,
        ingress: { rules: [{ peer: edge, ports: [kplus.NetworkPolicyPort.tcp(8080)] }] },
        egress: { rules: [{ peer: edge }] },
      });
    });
    const np = find(objects, 'NetworkPolicy');
    expect(np.metadata.namespace).toBe('shop');
    expect(np.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'web' } });
    const edgePeer = { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'edge' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge' } } };
    expect(np.spec.ingress).toEqual([{ from: [edgePeer], ports: [{ port: 8080, protocol: 'TCP' }] }]);
    expect(np.spec.egress).toEqual([{ to: [edgePeer], ports: [] }]); // cdk8s-plus' own output for a rule without ports
    expect(np.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
  });

  test('a cdk8s-plus workload\'s connections.allowTo(web) makes the policies on both sides, the sandboxed side selecting its pods', () => {
    const objects = synth((chart) => {
      const web = new SandboxedDeployment(chart, 'web', { namespace: 'shop', containers: [app] });
      const client = new kplus.Deployment(chart, 'client', { metadata: { namespace: 'shop' }, containers: [{ image: 'client:1', portNumber: 9000 }] });
      client.connections.allowTo(web, { ports: [kplus.NetworkPolicyPort.tcp(8080)] });
    });
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    expect(policies).toHaveLength(2);
    const toWeb = policies.find((p) => p.spec.podSelector.matchLabels?.['app.kubernetes.io/name'] === 'web');
    expect(toWeb.metadata.namespace).toBe('shop');
    expect(toWeb.spec.policyTypes).toEqual(['Ingress']);
    expect(toWeb.spec.ingress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    const fromClient = policies.find((p) => p !== toWeb);
    expect(fromClient.spec.egress[0].to).toEqual([{
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } },
    }]);
  });

  test('an UntrustedCodeSandbox is selected by its run label', () => {
    const objects = synth((chart) => {
      const run = new UntrustedCodeSandbox(chart, 'run-1', { image: 'python:3.12-slim', command: ['python', '-c', '1'] });
      new kplus.NetworkPolicy(chart, 'extra', { selector: run, egress: { rules: [{ peer: kplus.Pods.all(chart, 'all') }] } });
    });
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    expect(policies.map((p) => p.spec.podSelector)).toEqual([
      { matchLabels: { 'gvisor-iac.dev/run': 'run-1' } },
      { matchLabels: { 'gvisor-iac.dev/run': 'run-1' } },
    ]);
  });

  test('the selector config itself: labels, namespace, no cdk8s-plus import needed', () => {
    synth((chart) => {
      const web = new SandboxedDeployment(chart, 'web', { namespace: 'shop', labels: { 'app.kubernetes.io/name': 'shop-web' }, containers: [app] });
      expect(web.podSelector).toEqual({ 'app.kubernetes.io/name': 'shop-web' });
      const config = web.toPodSelectorConfig();
      expect(config.labelSelector.isEmpty()).toBe(false);
      expect(config.labelSelector._toKube()).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'shop-web' } });
      expect(config.namespaces).toEqual({ names: ['shop'] });
      expect(web.toNetworkPolicyPeerConfig()).toEqual({ podSelector: expect.objectContaining({ namespaces: { names: ['shop'] } }) });
      expect(web.toPodSelector()).toBe(web);
      // The returned selector is a copy: changing it changes nothing.
      (config.labelSelector._toKube().matchLabels as any).x = 'y';
      expect(web.toPodSelectorConfig().labelSelector._toKube()).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'shop-web' } });
    });
  });

  test('a workload whose pods lost their selector label is refused as a selector (an empty one selects every pod)', () => {
    const { chart } = newChart();
    {
      const pod = new SandboxedPod(chart, 'bare', { containers: [app], overrides: [{ patch: [{ op: 'remove', path: '/metadata/labels/app.kubernetes.io~1name' }] }] });
      expect(pod.podSelector).toEqual({});
      expectRefusal(() => new kplus.Service(chart, 'svc', { selector: pod }), { code: 'INVALID_VALUE', field: 'test/bare.podSelector', message: 'selects every pod' });
      expectRefusal(() => pod.expose(), { code: 'INVALID_VALUE', field: 'options', message: 'carry no selector label' });
    }
  });
});
