import * as fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { caught } from './helpers';
import { DockerDaemonConfigOptions, composeService, renderComposeService, renderDockerDaemonConfig } from '../../lib';
import { HARDENED_COMPOSE_SETTINGS } from '../../lib/node';

const render = (o: DockerDaemonConfigOptions = {}) => JSON.parse(renderDockerDaemonConfig({ onWarning: () => undefined, ...o }));

describe('renderDockerDaemonConfig', () => {
  test('defaults: runtime "runsc" at /usr/local/bin/runsc, no runtimeArgs, no default-runtime', () => {
    expect(render()).toEqual({ runtimes: { runsc: { path: '/usr/local/bin/runsc' } } });
  });

  test('runsc options become runtimeArgs; path, runtimeName and defaultRuntime apply', () => {
    expect(render({ network: 'none', platform: 'ptrace', path: '/usr/bin/runsc', runtimeName: 'gvisor', defaultRuntime: true })).toEqual({
      'runtimes': { gvisor: { path: '/usr/bin/runsc', runtimeArgs: ['--platform=ptrace', '--network=none'] } },
      'default-runtime': 'gvisor',
    });
  });

  test('merges into base without losing keys or other runtimes, and does not modify base', () => {
    const base = { 'log-driver': 'json-file', 'log-opts': { 'max-size': '10m' }, 'runtimes': { nvidia: { path: 'nvidia-container-runtime' }, runsc: { path: '/old' } } };
    const copy = structuredClone(base);
    expect(render({ base, debug: true })).toEqual({
      'log-driver': 'json-file',
      'log-opts': { 'max-size': '10m' },
      // The replaced runsc entry keeps the base's path (Debian installs runsc at /usr/bin/runsc).
      'runtimes': { nvidia: { path: 'nvidia-container-runtime' }, runsc: { path: '/old', runtimeArgs: ['--debug'] } },
    });
    expect(base).toEqual(copy);
  });

  test('property: every base key survives the merge unchanged', () => {
    // Prototype keys anywhere in the base are refused (test/security covers them); everything else survives.
    const hasPrototypeKey = (v: unknown): boolean => typeof v === 'object' && v !== null
      && Object.entries(v).some(([k, x]) => ['__proto__', 'constructor', 'prototype'].includes(k) || hasPrototypeKey(x));
    fc.assert(fc.property(fc.dictionary(fc.string({ minLength: 1 }).filter((k) => k !== 'runtimes'), fc.jsonValue()), (base) => {
      if (hasPrototypeKey(base)) {
        expect(caught(() => render({ base: base as Record<string, unknown> })).code).toBe('UNSAFE_KEY');
        return;
      }
      const out = render({ base: base as Record<string, unknown> });
      for (const [k, v] of Object.entries(base)) expect(out[k]).toEqual(JSON.parse(JSON.stringify(v)));
      expect(out.runtimes.runsc).toEqual({ path: '/usr/local/bin/runsc' });
    }));
  });

  test('is 2-space JSON ending in a newline', () => {
    expect(renderDockerDaemonConfig()).toBe('{\n  "runtimes": {\n    "runsc": {\n      "path": "/usr/local/bin/runsc"\n    }\n  }\n}\n');
  });

  test.each([
    [{ path: 'runsc' }, 'INVALID_VALUE', 'path: "runsc" is a relative path; the daemon would resolve it against its own working directory; use an absolute path such as "/runsc"'],
    [{ runtimeName: 'runc' }, 'INVALID_NAME', 'runtimeName: "runc" is Docker\'s built-in runtime; use a name such as "runsc"'],
    [{ runtimeName: 'run sc' }, 'INVALID_NAME', 'runtimeName: "run sc" is not a Docker runtime name (letters, digits, "_", ".", "-"); use a name such as "runsc"'],
    [{ base: [] }, 'INVALID_TYPE', 'base: [] is not an object; pass an object for base'],
    [{ base: { runtimes: 'runsc' } }, 'INVALID_TYPE', 'base.runtimes: "runsc" is not an object; pass an object for base.runtimes'],
    [{ runtimeArgs: ['--debug'] }, 'UNKNOWN_FIELD', 'runtimeArgs: ["--debug"] is not a known option; did you mean "runtimeName"?'],
    [{ fileAccess: 'direct' }, 'INVALID_VALUE', 'fileAccess: "direct" was removed from runsc in 2018 (the source of many old examples); use "exclusive" (the default, and the fast path) or "shared" (files may also change from outside)'],
    [{ extraFlags: ['--allow-flag-override'] }, 'INVALID_NODE_CONFIG', 'extraFlags[0]: "--allow-flag-override" is a test/debug-only runsc flag (--allow-flag-override) that weakens the sandbox; remove it; gvisor-iac never emits TESTONLY-*, profile* or allow-flag-override'],
  ])('%j is refused', (options, code, message) => {
    const e = caught(() => renderDockerDaemonConfig(options as DockerDaemonConfigOptions));
    expect([e.code, e.message]).toEqual([code, message]);
  });
});

describe('renderComposeService', () => {
  test('defaults: service "app", runtime runsc, hardened settings on', () => {
    expect(parseYaml(renderComposeService())).toEqual({ services: { app: { runtime: 'runsc', ...HARDENED_COMPOSE_SETTINGS } } });
    expect(renderComposeService()).toContain('user: "1000:1000"');
  });

  test('image, service name, runtime name; hardened opt-out', () => {
    expect(composeService({ serviceName: 'worker', image: 'python:3.12', runtimeName: 'gvisor', hardened: false })).toEqual({ services: { worker: { image: 'python:3.12', runtime: 'gvisor' } } });
  });

  test.each([
    [{ serviceName: 'my app' }, 'INVALID_NAME', 'serviceName: "my app" is not a Compose service name; use letters, digits, "_", "." and "-"'],
    [{ hardened: 'no' }, 'INVALID_TYPE', 'hardened: "no" is not a boolean; use true or false'],
    [{ runtime: 'runsc' }, 'UNKNOWN_FIELD', 'runtime: "runsc" is not a known option; did you mean "runtimeName"?'],
  ])('%j is refused', (options, code, message) => {
    const e = caught(() => composeService(options as never));
    expect([e.code, e.message]).toEqual([code, message]);
  });
});
