/* Validation of emitted objects against the official Kubernetes OpenAPI schemas (kubernetes-models). */
interface Validatable { validate(): void }
type ModelClass = new (data: unknown) => Validatable;

/* eslint-disable @typescript-eslint/no-require-imports */
const MODULES: Record<string, () => Record<string, unknown>> = {
  'v1': () => require('kubernetes-models/v1'),
  'apps/v1': () => require('kubernetes-models/apps/v1'),
  'batch/v1': () => require('kubernetes-models/batch/v1'),
  'node.k8s.io/v1': () => require('kubernetes-models/node.k8s.io/v1'),
  'networking.k8s.io/v1': () => require('kubernetes-models/networking.k8s.io/v1'),
  'rbac.authorization.k8s.io/v1': () => require('kubernetes-models/rbac.authorization.k8s.io/v1'),
  'admissionregistration.k8s.io/v1': () => require('kubernetes-models/admissionregistration.k8s.io/v1'),
  'policy/v1': () => require('kubernetes-models/policy/v1'),
  'autoscaling/v2': () => require('kubernetes-models/autoscaling/v2'),
};

/** Throws (with the schema's own messages) unless `obj` is a valid object of its apiVersion/kind. */
export function assertSchemaValid(obj: { apiVersion?: unknown; kind?: unknown; metadata?: { name?: string } }): void {
  const load = MODULES[String(obj.apiVersion)];
  if (!load) throw new Error(`no schema for apiVersion ${String(obj.apiVersion)}`);
  const Model = load()[String(obj.kind)] as ModelClass | undefined;
  if (!Model) throw new Error(`no schema for ${String(obj.apiVersion)} ${String(obj.kind)}`);
  try {
    new Model(obj).validate();
  } catch (e) {
    throw new Error(`${String(obj.kind)}/${obj.metadata?.name}: ${(e as Error).message}`);
  }
}

/** Validates every object. */
export function assertAllSchemaValid(objects: readonly object[]): void {
  for (const o of objects) assertSchemaValid(o as never);
}
