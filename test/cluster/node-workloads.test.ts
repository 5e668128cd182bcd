// Issue 11, points 1–3: the library's workloads run for real in gVisor under
// a real kubelet — SandboxedPod, SandboxedDeployment, SandboxedJob,
// UntrustedCodeSandbox and EdgeSandbox — and inside a pod the hardened
// defaults hold: gVisor's kernel, uid 1000, read-only root, a writable and
// capped /tmp, no service-account token, no capabilities, one sandbox per pod,
// the RuntimeClass overhead on the pod.
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { TOOLS_BIN, applyServerSide, freshNamespaces, isReady, kubectl, kubectlJson, kubectlOk, waitFor } from './helpers/cluster';
import {
  BUSYBOX, applyNodeRuntimeClasses, describeNode, exec, execOk, getPod, jobCondition, logsOf, ownStateDir, podReady, podsWith,
  restrictedNamespace, synth, testOnOwnNode,
} from './node/pods';
import { EdgeRuntimeClass, EdgeSandbox, GvisorRuntimeClass, SandboxedDeployment, SandboxedJob, SandboxedPod, UntrustedCodeSandbox } from '../../lib/cdk8s';

const NS = 'node-work';
const sleeper = (name: string) => ({ name, image: BUSYBOX, command: ['sleep', '3600'] });

describeNode('gVisor workloads on the test node (issue 11: 1–3)', () => {
  let nodeName: string;

  beforeAll(async () => {
    applyNodeRuntimeClasses();
    await freshNamespaces([NS]);
    applyServerSide([restrictedNamespace(NS)]);
    nodeName = kubectlJson(['get', 'nodes']).items[0].metadata.name;
  }, 240_000);

  afterAll(() => {
    kubectl(['delete', 'namespace', NS, '--ignore-not-found', '--wait=false']);
    if (nodeName) kubectl(['label', 'node', nodeName, 'node-type-']);
  });

  describe('SandboxedPod: two containers, the hardened defaults', () => {
    let pod: any;
    beforeAll(async () => {
      applyServerSide(synth((c) => {
        const rc = new GvisorRuntimeClass(c, 'gvisor');
        new SandboxedPod(c, 'probe', { runtimeClass: rc, namespace: NS, containers: [sleeper('main'), sleeper('side')] });
        new SandboxedPod(c, 'other', { runtimeClass: rc, namespace: NS, containers: [sleeper('main')] });
      }).filter((o) => o.kind !== 'RuntimeClass'));
      pod = await podReady(NS, 'probe');
      await podReady(NS, 'other');
    }, 240_000);

    test('runs on the node with the gvisor RuntimeClass, carrying its overhead', () => {
      expect(pod.spec.runtimeClassName).toBe('gvisor');
      expect(pod.spec.overhead).toEqual({ cpu: '100m', memory: '160Mi' });
      expect(pod.spec.nodeName).toBe(nodeName);
      expect(pod.status.phase).toBe('Running');
    });

    test("the kernel is gVisor's (uname, /proc/version), not the host's; its log is closed to uid 1000", () => {
      expect(execOk(NS, 'probe', ['cat', '/proc/version'])).toMatch(/^Linux version \S+-gvisor /);
      // dmesg needs CAP_SYSLOG under gVisor's dmesg_restrict: the hardened pod has none.
      expect(exec(NS, 'probe', ['dmesg']).stderr).toMatch(/klogctl: Operation not permitted/);
      const release = execOk(NS, 'probe', ['uname', '-r']).trim();
      // Current gVisor advertises 4.19.0-gvisor (its releases before 2026: 4.4.0).
      expect(release).toMatch(/^(4\.19\.0-gvisor|4\.4\.0)$/);
      expect(release).not.toBe(os.release());
    });

    test('runs as uid 1000, not root', () => {
      expect(execOk(NS, 'probe', ['id', '-u']).trim()).toBe('1000');
      expect(execOk(NS, 'probe', ['id', '-g']).trim()).not.toBe('0');
    });

    test('the root filesystem is read-only; /tmp is writable', () => {
      const rootMount = execOk(NS, 'probe', ['awk', '$2 == "/" { print $4 }', '/proc/mounts']).trim().split('\n');
      expect(rootMount.length).toBeGreaterThan(0);
      for (const options of rootMount) expect(options.split(',')[0]).toBe('ro');
      expect(exec(NS, 'probe', ['touch', '/probe']).status).not.toBe(0);
      expect(execOk(NS, 'probe', ['sh', '-c', 'echo written > /tmp/probe && cat /tmp/probe'])).toBe('written\n');
      expect(pod.spec.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
    });

    test('no service-account token is mounted', () => {
      expect(pod.spec.automountServiceAccountToken).toBe(false);
      const r = exec(NS, 'probe', ['ls', '/var/run/secrets/kubernetes.io/serviceaccount']);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/No such file or directory/);
    });

    test('every capability set is empty; privilege escalation is off', () => {
      const status = execOk(NS, 'probe', ['cat', '/proc/self/status']);
      const field = (name: string) => new RegExp(`^${name}:\\s*(\\S+)`, 'm').exec(status)?.[1];
      expect(['CapInh', 'CapPrm', 'CapEff', 'CapBnd'].map((c) => [c, field(c)])).toEqual(
        ['CapInh', 'CapPrm', 'CapEff', 'CapBnd'].map((c) => [c, '0000000000000000']),
      );
      // gVisor's status has no CapAmb line; where there is one, it is empty too.
      expect(field('CapAmb') ?? '0000000000000000').toBe('0000000000000000');
      for (const c of pod.spec.containers) expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    });

    testOnOwnNode()("the pod's containers share one sandbox (one runsc sandbox process); another pod has its own", () => {
      const root = path.join(ownStateDir() as string, 'node', 'runsc-root', 'runsc', 'k8s.io');
      const sandboxPid = (p: any, container: string) => {
        const id = String(p.status.containerStatuses.find((c: any) => c.name === container).containerID).replace(/^containerd:\/\//, '');
        const r = spawnSync(path.join(TOOLS_BIN, 'runsc'), ['--root', root, 'state', id], { encoding: 'utf8' });
        return JSON.parse(r.stdout).pid as number;
      };
      const probe = getPod(NS, 'probe');
      const main = sandboxPid(probe, 'main');
      expect(main).toBeGreaterThan(1);
      expect(sandboxPid(probe, 'side')).toBe(main);
      expect(sandboxPid(getPod(NS, 'other'), 'main')).not.toBe(main);
    });
  });

  test('SandboxedDeployment: every replica becomes Ready, each in gVisor', async () => {
    applyServerSide(synth((c) => {
      new SandboxedDeployment(c, 'web', { runtimeClass: 'gvisor', namespace: NS, replicas: 2, containers: [sleeper('main')] });
    }));
    await waitFor('deployment web to have 2 ready replicas', () => {
      const d = kubectlJson(['-n', NS, 'get', 'deployment', 'web']);
      return d.status?.readyReplicas === 2 && d.status?.updatedReplicas === 2 ? d : undefined;
    }, 240_000, 1000);
    const pods = podsWith(NS, { 'app.kubernetes.io/name': 'web' });
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(p.spec.runtimeClassName).toBe('gvisor');
      expect(execOk(NS, p.metadata.name, ['cat', '/proc/version'])).toMatch(/-gvisor /);
    }
  }, 300_000);

  test('SandboxedJob: runs to Complete inside gVisor', async () => {
    applyServerSide(synth((c) => {
      new SandboxedJob(c, 'once', { runtimeClass: 'gvisor', namespace: NS, containers: [{ name: 'main', image: BUSYBOX, command: ['sh', '-c', 'uname -r; grep -c gvisor /proc/version; id -u'] }] });
    }));
    const job = await jobCondition(NS, 'once', 'Complete');
    expect(job.status.succeeded).toBe(1);
    const [pod] = podsWith(NS, { 'job-name': 'once' });
    expect(logsOf(NS, pod.metadata.name)).toMatch(/^(4\.19\.0-gvisor|4\.4\.0)\n1\n1000\n$/);
  }, 240_000);

  test('UntrustedCodeSandbox: runs the code from its ConfigMap, without network, to Complete', async () => {
    applyServerSide(synth((c) => {
      new UntrustedCodeSandbox(c, 'calc', {
        runtimeClass: 'gvisor',
        namespace: NS,
        image: BUSYBOX,
        command: ['sh', '/code/main.sh'],
        code: { 'main.sh': 'echo "answer=$((6 * 7))"\nid -u\necho scratch > /tmp/s && cat /tmp/s\ntouch /code/x 2>/dev/null || echo code-read-only\n' },
      });
    }));
    const job = await jobCondition(NS, 'calc', 'Complete');
    expect(job.spec.backoffLimit).toBe(0);
    const [pod] = podsWith(NS, { 'job-name': 'calc' });
    expect(pod.spec.runtimeClassName).toBe('gvisor');
    expect(logsOf(NS, pod.metadata.name)).toBe('answer=42\n1000\nscratch\ncode-read-only\n');
  }, 240_000);

  test('UntrustedCodeSandbox: a runaway is stopped at activeDeadlineSeconds and not retried', async () => {
    const deadline = 20;
    applyServerSide(synth((c) => {
      new UntrustedCodeSandbox(c, 'runaway', {
        runtimeClass: 'gvisor',
        namespace: NS,
        image: BUSYBOX,
        command: ['sh', '/code/spin.sh'],
        activeDeadlineSeconds: deadline,
        resources: { limits: { cpu: '250m', memory: '128Mi' } },
        code: { 'spin.sh': 'while :; do :; done\n' },
      });
    }));
    const job = await jobCondition(NS, 'runaway', 'Failed', 180_000);
    const failed = job.status.conditions.find((c: any) => c.type === 'Failed');
    expect(failed.reason).toBe('DeadlineExceeded');
    const ranFor = (Date.parse(failed.lastTransitionTime) - Date.parse(job.status.startTime)) / 1000;
    expect(ranFor).toBeGreaterThanOrEqual(deadline - 1);
    expect(ranFor).toBeLessThan(deadline + 30);
    // One pod, never a second try (backoffLimit 0).
    expect(job.status.succeeded ?? 0).toBe(0);
    expect((job.status.failed ?? 0) + (job.status.active ?? 0)).toBeLessThanOrEqual(1);
    await waitFor('the runaway pod to be gone or terminated', () => {
      const pods = podsWith(NS, { 'job-name': 'runaway' });
      return pods.every((p) => p.metadata.deletionTimestamp || ['Failed', 'Succeeded'].includes(p.status.phase)) ? pods : undefined;
    }, 60_000, 1000);
  }, 240_000);

  test('EdgeSandbox: Pending while no node is an edge node, Running once the node carries node-type=edge', async () => {
    kubectl(['label', 'node', nodeName, 'node-type-']);
    applyServerSide(synth((c) => {
      const rc = new EdgeRuntimeClass(c, 'gvisor-edge');
      new EdgeSandbox(c, 'edge-app', { runtimeClass: rc, namespace: NS, containers: [sleeper('main')] });
    }));
    const pending = await waitFor('the edge pod to be unschedulable', () => {
      const [p] = podsWith(NS, { 'app.kubernetes.io/name': 'edge-app' });
      const cond = p?.status?.conditions?.find((c: any) => c.type === 'PodScheduled');
      return cond?.status === 'False' && cond.reason === 'Unschedulable' ? p : undefined;
    }, 90_000, 1000);
    expect(pending.status.phase).toBe('Pending');
    expect(pending.spec.runtimeClassName).toBe('gvisor-edge');
    expect(pending.spec.nodeSelector).toEqual({ 'node-type': 'edge' });

    kubectlOk(['label', 'node', nodeName, 'node-type=edge', '--overwrite']);
    // The scheduler can bind the pod before the kubelet's copy of the node has
    // the label; the kubelet then rejects it (Failed, reason NodeAffinity) and
    // the Deployment makes another. Any Ready pod of it will do; a pod that
    // failed for any other reason fails the test.
    const running = await waitFor('a pod of the edge Deployment to be Ready on the edge node', () => {
      const pods = podsWith(NS, { 'app.kubernetes.io/name': 'edge-app' });
      for (const p of pods) {
        if (p.status?.phase === 'Failed' && p.status.reason !== 'NodeAffinity') throw new Error(`pod ${p.metadata.name} failed: ${JSON.stringify(p.status)}`);
      }
      return pods.find(isReady);
    }, 180_000, 1000);
    expect(running.spec.nodeName).toBe(nodeName);
    expect(execOk(NS, running.metadata.name, ['cat', '/proc/version'])).toMatch(/-gvisor /);
  }, 300_000);

  test('/tmp is capped at its sizeLimit (64Mi): writing past it fails or the pod is evicted', async () => {
    applyServerSide(synth((c) => {
      new SandboxedPod(c, 'filler', {
        runtimeClass: 'gvisor',
        namespace: NS,
        containers: [{ name: 'main', image: BUSYBOX, command: ['sh', '-c', 'dd if=/dev/zero of=/tmp/fill bs=1M count=96 2>&1; echo "dd exit $?"; sleep 3600'] }],
      });
    }));
    const outcome = await waitFor('the 96Mi write into /tmp to fail or the pod to be evicted', () => {
      const p = getPod(NS, 'filler');
      if (p.status?.phase === 'Failed' && p.status.reason === 'Evicted') return `evicted: ${p.status.message}`;
      if (p.status?.phase !== 'Running') return undefined;
      const log = kubectl(['-n', NS, 'logs', 'filler']).stdout;
      if (/dd exit [1-9]/.test(log)) return `write failed: ${log.trim().replace(/\n/g, ' | ')}`;
      return undefined;
    }, 150_000, 2000);
    // eslint-disable-next-line no-console
    console.log(`/tmp cap: ${outcome}`);
    expect(outcome).toMatch(/^(evicted: .*(emptyDir|ephemeral|tmp)|write failed: .*No space left)/i);
  }, 240_000);
});
