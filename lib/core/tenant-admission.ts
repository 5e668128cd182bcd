import { KubeObject } from './manifest';
import { objectMeta } from './metadata';
import { SANDBOX_LABEL } from './tenant-props';

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
 * privileged container and mount no hostPath. Updates that leave the spec
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

/**
 * A second shared policy and binding for Services in tenant namespaces:
 * `spec.externalIPs` is refused. A Service with external IPs makes every
 * node's kube-proxy capture traffic for those addresses from any pod in the
 * cluster, so one tenant could intercept another's (or the cluster's)
 * outbound connections (CVE-2020-8554).
 */
export function tenantServicePolicy(name: string, sandboxName: string, labels: Record<string, string>): KubeObject[] {
  return denyingPolicy(name, sandboxName, labels, {
    resourceRules: [{ apiGroups: [''], resources: ['services'] }],
    validations: [{
      expression: '!has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0',
      message: 'Services in tenant namespaces must not set spec.externalIPs (they would capture traffic for those addresses from every pod in the cluster): remove spec.externalIPs and use a LoadBalancer or an Ingress',
      reason: 'Forbidden',
    }],
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
