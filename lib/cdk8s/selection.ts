// cdk8s-plus interoperability without depending on cdk8s-plus: what its selection
// interfaces (IPodSelector, INetworkPolicyPeer) ask of an object, built structurally.
import { GvisorIacError } from '../core';

/**
 * A label selector as cdk8s-plus reads one (its `LabelSelector`): whether it
 * is empty, and its Kubernetes form. cdk8s-plus calls nothing else of it.
 */
export interface PodLabelSelector {
  /** True when the selector selects every pod. */
  isEmpty(): boolean;
  /** The Kubernetes `LabelSelector` (the name cdk8s-plus gives the method). */
  _toKube(): { readonly matchLabels?: Record<string, string> };
}

/**
 * The pods a sandboxed workload selects, in the shape of cdk8s-plus'
 * `PodSelectorConfig` (`IPodSelector.toPodSelectorConfig()`), so that
 * `new kplus.Service(chart, 'svc', { selector: workload })` and
 * `new kplus.NetworkPolicy(chart, 'np', { selector: workload })` work
 * without gvisor-iac depending on cdk8s-plus.
 */
export interface PodSelectorConfig {
  /**
   * The pods' labels, as a `PodLabelSelector`. Typed `any` because
   * cdk8s-plus' `LabelSelector` is a class with private members, which no
   * other type can match; the value works with every cdk8s-plus version that
   * reads `isEmpty()` and `_toKube()` (cdk8s-plus-27 to 33).
   */
  readonly labelSelector: any;
  /** The workload's namespace, when it sets one. */
  readonly namespaces?: { readonly names?: string[] };
}

/** A network policy peer in the shape of cdk8s-plus' `NetworkPolicyPeerConfig`: the workload's pods. */
export interface NetworkPolicyPeerConfig {
  /** The workload's pods (a peer is pods or an IP block; a workload is always pods). */
  readonly podSelector?: PodSelectorConfig;
}

/** The `PodSelectorConfig` of a workload's pods; refuses an empty selector (it would select every pod). */
export function podSelectorConfig(podSelector: Readonly<Record<string, string>>, namespace: string | undefined, path: string): PodSelectorConfig {
  if (Object.keys(podSelector).length === 0) {
    throw new GvisorIacError('INVALID_VALUE', `${path}.podSelector`, podSelector, 'is empty (an override removed the selector label from the pods), and an empty selector selects every pod',
      'keep the selector label app.kubernetes.io/name on the pods');
  }
  const matchLabels = { ...podSelector };
  const labelSelector: PodLabelSelector = {
    isEmpty: () => false,
    _toKube: () => ({ matchLabels: { ...matchLabels } }),
  };
  return namespace === undefined ? { labelSelector } : { labelSelector, namespaces: { names: [namespace] } };
}
