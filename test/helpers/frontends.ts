import * as pulumi from '@pulumi/pulumi';
import { drain, mockPulumi, settle } from './pulumi';
import { synth } from './synth';
import { GvisorIacError } from 'gvisor-iac';
import * as cdk8sFrontend from 'gvisor-iac/cdk8s';
import * as pulumiFrontend from 'gvisor-iac/pulumi';

/** One construct with one set of props, buildable in both frontends. */
export interface FrontendCase {
  /** Export name, the same in gvisor-iac/cdk8s and gvisor-iac/pulumi. */
  readonly construct: string;
  readonly id: string;
  readonly props: any;
  /** Also build a GvisorRuntimeClass with these props and pass it as `runtimeClass`. */
  readonly runtimeClass?: Record<string, any>;
}

/** The objects `cdk8s synth` writes for the case. */
export function buildCdk8s(c: FrontendCase): any[] {
  return synth((chart) => {
    const rc = c.runtimeClass && new cdk8sFrontend.GvisorRuntimeClass(chart, 'rc', c.runtimeClass);
    new (cdk8sFrontend as any)[c.construct](chart, c.id, rc ? { ...c.props, runtimeClass: rc } : c.props);
  });
}

/** The Kubernetes inputs the (mock) Pulumi engine receives for the case. */
export async function buildPulumi(c: FrontendCase): Promise<any[]> {
  const recorder = mockPulumi();
  const rc = c.runtimeClass && new pulumiFrontend.GvisorRuntimeClass('rc', c.runtimeClass);
  const component: pulumi.Resource = new (pulumiFrontend as any)[c.construct](c.id, rc ? { ...c.props, runtimeClass: rc } : c.props);
  await settle(recorder, ...(rc ? [rc] : []), component);
  return recorder.kube().map((r) => r.inputs);
}

/** What a frontend threw, reduced to what must be the same in both. */
export interface Refusal {
  readonly name: string;
  readonly code?: string;
  readonly path?: string;
  readonly message: string;
}

function refusal(e: unknown): Refusal {
  if (e instanceof GvisorIacError) return { name: e.name, code: e.code, path: e.path, message: e.message };
  return { name: (e as Error)?.name ?? typeof e, message: String((e as Error)?.message ?? e) };
}

/**
 * Builds the case in both frontends, expecting both to refuse it: returns the
 * cdk8s error after checking that Pulumi threw the same GvisorIacError and
 * registered nothing. Fails when either frontend throws anything else.
 */
export async function refusedInBoth(c: FrontendCase): Promise<GvisorIacError> {
  let fromCdk8s: unknown;
  try {
    buildCdk8s(c);
  } catch (e) {
    fromCdk8s = e;
  }
  if (!(fromCdk8s instanceof GvisorIacError)) throw new Error(`cdk8s: expected a GvisorIacError, got ${fromCdk8s === undefined ? 'nothing' : String(fromCdk8s)}`);
  const recorder = mockPulumi();
  let fromPulumi: unknown;
  try {
    new (pulumiFrontend as any)[c.construct](c.id, c.props);
  } catch (e) {
    fromPulumi = e;
  }
  expect(refusal(fromPulumi)).toEqual(refusal(fromCdk8s));
  await drain();
  expect(recorder.registrations).toEqual([]);
  return fromCdk8s;
}
