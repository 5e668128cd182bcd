import { applyPatch, deepClone, type Operation } from 'fast-json-patch';
import { GvisorIacError } from '../errors';
import { KubeObject, Manifests } from './manifest';
import { plainProps } from '../validation/plain-data';
import { assertArray, assertPlainObject, assertString } from '../validation/validate';

/** One RFC 6902 JSON-patch operation. */
export interface JsonPatchOperation {
  readonly op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  /** JSON pointer into the object, e.g. `/spec/template/spec/priorityClassName`. */
  readonly path: string;
  readonly value?: unknown;
  readonly from?: string;
}

/**
 * An escape hatch: JSON-patch operations applied to one emitted object after
 * it is built. It works the same in cdk8s and Pulumi because the core applies
 * it. Overrides are not re-validated: they are how you say "I know".
 */
export interface ManifestOverride {
  /** Kind of the target object. @default - the construct's main object */
  readonly kind?: string;
  /** `metadata.name` of the target object. @default - any name (with `kind`) or the main object */
  readonly name?: string;
  /** The operations, applied in order. */
  readonly patch: readonly JsonPatchOperation[];
}

/** Applies `overrides` to a construct's manifests, returning new objects (inputs untouched). */
export function applyOverrides(manifests: Manifests, overridesIn: readonly ManifestOverride[] | undefined, path = 'props.overrides'): Manifests {
  const overrides = plainProps(overridesIn, path);
  if (overrides === undefined) return manifests;
  const objects = manifests.objects.map((o) => deepClone(o) as KubeObject);
  assertArray<ManifestOverride>(overrides, path).forEach((ov, i) => {
    const p = `${path}[${i}]`;
    assertPlainObject(ov, p);
    const targets = ov.kind === undefined && ov.name === undefined
      ? (manifests.primary === undefined ? [] : [manifests.primary])
      : objects.flatMap((o, j) => (matches(o, ov) ? [j] : []));
    if (targets.length === 0) {
      throw new GvisorIacError('INVALID_OVERRIDE', p, { kind: ov.kind, name: ov.name }, 'matches no emitted object', `target one of: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ') || '(nothing is emitted)'}`);
    }
    const ops = assertArray<JsonPatchOperation>(ov.patch, `${p}.patch`);
    ops.forEach((op, k) => {
      assertPlainObject(op, `${p}.patch[${k}]`);
      assertString(op.path, `${p}.patch[${k}].path`, 'a JSON pointer such as "/spec/replicas"');
    });
    for (const t of targets) {
      try {
        objects[t] = applyPatch(objects[t]!, ops as Operation[], true, false).newDocument;
      } catch (e) {
        const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
        throw new GvisorIacError('INVALID_OVERRIDE', `${p}.patch`, ov.patch, `cannot be applied to ${objects[t]!.kind}/${objects[t]!.metadata.name} (${reason})`, 'check the operation and its JSON pointer against the emitted object');
      }
    }
  });
  return { ...manifests, objects };
}

function matches(o: KubeObject, ov: ManifestOverride): boolean {
  return (ov.kind === undefined || o.kind === ov.kind) && (ov.name === undefined || o.metadata.name === ov.name);
}
