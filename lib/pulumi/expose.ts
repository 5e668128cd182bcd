import type * as corev1 from '@pulumi/kubernetes/core/v1';
import * as pulumi from '@pulumi/pulumi';
import { ExposeOptions, Manifests, exposeTarget, renderExposedService } from '../core';
import { assertEmittable, childName, claimObjects, emitManifests } from './emit';

/**
 * `expose()` of a Pulumi workload: renders the Service through the core
 * (refusing bad options before anything is registered), claims it in the
 * program's registry (a Service another component registers is refused)
 * and registers it as a child of the workload component, named
 * `<component name>-service-<namespace>-<service name>`.
 */
export function exposeWorkload(
  workload: pulumi.ComponentResource, componentName: string, rendered: Manifests,
  podSelector: Readonly<Record<string, string>>, options: ExposeOptions | undefined,
): corev1.Service {
  const manifests = renderExposedService(exposeTarget(rendered, podSelector), options);
  assertEmittable(manifests.objects);
  const applyIndex = claimObjects(workload, 'kubernetes:core/v1:Service', childName(componentName, manifests.objects[0]!), manifests.objects);
  return emitManifests(workload, componentName, manifests, [], applyIndex)[0] as corev1.Service;
}
