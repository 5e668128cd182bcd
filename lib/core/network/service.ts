import type { Container, ContainerPort, Service, ServicePort } from 'kubernetes-types/core/v1';
import { EXPOSE_DEFAULTS, MANAGED_BY_LABEL } from '../defaults';
import { GvisorIacError } from '../errors';
import { KubeObject, Manifests, podSpecOf, prune } from '../objects/manifest';
import { objectMeta } from '../objects/metadata';
import { ManifestOverride, applyOverrides } from '../objects/overrides';
import { plainProps } from '../validation/plain-data';
import { PropTable, checkProps, optional } from '../validation/props';
import { assertAnnotations, assertArray, assertBoolean, assertDnsLabel, assertInteger, assertLabels, assertOneOf, assertPlainObject, assertPortName } from '../validation/validate';

/** A port of the Service `expose()` makes, in full. */
export interface ExposedPort {
  /**
   * The container port the Service forwards to: its name (from
   * `containers[].ports[].name`) or its number.
   */
  readonly targetPort: string | number;
  /** The port the Service listens on. @default - the container port's number */
  readonly port?: number;
  /** The Service port's name (required when the Service has more than one port). @default - the container port's name */
  readonly name?: string;
  /** @default - the container port's protocol (Kubernetes' "TCP") */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  /** @default - none */
  readonly appProtocol?: string;
  /** Port on every node; only with type `NodePort` or `LoadBalancer`. @default - allocated by Kubernetes */
  readonly nodePort?: number;
}

/** Options of a workload's `expose()`: a Service that selects the workload's pods. */
export interface ExposeOptions {
  /** `metadata.name` of the Service (in the workload's namespace). @default - the workload's name */
  readonly name?: string;
  /** Labels of the Service. @default - none (besides app.kubernetes.io/managed-by) */
  readonly labels?: Record<string, string>;
  /** Annotations of the Service. @default - none */
  readonly annotations?: Record<string, string>;
  /**
   * The ports the Service serves: a container port's name (`"http"`) or
   * number (`8080`, every protocol it is declared with), or an
   * `ExposedPort`. Named container ports are targeted by name.
   * @default - every port of every container
   */
  readonly ports?: ReadonlyArray<string | number | ExposedPort>;
  /**
   * Service type. `NodePort` and `LoadBalancer` open the workload beyond the
   * cluster: ask for them explicitly (a tenant namespace's quota allows none).
   * @default "ClusterIP"
   */
  readonly type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** `"None"` makes a headless Service (DNS names the pods; no virtual IP). @default - a cluster IP is allocated */
  readonly clusterIP?: 'None';
  /** @default - Kubernetes' "None" */
  readonly sessionAffinity?: 'None' | 'ClientIP';
  /** Publish the addresses of pods that are not ready (for peer discovery). @default - Kubernetes' false */
  readonly publishNotReadyAddresses?: boolean;
  /** JSON-patch escape hatch applied to the Service. @default - none */
  readonly overrides?: ManifestOverride[];
}

/** What `expose()` needs to know of a workload: its identity, its pods' selector and its containers. */
export interface ExposeTarget {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly podSelector: Readonly<Record<string, string>>;
  /** The containers of the workload's pod template (their `ports`). */
  readonly containers: readonly Container[];
  /** Name of a NetworkPolicy of the workload's own that denies its pods all ingress: a Service would reach nothing. */
  readonly ingressDeniedBy?: string;
}

const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer'] as const;
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;

const EXPOSE_PROPS = {
  name: optional((v, p) => assertDnsLabel(v, p)),
  labels: (v, p) => assertLabels(v, p),
  annotations: (v, p) => assertAnnotations(v, p),
  ports: optional((v, p) => assertArray(v, p)),
  type: optional((v, p) => assertOneOf(v, SERVICE_TYPES, p)),
  clusterIP: optional((v, p) => assertOneOf(v, ['None'] as const, p, 'use "None" for a headless Service, or leave clusterIP unset')),
  sessionAffinity: optional((v, p) => assertOneOf(v, ['None', 'ClientIP'] as const, p)),
  publishNotReadyAddresses: optional((v, p) => assertBoolean(v, p)),
  overrides: optional((v, p) => assertArray(v, p)),
} satisfies PropTable<ExposeOptions>;

const PORT_PROPS = {
  targetPort: (v, p) => {
    if (typeof v === 'string') return assertPortName(v, p);
    if (v === undefined) throw new GvisorIacError('REQUIRED', p, v, 'is not set', 'name the container port (its name or number) the Service forwards to');
    return assertInteger(v, p, 1, 65535);
  },
  port: optional((v, p) => assertInteger(v, p, 1, 65535)),
  name: optional((v, p) => assertDnsLabel(v, p)),
  protocol: optional((v, p) => assertOneOf(v, PROTOCOLS, p)),
  appProtocol: optional((v, p) => {
    if (typeof v !== 'string' || v === '') throw new GvisorIacError('INVALID_TYPE', p, v, 'is not a non-empty string', 'use e.g. "http" or "kubernetes.io/h2c"');
  }),
  nodePort: optional((v, p) => assertInteger(v, p, 1, 65535)),
} satisfies PropTable<ExposedPort>;

/** A declared container port, and where it is declared. */
interface Declared {
  readonly port: ContainerPort;
  readonly where: string;
}

/**
 * What `expose()` needs of a workload, from its rendered manifests (after
 * overrides): the main object's kind, name and namespace, the pods' selector
 * and the containers of its pod template.
 */
export function exposeTarget(manifests: Manifests, podSelector: Readonly<Record<string, string>>): ExposeTarget {
  const main = manifests.objects[manifests.primary ?? 0]!;
  const containers = podSpecOf(main)?.containers;
  const denying = manifests.objects.find((o) => o.kind === 'NetworkPolicy' && deniesIngress(o, podSelector));
  // Not pruned: in Pulumi the containers carry Outputs (images), which are read past, never copied.
  const target: ExposeTarget = { kind: main.kind, name: main.metadata.name, podSelector, containers: Array.isArray(containers) ? containers : [] };
  return {
    ...target,
    ...(main.metadata.namespace === undefined ? {} : { namespace: main.metadata.namespace }),
    ...(denying === undefined ? {} : { ingressDeniedBy: denying.metadata.name }),
  };
}

/** A NetworkPolicy that selects (at least) the pods of `podSelector` and allows them no ingress. */
function deniesIngress(policy: KubeObject, podSelector: Readonly<Record<string, string>>): boolean {
  type Selector = { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  const spec = policy.spec as { podSelector?: Selector; policyTypes?: string[]; ingress?: unknown[] } | undefined;
  if (!spec?.policyTypes?.includes('Ingress') || (spec.ingress?.length ?? 0) > 0 || spec.podSelector?.matchExpressions?.length) return false;
  return Object.entries(spec.podSelector?.matchLabels ?? {}).every(([k, v]) => podSelector[k] === v);
}

/**
 * The Service that exposes a workload: it selects the workload's pods
 * (`target.podSelector`) in the workload's namespace, serving the ports of
 * its containers (all, or those `options.ports` picks), `ClusterIP` unless
 * asked otherwise. Refuses a workload without container ports, a port name
 * or number no container declares, two Service ports with the same name or
 * number, and unnamed ports on a Service with more than one.
 */
export function renderExposedService(target: ExposeTarget, optionsIn: ExposeOptions = {}, path = 'options'): Manifests {
  const options = plainProps(optionsIn, path);
  checkProps(options, EXPOSE_PROPS, path, 'option');
  if (Object.keys(target.podSelector).length === 0) {
    throw new GvisorIacError('INVALID_VALUE', path, options, `cannot expose ${target.kind}/${target.name}: its pods carry no selector label (did an override remove app.kubernetes.io/name?)`,
      'keep the selector label on the pod template');
  }
  if (target.ingressDeniedBy !== undefined) {
    throw new GvisorIacError('INVALID_VALUE', path, options,
      `cannot expose ${target.kind}/${target.name}: its NetworkPolicy "${target.ingressDeniedBy}" denies its pods all ingress, so a Service would reach nothing`,
      'run a workload meant to serve (SandboxedDeployment, SandboxedPod…) instead; untrusted code is never exposed');
  }
  const type = options.type ?? EXPOSE_DEFAULTS.type;
  if (options.clusterIP === 'None' && type !== 'ClusterIP') {
    throw new GvisorIacError('INVALID_VALUE', `${path}.clusterIP`, options.clusterIP, `makes a headless Service, which cannot be of type ${type}`, 'remove clusterIP, or use type "ClusterIP"');
  }
  const declared: Declared[] = [];
  target.containers.forEach((c, i) => (c.ports ?? []).forEach((port, j) => declared.push({ port, where: `props.containers[${i}].ports[${j}]` })));
  if (declared.length === 0) {
    throw new GvisorIacError('REQUIRED', `${path}.ports`, options.ports,
      `cannot be derived: the containers of ${target.kind}/${target.name} declare no ports`,
      'declare the ports the containers listen on (containers[].ports, with a name), or pass ports: [{ targetPort: 8080 }]');
  }
  const picked: Array<{ readonly port: ServicePort; readonly where: string }> = options.ports === undefined
    ? declared.map((d) => ({ port: fromDeclared(d), where: d.where }))
    : assertArray<unknown>(options.ports, `${path}.ports`).flatMap((entry, i) => pickPorts(entry, declared, `${path}.ports[${i}]`).map((port) => ({ port, where: `${path}.ports[${i}]` })));
  const ports = picked.map((p) => p.port);
  checkServicePorts(ports, type, picked.map((p) => p.where));
  const service: Service & KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(options.name ?? target.name, target.namespace, { ...MANAGED_BY_LABEL, ...options.labels }, options.annotations),
    spec: prune({
      type,
      clusterIP: options.clusterIP,
      selector: { ...target.podSelector },
      ports,
      sessionAffinity: options.sessionAffinity,
      publishNotReadyAddresses: options.publishNotReadyAddresses,
    }),
  };
  return applyOverrides({ objects: [service], primary: 0 }, options.overrides, `${path}.overrides`);
}

/** The Service port of a declared container port: same number, name and protocol, targeted by name when it has one. */
function fromDeclared(d: Declared, own: Omit<ExposedPort, 'targetPort'> = {}): ServicePort {
  return prune({
    name: own.name ?? d.port.name,
    protocol: own.protocol ?? d.port.protocol,
    appProtocol: own.appProtocol,
    port: own.port ?? d.port.containerPort,
    targetPort: d.port.name ?? d.port.containerPort,
    nodePort: own.nodePort,
  });
}

/** The Service port(s) one entry of `options.ports` asks for. */
function pickPorts(entry: unknown, declared: readonly Declared[], path: string): ServicePort[] {
  if (typeof entry === 'string' || typeof entry === 'number') return resolve(entry, {}, declared, path, path);
  const own = assertPlainObject(entry, path);
  checkProps(own, PORT_PROPS, path);
  const { targetPort, ...rest } = own as unknown as ExposedPort;
  return resolve(targetPort, rest, declared, `${path}.targetPort`, path, true);
}

/** The declared container port(s) `ref` names (a name, or a number), as Service ports. */
function resolve(ref: string | number, own: Omit<ExposedPort, 'targetPort'>, declared: readonly Declared[], refPath: string, path: string, explicit = false): ServicePort[] {
  const known = () => declared.map((d) => (d.port.name ? `"${d.port.name}" (${d.port.containerPort})` : String(d.port.containerPort))).join(', ');
  if (typeof ref === 'string') {
    assertPortName(ref, refPath);
    const d = declared.find((x) => x.port.name === ref);
    if (!d) throw new GvisorIacError('INVALID_VALUE', refPath, ref, 'names no container port', `use one of ${known()}, or declare it in containers[].ports`);
    return [fromDeclared(d, own)];
  }
  assertInteger(ref, refPath, 1, 65535);
  const matching = declared.filter((x) => x.port.containerPort === ref && (own.protocol === undefined || (x.port.protocol ?? 'TCP') === own.protocol));
  if (matching.length) return matching.map((d) => fromDeclared(d, own));
  // A full entry may forward to a port the containers listen on without declaring it; a bare number picks a declared one.
  if (explicit) {
    const { name, protocol, appProtocol, nodePort } = own;
    return [prune({ name, protocol, appProtocol, port: own.port ?? ref, targetPort: ref, nodePort })];
  }
  throw new GvisorIacError('INVALID_VALUE', path, ref, 'is no declared container port', `use one of ${known()}, or pass { targetPort: ${ref} } to forward to an undeclared port`);
}

/** Kubernetes' rules on a Service's ports, checked here so that the error names the prop. */
function checkServicePorts(ports: readonly ServicePort[], type: string, paths: readonly string[]): void {
  const where = (i: number) => paths[i]!;
  const names = new Map<string, number>();
  const numbers = new Map<string, number>();
  ports.forEach((p, i) => {
    if (ports.length > 1 && p.name === undefined) {
      throw new GvisorIacError('REQUIRED', where(i), p, 'has no name, and a Service with more than one port names each of them',
        'name the container port (containers[].ports[].name), or pass ports: [{ targetPort, name }]');
    }
    if (p.name !== undefined) {
      if (names.has(p.name)) throw new GvisorIacError('DUPLICATE_NAME', where(i), p.name, `is the name of port ${names.get(p.name)} too`, 'give each Service port its own name');
      names.set(p.name, i);
    }
    const key = `${p.port}/${p.protocol ?? 'TCP'}`;
    if (numbers.has(key)) throw new GvisorIacError('DUPLICATE_NAME', where(i), key, `is served by port ${numbers.get(key)} too`, 'give each Service port its own port number (or protocol)');
    numbers.set(key, i);
    if (p.nodePort !== undefined && type === 'ClusterIP') {
      throw new GvisorIacError('INVALID_VALUE', `${where(i)}.nodePort`, p.nodePort, 'applies to a NodePort or LoadBalancer Service only', 'remove nodePort, or set type');
    }
  });
}
