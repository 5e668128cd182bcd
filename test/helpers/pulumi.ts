import * as pulumi from '@pulumi/pulumi';

/** One RegisterResource request as the (mock) engine received it. */
export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** Inputs, deserialised as the engine sees them. */
  readonly inputs: Record<string, any>;
  /** URN of the parent ('' for the stack root). */
  readonly parent: string;
  /** URNs the resource depends on (explicit `dependsOn` plus input dependencies). */
  readonly dependencies: readonly string[];
  readonly custom: boolean;
  readonly protect: boolean;
  /** Provider reference (`urn::id`), '' for the default provider. */
  readonly provider: string;
}

/** What a mocked Pulumi program registered. */
export interface PulumiRecorder {
  /** Registrations in the order the engine received them. */
  readonly registrations: Registration[];
  /** Outputs registered per URN by `registerOutputs`. */
  readonly outputs: Map<string, Record<string, any>>;
  /** Kubernetes resources only (type `kubernetes:*`), in order. */
  kube(): Registration[];
  /** The registration with this resource name. */
  byName(name: string): Registration;
}

/**
 * Installs the SDK's own mocks (`pulumi.runtime.setMocks`) and records every
 * RegisterResource request at the monitor, with its parent, dependencies,
 * protect flag and provider — what `setMocks`' `newResource` does not show.
 * `delay(type, name)` may hold back a resource's creation (ms).
 */
export function mockPulumi(delay: (type: string, name: string) => number = () => 0): PulumiRecorder {
  const registrations: Registration[] = [];
  const outputs = new Map<string, Record<string, any>>();
  void pulumi.runtime.setMocks({
    newResource: async (args) => {
      const ms = delay(args.type, args.name);
      if (ms) await new Promise((r) => setTimeout(r, ms));
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: (args) => args.inputs,
  });
  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (err: unknown, res: any) => void) => register(req, (err: unknown, res: any) => {
    if (!err) {
      registrations.push({
        type: req.getType(),
        name: req.getName(),
        urn: res.getUrn(),
        inputs: pulumi.runtime.deserializeProperties(req.getObject()),
        parent: req.getParent(),
        dependencies: req.getDependenciesList(),
        custom: req.getCustom(),
        protect: req.getProtect(),
        provider: req.getProvider(),
      });
    }
    callback(err, res);
  });
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req: any, callback: (err: unknown, res: any) => void) => {
    outputs.set(req.getUrn(), pulumi.runtime.deserializeProperties(req.getOutputs()));
    registerOutputs(req, callback);
  };
  return {
    registrations,
    outputs,
    kube: () => registrations.filter((r) => r.type.startsWith('kubernetes:')),
    byName: (name) => {
      const found = registrations.find((r) => r.name === name);
      if (!found) throw new Error(`no resource named ${name}; registered: ${registrations.map((r) => r.name).join(', ')}`);
      return found;
    },
  };
}

/** Resolves with an Output's value (mocks resolve outputs; previews would not). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/**
 * Waits until the resources (and, for components, their registered outputs)
 * have gone through the mock engine.
 */
export async function settle(recorder: PulumiRecorder, ...resources: pulumi.Resource[]): Promise<void> {
  const urns = await Promise.all(resources.map((r) => valueOf(r.urn)));
  const components = resources.filter((r) => pulumi.ComponentResource.isInstance(r) && !pulumi.CustomResource.isInstance(r));
  const children = components.flatMap((c) => [...((c as any).__childResources ?? [])] as pulumi.Resource[]);
  if (children.length) await Promise.all(children.map((r) => valueOf(r.urn)));
  const componentUrns = urns.filter((_, i) => components.includes(resources[i]!));
  for (let i = 0; i < 200 && componentUrns.some((u) => !recorder.outputs.has(u)); i++) await new Promise((r) => setTimeout(r, 5));
  // Let the last RegisterResource callbacks land.
  await new Promise((r) => setTimeout(r, 10));
}

/** Lets pending registrations reach the mock engine (to prove that none were made). */
export function drain(): Promise<void> {
  return new Promise((r) => setTimeout(r, 50));
}

/** Polls `condition` until it holds (fails after ~5 s). */
export async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('timed out waiting for the mock engine');
}
