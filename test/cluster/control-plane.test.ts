// The cluster itself: what cluster:up promises (and what the other suites
// rely on) — Node + RBAC authorization with NodeRestriction, no anonymous
// access, loopback only, reuse of a running cluster.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, create, describeCluster, isOwnCluster, kubectl, kubectlOk } from './helpers/cluster';
import { registerNodes } from './helpers/nodes';

const ME = 'cp-node-a';
const OTHER = 'cp-node-b';
const asNode = (name: string) => ({ as: `system:node:${name}`, asGroups: ['system:nodes'] });

describeCluster('the control plane', () => {
  let stopNodes: () => void = () => undefined;

  beforeAll(() => {
    stopNodes = registerNodes([
      { name: ME, labels: {}, taints: [{ key: 'gvisor-iac.test/control-plane-suite', effect: 'NoSchedule' }] },
      { name: OTHER, labels: {}, taints: [{ key: 'gvisor-iac.test/control-plane-suite', effect: 'NoSchedule' }] },
    ]);
  });
  afterAll(() => stopNodes());

  describe('Node authorization and NodeRestriction (a kubelet\'s identity)', () => {
    test('a node may label itself, but not with node-restriction.kubernetes.io/ labels', () => {
      expect(kubectl(['label', 'node', ME, 'gvisor-iac.test/self=yes', '--overwrite'], asNode(ME)).status).toBe(0);
      const r = kubectl(['label', 'node', ME, 'node-restriction.kubernetes.io/trusted=yes'], asNode(ME));
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('is not allowed to modify labels: node-restriction.kubernetes.io/trusted');
    });

    test('a node may neither read nor modify another node', () => {
      const read = kubectl(['get', 'node', OTHER], asNode(ME));
      expect(read.status).not.toBe(0);
      expect(read.stderr).toContain(`node '${ME}' cannot read '${OTHER}', only its own Node object`);
      const other = JSON.parse(kubectlOk(['get', 'node', OTHER, '-o', 'json']));
      other.metadata.labels['gvisor-iac.test/hijacked'] = 'yes';
      const write = kubectl(['replace', '--raw', `/api/v1/nodes/${OTHER}`, '-f', '-'], { ...asNode(ME), input: JSON.stringify(other) });
      expect(write.status).not.toBe(0);
      expect(write.stderr).toMatch(new RegExp(`node "${ME}" is not allowed to modify node "${OTHER}"|node '${ME}' cannot (read|update) '${OTHER}'`));
    });

    test('a node may not read secrets no pod of its own uses', () => {
      kubectlOk(['-n', 'default', 'create', 'secret', 'generic', 'cp-unrelated', '--from-literal=k=v']);
      const r = kubectl(['-n', 'default', 'get', 'secret', 'cp-unrelated'], asNode(ME));
      kubectlOk(['-n', 'default', 'delete', 'secret', 'cp-unrelated']);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/no relationship found between node '[^']+' and this object/);
    });

    test('a node may not create pods bound elsewhere (mirror pods only, for itself)', () => {
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'cp-foreign', namespace: 'default' },
        spec: { nodeName: OTHER, containers: [{ name: 'c', image: 'gvisor-iac.test/busybox:1' }] },
      };
      const r = create(pod, { ...asNode(ME), dryRun: true });
      expect(r.status).not.toBe(0);
      const refusals = [/pod does not have "kubernetes\.io\/config\.mirror" annotation/, /can only create pods with spec\.nodeName set to itself/];
      expect(refusals.some((re) => re.test(r.stderr))).toBe(true);
    });
  });

  describe('the cluster cluster:up started', () => {
    const state = () => path.dirname(process.env.KUBECONFIG!);
    const server = () => /server: (\S+)/.exec(fs.readFileSync(process.env.KUBECONFIG!, 'utf8'))![1]!;
    const own = isOwnCluster() ? test : test.skip;

    own('serves on loopback only, and anonymous requests are refused', () => {
      expect(server()).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const anon = spawnSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', path.join(state(), 'ca.crt'), `${server()}/readyz`], { encoding: 'utf8' });
      expect(anon.stdout).toBe('401');
      const ss = spawnSync('ss', ['-Hltnp'], { encoding: 'utf8' }).stdout.split('\n');
      const ours = fs.readdirSync(path.join(state(), 'pids')).map((f) => fs.readFileSync(path.join(state(), 'pids', f), 'utf8').trim());
      const listening = ss.filter((l) => ours.some((pid) => l.includes(`pid=${pid},`)));
      expect(listening.length).toBeGreaterThanOrEqual(4);
      for (const l of listening) {
        if (/"(etcd|kube-apiserver|kube-controller-manager|kube-scheduler)"/.test(l)) expect(l).toMatch(/\s127\.0\.0\.1:\d+\s/);
      }
    });

    own('cluster:up again reuses it: same kubeconfig, same processes', () => {
      const pidsBefore = fs.readdirSync(path.join(state(), 'pids')).map((f) => fs.readFileSync(path.join(state(), 'pids', f), 'utf8'));
      const up = spawnSync('bash', [path.join(REPO_ROOT, 'test/cluster/up.sh')], { encoding: 'utf8', env: { ...process.env, GVISOR_IAC_NODE: '0' } });
      expect(up.status).toBe(0);
      expect(up.stdout.trim().split('\n').pop()).toBe(`KUBECONFIG=${process.env.KUBECONFIG}`);
      expect(up.stderr).toContain('reusing the running cluster');
      const pidsAfter = fs.readdirSync(path.join(state(), 'pids')).map((f) => fs.readFileSync(path.join(state(), 'pids', f), 'utf8'));
      expect(pidsAfter).toEqual(pidsBefore);
    });

    own('the state directory holds what the node needs', () => {
      for (const f of ['ca.crt', 'ca.key', 'admin.kubeconfig', 'kubelet.kubeconfig', 'kubelet.crt', 'kubelet.key', 'node-name', 'cluster.env']) {
        expect([f, fs.existsSync(path.join(state(), f))]).toEqual([f, true]);
      }
      const nodeName = fs.readFileSync(path.join(state(), 'node-name'), 'utf8').trim();
      const who = spawnSync('openssl', ['x509', '-noout', '-subject', '-in', path.join(state(), 'kubelet-client.crt')], { encoding: 'utf8' }).stdout;
      expect(who).toContain(`O = system:nodes, CN = system:node:${nodeName}`);
    });
  });
});
