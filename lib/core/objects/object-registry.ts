import { GvisorIacError } from '../errors';
import { KubeObject, isClusterScoped } from './manifest';

/**
 * What identifies an object in a cluster: API group (not version: `apps/v1`
 * and a later `apps/v2` Deployment are the same object), kind, namespace
 * and name. Cluster-scoped kinds have no namespace; a namespaced object
 * without one takes `defaultNamespace` (cdk8s: the chart's namespace).
 */
export function objectIdentityKey(obj: KubeObject, defaultNamespace?: string): string {
  const slash = obj.apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : obj.apiVersion.slice(0, slash);
  const namespace = isClusterScoped(obj.kind) ? '' : obj.metadata.namespace ?? defaultNamespace ?? '';
  return `${group}\u0000${obj.kind}\u0000${namespace}\u0000${obj.metadata.name}`;
}

/** How an object is named in messages: `Deployment default/web (apps)`. */
function describeObject(obj: KubeObject, defaultNamespace?: string): string {
  const slash = obj.apiVersion.lastIndexOf('/');
  const group = slash < 0 ? 'core' : obj.apiVersion.slice(0, slash);
  const namespace = isClusterScoped(obj.kind) ? undefined : obj.metadata.namespace ?? defaultNamespace;
  return `${obj.kind} ${namespace === undefined ? '' : `${namespace}/`}${obj.metadata.name} (${group})`;
}

/**
 * Two constructs emit the same object (same API group, kind, namespace and
 * name): applied together, the last one would silently replace the other.
 * Code `DUPLICATE_NAME`; `path` is the construct that came second.
 */
export class DuplicateObjectError extends GvisorIacError {
  /** The object both emit, e.g. `Deployment default/web (apps)`. */
  public readonly object: string;
  /** The construct that emitted it first (cdk8s node path; Pulumi type and name). */
  public readonly first: string;
  /** The construct that emitted it again. */
  public readonly second: string;

  public constructor(object: string, first: string, second: string) {
    super(
      'DUPLICATE_NAME', second, object,
      first === second
        ? 'is emitted twice by this construct (check its overrides): applied, the last copy would silently replace the first'
        : `is also emitted by ${first}: applied together, the last one would silently replace the other`,
      'give one of them another name (props.name) or namespace',
    );
    this.name = 'DuplicateObjectError';
    this.object = object;
    this.first = first;
    this.second = second;
  }
}

/** The error for `obj` emitted by `first` and again by `second` (cdk8s node paths; Pulumi type and name). */
export function duplicateObject(obj: KubeObject, first: string, second: string, defaultNamespace?: string): DuplicateObjectError {
  return new DuplicateObjectError(describeObject(obj, defaultNamespace), first, second);
}

/**
 * Every object one program emits, indexed by identity (a Map: constant time
 * per object, so registering thousands of workloads stays linear). Each
 * frontend keeps one registry per app (cdk8s) or per program and provider
 * (Pulumi) and claims a construct's objects before emitting any of them.
 */
export class ObjectRegistry {
  /** Owner per identity key (an object's description is only built for an error). */
  private readonly owners = new Map<string, string>();

  /**
   * Records `objects` as emitted by `owner`, all or none: throws
   * `DuplicateObjectError` (naming both owners) if any of them is already
   * claimed, or appears twice in `objects`, and then records nothing.
   * Returns the objects' identity keys (`objectIdentityKey`), in order.
   */
  public claim(objects: readonly KubeObject[], owner: string, defaultNamespace?: string): string[] {
    const keys: string[] = [];
    // Within the batch too (a set only when there can be two).
    const batch = objects.length > 1 ? new Set<string>() : undefined;
    for (const obj of objects) {
      const key = objectIdentityKey(obj, defaultNamespace);
      const earlier = this.owners.get(key) ?? (batch?.has(key) ? owner : undefined);
      if (earlier !== undefined) throw duplicateObject(obj, earlier, owner, defaultNamespace);
      keys.push(key);
      batch?.add(key);
    }
    for (const key of keys) this.owners.set(key, owner);
    return keys;
  }

  /** How many objects are registered. */
  public get size(): number {
    return this.owners.size;
  }
}
