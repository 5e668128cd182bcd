export * from './types';
export { POD_BEARING_KINDS, podOf, containersOf, podRule, containerRule, isWindows } from './pods';
export type { PodView, ContainerView, PodRuleDefinition, ContainerRuleDefinition } from './pods';
export * from './rules';
export * from './packs';
export * from './suppressions';
export * from './engine-rules';
export * from './engine';
export * from './rules-doc';
