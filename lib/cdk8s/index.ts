// gvisor-iac/cdk8s: the constructs as cdk8s Constructs. Never loads Pulumi.
export * from './emit';
export * from './runtime-class';
export * from './workloads';
export * from './untrusted-code';
export * from './edge';
export * from './multi-tenant';
export * from './enforce';
