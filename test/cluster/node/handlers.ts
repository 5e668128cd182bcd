// The gVisor runtime handlers the test node serves, each with the runsc
// options it runs with, and the RuntimeClass that selects it. node.sh renders
// them (render.ts) and the node suites assert them.
import { RunscOptions, runscPreset } from '../../../lib';

export interface NodeHandler {
  /** containerd runtime name = RuntimeClass handler. */
  readonly handler: string;
  /** RuntimeClass name. */
  readonly runtimeClass: string;
  /** runsc options beyond the hardened preset (they go into the handler's runsc.toml). */
  readonly options: RunscOptions;
  /** What runsc logs for this handler ("FileAccess: … / Directfs: … / Overlay: …"). */
  readonly expectedConfigLine: string;
}

/** The hardened preset on the current release: what every handler starts from. */
export const BASE_OPTIONS: RunscOptions = runscPreset('hardened');

/**
 * Every handler runs gVisor's own shim (`io.containerd.runsc.v1`) with a
 * runsc.toml of its own. `runsc` (class `gvisor`, in the main config) leaves
 * platform, directfs and overlay2 to runsc's defaults, so its log proves what
 * today's defaults are; the others (schema-3 drop-ins) each flip one option.
 */
export const NODE_HANDLERS: readonly NodeHandler[] = [
  { handler: 'runsc', runtimeClass: 'gvisor', options: {}, expectedConfigLine: 'FileAccess: exclusive / Directfs: true / Overlay: root:self' },
  { handler: 'runsc-overlay-memory', runtimeClass: 'gvisor-overlay-memory', options: { overlay2: 'root:memory' }, expectedConfigLine: 'FileAccess: exclusive / Directfs: true / Overlay: root:memory' },
  { handler: 'runsc-overlay-none', runtimeClass: 'gvisor-overlay-none', options: { overlay2: 'none' }, expectedConfigLine: 'FileAccess: exclusive / Directfs: true / Overlay: none' },
  { handler: 'runsc-no-directfs', runtimeClass: 'gvisor-no-directfs', options: { directfs: false }, expectedConfigLine: 'FileAccess: exclusive / Directfs: false / Overlay: root:self' },
];
