import * as pulumi from '@pulumi/pulumi';
import {
  GvisorIacError, POD_SPEC_PATHS, assertPlainObject, ownValue, plainProps, resolveEnforceOptions,
} from '../core';
import { runtimeClassVerdict } from '../policy/rules/gvisor-runtime-class-name';

/** Options of `enforceGvisor` / `gvisorTransform`. */
export interface EnforceGvisorOptions {
  /**
   * `"inject"`: a pod-bearing resource without `runtimeClassName` gets
   * `runtimeClassName`. `"deny"`: it fails the deployment instead.
   * In both modes a resource naming a class that is not allowed fails.
   */
  readonly mode: 'inject' | 'deny';
  /**
   * The gVisor RuntimeClass injected (and allowed).
   * @default "gvisor"
   */
  readonly runtimeClassName?: string;
  /**
   * Further class names a resource may already use (e.g. a second gVisor
   * class with other overhead or node pools).
   * @default - only `runtimeClassName`
   */
  readonly allowedRuntimeClassNames?: string[];
  /**
   * Resources to leave alone, e.g. node agents that cannot run in a sandbox.
   * Receives the transform's arguments; return true to skip the resource.
   * @default - none: every pod-bearing resource is checked
   */
  readonly exclude?: (args: pulumi.ResourceTransformArgs) => boolean;
}

const TYPE = /^kubernetes:[^:]+:([A-Za-z]+?)(Patch)?$/;

/**
 * Custom resources whose Kubernetes objects never reach the engine: a Helm v3
 * `Release` is installed by the provider itself (helm's own client), so its
 * Deployments and Pods pass no transform. (Helm v4 `Chart`, `ConfigGroup`,
 * `ConfigFile` and kustomize `Directory` register each object as a resource,
 * so those are checked one by one.)
 */
const RENDERED_IN_PROVIDER = /^kubernetes:helm\.sh\/v3:Release$/;

/**
 * Where the pod spec of a Pulumi Kubernetes type lives, and whether the type
 * is a server-side-apply patch; undefined when it bears no pods. Any API
 * version matches (`apps/v1`, `extensions/v1beta1`, …), so resources from
 * Helm charts or other libraries are caught whatever version they use.
 */
export function podSpecPath(type: string): { path: readonly string[]; patch: boolean } | undefined {
  const m = TYPE.exec(type);
  const path = m ? POD_SPEC_PATHS[m[1]!] : undefined;
  return path && { path, patch: m![2] !== undefined };
}

/**
 * Returns the resource transform behind `enforceGvisor`, to register
 * yourself (`pulumi.runtime.registerResourceTransform`, or a component's
 * `transforms` option) or to test.
 *
 * For every custom resource whose type is a pod-bearing Kubernetes kind
 * (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController,
 * Job, CronJob, PodTemplate; any API version):
 * - `runtimeClassName` absent → set to `runtimeClassName` ("inject") or the
 *   deployment fails ("deny");
 * - a class that is neither `runtimeClassName` nor in
 *   `allowedRuntimeClassNames` → the deployment fails in both modes (a pod
 *   that names `runc` must not slip out of the sandbox silently, and
 *   overwriting a deliberate choice would be worse);
 * - `…Patch` types (server-side apply) only change what they state: one that
 *   sets a class not allowed fails; one that sets none is left alone.
 * Values not known yet (a preview's unknowns, Outputs) are checked when they
 * resolve; secret-wrapped values stay secret.
 *
 * A Helm v3 `Release` (`kubernetes:helm.sh/v3:Release`) fails in both modes:
 * the provider installs its objects itself, out of the transform's sight, so
 * nothing could be injected or checked. Use a Helm v4 `Chart`, or `exclude`
 * a release whose chart you have checked.
 */
export function gvisorTransform(options: EnforceGvisorOptions): pulumi.ResourceTransform {
  // Own, plain data only (the `exclude` callback apart): options inherited from a polluted prototype are never read.
  const raw = assertPlainObject(options, 'options');
  const opts = plainProps(Object.fromEntries(Object.entries(raw).filter(([k]) => k !== 'exclude')), 'options') as Record<string, unknown>;
  if (ownValue(raw, 'exclude') !== undefined) opts.exclude = ownValue(raw, 'exclude');
  const { mode, className, allowed, exclude } = resolveEnforceOptions<EnforceGvisorOptions['exclude']>(opts, 'options', '(args) => boolean');

  return (args) => {
    if (!args.custom || exclude?.(args)) return undefined;
    if (RENDERED_IN_PROVIDER.test(args.type)) {
      throw new GvisorIacError('SANDBOX_ESCAPE', `${args.name} (${args.type})`, typeof args.props?.chart === 'string' ? args.props.chart : undefined,
        'renders its manifests inside the Kubernetes provider, where no transform sees them, so its pods could run outside gVisor',
        'deploy the chart with kubernetes:helm.sh/v4:Chart (its objects pass through this check), or exclude the release after checking that every pod in it sets an allowed runtimeClassName');
    }
    const where = podSpecPath(args.type);
    if (!where) return undefined;
    const label = `${args.name} (${args.type}) ${where.path.join('.')}.runtimeClassName`;
    const fix = (spec: Record<string, unknown>): Record<string, unknown> => {
      const current = ownValue(spec, 'runtimeClassName');
      // The decision is the policy's rule GVISOR-001 (the same one `gvisor-iac check` runs).
      if (runtimeClassVerdict(current, allowed) === 'absent') {
        if (where.patch) return spec;
        if (mode === 'inject') return { ...spec, runtimeClassName: className };
        throw new GvisorIacError('SANDBOX_ESCAPE', label, current, 'is not set, so the pods would run outside gVisor', `set runtimeClassName: "${className}" (or enforce with mode "inject")`);
      }
      const checked = mapInput(current, (name) => {
        if (runtimeClassVerdict(name, allowed) === 'gvisor') return name;
        throw new GvisorIacError('SANDBOX_ESCAPE', label, name, 'is not an allowed gVisor RuntimeClass, so the pods would run outside the sandbox',
          `use ${[...allowed].map((n) => JSON.stringify(n)).join(' or ')} (or add the class to allowedRuntimeClassNames)`);
      });
      return checked === current ? spec : { ...spec, runtimeClassName: checked };
    };
    return { props: updateAt(args.props, where.path, fix, where.patch), opts: args.opts };
  };
}

/**
 * Stack-wide gVisor enforcement: registers {@link gvisorTransform} with
 * `pulumi.runtime.registerResourceTransform`, so it applies to every
 * resource created after the call — including those created by Helm charts
 * (`kubernetes:helm.sh/v4:Chart`), `ConfigGroup`s and other libraries. Call it
 * first in the program. Needs a Pulumi CLI with transform support.
 *
 * Under unit-test mocks (`pulumi.runtime.setMocks`) there is no engine to run
 * the transform: it registers nothing, logs {@link MOCKS_WARNING} and still
 * returns the transform, so the program runs and a test can apply it.
 *
 * @example
 * enforceGvisor({ mode: 'inject' });                      // default class "gvisor"
 * enforceGvisor({ mode: 'deny', runtimeClassName: 'gvisor' });
 */
export function enforceGvisor(options: EnforceGvisorOptions): pulumi.ResourceTransform {
  const transform = gvisorTransform(options);
  if (underMocks()) {
    void pulumi.log.warn(MOCKS_WARNING);
    return transform;
  }
  pulumi.runtime.registerResourceTransform(transform);
  return transform;
}

/**
 * What `enforceGvisor` says when it runs under unit-test mocks, where it
 * registers nothing.
 */
export const MOCKS_WARNING = 'gvisor-iac: enforceGvisor is not enforced in this run: unit-test mocks (pulumi.runtime.setMocks) have no engine to run resource transforms. '
  + 'To test the enforcement, call the transform that enforceGvisor returns with ResourceTransformArgs; under `pulumi preview`/`pulumi up` it applies to every resource.';

/**
 * True when the SDK runs on `pulumi.runtime.setMocks`: its resource monitor is
 * the SDK's MockMonitor (recognised by its `mocks` field, so that another copy
 * of @pulumi/pulumi is recognised too). Everything else is an engine, where a
 * CLI without transform support must fail loudly rather than skip the check.
 */
function underMocks(): boolean {
  const monitor = pulumi.runtime.getMonitor() as { mocks?: unknown } | undefined;
  return typeof monitor === 'object' && monitor !== null && typeof monitor.mocks === 'object' && monitor.mocks !== null;
}

/** Secret wrapper as the engine hands nested secrets to a transform. */
const SECRET_SIG = '4dabf18193072939515e22adb298388d';
const SECRET_VALUE = '1b47061264138c4ac30d75fd1eb44270';

function isRpcSecret(v: unknown): v is { value: unknown } {
  return typeof v === 'object' && v !== null && (v as Record<string, unknown>)[SECRET_SIG] === SECRET_VALUE;
}

/**
 * Applies `fn` to a value that may be plain, an Output, a Promise or a
 * secret wrapper, keeping the wrapper. Returns `value` itself when `fn` does.
 */
function mapInput(value: unknown, fn: (v: any) => unknown): unknown {
  if (pulumi.Output.isInstance(value)) return value.apply(fn);
  if (isRpcSecret(value)) {
    const inner = mapInput(value.value, fn);
    return inner === value.value ? value : { ...value, value: inner };
  }
  if (typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function') return (value as PromiseLike<unknown>).then(fn);
  return fn(value);
}

/** Rebuilds `obj` with `fn` applied to the object at `path` (missing levels are created, except in patches); unchanged parts keep their identity. */
function updateAt(obj: unknown, path: readonly string[], fn: (o: Record<string, unknown>) => Record<string, unknown>, patch: boolean): any {
  return mapInput(obj, (value: Record<string, unknown> | undefined | null) => {
    if ((value === undefined || value === null) && patch) return value;
    const o = value ?? {};
    if (path.length === 0) return fn(o);
    const [head, ...rest] = path as [string, ...string[]];
    const here = ownValue(o, head);
    const next = updateAt(here, rest, fn, patch);
    return next === here ? o : { ...o, [head]: next };
  });
}
