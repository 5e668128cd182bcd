import { SANDBOX_LABEL } from './tenant-props';
import { KubeObject } from '../objects/manifest';
import { objectMeta } from '../objects/metadata';

/**
 * The kinds whose pods (or pod templates) the admission policy checks, by
 * API group. Workload templates are checked too, so that `kubectl apply`
 * fails instead of a controller that silently never creates pods.
 */
export const ADMISSION_RESOURCE_RULES = [
  { apiGroups: [''], resources: ['pods', 'pods/ephemeralcontainers', 'replicationcontrollers'] },
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'] },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'] },
] as const;

/**
 * The volume sources Pod Security "restricted" allows (besides them, only
 * hostPath has its own, more specific, denial).
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export const RESTRICTED_VOLUME_SOURCES = [
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret',
] as const;

/**
 * The policy's CEL. Only standard CEL is used (`has`, `all`, ternaries,
 * `+`, `==`), which both Kubernetes and other CEL engines evaluate the same;
 * no Kubernetes-only library functions, no optional syntax (`.?`).
 * `request.kind.kind` picks where the pod spec lives.
 */
function celVariables(): { name: string; expression: string }[] {
  const kind = 'request.kind.kind';
  return [
    {
      name: 'podSpec',
      expression: `${kind} == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : (${kind} == 'Pod' ? object.spec : object.spec.template.spec)`,
    },
    {
      name: 'specPath',
      expression: `${kind} == 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : (${kind} == 'Pod' ? 'spec' : 'spec.template.spec')`,
    },
    {
      name: 'containers',
      expression: 'variables.podSpec.containers'
        + ' + (has(variables.podSpec.initContainers) ? variables.podSpec.initContainers : [])'
        + ' + (has(variables.podSpec.ephemeralContainers) ? variables.podSpec.ephemeralContainers : [])',
    },
  ];
}

function celValidations(runtimeClassName: string) {
  const spec = 'variables.podSpec';
  const flag = (f: string) => `!(has(${spec}.${f}) && ${spec}.${f})`;
  const caps = 'c.securityContext.capabilities';
  const podSeccomp = `(has(${spec}.securityContext) && has(${spec}.securityContext.seccompProfile))`;
  const seccompOk = (p: string) => `(${p}.type == 'RuntimeDefault' || ${p}.type == 'Localhost')`;
  return [
    {
      expression: `has(${spec}.runtimeClassName) && ${spec}.runtimeClassName == '${runtimeClassName}'`,
      message: `pods in tenant namespaces must run in gVisor: set runtimeClassName to "${runtimeClassName}" in the pod spec (spec.template.spec of a workload)`,
      messageExpression: `variables.specPath + '.runtimeClassName is ' + (has(${spec}.runtimeClassName) ? '"' + ${spec}.runtimeClassName + '"' : 'not set')`
        + ` + ': namespace ' + request.namespace + ' only admits gVisor-sandboxed pods; set ' + variables.specPath + '.runtimeClassName to "${runtimeClassName}"'`,
      reason: 'Forbidden',
    },
    {
      expression: `${flag('hostNetwork')} && ${flag('hostPID')} && ${flag('hostIPC')}`,
      message: 'pods in tenant namespaces must not use the node\'s namespaces: remove hostNetwork, hostPID and hostIPC (or set them to false)',
      messageExpression: 'variables.specPath + ": remove hostNetwork, hostPID and hostIPC (or set them to false); tenant pods never share the node\'s network, process or IPC namespace"',
      reason: 'Forbidden',
    },
    {
      expression: 'variables.containers.all(c, !has(c.securityContext) || !has(c.securityContext.privileged) || !c.securityContext.privileged)',
      message: 'privileged containers are not allowed in tenant namespaces: remove securityContext.privileged (or set it to false) in every container, init container and ephemeral container',
      messageExpression: 'variables.specPath + ": remove securityContext.privileged (or set it to false) in every container, init container and ephemeral container; privileged mode is not allowed in tenant namespaces"',
      reason: 'Forbidden',
    },
    {
      expression: `!(has(${spec}.securityContext) && has(${spec}.securityContext.runAsUser) && ${spec}.securityContext.runAsUser == 0)`
        // An explicit pod-level false is refused even when every container says true, as Pod Security does.
        + ` && !(has(${spec}.securityContext) && has(${spec}.securityContext.runAsNonRoot) && !${spec}.securityContext.runAsNonRoot)`
        + ' && variables.containers.all(c, !has(c.securityContext) || !has(c.securityContext.runAsUser) || c.securityContext.runAsUser != 0)'
        + ` && ((has(${spec}.securityContext) && has(${spec}.securityContext.runAsNonRoot) && ${spec}.securityContext.runAsNonRoot)`
        + '   ? variables.containers.all(c, !has(c.securityContext) || !has(c.securityContext.runAsNonRoot) || c.securityContext.runAsNonRoot)'
        + '   : variables.containers.all(c, has(c.securityContext) && has(c.securityContext.runAsNonRoot) && c.securityContext.runAsNonRoot))',
      message: 'pods in tenant namespaces must not run as root: set securityContext.runAsNonRoot to true and never runAsUser 0, in the pod or in every container',
      messageExpression: 'variables.specPath + ": set securityContext.runAsNonRoot to true (in the pod or in every container) and never runAsUser 0; pods in tenant namespaces must not run as root"',
      reason: 'Forbidden',
    },
    {
      expression: 'variables.containers.all(c, has(c.securityContext) && has(c.securityContext.allowPrivilegeEscalation) && !c.securityContext.allowPrivilegeEscalation)',
      message: 'containers in tenant namespaces must set securityContext.allowPrivilegeEscalation to false (every container, init container and ephemeral container)',
      messageExpression: 'variables.specPath + ": set securityContext.allowPrivilegeEscalation to false in every container, init container and ephemeral container (Pod Security \'restricted\')"',
      reason: 'Forbidden',
    },
    {
      expression: `variables.containers.all(c, has(c.securityContext) && has(${caps}) && has(${caps}.drop) && ${caps}.drop.exists(d, d == 'ALL')`
        + ` && (!has(${caps}.add) || ${caps}.add.all(a, a == 'NET_BIND_SERVICE')))`,
      message: 'containers in tenant namespaces must drop all capabilities: set securityContext.capabilities.drop to ["ALL"] and add nothing but NET_BIND_SERVICE',
      messageExpression: 'variables.specPath + ": set securityContext.capabilities.drop to [\'ALL\'] in every container, init container and ephemeral container, and add nothing but NET_BIND_SERVICE (Pod Security \'restricted\')"',
      reason: 'Forbidden',
    },
    {
      expression: `(!${podSeccomp} || ${seccompOk(`${spec}.securityContext.seccompProfile`)})`
        + ` && variables.containers.all(c, (has(c.securityContext) && has(c.securityContext.seccompProfile)) ? ${seccompOk('c.securityContext.seccompProfile')} : ${podSeccomp})`,
      message: 'pods in tenant namespaces must set securityContext.seccompProfile.type to RuntimeDefault or Localhost, in the pod or in every container, and never Unconfined',
      messageExpression: 'variables.specPath + ": set securityContext.seccompProfile.type to \'RuntimeDefault\' (or \'Localhost\') in the pod or in every container, and never \'Unconfined\' (Pod Security \'restricted\')"',
      reason: 'Forbidden',
    },
    {
      expression: `!has(${spec}.volumes) || ${spec}.volumes.all(v, has(v.hostPath) || ${RESTRICTED_VOLUME_SOURCES.map((k) => `has(v.${k})`).join(' || ')})`,
      message: `volumes in tenant namespaces must be of a type Pod Security "restricted" allows: ${RESTRICTED_VOLUME_SOURCES.join(', ')}`,
      messageExpression: `variables.specPath + ".volumes: use only ${RESTRICTED_VOLUME_SOURCES.join(', ')} volumes (Pod Security 'restricted'); ask the cluster operator for a PersistentVolumeClaim instead of a node or network volume"`,
      reason: 'Forbidden',
    },
    {
      expression: `!has(${spec}.volumes) || ${spec}.volumes.all(v, !has(v.hostPath))`,
      message: 'hostPath volumes are not allowed in tenant namespaces: use emptyDir, a ConfigMap/Secret or a PersistentVolumeClaim instead',
      messageExpression: 'variables.specPath + ".volumes: hostPath volumes are not allowed in tenant namespaces; use emptyDir, a ConfigMap/Secret or a PersistentVolumeClaim instead"',
      reason: 'Forbidden',
    },
  ];
}

/**
 * The shared ValidatingAdmissionPolicy and its binding: in every namespace
 * labelled `gvisor-iac.dev/sandbox=<sandboxName>`, pods and pod templates
 * must use `runtimeClassName`, stay out of host namespaces, run no
 * privileged container, never run as root, and meet the rest of Pod
 * Security "restricted" (allowPrivilegeEscalation false, capabilities
 * dropped, a RuntimeDefault/Localhost seccomp profile, only the volume types
 * it allows, no hostPath). Pod Security admission only warns on workload
 * templates; denying them here makes `kubectl apply` fail with the field
 * named instead of a controller that never creates a pod. Updates that leave the spec
 * unchanged (labels, finalizers) pass, so objects older than the policy can
 * still be cleaned up.
 * @see https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/
 */
export function tenantAdmissionPolicy(name: string, sandboxName: string, runtimeClassName: string, labels: Record<string, string>): KubeObject[] {
  return denyingPolicy(name, sandboxName, labels, {
    resourceRules: ADMISSION_RESOURCE_RULES.map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources] })),
    matchConditions: [{
      name: 'spec-created-or-changed',
      expression: "request.operation != 'UPDATE' || oldObject == null || object.spec != oldObject.spec",
    }],
    variables: celVariables(),
    validations: celValidations(runtimeClassName),
  });
}

/** Users the PersistentVolume binder runs as (kube-controller-manager with and without per-controller credentials). */
export const PV_BINDER_USERS: readonly string[] = ['system:kube-controller-manager', 'system:serviceaccount:kube-system:persistent-volume-binder'];

/**
 * Ingress annotation keys (any letter case) that make a shared ingress
 * controller run configuration the tenant wrote (`*-snippet`, `*-snippets`:
 * raw nginx/haproxy/traefik config, CVE-2021-25742, CVE-2023-5044) or fetch a
 * URL the tenant chose from the controller's own network position
 * (`auth-url`, `mirror-target`, `mirror-uri`, `mirror-host`), e.g. the
 * metadata server.
 */
export const INGRESS_DEPUTY_ANNOTATION_PATTERN = '(?i)(snippet|auth-url|mirror-(target|uri|host))';

/**
 * The confused-deputy validations: objects a tenant may write that make a
 * cluster component (kube-proxy, an ingress controller, the PersistentVolume
 * binder) act for the tenant outside its namespace.
 */
function deputyValidations(): Record<string, string>[] {
  const kind = (k: string) => `request.kind.kind != '${k}'`;
  // One policy matches three kinds and the API server type-checks every
  // expression against each of them: the spec is read as dyn, so a field of
  // one kind is no type error for the others (each expression is guarded by
  // its kind first).
  const annotations = 'object.metadata.annotations';
  return [
    {
      expression: `${kind('Service')} || !has(dyn(object.spec).externalIPs) || size(dyn(object.spec).externalIPs) == 0`,
      message: 'Services in tenant namespaces must not set spec.externalIPs (they would capture traffic for those addresses from every pod in the cluster): remove spec.externalIPs and use a LoadBalancer or an Ingress',
      reason: 'Forbidden',
    },
    {
      expression: `${kind('Service')} || ((!has(dyn(object.spec).type) || dyn(object.spec).type != 'ExternalName') && (!has(dyn(object.spec).externalName) || dyn(object.spec).externalName == ''))`,
      message: 'Services of type ExternalName are not allowed in tenant namespaces (a shared ingress controller or proxy would connect to any host they name, the cloud metadata server included; CVE-2021-25740): use a Service with a selector, or ask the cluster operator for an egress rule',
      reason: 'Forbidden',
    },
    {
      expression: `${kind('Ingress')} || !has(${annotations}) || ${annotations}.all(k, !k.matches('${INGRESS_DEPUTY_ANNOTATION_PATTERN}')`
        + ` && !(k.matches('(?i)secret$') && ${annotations}[k].contains('/')))`,
      message: 'Ingresses in tenant namespaces must not carry annotations that make the shared ingress controller run tenant-written configuration (*-snippet), fetch a tenant-chosen URL (auth-url, mirror-target, mirror-uri, mirror-host) or read a Secret of another namespace (a *secret annotation naming namespace/name): remove them',
      reason: 'Forbidden',
    },
    {
      expression: `${kind('Ingress')} || ((!has(dyn(object.spec).defaultBackend) || !has(dyn(object.spec).defaultBackend.resource))`
        + ' && (!has(dyn(object.spec).rules) || dyn(object.spec).rules.all(r, !has(r.http) || r.http.paths.all(p, !has(p.backend.resource)))))',
      message: 'Ingress backends in tenant namespaces must be Services: remove backend.resource (and defaultBackend.resource)',
      reason: 'Forbidden',
    },
    {
      expression: `${kind('PersistentVolumeClaim')} || !has(dyn(object.spec).volumeName) || dyn(object.spec).volumeName == ''`
        + " || (request.operation == 'UPDATE' && has(dyn(oldObject.spec).volumeName) && dyn(oldObject.spec).volumeName == dyn(object.spec).volumeName)"
        + ` || request.userInfo.username in [${PV_BINDER_USERS.map((u) => `'${u}'`).join(', ')}]`,
      message: 'PersistentVolumeClaims in tenant namespaces must not name a PersistentVolume (spec.volumeName would bind a volume provisioned for someone else, or a node directory): remove spec.volumeName and let the storage class provision one',
      reason: 'Forbidden',
    },
    {
      expression: `${kind('PersistentVolumeClaim')} || !has(dyn(object.spec).dataSourceRef) || !has(dyn(object.spec).dataSourceRef.namespace)`
        + ' || dyn(object.spec).dataSourceRef.namespace == request.namespace',
      message: 'PersistentVolumeClaims in tenant namespaces must not copy data from another namespace: remove spec.dataSourceRef.namespace',
      reason: 'Forbidden',
    },
  ];
}

/**
 * A second shared policy and binding, for what a tenant may write besides
 * pods: Services with `spec.externalIPs` (kube-proxy on every node would
 * capture traffic for those addresses from any pod, CVE-2020-8554) or of
 * type `ExternalName` (a shared ingress controller would proxy to any host,
 * CVE-2021-25740); Ingresses with controller annotations that run
 * tenant-written config, fetch tenant-chosen URLs or read other namespaces'
 * Secrets, or with non-Service backends; PersistentVolumeClaims that name a
 * PersistentVolume or copy from another namespace.
 */
export function tenantObjectPolicy(name: string, sandboxName: string, labels: Record<string, string>): KubeObject[] {
  return denyingPolicy(name, sandboxName, labels, {
    resourceRules: [
      { apiGroups: [''], resources: ['services', 'persistentvolumeclaims'] },
      { apiGroups: ['networking.k8s.io'], resources: ['ingresses'] },
    ],
    validations: deputyValidations(),
  });
}

interface PolicyParts {
  readonly resourceRules: readonly { apiGroups: string[]; resources: string[] }[];
  readonly matchConditions?: readonly { name: string; expression: string }[];
  readonly variables?: readonly { name: string; expression: string }[];
  readonly validations: readonly Record<string, string>[];
}

/**
 * A ValidatingAdmissionPolicy (`failurePolicy: Fail`, CREATE and UPDATE of
 * the v1 resources given) and its `Deny` binding, both limited to the
 * namespaces labelled `gvisor-iac.dev/sandbox=<sandboxName>`.
 */
function denyingPolicy(name: string, sandboxName: string, labels: Record<string, string>, parts: PolicyParts): KubeObject[] {
  const namespaceSelector = { matchLabels: { [SANDBOX_LABEL]: sandboxName } };
  const policy: KubeObject = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: objectMeta(name, undefined, labels),
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        namespaceSelector,
        resourceRules: parts.resourceRules.map((r) => ({ apiGroups: r.apiGroups, apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: r.resources })),
      },
      ...(parts.matchConditions ? { matchConditions: parts.matchConditions } : {}),
      ...(parts.variables ? { variables: parts.variables } : {}),
      validations: parts.validations,
    },
  };
  const binding: KubeObject = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: objectMeta(name, undefined, labels),
    spec: { policyName: name, validationActions: ['Deny'], matchResources: { namespaceSelector } },
  };
  return [policy, binding];
}
