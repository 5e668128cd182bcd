// gvisor-iac/pulumi: the constructs as Pulumi ComponentResources. Never loads cdk8s.
export * from './inputs';
export * from './emit';
export * from './component';
export * from './runtime-class';
export * from './workloads';
export * from './multi-tenant';
export * from './untrusted-code';
export * from './edge';
export * from './enforce';
