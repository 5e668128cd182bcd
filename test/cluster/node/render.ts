// Renders the test node's containerd 2.x config, one runsc.toml per gVisor
// handler and the RuntimeClasses, with the library's own renderers and
// constructs. Run by node.sh:
//   ts-node render.ts OUT_DIR RUNSC_BINARY SANDBOX_IMAGE CNI_CONF_DIR CNI_BIN_DIR
// Writes OUT_DIR/containerd/config.toml (the main config: root, state,
// socket, the `runsc` handler, the sandbox image, CNI; imports the others),
// OUT_DIR/containerd/conf.d/<handler>.toml (drop-ins, one per extra handler),
// OUT_DIR/runsc/<handler>.toml (gVisor's shim) and OUT_DIR/runtimeclasses.yaml.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Chart } from 'cdk8s';
import { BASE_OPTIONS, NODE_HANDLERS } from './handlers';
import { ContainerdConfigOptions, renderContainerdConfig, renderRunscToml } from '../../../lib';
import { GvisorRuntimeClass } from '../../../lib/cdk8s';

const [outDir, runscBinary, sandboxImage, cniConfDir, cniBinDir] = process.argv.slice(2);
if (!outDir || !runscBinary || !sandboxImage || !cniConfDir || !cniBinDir) {
  process.stderr.write('usage: render.ts OUT_DIR RUNSC_BINARY SANDBOX_IMAGE CNI_CONF_DIR CNI_BIN_DIR\n');
  process.exit(2);
}
const out = path.resolve(outDir);
const containerdDir = path.join(out, 'containerd');
fs.mkdirSync(path.join(containerdDir, 'conf.d'), { recursive: true });
fs.mkdirSync(path.join(out, 'runsc'), { recursive: true });
const logs = path.join(out, 'logs');

/** The handler's runsc.toml (read by gVisor's shim), and the containerd options that point at it. */
function runtimeFor(h: (typeof NODE_HANDLERS)[number]): Partial<ContainerdConfigOptions> {
  const toml = path.join(out, 'runsc', `${h.handler}.toml`);
  fs.writeFileSync(toml, renderRunscToml({
    ...BASE_OPTIONS,
    ...h.options,
    binaryName: runscBinary,
    root: path.join(out, 'runsc-root', h.handler),
    logPath: path.join(logs, 'shim', '%ID%.log'),
    // Named only in runsc.toml: runsc writing into this directory proves the
    // shim read the file (runsc's per-command logs print the effective config).
    debugLog: path.join(logs, 'runsc', h.handler) + '/',
  }));
  return { shim: 'runsc', runscConfigPath: toml };
}

const [main, ...extra] = NODE_HANDLERS;
fs.writeFileSync(path.join(containerdDir, 'config.toml'), renderContainerdConfig({
  schema: 3,
  mode: 'file',
  handler: main!.handler,
  ...runtimeFor(main!),
  root: path.join(containerdDir, 'root'),
  state: path.join(containerdDir, 'state'),
  address: path.join(containerdDir, 'containerd.sock'),
  imports: [path.join(containerdDir, 'conf.d', '*.toml')],
  sandboxImage,
  criPluginConfig: {
    cni: { conf_dir: cniConfDir, bin_dirs: [cniBinDir] },
    // Never ask for an oom_score_adj below containerd's own (the kubelet asks
    // -998 for sandboxes, -997 for Guaranteed pods): lowering it needs
    // CAP_SYS_RESOURCE, which VMs like the CI machine drop (docs/node.md).
    restrict_oom_score_adj: true,
    // Pod network namespaces under the node's own state directory, not the host's /run/netns: containerd 2.x
    // mounts them on a plain directory there, and anything that later makes /run/netns a mount point (as
    // `ip netns add` does) doubles each mount, so containerd can no longer remove them and pods never terminate.
    netns_mounts_under_state_dir: true,
  },
}));
for (const h of extra) {
  fs.writeFileSync(path.join(containerdDir, 'conf.d', `${h.handler}.toml`), renderContainerdConfig({
    schema: 3,
    handler: h.handler,
    keepDefaultRuntime: false,
    ...runtimeFor(h),
  }));
}

const app = new App();
const chart = new Chart(app, 'node');
for (const h of NODE_HANDLERS) new GvisorRuntimeClass(chart, h.runtimeClass, { name: h.runtimeClass, handler: h.handler });
fs.writeFileSync(path.join(out, 'runtimeclasses.yaml'), app.synthYaml());
