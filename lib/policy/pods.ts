import type { PolicyObject, Rule, RuleContext, Severity, Violation } from './types';
import { POD_SPEC_PATHS } from '../core/objects/manifest';

/** A pod spec inside an object, with the paths rules report against. */
export interface PodView {
  readonly spec: Record<string, any>;
  /** Path of the pod spec from the object's root (`spec.template.spec`). */
  readonly path: string;
  /** The pod's metadata (the template's, for workloads). */
  readonly metadata: Record<string, any>;
  readonly metadataPath: string;
}

/** One container of a pod (init, regular or ephemeral) and its path. */
export interface ContainerView {
  readonly container: Record<string, any>;
  readonly path: string;
}

/** The kinds whose objects carry a pod spec. */
export const POD_BEARING_KINDS: readonly string[] = Object.keys(POD_SPEC_PATHS);

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The pod spec of a pod-bearing object, or undefined (other kinds; a workload without a template). */
export function podOf(obj: PolicyObject): PodView | undefined {
  const where = typeof obj.kind === 'string' && Object.prototype.hasOwnProperty.call(POD_SPEC_PATHS, obj.kind) ? POD_SPEC_PATHS[obj.kind] : undefined;
  if (!where) return undefined;
  const at = (path: readonly string[]): unknown => path.reduce<unknown>((v, key) => (isObject(v) ? v[key] : undefined), obj);
  const metaWhere = [...where.slice(0, -1), 'metadata'];
  const spec = at(where);
  const metadata = at(metaWhere);
  return {
    spec: isObject(spec) ? spec : {},
    path: where.join('.'),
    metadata: isObject(metadata) ? metadata : {},
    metadataPath: metaWhere.join('.'),
  };
}

/** Every container of a pod: initContainers, containers, ephemeralContainers, in that order. */
export function containersOf(pod: PodView): ContainerView[] {
  const out: ContainerView[] = [];
  for (const kind of ['initContainers', 'containers', 'ephemeralContainers']) {
    const items = pod.spec[kind];
    if (!Array.isArray(items)) continue;
    items.forEach((c, i) => out.push({ container: isObject(c) ? c : {}, path: `${pod.path}.${kind}[${i}]` }));
  }
  return out;
}

/** `obj[key]` when `obj` is an object. */
export function field(obj: unknown, key: string): any {
  return isObject(obj) ? obj[key] : undefined;
}

/** An array field, or [] when absent or not an array. */
export function list(obj: unknown, key: string): any[] {
  const v = field(obj, key);
  return Array.isArray(v) ? v : [];
}

/** Definition of a rule that looks at each pod spec. */
export interface PodRuleDefinition {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly description: string;
  readonly fields: readonly string[];
  readonly checkPod: (pod: PodView, ctx: RuleContext, obj: PolicyObject) => Violation[];
}

/** A rule over the pod spec of every pod-bearing object. */
export function podRule(def: PodRuleDefinition): Rule {
  const { checkPod, ...rest } = def;
  return {
    ...rest,
    check: (obj, ctx) => {
      const pod = podOf(obj);
      return pod ? checkPod(pod, ctx, obj) : [];
    },
  };
}

/** Definition of a rule that looks at each container's securityContext. */
export interface ContainerRuleDefinition extends Omit<PodRuleDefinition, 'checkPod'> {
  readonly checkContainer: (c: ContainerView, pod: PodView, ctx: RuleContext) => Violation[];
}

/** A rule over every container (init, regular, ephemeral) of every pod-bearing object. */
export function containerRule(def: ContainerRuleDefinition): Rule {
  const { checkContainer, ...rest } = def;
  return podRule({ ...rest, checkPod: (pod, ctx) => containersOf(pod).flatMap((c) => checkContainer(c, pod, ctx)) });
}

/** True for Windows pods (`spec.os.name: windows`), which "restricted" exempts from Linux-only controls. */
export function isWindows(pod: PodView): boolean {
  return field(pod.spec.os, 'name') === 'windows';
}
