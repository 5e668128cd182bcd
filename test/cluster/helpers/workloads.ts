// The library's own pod and workloads of every pod-bearing kind, in a
// namespace, built by the core renderers; kinds the library does not emit
// (ReplicaSet, ReplicationController) wrap the pod template the library
// renders. Each comes with where its pod spec lives.
import { TEST_IMAGE } from './charts';
import {
  KubeObject, renderSandboxedCronJob, renderSandboxedDaemonSet, renderSandboxedDeployment, renderSandboxedJob, renderSandboxedPod,
  renderSandboxedStatefulSet,
} from '../../../lib/core';

export const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** Where each kind keeps its pod spec, as the admission policy names it. */
export const SPEC_PATH: Record<WorkloadKind, string> = {
  Pod: 'spec',
  Deployment: 'spec.template.spec',
  StatefulSet: 'spec.template.spec',
  DaemonSet: 'spec.template.spec',
  ReplicaSet: 'spec.template.spec',
  ReplicationController: 'spec.template.spec',
  Job: 'spec.template.spec',
  CronJob: 'spec.jobTemplate.spec.template.spec',
};

export interface WorkloadOptions {
  readonly namespace: string;
  readonly name: string;
  /** @default "gvisor" */
  readonly runtimeClass?: string;
  readonly serviceAccountName?: string;
  /** Container resources (the library's defaults otherwise). */
  readonly resources?: Record<string, Record<string, string>>;
}

const only = (objects: readonly KubeObject[], kind: string): any => {
  const o = objects.find((x) => x.kind === kind);
  if (!o) throw new Error(`no ${kind} rendered`);
  return JSON.parse(JSON.stringify(o));
};

/** The library's object of `kind` (deep copy, free to mutate). */
export function libraryWorkload(kind: WorkloadKind, opts: WorkloadOptions): any {
  const common = {
    name: opts.name,
    namespace: opts.namespace,
    runtimeClass: opts.runtimeClass ?? 'gvisor',
    ...(opts.serviceAccountName ? { serviceAccountName: opts.serviceAccountName } : {}),
    containers: [{ name: 'main', image: TEST_IMAGE, command: ['sleep', '3600'], ...(opts.resources ? { resources: opts.resources } : {}) }],
  };
  const deployment = () => only(renderSandboxedDeployment(common, opts.name).objects, 'Deployment');
  const selector = () => deployment().spec.selector;
  const template = () => deployment().spec.template;
  const meta = () => deployment().metadata;
  switch (kind) {
    case 'Pod':
      return only(renderSandboxedPod(common, opts.name).objects, 'Pod');
    case 'Deployment':
      return deployment();
    case 'DaemonSet':
      return only(renderSandboxedDaemonSet(common, opts.name).objects, 'DaemonSet');
    case 'Job':
      return only(renderSandboxedJob(common, opts.name).objects, 'Job');
    case 'StatefulSet':
      return only(renderSandboxedStatefulSet({ ...common, serviceName: opts.name }, opts.name).objects, 'StatefulSet');
    case 'ReplicaSet':
      return { apiVersion: 'apps/v1', kind, metadata: meta(), spec: { replicas: 1, selector: selector(), template: template() } };
    case 'ReplicationController':
      return { apiVersion: 'v1', kind, metadata: meta(), spec: { replicas: 1, selector: selector().matchLabels, template: template() } };
    case 'CronJob':
      return only(renderSandboxedCronJob({ ...common, schedule: '0 0 1 1 *' }, opts.name).objects, 'CronJob');
  }
}

/** The pod spec inside a workload object (mutable). */
export function podSpec(kind: WorkloadKind, o: any): any {
  return SPEC_PATH[kind].split('.').reduce((v, k) => v[k], o);
}
