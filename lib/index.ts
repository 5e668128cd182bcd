// Public API of gvisor-iac's core: re-exports only.
export * from './core';
export * from './node';
export * from './policy';
