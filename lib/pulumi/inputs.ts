import * as pulumi from '@pulumi/pulumi';
import type { Container, EnvVar } from 'kubernetes-types/core/v1';
import { GvisorIacError, KubeObject, Manifests, checkTree } from '../core';

/**
 * A Kubernetes `EnvVar` whose `value` may come from another resource
 * (`pulumi.Input<string>`). Everything else is a plain value.
 */
export type InputEnvVar = Omit<EnvVar, 'value'> & {
  /** The variable's value; may be a Pulumi Output. @default - none */
  readonly value?: pulumi.Input<string>;
};

/**
 * A Kubernetes `Container` whose `image` and `env[].value` may come from
 * another resource (e.g. an image built by `@pulumi/docker-build`).
 */
export type InputContainer = Omit<Container, 'image' | 'env'> & {
  /** The image reference; may be a Pulumi Output. */
  readonly image?: pulumi.Input<string>;
  /** Environment variables; each `value` may be a Pulumi Output. @default - none */
  readonly env?: InputEnvVar[];
};

/** `containers`/`initContainers` of the Pulumi args: {@link InputContainer}s where the core props take `Container`s. */
export type InputContainers<T> = T extends readonly Container[] ? InputContainer[] : T;

/**
 * The Pulumi args of a construct whose core props are `P`: the same shape,
 * with `containers`/`initContainers` taking {@link InputContainer}s and
 * `runtimeClass` taking `R` (the Pulumi `GvisorRuntimeClass`, a ref or a name).
 */
export type PulumiArgs<P, R> = {
  [K in keyof P]: K extends 'runtimeClass' ? R
    : K extends 'containers' | 'initContainers' ? InputContainers<P[K]>
      // A construct that takes one container's fields at the top level (UntrustedCodeSandbox).
      : K extends 'image' ? pulumi.Input<string>
        : K extends 'env' ? InputEnvVar[]
          : P[K];
};

/**
 * Where a `pulumi.Input` is accepted: leaf values that may come from another
 * resource and never shape the manifests' structure.
 */
export const INPUT_LEAF = /(^|\.)(containers|initContainers)\[\d+\]\.(image|env\[\d+\]\.value)$|^props\.(image|env\[\d+\]\.value)$/;

const PLACEHOLDER = /gvisor-iac\.invalid\/pulumi-input-(\d+)@sha256:0{64}/g;

/**
 * The stand-in validated in place of the i-th unresolved Input: a well-formed,
 * digest-pinned image reference under the reserved `.invalid` domain, so that
 * every core check of a leaf (non-empty, no whitespace, pinned) passes on it.
 */
export function placeholder(i: number): string {
  return `gvisor-iac.invalid/pulumi-input-${i}@sha256:${'0'.repeat(64)}`;
}

/** True for a `pulumi.Output` or a Promise (what `pulumi.Input` adds to a plain value). */
export function isUnresolved(value: unknown): value is pulumi.Output<unknown> | PromiseLike<unknown> {
  return pulumi.Output.isInstance(value) || (typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function');
}

/** Args with their unresolved Inputs replaced by placeholders, and the Inputs in order. */
export interface LiftedArgs<T> {
  readonly plain: T;
  readonly leaves: readonly pulumi.Input<unknown>[];
}

/**
 * Replaces every Output/Promise at an {@link INPUT_LEAF} position with a
 * {@link placeholder}, so the core can validate the structure with plain
 * values. An Output anywhere else is refused: structural args (names,
 * replicas, security settings…) decide what is emitted and must be known now.
 */
export function liftInputs<T>(args: T, path: string): LiftedArgs<T> {
  const leaves: pulumi.Input<unknown>[] = [];
  const ancestors = new Set<object>();
  const walk = (value: unknown, p: string, depth = 0): unknown => {
    if (isUnresolved(value)) {
      if (!INPUT_LEAF.test(p)) {
        throw new GvisorIacError('INVALID_TYPE', p, '(a Pulumi Output or Promise)', 'is not a plain value, but this field decides what is emitted and is validated before anything is registered',
          'pass a plain value here; only container images and env values (containers[].image, containers[].env[].value, and a top-level image/env) may come from another resource');
      }
      leaves.push(value);
      return placeholder(leaves.length - 1);
    }
    if (!Array.isArray(value) && !isPlainObject(value)) return value;
    // The same refusals as the core's copy of the props, before this walk could overflow the stack.
    checkTree(value, p, ancestors, depth);
    ancestors.add(value);
    try {
      if (Array.isArray(value)) return value.map((v, i) => walk(v, `${p}[${i}]`, depth + 1));
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, p ? `${p}.${k}` : k, depth + 1)]));
    } finally {
      ancestors.delete(value);
    }
  };
  return { plain: walk(args, path) as T, leaves };
}

/**
 * Puts the Inputs back where their placeholders ended up in the rendered
 * objects (a placeholder inside a longer string becomes `pulumi.concat`).
 * `leaf(i)` supplies the Input for placeholder i.
 */
export function restoreInputs(manifests: Manifests, leaf: (i: number) => pulumi.Input<unknown>): Manifests {
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return restoreString(value, leaf);
    if (Array.isArray(value)) return value.map(walk);
    if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  return { ...manifests, objects: manifests.objects.map((o) => walk(o) as KubeObject) };
}

/** Replaces placeholder i by `value` in plain args (for re-validating a resolved Input). */
export function substitute<T>(plain: T, i: number, value: unknown): T {
  const target = placeholder(i);
  const walk = (v: unknown): unknown => {
    if (v === target) return value;
    if (Array.isArray(v)) return v.map(walk);
    if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(plain) as T;
}

function restoreString(s: string, leaf: (i: number) => pulumi.Input<unknown>): unknown {
  const parts: unknown[] = [];
  let last = 0;
  for (const m of s.matchAll(PLACEHOLDER)) {
    if (m.index! > last) parts.push(s.slice(last, m.index));
    parts.push(leaf(Number(m[1])));
    last = m.index! + m[0].length;
  }
  if (parts.length === 0) return s;
  if (last < s.length) parts.push(s.slice(last));
  return parts.length === 1 ? parts[0] : pulumi.concat(...(parts as pulumi.Input<string>[]));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
