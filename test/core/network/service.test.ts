import { ExposeOptions, GvisorIacError, exposeTarget, renderExposedService, renderSandboxedDeployment, renderUntrustedCodeSandbox, workloadAttributes } from '../../../lib/core';
import { expectRefusal } from '../../helpers/refusal';
import { assertAllSchemaValid } from '../../helpers/schema';

const http = { name: 'http', containerPort: 8080 };
const metrics = { name: 'metrics', containerPort: 9090 };
const dnsTcp = { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' as const };
const dnsUdp = { name: 'dns-udp', containerPort: 53, protocol: 'UDP' as const };

/** The Service `expose(options)` makes for a Deployment of these container ports. */
function expose(ports: any[][], options?: ExposeOptions, props: Record<string, unknown> = {}): any {
  const containers = ports.map((p, i) => ({ name: `c${i}`, image: 'app:1', ...(p.length ? { ports: p } : {}) }));
  const manifests = renderSandboxedDeployment({ containers, ...props } as any, 'web');
  const { objects } = renderExposedService(exposeTarget(manifests, workloadAttributes(manifests).podSelector), options);
  assertAllSchemaValid(objects);
  expect(objects).toHaveLength(1);
  return objects[0];
}

describe('expose(): the Service of a workload', () => {
  test('defaults: named like the workload, in its namespace, ClusterIP, selecting its pods, every container port targeted by name', () => {
    const svc = expose([[http, metrics]], undefined, { namespace: 'shop' });
    expect(svc).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop', labels: { 'app.kubernetes.io/managed-by': 'gvisor-iac' } },
      spec: {
        type: 'ClusterIP',
        selector: { 'app.kubernetes.io/name': 'web' },
        ports: [{ name: 'http', port: 8080, targetPort: 'http' }, { name: 'metrics', port: 9090, targetPort: 'metrics' }],
      },
    });
  });

  test('ports of every container; an unnamed single port is targeted by number', () => {
    expect(expose([[http], [metrics]]).spec.ports.map((p: any) => p.name)).toEqual(['http', 'metrics']);
    expect(expose([[{ containerPort: 8080 }]]).spec.ports).toEqual([{ port: 8080, targetPort: 8080 }]);
  });

  test('the selector follows the workload\'s selector label', () => {
    expect(expose([[http]], undefined, { labels: { 'app.kubernetes.io/name': 'shop' } }).spec.selector).toEqual({ 'app.kubernetes.io/name': 'shop' });
  });

  test('ports picks by name, by number (every protocol declared) or in full', () => {
    expect(expose([[http, metrics]], { ports: ['metrics'] }).spec.ports).toEqual([{ name: 'metrics', port: 9090, targetPort: 'metrics' }]);
    expect(expose([[http, dnsTcp, dnsUdp]], { ports: [53] }).spec.ports).toEqual([
      { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 'dns-tcp' },
      { name: 'dns-udp', port: 53, protocol: 'UDP', targetPort: 'dns-udp' },
    ]);
    expect(expose([[http, metrics]], { ports: [{ targetPort: 'http', port: 80, appProtocol: 'http' }, { targetPort: 9090, name: 'prom' }] }).spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', appProtocol: 'http' },
      { name: 'prom', port: 9090, targetPort: 'metrics' },
    ]);
    // A full entry may forward to a port the containers do not declare.
    expect(expose([[http]], { ports: [{ targetPort: 7000 }] }).spec.ports).toEqual([{ port: 7000, targetPort: 7000 }]);
    expect(expose([[dnsTcp, dnsUdp]], { ports: [{ targetPort: 53, protocol: 'UDP', name: 'dns' }] }).spec.ports).toEqual([{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 'dns-udp' }]);
  });

  test('name, labels, annotations, type, headless, session affinity, not-ready addresses, overrides', () => {
    const svc = expose([[http]], {
      name: 'web-public',
      labels: { tier: 'front' },
      annotations: { 'example.com/lb': 'internal' },
      type: 'LoadBalancer',
      sessionAffinity: 'ClientIP',
      ports: [{ targetPort: 'http', port: 443, nodePort: 30443 }],
      overrides: [{ patch: [{ op: 'add', path: '/spec/externalTrafficPolicy', value: 'Local' }] }],
    });
    expect(svc.metadata).toEqual({ name: 'web-public', labels: { 'app.kubernetes.io/managed-by': 'gvisor-iac', 'tier': 'front' }, annotations: { 'example.com/lb': 'internal' } });
    expect(svc.spec).toEqual({
      type: 'LoadBalancer',
      sessionAffinity: 'ClientIP',
      externalTrafficPolicy: 'Local',
      selector: { 'app.kubernetes.io/name': 'web' },
      ports: [{ name: 'http', port: 443, targetPort: 'http', nodePort: 30443 }],
    });
    expect(expose([[http]], { clusterIP: 'None', publishNotReadyAddresses: true }).spec).toMatchObject({ type: 'ClusterIP', clusterIP: 'None', publishNotReadyAddresses: true });
  });

  test.each<[string, any[][], any, { code: string; field: string; message: string }]>([
    ['no container ports', [[]], undefined, { code: 'REQUIRED', field: 'options.ports', message: 'declare no ports' }],
    ['an unknown port name', [[http]], { ports: ['grpc'] }, { code: 'INVALID_VALUE', field: 'options.ports[0]', message: '"grpc" names no container port; use one of "http" (8080)' }],
    ['an undeclared bare number', [[http]], { ports: [9999] }, { code: 'INVALID_VALUE', field: 'options.ports[0]', message: 'is no declared container port' }],
    ['an unnamed port among several', [[http, { containerPort: 9000 }]], undefined, { code: 'REQUIRED', field: 'props.containers[0].ports[1]', message: 'a Service with more than one port names each of them' }],
    ['a port picked twice', [[http]], { ports: ['http', 8080] }, { code: 'DUPLICATE_NAME', field: 'options.ports[1]', message: 'is the name of port 0 too' }],
    ['two ports on one number', [[http, metrics]], { ports: [{ targetPort: 'http', port: 80 }, { targetPort: 'metrics', port: 80 }] }, { code: 'DUPLICATE_NAME', field: 'options.ports[1]', message: '"80/TCP" is served by port 0 too' }],
    ['a nodePort on a ClusterIP Service', [[http]], { ports: [{ targetPort: 'http', nodePort: 30080 }] }, { code: 'INVALID_VALUE', field: 'options.ports[0].nodePort', message: 'NodePort or LoadBalancer' }],
    ['a headless NodePort', [[http]], { type: 'NodePort', clusterIP: 'None' }, { code: 'INVALID_VALUE', field: 'options.clusterIP', message: 'headless' }],
    ['a port out of range', [[http]], { ports: [{ targetPort: 'http', port: 70000 }] }, { code: 'INVALID_INTEGER', field: 'options.ports[0].port', message: 'from 1 to 65535' }],
    ['a bad port name', [[http]], { ports: [{ targetPort: 'http', name: 'HTTP' }] }, { code: 'INVALID_NAME', field: 'options.ports[0].name', message: 'DNS-1123' }],
    ['a targetPort that is no port name (digits only)', [[http]], { ports: [{ targetPort: '8080' }] }, { code: 'INVALID_VALUE', field: 'options.ports[0].targetPort', message: '"8080" is not a port name' }],
    ['a picked port name with "--"', [[http]], { ports: ['ht--tp'] }, { code: 'INVALID_VALUE', field: 'options.ports[0]', message: 'is not a port name' }],
    ['a type typo', [[http]], { type: 'Loadbalancer' }, { code: 'INVALID_VALUE', field: 'options.type', message: 'is not one of "ClusterIP", "NodePort", "LoadBalancer"' }],
    ['an unknown option', [[http]], { port: [80] }, { code: 'UNKNOWN_FIELD', field: 'options.port', message: 'did you mean "ports"' }],
    ['an unknown port field', [[http]], { ports: [{ targetPort: 'http', prot: 80 }] }, { code: 'UNKNOWN_FIELD', field: 'options.ports[0].prot', message: 'did you mean "port"' }],
    ['a port entry of the wrong type', [[http]], { ports: [true] }, { code: 'INVALID_TYPE', field: 'options.ports[0]', message: 'is not an object' }],
  ])('refuses %s', (_, ports, options, expected) => {
    expectRefusal(() => expose(ports, options), expected as any);
  });

  test('an UntrustedCodeSandbox, whose NetworkPolicy denies all ingress, is never exposed', () => {
    const manifests = renderUntrustedCodeSandbox({ image: 'python:3.12-slim', command: ['python'] } as any, 'run-1');
    const target = exposeTarget(manifests, { 'gvisor-iac.dev/run': 'run-1' });
    expect(target.ingressDeniedBy).toBe('run-1');
    expectRefusal(() => renderExposedService(target, { ports: [{ targetPort: 8080 }] }), { code: 'INVALID_VALUE', field: 'options', message: 'denies its pods all ingress' });
  });

  test('never a TypeError: garbage options are refused by name', () => {
    for (const bad of [null, 42, 'x', [], { ports: 'http' }, { ports: [null] }, { labels: { a: 1 } }]) {
      expect(() => expose([[http]], bad as any)).toThrow(GvisorIacError);
    }
  });
});
