import fc from 'fast-check';
import {
  EDGE_DEFAULTS, EdgeSandboxProps, edgeRuntimeClassProps, renderEdgeSandbox, renderRuntimeClass, renderSandboxedDaemonSet,
} from '../../../lib/core';
import { caught, expectRefused } from '../../helpers/errors';
import { HARDENED_CONTAINER_SECURITY_CONTEXT, HARDENED_POD } from '../../helpers/hardened';
import { assertRestrictedAndSandboxed } from '../../helpers/pod-security';
import { assertAllSchemaValid } from '../../helpers/schema';

type Any = Record<string, any>;
const APP = { name: 'app', image: 'edge-app:1.0' };
const render = (props: Partial<EdgeSandboxProps> = {}, id = 'edge-app') =>
  renderEdgeSandbox({ containers: [APP], ...props } as EdgeSandboxProps, id).objects as readonly Any[];
const spec = (objects: readonly Any[]) => objects[0]!.spec.template.spec;

const EDGE_TOLERATION = { key: 'node-type', operator: 'Equal', value: 'edge', effect: 'NoSchedule' };
const flaky = (tolerationSeconds?: number) => ['node.kubernetes.io/unreachable', 'node.kubernetes.io/not-ready'].map((key) => ({
  key, operator: 'Exists', effect: 'NoExecute', ...(tolerationSeconds === undefined ? {} : { tolerationSeconds }),
}));
const LABELS = { 'app.kubernetes.io/managed-by': 'gvisor-iac', 'app.kubernetes.io/name': 'edge-app' };

describe('EdgeSandbox (core): defaults', () => {
  test('minimal props: one gVisor Deployment pinned to edge nodes', () => {
    const manifests = renderEdgeSandbox({ containers: [APP] }, 'edge-app');
    expect(manifests.primary).toBe(0);
    expect(manifests.objects).toEqual([{
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'edge-app', labels: LABELS },
      spec: {
        replicas: 1,
        selector: { matchLabels: { 'app.kubernetes.io/name': 'edge-app' } },
        template: {
          metadata: { labels: LABELS },
          spec: {
            ...HARDENED_POD,
            containers: [{
              name: 'app',
              image: 'edge-app:1.0',
              imagePullPolicy: 'IfNotPresent',
              resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '250m', memory: '128Mi' } },
              securityContext: HARDENED_CONTAINER_SECURITY_CONTEXT,
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
            nodeSelector: { 'node-type': 'edge' },
            tolerations: [EDGE_TOLERATION, ...flaky(3600)],
          },
        },
      },
    }]);
  });

  test('the documented defaults are the ones used', () => {
    expect(EDGE_DEFAULTS).toMatchObject({
      nodeSelector: { 'node-type': 'edge' },
      edgeToleration: EDGE_TOLERATION,
      tolerationSeconds: 3600,
      containerResources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '250m', memory: '128Mi' } },
      siteLabel: 'topology.kubernetes.io/zone',
      imagePullPolicy: 'IfNotPresent',
      runtimeClassName: 'gvisor-edge',
    });
  });

  test('workload: Deployment; replicas: 1, so no topology spread', () => {
    const o = render();
    expect(o.map((x) => x.kind)).toEqual(['Deployment']);
    expect(o[0]!.spec.replicas).toBe(1);
    expect(spec(o).topologySpreadConstraints).toBeUndefined();
  });

  test('nodeSelector: node-type=edge; tolerations: the edge taint and flaky links for 3600 s', () => {
    expect(spec(render()).nodeSelector).toEqual({ 'node-type': 'edge' });
    expect(spec(render()).tolerations).toEqual([EDGE_TOLERATION, ...flaky(3600)]);
  });

  test('imagePullPolicy: IfNotPresent on containers and init containers that set none', () => {
    const s = spec(render({ initContainers: [{ name: 'init', image: 'busybox:1.36' }] }));
    expect(s.initContainers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(s.containers[0].imagePullPolicy).toBe('IfNotPresent');
  });

  test('small footprint for containers without resources; containers with resources keep theirs', () => {
    const s = spec(render({ containers: [APP, { name: 'big', image: 'big:1', resources: { limits: { cpu: '2', memory: '1Gi' } } }] }));
    expect(s.containers[0].resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '250m', memory: '128Mi' } });
    expect(s.containers[1].resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '2', memory: '1Gi' } });
  });

  test('siteLabel: topology.kubernetes.io/zone once there is more than one replica', () => {
    expect(spec(render({ replicas: 3 })).topologySpreadConstraints).toEqual([{
      maxSkew: 1,
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'edge-app' } },
    }]);
  });
});

describe('EdgeSandbox (core): options', () => {
  test('workload DaemonSet: one pod per edge node; flaky-link tolerations without a limit, as the DaemonSet controller sets them', () => {
    const o = render({ workload: 'DaemonSet', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } }, minReadySeconds: 5 });
    expect(o.map((x) => `${x.kind}/${x.metadata.name}`)).toEqual(['DaemonSet/edge-app']);
    expect(o[0]!.spec).toMatchObject({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'edge-app' } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } },
      minReadySeconds: 5,
    });
    expect(o[0]!.spec.replicas).toBeUndefined();
    expect(spec(o).nodeSelector).toEqual({ 'node-type': 'edge' });
    expect(spec(o).tolerations).toEqual([EDGE_TOLERATION, ...flaky()]);
    expect(spec(o).topologySpreadConstraints).toBeUndefined();
  });

  test('nodeSelector replaces the default; {} pins nothing', () => {
    expect(spec(render({ nodeSelector: { 'example.com/site': 'store-12' } })).nodeSelector).toEqual({ 'example.com/site': 'store-12' });
    expect(spec(render({ nodeSelector: {} })).nodeSelector).toBeUndefined();
  });

  test('edgeToleration: a custom taint, or none', () => {
    const custom = { key: 'node-role.kubernetes.io/edge', operator: 'Exists' as const, effect: 'NoSchedule' as const };
    expect(spec(render({ edgeToleration: custom })).tolerations).toEqual([custom, ...flaky(3600)]);
    expect(spec(render({ edgeToleration: false })).tolerations).toEqual(flaky(3600));
  });

  test('tolerationSeconds sets how long pods outlast a lost link', () => {
    expect(spec(render({ tolerationSeconds: 86400 })).tolerations).toEqual([EDGE_TOLERATION, ...flaky(86400)]);
  });

  test('tolerations: added after the defaults; one with the same key and effect replaces the default', () => {
    const own = [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' as const, effect: 'NoExecute' as const }, { key: 'gpu', operator: 'Exists' as const }];
    expect(spec(render({ tolerations: own })).tolerations).toEqual([EDGE_TOLERATION, flaky(3600)[1], ...own]);
  });

  test('siteLabel: another label, false, or explicit topologySpreadConstraints', () => {
    expect(spec(render({ replicas: 2, siteLabel: 'example.com/site' })).topologySpreadConstraints[0].topologyKey).toBe('example.com/site');
    expect(spec(render({ replicas: 2, siteLabel: false })).topologySpreadConstraints).toBeUndefined();
    const own = [{ maxSkew: 2, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' as const, labelSelector: { matchLabels: { a: 'b' } } }];
    expect(spec(render({ replicas: 2, topologySpreadConstraints: own })).topologySpreadConstraints).toEqual(own);
  });

  test('the spread selects the Deployment\'s own pods, also with a custom name label', () => {
    const o = render({ replicas: 2, labels: { 'app.kubernetes.io/name': 'sensor' } });
    expect(spec(o).topologySpreadConstraints[0].labelSelector).toEqual(o[0]!.spec.selector);
  });

  test('an explicit imagePullPolicy is kept', () => {
    expect(spec(render({ containers: [{ ...APP, imagePullPolicy: 'Always' }] })).containers[0].imagePullPolicy).toBe('Always');
  });

  test('hardening.defaultResources replaces the edge footprint; other hardening options still apply', () => {
    const s = spec(render({ hardening: { defaultResources: { limits: { cpu: '1', memory: '1Gi' } }, writableTmp: false } }));
    expect(s.containers[0].resources).toEqual({ limits: { cpu: '1', memory: '1Gi' } });
    expect(s.volumes).toBeUndefined();
  });

  test('runtimeClass: an edge RuntimeClass whose scheduling carries the edge node selector', () => {
    const rc = renderRuntimeClass(edgeRuntimeClassProps());
    expect(rc.objects).toEqual([{
      apiVersion: 'node.k8s.io/v1',
      kind: 'RuntimeClass',
      metadata: { name: 'gvisor-edge', labels: { 'app.kubernetes.io/managed-by': 'gvisor-iac' } },
      handler: 'runsc',
      overhead: { podFixed: { cpu: '100m', memory: '160Mi' } },
      scheduling: { nodeSelector: { 'node-type': 'edge' }, tolerations: [EDGE_TOLERATION] },
    }]);
    expect(spec(render({ runtimeClass: rc.ref })).runtimeClassName).toBe('gvisor-edge');
    assertAllSchemaValid(rc.objects);
  });

  test('edgeRuntimeClassProps: any prop replaces its edge default', () => {
    expect(edgeRuntimeClassProps({ name: 'edge-sandbox', nodeSelector: { site: 'a' }, handler: 'runsc-edge' })).toEqual({
      name: 'edge-sandbox', nodeSelector: { site: 'a' }, tolerations: [EDGE_TOLERATION], handler: 'runsc-edge',
    });
  });

  test('a generic sandboxed DaemonSet (no edge defaults)', () => {
    const o = renderSandboxedDaemonSet({ containers: [APP] }, 'agent').objects as readonly Any[];
    expect(o[0]!.kind).toBe('DaemonSet');
    expect(spec(o).nodeSelector).toBeUndefined();
    expect(spec(o).tolerations).toBeUndefined();
    expect(spec(o).containers[0].imagePullPolicy).toBeUndefined();
    assertAllSchemaValid(o);
    assertRestrictedAndSandboxed(o);
  });

  test('every variant is schema-valid and Pod Security "restricted"', () => {
    const variants: Partial<EdgeSandboxProps>[] = [
      {}, { replicas: 3, namespace: 'edge' }, { workload: 'DaemonSet' }, { edgeToleration: false, nodeSelector: {} },
      { initContainers: [{ name: 'init', image: 'busybox:1.36' }], tolerationSeconds: 0, strategy: { type: 'Recreate' } },
    ];
    for (const v of variants) {
      const o = render(v);
      assertAllSchemaValid(o);
      assertRestrictedAndSandboxed(o);
    }
  });
});

describe('EdgeSandbox (core): invalid input is refused before anything is emitted', () => {
  const edgeRc = renderRuntimeClass(edgeRuntimeClassProps()).ref;
  test.each<[string, Any, string, string, string]>([
    ['no containers', { containers: undefined }, 'REQUIRED', 'props.containers', 'is not an array'],
    ['no image', { containers: [{ name: 'app' }] }, 'REQUIRED', 'props.containers[0].image', 'is not a container image reference'],
    ['a nodeSelector key with a space', { nodeSelector: { 'node type': 'edge' } }, 'INVALID_LABEL', 'props.nodeSelector["node type"]', 'is not a valid label key'],
    ['a bad nodeSelector value', { nodeSelector: { 'node-type': 'edge site' } }, 'INVALID_LABEL', 'props.nodeSelector.node-type', 'is not a valid label value'],
    ['a site label with a space', { replicas: 2, siteLabel: 'edge site' }, 'INVALID_LABEL', 'props.siteLabel', 'is not a valid label key'],
    ['an edge toleration with a bad key', { edgeToleration: { key: 'node type', operator: 'Exists' } }, 'INVALID_LABEL', 'props.edgeToleration.key', 'is not a valid label key'],
    ['an edge toleration that is not an object', { edgeToleration: true }, 'INVALID_TYPE', 'props.edgeToleration', 'is not an object'],
    ['a negative tolerationSeconds', { tolerationSeconds: -5 }, 'INVALID_INTEGER', 'props.tolerationSeconds', 'is not a whole number ≥ 0'],
    ['tolerationSeconds on a DaemonSet', { workload: 'DaemonSet', tolerationSeconds: 60 }, 'INVALID_VALUE', 'props.tolerationSeconds', 'has no effect on a DaemonSet'],
    ['replicas on a DaemonSet', { workload: 'DaemonSet', replicas: 2 }, 'INVALID_VALUE', 'props.replicas', 'applies to a Deployment only'],
    ['siteLabel on a DaemonSet', { workload: 'DaemonSet', siteLabel: 'x' }, 'INVALID_VALUE', 'props.siteLabel', 'applies to a Deployment only'],
    ['updateStrategy on a Deployment', { updateStrategy: { type: 'OnDelete' } }, 'INVALID_VALUE', 'props.updateStrategy', 'applies to a DaemonSet only'],
    ['an unknown workload', { workload: 'StatefulSet' }, 'INVALID_VALUE', 'props.workload', '"StatefulSet" is not one of "Deployment", "DaemonSet"'],
    ['a typo', { edgeTolerations: [] }, 'UNKNOWN_FIELD', 'props.edgeTolerations', 'did you mean "edgeToleration"?'],
    ['negative replicas', { replicas: -1 }, 'INVALID_INTEGER', 'props.replicas', 'is not a whole number ≥ 0'],
    ['a bad imagePullPolicy', { containers: [{ ...APP, imagePullPolicy: 'Sometimes' }] }, 'INVALID_VALUE', 'props.containers[0].imagePullPolicy', '"Sometimes"'],
    ['a bad quantity', { containers: [{ ...APP, resources: { limits: { memory: '128m' } } }] }, 'INVALID_QUANTITY', 'props.containers[0].resources.limits.memory', 'write "128Mi"'],
    ['a bad default quantity', { hardening: { defaultResources: { limits: { cpu: 'lots' } } } }, 'INVALID_QUANTITY', 'props.hardening.defaultResources.limits.cpu', '"lots"'],
    ['a privileged container', { containers: [{ ...APP, securityContext: { privileged: true } }] }, 'SANDBOX_ESCAPE', 'props.containers[0].securityContext.privileged', 'privileged'],
    ['hostNetwork', { hostNetwork: true }, 'SANDBOX_ESCAPE', 'props.hostNetwork', "shares the node's Network namespace"],
    ['a hostPath volume', { volumes: [{ name: 'v', hostPath: { path: '/' } }] }, 'SANDBOX_ESCAPE', 'props.volumes[0].hostPath', 'mounts a directory of the node'],
    ['a hostPort', { containers: [{ ...APP, ports: [{ containerPort: 80, hostPort: 80 }] }] }, 'SANDBOX_ESCAPE', 'props.containers[0].ports[0].hostPort', 'binds a port on the node'],
    ['root', { securityContext: { runAsUser: 0 } }, 'SANDBOX_ESCAPE', 'props.securityContext.runAsUser', 'runs as root'],
    ['an added capability', { containers: [{ ...APP, securityContext: { capabilities: { add: ['NET_ADMIN'] } } }] }, 'SANDBOX_ESCAPE', 'props.containers[0].securityContext.capabilities.add[0]', 'NET_ADMIN'],
    ['a nodeSelector that contradicts the RuntimeClass', { runtimeClass: edgeRc, nodeSelector: { 'node-type': 'cloud' } }, 'INVALID_VALUE', 'props.nodeSelector["node-type"]', 'contradicts the RuntimeClass "gvisor-edge"'],
  ])('refuses %s', (_label, props, code, path, fragment) => {
    expectRefused(() => render(props as Partial<EdgeSandboxProps>), code, path, fragment);
  });

  test('a nodeSelector that agrees with the RuntimeClass is fine', () => {
    expect(spec(render({ runtimeClass: edgeRc })).nodeSelector).toEqual({ 'node-type': 'edge' });
  });

  test('edgeRuntimeClassProps refuses the GKE preset and non-objects', () => {
    expect(caught(() => edgeRuntimeClassProps({ preset: 'gke' } as never)).path).toBe('props.preset');
    expect(caught(() => edgeRuntimeClassProps('edge' as never)).code).toBe('INVALID_TYPE');
  });

  test('props that are not an object', () => {
    for (const props of [undefined, null, 'app', []]) {
      expect(caught(() => renderEdgeSandbox(props as never, 'e')).code).toBe('INVALID_TYPE');
    }
  });
});

describe('EdgeSandbox (core): properties', () => {
  const dnsLabel = '[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?';
  const labelKey = fc.stringMatching(new RegExp(`^(${dnsLabel}(\\.${dnsLabel})?/)?[A-Za-z0-9]([A-Za-z0-9_.-]{0,20}[A-Za-z0-9])?$`));
  const labelValue = fc.stringMatching(/^([A-Za-z0-9]([A-Za-z0-9_.-]{0,20}[A-Za-z0-9])?)?$/);

  test('any valid placement: pods are pinned as asked, tolerate lost links for the given time, stay restricted and schema-valid', () => {
    fc.assert(fc.property(
      fc.dictionary(labelKey, labelValue, { minKeys: 1, maxKeys: 3 }),
      fc.integer({ min: 0, max: 10 }),
      fc.integer({ min: 0, max: 7 * 86400 }),
      fc.boolean(),
      (nodeSelector, replicas, tolerationSeconds, daemon) => {
        const o = render(daemon ? { workload: 'DaemonSet', nodeSelector } : { nodeSelector, replicas, tolerationSeconds });
        const s = spec(o);
        expect(s.nodeSelector).toEqual(nodeSelector);
        expect(s.tolerations.slice(1)).toEqual(flaky(daemon ? undefined : tolerationSeconds));
        expect(s.topologySpreadConstraints === undefined).toBe(daemon || replicas <= 1);
        expect(s.containers.every((c: Any) => c.imagePullPolicy === 'IfNotPresent')).toBe(true);
        assertAllSchemaValid(o);
        assertRestrictedAndSandboxed(o);
      },
    ), { numRuns: 200 });
  });
});
