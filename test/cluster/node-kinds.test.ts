// Issue 13, points 1–2, on a real kubelet: the first-class StatefulSet,
// CronJob and DaemonSet constructs run their pods in gVisor (runtimeClassName
// gvisor, gVisor's kernel inside), a CronJob's pods are created by the
// CronJob controller on schedule, and the pod-template labels and
// annotations reach the running pods.
import { applyServerSide, freshNamespaces, kubectl, kubectlJson, waitFor } from './helpers/cluster';
import { BUSYBOX, applyNodeRuntimeClasses, describeNode, execOk, jobCondition, logsOf, podReady, podsWith, restrictedNamespace, synth } from './node/pods';
import { SandboxedCronJob, SandboxedDaemonSet, SandboxedStatefulSet } from '../../lib/cdk8s';

const NS = 'kinds-node';
const sleeper = (name: string) => ({ name, image: BUSYBOX, command: ['sleep', '3600'] });
const POD_META = { podLabels: { 'gvisor-iac.test/kind': 'yes' }, podAnnotations: { 'prometheus.io/scrape': 'true' } };

describeNode('the new workload kinds run in gVisor on the test node (issue 13: 1–2)', () => {
  beforeAll(async () => {
    applyNodeRuntimeClasses();
    await freshNamespaces([NS]);
    applyServerSide([restrictedNamespace(NS)]);
  }, 240_000);

  afterAll(() => {
    kubectl(['delete', 'namespace', NS, '--ignore-not-found', '--wait=false']);
  });

  test('SandboxedStatefulSet: ordered pods with stable names, each Ready in gVisor, carrying the pod labels and annotations', async () => {
    applyServerSide(synth((c) => {
      new SandboxedStatefulSet(c, 'db', { runtimeClass: 'gvisor', namespace: NS, replicas: 2, containers: [sleeper('main')], ...POD_META });
    }));
    for (const name of ['db-0', 'db-1']) {
      const pod = await podReady(NS, name, 240_000);
      expect(pod.spec.runtimeClassName).toBe('gvisor');
      expect(pod.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'db', 'gvisor-iac.test/kind': 'yes', 'statefulset.kubernetes.io/pod-name': name });
      expect(pod.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true' });
      expect(execOk(NS, name, ['cat', '/proc/version'])).toMatch(/-gvisor /);
      expect(execOk(NS, name, ['id', '-u']).trim()).toBe('1000');
    }
    const sts = kubectlJson(['-n', NS, 'get', 'statefulset', 'db']);
    expect(sts.spec.serviceName ?? '').toBe('');
  }, 300_000);

  test('SandboxedCronJob: the controller creates a Job on schedule whose pod runs to Complete in gVisor', async () => {
    applyServerSide(synth((c) => {
      new SandboxedCronJob(c, 'tick', {
        runtimeClass: 'gvisor',
        namespace: NS,
        schedule: '* * * * *',
        ...POD_META,
        containers: [{ name: 'main', image: BUSYBOX, command: ['sh', '-c', 'uname -r; grep -c gvisor /proc/version; id -u'] }],
      });
    }));
    const cron = kubectlJson(['-n', NS, 'get', 'cronjob', 'tick']);
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
    const job = await waitFor('the CronJob controller to create a Job', () => {
      const jobs = kubectlJson(['-n', NS, 'get', 'jobs']).items.filter((j: any) => j.metadata.ownerReferences?.some((o: any) => o.kind === 'CronJob' && o.name === 'tick'));
      return jobs[0];
    }, 150_000, 2000);
    expect(job.spec).toMatchObject({ backoffLimit: 3, activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 3600 });
    const done = await jobCondition(NS, job.metadata.name, 'Complete', 180_000);
    expect(done.status.succeeded).toBe(1);
    const [pod] = podsWith(NS, { 'job-name': job.metadata.name });
    expect(pod.spec.runtimeClassName).toBe('gvisor');
    expect(pod.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'tick', 'gvisor-iac.test/kind': 'yes' });
    expect(pod.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true' });
    expect(logsOf(NS, pod.metadata.name)).toMatch(/^(4\.19\.0-gvisor|4\.4\.0)\n1\n1000\n$/);
    // Stop further runs before the namespace goes.
    kubectl(['-n', NS, 'patch', 'cronjob', 'tick', '--type=merge', '-p', '{"spec":{"suspend":true}}']);
  }, 360_000);

  test('SandboxedDaemonSet: one pod on the node, Ready in gVisor', async () => {
    applyServerSide(synth((c) => {
      new SandboxedDaemonSet(c, 'agent', { runtimeClass: 'gvisor', namespace: NS, containers: [sleeper('main')], ...POD_META });
    }));
    const ds = await waitFor('daemonset agent to have its pod ready', () => {
      const d = kubectlJson(['-n', NS, 'get', 'daemonset', 'agent']);
      return d.status?.numberReady >= 1 && d.status.numberReady === d.status.desiredNumberScheduled ? d : undefined;
    }, 240_000, 1000);
    expect(ds.status.numberReady).toBeGreaterThanOrEqual(1);
    const [pod] = podsWith(NS, { 'app.kubernetes.io/name': 'agent' });
    expect(pod.spec.runtimeClassName).toBe('gvisor');
    expect(pod.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true' });
    expect(execOk(NS, pod.metadata.name, ['cat', '/proc/version'])).toMatch(/-gvisor /);
  }, 300_000);
});
