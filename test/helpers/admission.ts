/*
 * A test double of the Kubernetes API server's ValidatingAdmissionPolicy
 * plugin, built on a real CEL engine (@bufbuild/cel). It plays what the API
 * server does for one request: match the policy's constraints and the
 * binding's resources (resource rules, operations, namespace selector on the
 * namespace's labels), evaluate matchConditions, then variables, then
 * validations, with the bindings `object`, `oldObject`, `request`,
 * `namespaceObject`, `variables` (and `params` = null). failurePolicy Fail:
 * any evaluation error denies. It shares no code with the library.
 * https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/
 */
import { CelValue, isCelError, parse, plan, celEnv } from '@bufbuild/cel';

type Any = Record<string, any>;

/** Where each kind is served: group, version, plural. */
const RESOURCES: Record<string, { group: string; version: string; resource: string }> = {
  Pod: { group: '', version: 'v1', resource: 'pods' },
  ReplicationController: { group: '', version: 'v1', resource: 'replicationcontrollers' },
  Service: { group: '', version: 'v1', resource: 'services' },
  ConfigMap: { group: '', version: 'v1', resource: 'configmaps' },
  PersistentVolumeClaim: { group: '', version: 'v1', resource: 'persistentvolumeclaims' },
  Ingress: { group: 'networking.k8s.io', version: 'v1', resource: 'ingresses' },
  Deployment: { group: 'apps', version: 'v1', resource: 'deployments' },
  StatefulSet: { group: 'apps', version: 'v1', resource: 'statefulsets' },
  DaemonSet: { group: 'apps', version: 'v1', resource: 'daemonsets' },
  ReplicaSet: { group: 'apps', version: 'v1', resource: 'replicasets' },
  Job: { group: 'batch', version: 'v1', resource: 'jobs' },
  CronJob: { group: 'batch', version: 'v1', resource: 'cronjobs' },
};

export interface AdmissionRequest {
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE';
  readonly object: Any;
  readonly oldObject?: Any;
  /** Labels of the object's namespace as stored (kubernetes.io/metadata.name is added, as the API server does). */
  readonly namespaceLabels: Record<string, string>;
  readonly subResource?: string;
  /** Who asks. @default { username: 'tenant-admin', groups: ['system:authenticated'] } */
  readonly userInfo?: { readonly username: string; readonly groups: readonly string[] };
}

export interface AdmissionDecision {
  readonly allowed: boolean;
  /** Why: "not matched", "match condition false", or the denial messages. */
  readonly messages: readonly string[];
  /** Whether the policy applied at all. */
  readonly matched: boolean;
}

const env = celEnv();
const compiled = new Map<string, ReturnType<typeof plan>>();

/** Evaluates one CEL expression with the engine, caching the plan. Throws on evaluation errors. */
export function evalCel(expression: string, bindings: Record<string, unknown>): CelValue {
  let fn = compiled.get(expression);
  if (!fn) {
    fn = plan(env, parse(expression));
    compiled.set(expression, fn);
  }
  const result = fn(bindings as never);
  if (isCelError(result)) throw new Error(`CEL error in ${JSON.stringify(expression)}: ${result.message}`);
  return result;
}

function selectorMatches(selector: Any | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': if (!has || !e.values.includes(labels[e.key])) return false; break;
      case 'NotIn': if (has && e.values.includes(labels[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: throw new Error(`unknown operator ${e.operator}`);
    }
  }
  return true;
}

type Gvr = { group: string; version: string; resource: string };

function ruleMatches(rule: Any, op: string, r: Gvr, sub: string | undefined): boolean {
  const inList = (list: string[] | undefined, v: string) => (list ?? []).some((x) => x === '*' || x === v);
  const res = sub ? `${r.resource}/${sub}` : r.resource;
  const resOk = (rule.resources ?? []).some((x: string) => x === '*' || x === res || (sub !== undefined && x === `${r.resource}/*`) || (sub !== undefined && x === `*/${sub}`));
  return inList(rule.apiGroups, r.group) && inList(rule.apiVersions, r.version) && inList(rule.operations, op) && resOk;
}

function resourcesMatch(
  match: Any | undefined, op: string, r: Gvr, sub: string | undefined, nsLabels: Record<string, string>, objLabels: Record<string, string>,
): boolean {
  if (!match) return true;
  if (match.resourceRules && !match.resourceRules.some((rule: Any) => ruleMatches(rule, op, r, sub))) return false;
  if ((match.excludeResourceRules ?? []).some((rule: Any) => ruleMatches(rule, op, r, sub))) return false;
  return selectorMatches(match.namespaceSelector, nsLabels) && selectorMatches(match.objectSelector, objLabels);
}

/** Runs one admission request through a ValidatingAdmissionPolicy and its binding. */
export function admit(policy: Any, binding: Any, req: AdmissionRequest): AdmissionDecision {
  if (policy.kind !== 'ValidatingAdmissionPolicy' || binding.kind !== 'ValidatingAdmissionPolicyBinding') throw new Error('need a policy and a binding');
  if (binding.spec.policyName !== policy.metadata.name) return { allowed: true, matched: false, messages: ['binding is for another policy'] };
  const r = RESOURCES[req.object.kind];
  if (!r) throw new Error(`harness does not know kind ${req.object.kind}`);
  const ns: string = req.object.metadata.namespace;
  const nsLabels = { ...req.namespaceLabels, 'kubernetes.io/metadata.name': ns };
  const objLabels = req.object.metadata.labels ?? {};
  const matched = resourcesMatch(policy.spec.matchConstraints, req.operation, r, req.subResource, nsLabels, objLabels)
    && resourcesMatch(binding.spec.matchResources, req.operation, r, req.subResource, nsLabels, objLabels);
  if (!matched) return { allowed: true, matched: false, messages: ['not matched'] };

  const fail = policy.spec.failurePolicy ?? 'Fail';
  const deny = binding.spec.validationActions.includes('Deny');
  const bindings: Record<string, unknown> = {
    object: req.operation === 'DELETE' ? null : req.object,
    oldObject: req.oldObject ?? null,
    request: {
      kind: { group: r.group, version: r.version, kind: req.object.kind },
      resource: { group: r.group, version: r.version, resource: r.resource },
      subResource: req.subResource ?? '',
      name: req.object.metadata.name,
      namespace: ns,
      operation: req.operation,
      userInfo: req.userInfo ?? { username: 'tenant-admin', groups: ['system:authenticated'] },
      dryRun: false,
    },
    namespaceObject: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: nsLabels } },
    params: null,
  };
  const failed = (msg: string): AdmissionDecision => ({ allowed: !(fail === 'Fail' && deny), matched: true, messages: [msg] });
  try {
    for (const mc of policy.spec.matchConditions ?? []) {
      if (evalCel(mc.expression, bindings) !== true) return { allowed: true, matched: true, messages: [`match condition ${mc.name} false`] };
    }
    const variables: Record<string, unknown> = {};
    bindings.variables = variables;
    for (const v of policy.spec.variables ?? []) variables[v.name] = evalCel(v.expression, bindings);
  } catch (e) {
    return failed((e as Error).message);
  }
  const messages: string[] = [];
  for (const v of policy.spec.validations) {
    let ok: CelValue;
    try {
      ok = evalCel(v.expression, bindings);
    } catch (e) {
      if (fail === 'Fail') messages.push((e as Error).message);
      continue;
    }
    if (ok === true) continue;
    if (ok !== false) {
      messages.push(`validation did not return a bool: ${v.expression}`);
      continue;
    }
    let msg = v.message ?? `failed expression: ${v.expression}`;
    if (v.messageExpression) {
      try {
        const m = evalCel(v.messageExpression, bindings);
        if (typeof m === 'string' && m.trim() !== '' && !m.includes('\n')) msg = m;
      } catch { /* the API server falls back to message */ }
    }
    messages.push(msg);
  }
  return { allowed: messages.length === 0 || !deny, matched: true, messages };
}
