import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { GvisorIacError, POD_SPEC_PATHS, assertPlainObject, resolveEnforceOptions } from '../core';
import { runtimeClassVerdict } from '../policy/rules/gvisor-runtime-class-name';

/** Options of cdk8s `enforceGvisor` (the twin of the Pulumi one). */
export interface EnforceGvisorProps {
  /**
   * `"inject"`: a pod-bearing object without `runtimeClassName` gets
   * `runtimeClassName`. `"deny"`: synthesis fails instead.
   * In both modes an object naming a class that is not allowed fails synthesis.
   */
  readonly mode: 'inject' | 'deny';
  /**
   * The gVisor RuntimeClass injected (and allowed).
   * @default "gvisor"
   */
  readonly runtimeClassName?: string;
  /**
   * Further class names an object may already use.
   * @default - only `runtimeClassName`
   */
  readonly allowedRuntimeClassNames?: string[];
  /**
   * Objects to leave alone, e.g. node agents that cannot run in a sandbox.
   * @default - none: every pod-bearing object is checked
   */
  readonly exclude?: (apiObject: ApiObject) => boolean;
}

/**
 * Chart-wide (or app-wide) gVisor enforcement for cdk8s: at synthesis, every
 * pod-bearing ApiObject under `scope` — the gvisor-iac constructs, cdk8s-plus,
 * plain ApiObjects, `Include`d YAML and `Helm` charts alike, whenever they
 * were added — is judged by the policy's rule GVISOR-001:
 * - no `runtimeClassName` → `runtimeClassName` is added ("inject", as a JSON
 *   patch on the object) or synthesis fails ("deny");
 * - a class neither `runtimeClassName` nor in `allowedRuntimeClassNames` →
 *   synthesis fails in both modes (never overwritten silently).
 *
 * @example
 * enforceGvisor(chart, { mode: 'inject' });
 */
export function enforceGvisor(scope: Construct, props: EnforceGvisorProps): void {
  const opts = assertPlainObject(props, 'props') as unknown as EnforceGvisorProps;
  const { mode, className, allowed, exclude } = resolveEnforceOptions<EnforceGvisorProps['exclude']>(opts as unknown as Record<string, unknown>, 'props', '(apiObject) => boolean');
  const injected = new WeakSet<ApiObject>();

  scope.node.addValidation({
    validate: () => {
      const errors: string[] = [];
      for (const c of scope.node.findAll() as IConstruct[]) {
        if (!(c instanceof ApiObject) || injected.has(c) || exclude?.(c)) continue;
        // A List (e.g. an Included `kind: List` document) is judged item by item, nested ones too.
        const targets: { pointer: string; obj: Record<string, any>; at: string }[] = [];
        const walk = (o: any, pointer: string, at: string): void => {
          if (o && typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)) {
            o.items.forEach((item: unknown, i: number) => walk(item, `${pointer}/items/${i}`, `${at}items[${i}].`));
          } else if (o && typeof o.kind === 'string' && Object.prototype.hasOwnProperty.call(POD_SPEC_PATHS, o.kind)) {
            targets.push({ pointer, obj: o, at });
          }
        };
        walk(c.toJson(), '', '');
        let patched = false;
        for (const { pointer, obj, at } of targets) {
          const path = POD_SPEC_PATHS[obj.kind]!;
          const current = path.reduce<any>((v, k) => v?.[k], obj)?.runtimeClassName;
          const label = `${c.node.path} (${obj.kind} ${obj.metadata?.name ?? c.name}) ${at}${path.join('.')}.runtimeClassName`;
          const verdict = runtimeClassVerdict(current, allowed);
          if (verdict === 'gvisor') continue;
          if (verdict === 'other') {
            errors.push(new GvisorIacError('SANDBOX_ESCAPE', label, current, 'is not an allowed gVisor RuntimeClass, so the pods would run outside the sandbox',
              `use ${[...allowed].map((n) => JSON.stringify(n)).join(' or ')} (or add the class to allowedRuntimeClassNames)`).message);
          } else if (mode === 'deny') {
            errors.push(new GvisorIacError('SANDBOX_ESCAPE', label, current, 'is not set, so the pods would run outside gVisor',
              `set runtimeClassName: "${className}" (or enforce with mode "inject")`).message);
          } else {
            // Create missing levels (a template without a spec), then the field.
            let ptr = pointer;
            let v: any = obj;
            for (const k of path) {
              ptr += `/${k}`;
              v = v?.[k];
              if (v === undefined || v === null) c.addJsonPatch(JsonPatch.add(ptr, {}));
            }
            c.addJsonPatch(JsonPatch.add(`${ptr}/runtimeClassName`, className));
            patched = true;
          }
        }
        if (patched) injected.add(c);
      }
      return errors;
    },
  });
}
