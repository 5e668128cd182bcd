import * as pulumi from '@pulumi/pulumi';
import type { Container, ContainerPort, EnvVar } from 'kubernetes-types/core/v1';
import { GvisorIacError, KubeObject, checkTree, prune } from '../core';

/**
 * A Kubernetes `EnvVar` whose `value` may come from another resource
 * (`pulumi.Input<string>`). Everything else is a plain value.
 */
export type InputEnvVar = Omit<EnvVar, 'value'> & {
  /** The variable's value; may be a Pulumi Output. @default - none */
  readonly value?: pulumi.Input<string>;
};

/** A Kubernetes `ContainerPort` whose `containerPort` may come from another resource (`pulumi.Input<number>`). */
export type InputContainerPort = Omit<ContainerPort, 'containerPort'> & {
  /** The port number (1–65535); may be a Pulumi Output. */
  readonly containerPort: pulumi.Input<number>;
};

/** A list of strings (`command`, `args`) that may come from another resource, whole or item by item. */
export type InputStrings = pulumi.Input<pulumi.Input<string>[]>;

/**
 * A Kubernetes `Container` whose `image`, `env[].value`, `ports[].containerPort`,
 * `command` and `args` may come from another resource (e.g. an image built
 * by `@pulumi/docker-build`, a port from stack config).
 */
export type InputContainer = Omit<Container, 'image' | 'env' | 'ports' | 'command' | 'args'> & {
  /** The image reference; may be a Pulumi Output. */
  readonly image?: pulumi.Input<string>;
  /** Environment variables; each `value` may be a Pulumi Output. @default - none */
  readonly env?: InputEnvVar[];
  /** Ports; each `containerPort` may be a Pulumi Output. @default - none */
  readonly ports?: InputContainerPort[];
  /** Entrypoint; the list or each item may be a Pulumi Output. @default - the image's ENTRYPOINT */
  readonly command?: InputStrings;
  /** Arguments; the list or each item may be a Pulumi Output. @default - the image's CMD */
  readonly args?: InputStrings;
};

/** `containers`/`initContainers` of the Pulumi args: {@link InputContainer}s where the core props take `Container`s. */
export type InputContainers<T> = T extends readonly Container[] ? InputContainer[] : T;

/** `pulumi.Input<V>` where the core prop is a `V` (else the prop's own type). */
export type InputIf<T, V> = [NonNullable<T>] extends [V] ? pulumi.Input<V> : T;

/**
 * The Pulumi args of a construct whose core props are `P`: the same shape,
 * where the values a user wires from other resources take `pulumi.Input`s —
 * `namespace`, `serviceAccountName` and `replicas`, and in
 * `containers`/`initContainers` (see {@link InputContainer}) `image`,
 * `env[].value`, `ports[].containerPort`, `command` and `args` (also
 * top-level `image`, `env`, `command`, `args` of a construct that takes one
 * container's fields) — and `runtimeClass` takes `R` (the Pulumi
 * `GvisorRuntimeClass`, a ref or a name). Every other arg is plain.
 */
export type PulumiArgs<P, R> = {
  [K in keyof P]: K extends 'runtimeClass' ? R
    : K extends 'containers' | 'initContainers' ? InputContainers<P[K]>
      : K extends 'image' | 'namespace' | 'serviceAccountName' ? InputIf<P[K], string>
        : K extends 'replicas' ? InputIf<P[K], number>
          // A construct that takes one container's fields at the top level (UntrustedCodeSandbox).
          : K extends 'command' | 'args' ? ([NonNullable<P[K]>] extends [string[]] ? InputStrings : P[K])
            : K extends 'env' ? InputEnvVar[]
              : P[K];
};

/**
 * What a placeholder stands for, which decides its shape: `string` an image,
 * env value or list item (an image reference, which every string check
 * passes); `name` a DNS label (namespace, ServiceAccount); `number` a count
 * or port; `strings` a whole list (one item).
 */
export type InputKind = 'string' | 'name' | 'number' | 'strings';

const C = '(^|\\.)(containers|initContainers)\\[\\d+\\]\\.';
/** Where a `pulumi.Input` is accepted (paths from `props`), and its kind: values that may come from another resource and never shape the manifests' structure. */
const INPUT_LEAVES: ReadonlyArray<readonly [RegExp, InputKind]> = [
  [/^props\.(namespace|serviceAccountName)$/, 'name'],
  [/^props\.replicas$/, 'number'],
  [/^props\.(image|env\[\d+\]\.value|(command|args)\[\d+\])$/, 'string'],
  [/^props\.(command|args)$/, 'strings'],
  [new RegExp(`${C}(image|env\\[\\d+\\]\\.value|(command|args)\\[\\d+\\])$`), 'string'],
  [new RegExp(`${C}(command|args)$`), 'strings'],
  [new RegExp(`${C}ports\\[\\d+\\]\\.containerPort$`), 'number'],
];

/** The kind of Input accepted at `path`, or undefined where only a plain value is. */
export function inputKind(path: string): InputKind | undefined {
  for (const [re, kind] of INPUT_LEAVES) if (re.test(path)) return kind;
  return undefined;
}

/** Placeholder sets: the construction-time render uses set 0, a second render set 1, to tell where each Input ended up. */
export type PlaceholderSet = 0 | 1;
const SET = ['a', 'b'] as const;
/** Number placeholders: `NUMBER_BASE + 2i + set`, valid as a port (1–65535) and as a count. */
const NUMBER_BASE = 30000;
/** How many Inputs one construct may take (number placeholders stay valid ports). */
export const MAX_INPUTS = Math.floor((65535 - NUMBER_BASE) / 2);

/**
 * The stand-in validated in place of the i-th unresolved Input, valid for
 * its field: a digest-pinned image reference under the reserved `.invalid`
 * domain (`string`; passes every string check), a DNS label (`name`), a
 * number within 1–65535 (`number`), a one-item list (`strings`).
 */
export function placeholder(kind: InputKind, i: number, set: PlaceholderSet = 0): unknown {
  switch (kind) {
    case 'name': return `gvisor-iac-input-${i}-${SET[set]}`;
    case 'number': return NUMBER_BASE + 2 * i + set;
    case 'strings': return [placeholder('string', i, set)];
    default: return `gvisor-iac.invalid/pulumi-input-${i}-${SET[set]}@sha256:${'0'.repeat(64)}`;
  }
}

/** A string placeholder of any kind, anywhere in a string: index in group 1 or 3, set in 2 or 4. */
const TOKEN = /gvisor-iac\.invalid\/pulumi-input-(\d+)-([ab])@sha256:0{64}|gvisor-iac-input-(\d+)-([ab])/g;

/** True for a `pulumi.Output` or a Promise (what `pulumi.Input` adds to a plain value). */
export function isUnresolved(value: unknown): value is pulumi.Output<unknown> | PromiseLike<unknown> {
  return pulumi.Output.isInstance(value) || (typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function');
}

/** One unresolved Input of the args. */
export interface InputLeaf {
  readonly input: pulumi.Input<unknown>;
  /** Where it is in the args, e.g. `props.containers[0].image`. */
  readonly path: string;
  readonly kind: InputKind;
}

/** Args with their unresolved Inputs found, and a way to build plain args with a value in each Input's place. */
export interface LiftedArgs<T> {
  /** The Inputs, in the order of the args. */
  readonly leaves: readonly InputLeaf[];
  /** The copy with placeholder set 0 in each Input's place (`build` made it while finding the Inputs). */
  readonly plain: T;
  /** A plain copy of the args with `value(leaf, i)` in place of the i-th Input (found by position, never by value). */
  build(value: (leaf: InputLeaf, i: number) => unknown): T;
}

/**
 * Finds every Output/Promise of the args, at a position where an Input is
 * accepted ({@link inputKind}), and not among `plainOnly` (top-level args
 * that decide the structure of this construct's output, e.g. `replicas` of
 * an EdgeSandbox). An Output anywhere else is refused: structural args
 * (names, security settings…) decide what is emitted and must be known now.
 */
export function liftInputs<T>(args: T, path: string, plainOnly: readonly string[] = []): LiftedArgs<T> {
  const leaves: InputLeaf[] = [];
  type Leaf = (l: InputLeaf, i: number) => unknown;
  const walk = (value: unknown, p: string, leaf: Leaf, ancestors: Set<object>, depth: number, at: { i: number }): unknown => {
    if (isUnresolved(value)) {
      if (at.i === leaves.length) {
        const kind = plainOnly.some((k) => p === `${path}.${k}`) ? undefined : inputKind(p);
        if (kind === undefined) {
          throw new GvisorIacError('INVALID_TYPE', p, '(a Pulumi Output or Promise)', 'is not a plain value, but this field decides what is emitted and is validated before anything is registered',
            'pass a plain value here; only namespace, serviceAccountName, replicas, and containers\' image, env[].value, ports[].containerPort, command and args may come from another resource (see the construct\'s Args type)');
        }
        if (leaves.length >= MAX_INPUTS) {
          throw new GvisorIacError('INVALID_VALUE', p, '(a Pulumi Output or Promise)', `is one Input too many: a construct takes at most ${MAX_INPUTS}`, 'resolve some of the values before passing them');
        }
        leaves.push({ input: value as pulumi.Input<unknown>, path: p, kind });
      }
      const i = at.i++;
      return leaf(leaves[i]!, i);
    }
    if (!Array.isArray(value) && !isPlainObject(value)) return value;
    // The same refusals as the core's copy of the props, before this walk could overflow the stack.
    checkTree(value, p, ancestors, depth);
    ancestors.add(value);
    try {
      if (Array.isArray(value)) return value.map((v, i) => walk(v, `${p}[${i}]`, leaf, ancestors, depth + 1, at));
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, p ? `${p}.${k}` : k, leaf, ancestors, depth + 1, at)]));
    } finally {
      ancestors.delete(value);
    }
  };
  const build = (leaf: (l: InputLeaf, i: number) => unknown): T => walk(args, path, leaf, new Set(), 0, { i: 0 }) as T;
  // Finding the Inputs is the first build: its copy, with placeholder set 0, is the one rendered first.
  const plain = build((l, i) => placeholder(l.kind, i, 0));
  return { leaves, build, plain };
}

/**
 * Merges the objects rendered with placeholder set 0 (`a`) and set 1 (`b`)
 * into the objects to register: where they agree, the value is the
 * render's own (a user's literal that looks like a placeholder included);
 * where they differ, it must be Input i's placeholder in both, and becomes
 * `value(i)` (a placeholder inside a longer string becomes `pulumi.concat`,
 * or the joined string when every part is plain). Anything else means the
 * core derived more than a copy from an Input (another structure, a
 * transformed value): refused, naming the Inputs, since it could only be
 * rendered once the values are known.
 */
export function restoreInputs(
  a: readonly KubeObject[], b: readonly KubeObject[], leaves: readonly InputLeaf[], value: (i: number) => unknown,
): KubeObject[] {
  const fail = (where: string, got: unknown): never => {
    throw new GvisorIacError('INVALID_VALUE', where, got,
      `depends on ${leaves.length === 1 ? 'a value' : 'values'} from another resource (${leaves.map((l) => l.path).join(', ')}) in a way that decides more than this field`,
      'pass plain values for the Inputs that shape this construct\'s output');
  };
  const leafAt = (x: unknown, y: unknown, kind: InputKind): number | undefined => {
    if (kind === 'number') {
      if (typeof x !== 'number' || typeof y !== 'number') return undefined;
      const i = (x - NUMBER_BASE) / 2;
      return Number.isInteger(i) && i >= 0 && i < leaves.length && leaves[i]!.kind === 'number' && y === x + 1 ? i : undefined;
    }
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== 1 || y.length !== 1 || typeof x[0] !== 'string') return undefined;
    const m = /^gvisor-iac\.invalid\/pulumi-input-(\d+)-a@/.exec(x[0]);
    const i = m ? Number(m[1]) : -1;
    return i >= 0 && i < leaves.length && leaves[i]!.kind === 'strings' && x[0] === placeholder('string', i, 0) && y[0] === placeholder('string', i, 1) ? i : undefined;
  };
  const merge = (x: unknown, y: unknown, where: string): unknown => {
    if (x === y) return x;
    const n = leafAt(x, y, 'number') ?? leafAt(x, y, 'strings');
    if (n !== undefined) return value(n);
    if (typeof x === 'string' && typeof y === 'string') return mergeString(x, y, where);
    if (Array.isArray(x) && Array.isArray(y) && x.length === y.length) return x.map((v, k) => merge(v, y[k], `${where}[${k}]`));
    if (isPlainObject(x) && isPlainObject(y)) {
      const keys = Object.keys(x);
      if (keys.length !== Object.keys(y).length || keys.some((k) => !Object.prototype.hasOwnProperty.call(y, k))) return fail(where, x);
      return Object.fromEntries(keys.map((k) => [k, merge(x[k], y[k], `${where}.${k}`)]));
    }
    return fail(where, x);
  };
  const mergeString = (x: string, y: string, where: string): unknown => {
    const tx = [...x.matchAll(TOKEN)];
    const ty = [...y.matchAll(TOKEN)];
    if (tx.length !== ty.length) return fail(where, x);
    const parts: unknown[] = [];
    let lx = 0;
    let ly = 0;
    for (let k = 0; k < tx.length; k++) {
      const mx = tx[k]!;
      const my = ty[k]!;
      const literal = x.slice(lx, mx.index);
      if (literal !== y.slice(ly, my.index)) return fail(where, x);
      if (literal) parts.push(literal);
      lx = mx.index! + mx[0].length;
      ly = my.index! + my[0].length;
      if (mx[0] === my[0]) {
        parts.push(mx[0]); // a user's literal that looks like a placeholder: the same in both renders
        continue;
      }
      const i = Number(mx[1] ?? mx[3]);
      const leaf = leaves[i];
      const kind = mx[1] !== undefined ? 'string' : 'name';
      if (!leaf || leaf.kind !== kind || mx[0] !== placeholder(kind, i, 0) || my[0] !== placeholder(kind, i, 1)) return fail(where, x);
      parts.push(value(i));
    }
    const tail = x.slice(lx);
    if (tail !== y.slice(ly)) return fail(where, x);
    if (tail) parts.push(tail);
    if (parts.length === 1) return parts[0];
    return parts.every((p) => typeof p === 'string') ? parts.join('') : pulumi.concat(...(parts as pulumi.Input<string>[]));
  };
  return a.map((o, k) => merge(o, b[k], `${o?.kind}/${o?.metadata?.name}`) as KubeObject);
}

/** Whether two rendered trees are the same JSON: key order, undefined values and empty lists aside (as the core prunes). */
export function sameManifests(x: unknown, y: unknown): boolean {
  return sameJson(prune(x), prune(y));
}

function sameJson(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (Array.isArray(x)) return Array.isArray(y) && x.length === y.length && x.every((v, i) => sameJson(v, y[i]));
  if (isPlainObject(x) && isPlainObject(y)) {
    const kx = Object.keys(x);
    return kx.length === Object.keys(y).length && kx.every((k) => Object.prototype.hasOwnProperty.call(y, k) && sameJson(x[k], y[k]));
  }
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
