import { App } from 'cdk8s';
import { SandboxChart } from '../../examples/cdk8s/main';
import { assertRestrictedAndSandboxed } from '../helpers/pod-security';
import { assertAllSchemaValid } from '../helpers/schema';
import { synthApp } from '../helpers/synth';

describe('examples/cdk8s', () => {
  const app = new App();
  new SandboxChart(app, 'gvisor-sandbox');
  const objects = synthApp(app);

  test('emits the RuntimeClass first, then the workloads', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'RuntimeClass/gvisor',
      'Pod/nginx-sandboxed',
      'Deployment/web',
      'Job/report',
    ]);
  });

  test('every object is schema-valid and every pod is sandboxed and restricted', () => {
    assertAllSchemaValid(objects);
    assertRestrictedAndSandboxed(objects);
  });
});
