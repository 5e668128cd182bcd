/*
 * Class 4 of issue 9: a "gVisor" RuntimeClass whose handler is not gVisor.
 * Pods and the tenant admission policy trust a class by its name, so every
 * path that names a handler must refuse one that is not gVisor's, unless the
 * caller vouches for a custom name with `handlerIsGvisor: true`.
 */
import fc from 'fast-check';
import { GVISOR_HANDLER_PATTERN, NOT_GVISOR_HANDLER_PATTERN, assertGvisorHandler } from '../../lib/core';
import { caught } from '../helpers/errors';
import { drain, mockPulumi, settle } from '../helpers/pulumi';
import { synth } from '../helpers/synth';
import {
  GvisorIacError, RuntimeClassRef, edgeRuntimeClassProps, renderEdgeSandbox, renderMultiTenantSandbox, renderRuntimeClass,
  renderSandboxedDeployment, renderSandboxedJob, renderSandboxedPod,
  renderSandboxedDaemonSet, renderSandboxedStatefulSet, renderSandboxedCronJob, renderUntrustedCodeSandbox,
} from 'gvisor-iac';
import * as k8s from 'gvisor-iac/cdk8s';
import * as pl from 'gvisor-iac/pulumi';

const containers = [{ name: 'app', image: 'registry.example.com/app:1.0' }];

/** Runtimes that are not gVisor, as clusters name them. */
const NOT_GVISOR = [
  'runc', 'crun', 'youki', 'runj', 'krun', 'nvidia', 'kata', 'kata-qemu', 'kata-fc', 'kata-clh', 'runhcs-wcow-process',
  'wasmtime', 'wasmedge', 'spin', 'slight', 'lunatic', 'firecracker', 'fc',
];
/** Names that merely look like gVisor's, or are simply other names. */
const LOOKALIKES = ['runsc2', 'runscx', 'xrunsc', 'my-runsc', 'gvisorx', 'g-visor', 'sandbox', 'secure', 'default', 'runsc-', 'gvisor--'];
/** gVisor's own names and their variants. */
const GVISOR = ['runsc', 'gvisor', 'runsc-kvm', 'runsc-debug', 'runsc-systrap', 'gvisor-edge', 'runsc-1', 'gvisor-a-b-c'];

describe('GvisorRuntimeClass (core) refuses handlers that are not gVisor', () => {
  test.each(NOT_GVISOR)('"%s" is refused, with or without handlerIsGvisor', (handler) => {
    for (const vouched of [undefined, false, true]) {
      const e = caught(() => renderRuntimeClass({ handler, handlerIsGvisor: vouched }));
      expect(e.code).toBe('SANDBOX_ESCAPE');
      expect(e.path).toBe('props.handler');
      expect(e.message).toBe(
        `props.handler: "${handler}" names a runtime that is not gVisor: pods naming this class would run unsandboxed, yet pods and the tenant admission policy trust the class by its name; `
        + `use "runsc" (or "gvisor" on GKE Sandbox); handlerIsGvisor cannot vouch for "${handler}"`,
      );
    }
  });

  test.each(LOOKALIKES.filter((h) => !h.endsWith('-')))('"%s" is refused unless vouched for', (handler) => {
    const e = caught(() => renderRuntimeClass({ handler }));
    expect(e.code).toBe('SANDBOX_ESCAPE');
    expect(e.message).toBe(
      `props.handler: "${handler}" is not a gVisor handler name (runsc, gvisor, runsc-*, gvisor-*): pods and the tenant admission policy trust this class by its name, `
      + `so a handler that is not gVisor would run them unsandboxed; use "runsc" (or "gvisor" on GKE Sandbox), or set handlerIsGvisor: true if the nodes' "${handler}" runtime is gVisor`,
    );
    const vouched = renderRuntimeClass({ handler, handlerIsGvisor: true });
    expect(vouched.objects[0]).toMatchObject({ kind: 'RuntimeClass', handler });
    expect(vouched.ref).toMatchObject({ handler, handlerIsGvisor: true });
  });

  test.each(['runsc-', 'gvisor--', 'RUNSC', 'Runsc', 'runsc_kvm', ''])('"%s" is not even a handler name (DNS label)', (handler) => {
    const e = caught(() => renderRuntimeClass({ handler, handlerIsGvisor: true }));
    expect(e.path).toBe('props.handler');
    expect(['INVALID_NAME', 'REQUIRED']).toContain(e.code);
  });

  test.each(GVISOR)('"%s" is gVisor\'s: accepted, and the reference does not claim a vouch', (handler) => {
    const { objects, ref } = renderRuntimeClass({ handler });
    expect(objects[0]).toMatchObject({ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', handler });
    expect(ref.handler).toBe(handler);
    expect(ref.handlerIsGvisor).toBeUndefined();
  });

  test('handlerIsGvisor defaults to false and must be a boolean', () => {
    expect(caught(() => renderRuntimeClass({ handler: 'sandbox' })).code).toBe('SANDBOX_ESCAPE');
    const e = caught(() => renderRuntimeClass({ handler: 'sandbox', handlerIsGvisor: 'yes' as never }));
    expect([e.code, e.path]).toEqual(['INVALID_TYPE', 'props.handlerIsGvisor']);
  });

  test('the GKE preset and existing classes check a handler they are given too', () => {
    expect(caught(() => renderRuntimeClass({ preset: 'gke', handler: 'runc' })).code).toBe('SANDBOX_ESCAPE');
    expect(caught(() => renderRuntimeClass({ name: 'corp', existing: true, handler: 'kata' })).code).toBe('SANDBOX_ESCAPE');
    expect(renderRuntimeClass({ preset: 'gke' }).ref.handler).toBe('gvisor');
  });

  test('the edge RuntimeClass props go through the same check', () => {
    expect(caught(() => renderRuntimeClass(edgeRuntimeClassProps({ handler: 'runc' }))).code).toBe('SANDBOX_ESCAPE');
    expect(renderRuntimeClass(edgeRuntimeClassProps({ handler: 'edge-sandbox', handlerIsGvisor: true })).objects[0]).toMatchObject({ handler: 'edge-sandbox' });
  });

  test('property: without the opt-out, a handler is accepted exactly when it is runsc/gvisor or a -variant of them', () => {
    const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);
    fc.assert(fc.property(fc.oneof(label, label.map((l) => `runsc-${l}`), label.map((l) => `gvisor-${l}`)), (handler) => {
      const gvisorName = /^(runsc|gvisor)(-[a-z0-9]([-a-z0-9]*[a-z0-9])?)?$/.test(handler);
      let accepted: boolean;
      try {
        renderRuntimeClass({ handler });
        accepted = true;
      } catch (e) {
        expect(e).toBeInstanceOf(GvisorIacError);
        accepted = false;
      }
      expect(accepted).toBe(gvisorName);
    }), { numRuns: 300 });
  });

  test('the two name lists do not overlap, and assertGvisorHandler reports whether the name passed only by the vouch', () => {
    for (const h of [...GVISOR]) expect(NOT_GVISOR_HANDLER_PATTERN.test(h)).toBe(false);
    for (const h of NOT_GVISOR) expect(GVISOR_HANDLER_PATTERN.test(h)).toBe(false);
    expect(assertGvisorHandler('runsc', 'h', true)).toBe(false);
    expect(assertGvisorHandler('custom', 'h', true)).toBe(true);
  });
});

describe('a hand-made RuntimeClass reference that names a handler is checked wherever it is used', () => {
  const bad: RuntimeClassRef = { name: 'gvisor', handler: 'runc' };
  const uses: [string, (rc: RuntimeClassRef) => unknown][] = [
    ['SandboxedPod', (rc) => renderSandboxedPod({ containers, runtimeClass: rc }, 'p')],
    ['SandboxedDeployment', (rc) => renderSandboxedDeployment({ containers, runtimeClass: rc }, 'd')],
    ['SandboxedJob', (rc) => renderSandboxedJob({ containers, runtimeClass: rc }, 'j')],
    ['SandboxedDaemonSet', (rc) => renderSandboxedDaemonSet({ containers, runtimeClass: rc }, 'ds')],
    ['SandboxedStatefulSet', (rc) => renderSandboxedStatefulSet({ containers, runtimeClass: rc }, 'sts')],
    ['SandboxedCronJob', (rc) => renderSandboxedCronJob({ schedule: '@daily', containers, runtimeClass: rc }, 'cj')],
    ['UntrustedCodeSandbox', (rc) => renderUntrustedCodeSandbox({ image: 'python:3.12', command: ['python', '-c', 'print(1)'], runtimeClass: rc }, 'u')],
    ['EdgeSandbox', (rc) => renderEdgeSandbox({ containers, runtimeClass: rc }, 'e')],
    ['MultiTenantSandbox', (rc) => renderMultiTenantSandbox({ tenants: [{ name: 'a' }], runtimeClass: rc }, 'm')],
  ];

  test.each(uses)('%s refuses { handler: "runc" } and accepts a vouched custom handler', (_, use) => {
    const e = caught(() => use(bad));
    expect([e.code, e.path]).toEqual(['SANDBOX_ESCAPE', 'props.runtimeClass.handler']);
    expect(caught(() => use({ name: 'gvisor', handler: 'sandbox' })).code).toBe('SANDBOX_ESCAPE');
    expect(caught(() => use({ name: 'gvisor', handler: 'crun', handlerIsGvisor: true })).code).toBe('SANDBOX_ESCAPE');
    expect(() => use({ name: 'gvisor', handler: 'sandbox', handlerIsGvisor: true })).not.toThrow();
    expect(() => use({ name: 'gvisor' })).not.toThrow();
    expect(() => use(renderRuntimeClass({ handler: 'custom', handlerIsGvisor: true }).ref)).not.toThrow();
  });
});

describe('cdk8s', () => {
  test.each([
    ['GvisorRuntimeClass', (c: any) => new k8s.GvisorRuntimeClass(c, 'rc', { handler: 'runc' })],
    ['EdgeRuntimeClass', (c: any) => new k8s.EdgeRuntimeClass(c, 'rc', { handler: 'kata-qemu' })],
    ['GvisorRuntimeClass (lookalike)', (c: any) => new k8s.GvisorRuntimeClass(c, 'rc', { handler: 'runsc2' })],
  ])('%s refuses a non-gVisor handler, and nothing of it is synthesised', (_, make) => {
    let error: unknown;
    const objects = synth((chart) => {
      try {
        make(chart);
      } catch (e) {
        error = e;
      }
    });
    expect(error).toBeInstanceOf(GvisorIacError);
    expect((error as GvisorIacError).code).toBe('SANDBOX_ESCAPE');
    expect(objects).toEqual([]);
  });

  test('handlerIsGvisor: true emits the custom handler, and workloads accept the class', () => {
    const objects = synth((chart) => {
      const rc = new k8s.EdgeRuntimeClass(chart, 'rc', { handler: 'edge-gvisor', handlerIsGvisor: true });
      new k8s.SandboxedPod(chart, 'app', { containers, runtimeClass: rc });
    });
    expect(objects.find((o) => o.kind === 'RuntimeClass')).toMatchObject({ metadata: { name: 'gvisor-edge' }, handler: 'edge-gvisor' });
    expect(objects.find((o) => o.kind === 'Pod').spec.runtimeClassName).toBe('gvisor-edge');
  });
});

describe('Pulumi', () => {
  test.each([
    ['GvisorRuntimeClass', () => new pl.GvisorRuntimeClass('rc', { handler: 'runc' })],
    ['EdgeRuntimeClass', () => new pl.EdgeRuntimeClass('rc', { handler: 'youki' })],
    ['SandboxedPod with a hand-made reference', () => new pl.SandboxedPod('p', { containers, runtimeClass: { name: 'gvisor', handler: 'runc' } })],
  ])('%s refuses a non-gVisor handler before registering anything', async (_, make) => {
    const rec = mockPulumi();
    const e = caught(make);
    expect(e.code).toBe('SANDBOX_ESCAPE');
    await drain();
    expect(rec.registrations).toEqual([]);
  });

  test('handlerIsGvisor: true registers the custom handler', async () => {
    const rec = mockPulumi();
    const rc = new pl.GvisorRuntimeClass('rc', { name: 'corp-gvisor', handler: 'sandboxed', handlerIsGvisor: true });
    await settle(rec, rc);
    expect(rec.kube().map((r) => [r.inputs.metadata.name, r.inputs.handler])).toEqual([['corp-gvisor', 'sandboxed']]);
    expect(rc.ref).toMatchObject({ handler: 'sandboxed', handlerIsGvisor: true });
  });
});
