// Node-level gVisor configuration: runsc flags, runsc.toml, containerd, Docker. Re-exports only.
export * from './compose';
export * from './containerd';
export * from './daemon-json-file';
export * from './docker';
export * from './go-path-match';
export * from './node-values';
export * from './presets';
export * from './runsc-extra-flags';
export * from './runsc-flag-catalog';
export * from './runsc-flags';
export * from './runsc-options';
export * from './runsc-overlay';
export * from './runsc-releases';
export * from './runsc-toml';
export * from './runsc-wrapper';
export * from './warnings';
