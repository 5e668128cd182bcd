// Issue 11, point 5: the node renderers on current releases, through the test
// node. containerd 2.x runs the main config and the schema-3 drop-ins that
// renderContainerdConfig wrote (one gVisor handler each); gVisor's own shim
// reads the runsc.toml renderRunscToml wrote for each handler, and runsc —
// built from gVisor's current source — logs the configuration it ended up
// with: systrap (today's default platform), directfs, each overlay2 variant.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyServerSide, freshNamespaces, kubectl, kubectlOk } from './helpers/cluster';
import { NODE_HANDLERS } from './node/handlers';
import { BUSYBOX, applyNodeRuntimeClasses, describeNode, execOk, ownStateDir, podReady, restrictedNamespace, synth } from './node/pods';
import { SandboxedPod } from '../../lib/cdk8s';

const NS = 'node-runtime';

/** runsc's log files for one handler that mention `containerId` (written because runsc.toml sets debug-log). */
function runscLogsFor(state: string, handler: string, containerId: string): string[] {
  const dir = path.join(state, 'node', 'logs', 'runsc', handler);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).filter((text) => text.includes(containerId));
}

describeNode('node renderers on current gVisor and containerd 2.x (issue 11: 5)', () => {
  const state = ownStateDir();
  const onOwnNode = state ? test : test.skip;
  const handlers = state ? NODE_HANDLERS : NODE_HANDLERS.slice(0, 1);
  const containerIds: Record<string, string> = {};

  beforeAll(async () => {
    applyNodeRuntimeClasses();
    await freshNamespaces([NS]);
    applyServerSide([restrictedNamespace(NS)]);
    applyServerSide(synth((c) => {
      for (const h of handlers) {
        new SandboxedPod(c, h.handler, {
          runtimeClass: h.runtimeClass,
          namespace: NS,
          containers: [{ name: 'main', image: BUSYBOX, command: ['sleep', '3600'], securityContext: { readOnlyRootFilesystem: false } }],
        });
      }
    }));
    for (const h of handlers) {
      const pod = await podReady(NS, h.handler);
      containerIds[h.handler] = String(pod.status.containerStatuses[0].containerID).replace(/^containerd:\/\//, '');
    }
  }, 360_000);

  afterAll(() => {
    kubectl(['delete', 'namespace', NS, '--ignore-not-found', '--wait=false']);
  });

  test.each(NODE_HANDLERS.map((h) => [h.runtimeClass, h.handler]))('RuntimeClass %s (handler %s): the pod runs inside gVisor', (runtimeClass, handler) => {
    if (!containerIds[handler]) return; // a foreign cluster only has the default class
    expect(kubectlOk(['-n', NS, 'get', 'pod', handler, '-o', 'jsonpath={.spec.runtimeClassName}'])).toBe(runtimeClass);
    expect(execOk(NS, handler, ['cat', '/proc/version'])).toMatch(/-gvisor /);
  });

  onOwnNode('containerd 2.x served the handlers of the schema-3 drop-ins (conf.d/*.toml) next to the main config\'s', () => {
    const conf = path.join(state as string, 'node', 'containerd');
    expect(fs.readFileSync(path.join(conf, 'config.toml'), 'utf8')).toMatch(/^version = 3$/m);
    for (const h of handlers.slice(1)) {
      const dropIn = fs.readFileSync(path.join(conf, 'conf.d', `${h.handler}.toml`), 'utf8');
      expect(dropIn).toContain(`[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.${h.handler}]`);
      expect(containerIds[h.handler]).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  onOwnNode.each(NODE_HANDLERS.map((h) => [h.handler, h]))('%s: the shim read its runsc.toml, and runsc ran with its options', (handler, h) => {
    const logs = runscLogsFor(state as string, handler, containerIds[handler] as string);
    // The log directory is named only in this handler's runsc.toml.
    expect(logs.length).toBeGreaterThan(0);
    const all = logs.join('\n');
    expect(all).toMatch(/Platform: systrap/);
    expect(all).toContain(h.expectedConfigLine);
    expect(all).toMatch(/Network: sandbox/);
    for (const flag of ['--oci-seccomp=true', '--host-uds=none', '--host-fifo=none', '--net-raw=false', '--file-access=exclusive']) expect(all).toContain(flag);
    expect(all).toMatch(/Version release-\d{8}\.\d+/);
  });

  onOwnNode('overlay2: with "none" the container\'s writes reach the host\'s rootfs, with root:memory they stay in the sandbox', () => {
    const snapshots = path.join(state as string, 'node', 'containerd', 'root', 'io.containerd.snapshotter.v1.overlayfs', 'snapshots');
    const landed = (marker: string) => fs.readdirSync(snapshots).some((s) => fs.existsSync(path.join(snapshots, s, 'fs', 'home', 'sandbox', marker)));
    for (const [handler, reachesHost] of [['runsc-overlay-none', true], ['runsc-overlay-memory', false]] as const) {
      const marker = `overlay-probe-${handler}`;
      execOk(NS, handler, ['sh', '-c', `echo probe > /home/sandbox/${marker} && cat /home/sandbox/${marker}`]);
      expect([handler, landed(marker)]).toEqual([handler, reachesHost]);
    }
  });
});
