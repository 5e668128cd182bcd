import type { ObjectMeta } from 'kubernetes-types/meta/v1';
import { MANAGED_BY_LABEL } from '../defaults';
import { GvisorIacError } from '../errors';
import { checkConfinementAnnotations } from '../pod/annotations';
import { PropTable, optional } from '../validation/props';
import { assertAnnotations, assertAnnotationsSize, assertDnsLabel, assertLabels, isDnsLabel, toDnsLabel } from '../validation/validate';

/** Common identity props of everything a construct emits. */
export interface ObjectIdentityProps {
  /**
   * `metadata.name` of the main object (a DNS-1123 label).
   * @default - derived from the construct id (cdk8s) or the resource name (Pulumi)
   */
  readonly name?: string;
  /**
   * `metadata.namespace` of namespaced objects.
   * @default - none (the cdk8s chart's namespace, or the provider's default namespace)
   */
  readonly namespace?: string;
  /** Labels added to every emitted object (and pod templates). @default - none */
  readonly labels?: Record<string, string>;
  /** Annotations added to the main object. @default - none */
  readonly annotations?: Record<string, string>;
}

/** How each identity prop is checked (`resolveIdentity` derives the identity from props that passed). @internal */
export const IDENTITY_PROPS = {
  name: optional((v, p) => assertDnsLabel(v, p)),
  namespace: optional((v, p) => assertDnsLabel(v, p)),
  labels: (v, p) => assertLabels(v, p),
  annotations: (v, p) => checkAnnotations(v, p),
} satisfies PropTable<ObjectIdentityProps>;

/**
 * Checks annotations that reach a pod or a workload: Kubernetes key and
 * value syntax, the confinement refusals, then the API server's size limit.
 * @internal
 */
export function checkAnnotations(value: unknown, path: string): Record<string, string> | undefined {
  const annotations = assertAnnotations(value, path);
  checkConfinementAnnotations(annotations, path);
  assertAnnotationsSize(annotations, path);
  return annotations;
}

/**
 * Refuses a name above `max` characters, the longest a kind's controller can
 * build on (`why` follows "is N characters" and says what would break).
 */
export function assertNameFits(name: string, max: number, path: string, why: string): void {
  if (name.length > max) throw new GvisorIacError('INVALID_NAME', path, name, `is ${name.length} characters${why}`, `use a name of at most ${max} characters`);
}

/** Validated identity of a construct. */
export interface Identity {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/**
 * Derives a DNS-1123 label from a construct id or Pulumi resource name
 * (`"MyWeb_App"` → `"my-web-app"`), deterministically.
 */
export function deriveName(id: string, path = 'id'): string {
  if (isDnsLabel(id)) return id;
  const derived = toDnsLabel(id);
  if (!derived) {
    throw new GvisorIacError('INVALID_NAME', path, id, 'cannot be turned into a DNS-1123 name', 'pass an explicit `name` prop');
  }
  return derived;
}

/** Validates name, namespace, labels and annotations; `fallbackName` comes from the construct id. */
export function resolveIdentity(props: ObjectIdentityProps, fallbackName: string, path: string): Identity {
  const name = props.name !== undefined ? assertDnsLabel(props.name, `${path}.name`) : deriveName(fallbackName, `${path}.name`);
  const namespace = props.namespace !== undefined ? assertDnsLabel(props.namespace, `${path}.namespace`) : undefined;
  const labels = assertLabels(props.labels, `${path}.labels`) ?? {};
  const annotations = checkAnnotations(props.annotations, `${path}.annotations`);
  return {
    name,
    namespace,
    labels: { ...MANAGED_BY_LABEL, ...labels },
    annotations: annotations && Object.keys(annotations).length ? annotations : undefined,
  };
}

/** Builds `metadata` for an emitted object. */
export function objectMeta(
  name: string,
  namespace: string | undefined,
  labels: Record<string, string>,
  annotations?: Record<string, string>,
): ObjectMeta & { name: string } {
  const meta: ObjectMeta & { name: string } = { name };
  if (namespace !== undefined) meta.namespace = namespace;
  if (Object.keys(labels).length) meta.labels = { ...labels };
  if (annotations && Object.keys(annotations).length) meta.annotations = { ...annotations };
  return meta;
}
