import { ApiObject } from 'cdk8s';
import fc from 'fast-check';
import { renderUntrustedCodeSandbox } from '../../lib/core';
import { egressArb, forbiddenDestinationArb } from '../helpers/egress-arbitraries';
import { caught } from '../helpers/errors';
import { egressAllowed, podRefOf } from '../helpers/network-policy';
import { assertRestrictedAndSandboxed } from '../helpers/pod-security';
import { assertAllSchemaValid } from '../helpers/schema';
import { newChart, synth, synthApp } from '../helpers/synth';
import { GvisorRuntimeClass, UntrustedCodeSandbox } from 'gvisor-iac/cdk8s';

describe('UntrustedCodeSandbox (cdk8s)', () => {
  const props = { image: 'python:3.12-slim', command: ['python', '/code/main.py'], code: { 'main.py': 'print(6 * 7)\n' }, egress: 'dns' as const };

  test('emits the RuntimeClass, the code, the policy, then the Job, in apply order', () => {
    const objects = synth((chart) => {
      const gvisor = new GvisorRuntimeClass(chart, 'gvisor');
      new UntrustedCodeSandbox(chart, 'run-42', { ...props, runtimeClass: gvisor });
    });
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['RuntimeClass/gvisor', 'ConfigMap/run-42-code', 'NetworkPolicy/run-42', 'Job/run-42']);
    assertAllSchemaValid(objects);
    assertRestrictedAndSandboxed(objects);
  });

  test('emits exactly what the core renders (same props, same objects)', () => {
    const objects = synth((chart) => new UntrustedCodeSandbox(chart, 'run-42', props));
    expect(objects).toEqual(renderUntrustedCodeSandbox(props, 'run-42').objects);
  });

  test('exposes the Job as ApiObject.of(construct), its name and the run\'s pod selector', () => {
    const { chart } = newChart();
    const run = new UntrustedCodeSandbox(chart, 'run-42', props);
    expect(ApiObject.of(run)).toBe(run.apiObject);
    expect(run.apiObject.kind).toBe('Job');
    expect(run.name).toBe('run-42');
    expect(run.podSelector).toEqual({ 'gvisor-iac.dev/run': 'run-42' });
    expect(run.apiObjects.map((o) => o.kind)).toEqual(['ConfigMap', 'NetworkPolicy', 'Job']);
  });

  test('the chart namespace applies to the policy and the Job alike, so the policy still selects the pods', () => {
    const objects = synth((chart) => new UntrustedCodeSandbox(chart, 'run-1', { image: 'r:1' }), { namespace: 'runs' });
    expect(objects.map((o) => o.metadata.namespace)).toEqual(['runs', 'runs']);
    const job = objects.find((o) => o.kind === 'Job');
    expect(egressAllowed(objects, podRefOf(job), { ip: '8.8.8.8' })).toBe(false);
  });

  test('whatever egress is chosen, synthesised runs never reach the metadata address (property)', () => {
    fc.assert(fc.property(egressArb, forbiddenDestinationArb, (egress, ip) => {
      const { app, chart } = newChart({ namespace: 'runs' });
      try {
        new UntrustedCodeSandbox(chart, 'run', { image: 'r:1', egress });
      } catch {
        expect(synthApp(app)).toEqual([]);
        return;
      }
      const objects = synthApp(app);
      expect(egressAllowed(objects, podRefOf(objects.find((o) => o.kind === 'Job')), { ip })).toBe(false);
    }), { numRuns: 200 });
  });

  test('bad props throw a GvisorIacError and leave nothing behind', () => {
    const { app, chart } = newChart();
    const e = caught(() => new UntrustedCodeSandbox(chart, 'run', { image: 'r:1', activeDeadlineSeconds: 0 }));
    expect(e.message).toBe('props.activeDeadlineSeconds: 0 is not a whole number ≥ 1; use a whole number ≥ 1');
    expect(chart.node.tryFindChild('run')).toBeUndefined();
    expect(synthApp(app)).toEqual([]);
  });
});
