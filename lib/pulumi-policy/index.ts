// gvisor-iac/pulumi-policy: gvisor-iac's rules as a Pulumi policy pack (@pulumi/policy). Never loads cdk8s.
export * from './policies';
