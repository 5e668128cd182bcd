import { Document, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { assertDockerRuntimeName } from './docker';
import { assertKnownOptions } from './node-values';
import { ownOptions } from './own-options';
import { GvisorIacError } from '../core/errors';
import { assertBoolean, assertString } from '../core/validation/validate';

/** Options for a Docker Compose service fragment that runs in gVisor. */
export interface ComposeServiceOptions {
  /**
   * The service name.
   * @default 'app'
   */
  readonly serviceName?: string;
  /**
   * The image.
   * @default - unset: add `image:` or `build:` yourself
   */
  readonly image?: string;
  /**
   * The Docker runtime name (from `renderDockerDaemonConfig`).
   * @default 'runsc'
   */
  readonly runtimeName?: string;
  /**
   * Add the hardened container settings gvisor-iac uses for sandboxed pods:
   * `user: "1000:1000"`, `read_only: true`, `cap_drop: [ALL]`,
   * `security_opt: [no-new-privileges:true]`, a writable `tmpfs: [/tmp]`.
   * @default true
   */
  readonly hardened?: boolean;
}

/** The hardened service settings (`hardened: true`). */
export const HARDENED_COMPOSE_SETTINGS = {
  user: '1000:1000',
  read_only: true,
  cap_drop: ['ALL'],
  security_opt: ['no-new-privileges:true'],
  tmpfs: ['/tmp'],
} as const;

/** The Compose document (`services.<name>`) as an object. */
export function composeService(options: ComposeServiceOptions = {}): Record<string, unknown> {
  const opts = ownOptions(options ?? {}, 'options', '');
  assertKnownOptions(opts, ['serviceName', 'image', 'runtimeName', 'hardened']);
  const name = opts.serviceName === undefined ? 'app' : assertString(opts.serviceName, 'serviceName');
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) {
    throw new GvisorIacError('INVALID_NAME', 'serviceName', name, 'is not a Compose service name', 'use letters, digits, "_", "." and "-"');
  }
  const runtime = opts.runtimeName === undefined ? 'runsc' : assertDockerRuntimeName(opts.runtimeName, 'runtimeName');
  const hardened = opts.hardened === undefined ? true : assertBoolean(opts.hardened, 'hardened');
  const service: Record<string, unknown> = {};
  if (opts.image !== undefined) service.image = assertString(opts.image, 'image');
  service.runtime = runtime;
  if (hardened) Object.assign(service, structuredClone(HARDENED_COMPOSE_SETTINGS));
  return { services: { [name]: service } };
}

/**
 * Builds YAML nodes from plain data directly. yaml's own object conversion
 * calls any `toJSON` it finds, inherited ones included, so a polluted
 * `Object.prototype.toJSON` would replace the document.
 */
function toYamlNode(value: unknown): unknown {
  if (Array.isArray(value)) {
    const seq = new YAMLSeq();
    for (const item of value) seq.items.push(toYamlNode(item));
    return seq;
  }
  if (typeof value === 'object' && value !== null) {
    const map = new YAMLMap();
    for (const key of Object.keys(value)) map.items.push(new Pair(new Scalar(key), toYamlNode((value as Record<string, unknown>)[key])));
    return map;
  }
  return new Scalar(value);
}

/** Renders a Compose service fragment (YAML) with `runtime: runsc`. */
export function renderComposeService(options: ComposeServiceOptions = {}): string {
  const doc = new Document();
  doc.contents = toYamlNode(composeService(options)) as YAMLMap;
  return doc.toString({ defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' });
}
