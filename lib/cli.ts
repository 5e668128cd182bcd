#!/usr/bin/env node
// gvisor-iac command line: prints node-level gVisor configuration files.
import { parseArgs } from 'node:util';
import { GvisorIacError } from './core/errors';
import {
  NodeWarning, RUNSC_PRESET_NAMES, RUNSC_PRESET_TRADEOFFS, RunscOptions, RunscPresetName, RunscRelease,
  mergeDockerDaemonConfig, readDaemonJsonFile, renderComposeService, renderContainerdConfig, renderRunscToml, renderRunscWrapper,
  runscFlags, runscPreset,
} from './node';
import { runPolicyCommand } from './policy/cli-check';

export const CLI_HELP = `Usage: gvisor-iac <command> [options]

Prints node-level gVisor configuration to stdout.

Commands:
  runsc-flags      runsc command-line flags, one per line
  runsc-toml       runsc.toml for the gVisor containerd shim (ConfigPath)
  runsc-wrapper    /bin/sh wrapper that runs runsc with the flags (for the runc v2 shim's BinaryName)
  containerd       containerd config: drop-in (default) or whole file
  docker           Docker daemon.json with the runsc runtime
  compose          Docker Compose service fragment (runtime: runsc)
  presets          the presets and their trade-offs
  check            check Kubernetes manifests against the policy packs (gvisor-iac check --help)
  sandbox          write Kubernetes manifests back sandboxed in gVisor (gvisor-iac sandbox --help)

runsc options (runsc-flags, runsc-toml, runsc-wrapper, docker):
  --preset NAME               hardened (default) | untrusted-code | performance | none
  --release TAG               runsc release on the node (default: current), e.g. release-20221219.0
  --platform P                systrap | ptrace | kvm
  --network N                 sandbox | host | none
  --file-access A             exclusive | shared (root filesystem)
  --file-access-mounts A      exclusive | shared (volumes)
  --overlay2 V                none | root:memory | root:self | all:dir=/abs[,size=N] ...
  --directfs BOOL             true | false
  --host-uds V                none | open | create | all
  --host-fifo V               none | open
  --net-raw BOOL              true | false
  --nvproxy BOOL              true | false
  --oci-seccomp BOOL          true | false
  --systemd-cgroup BOOL       true | false
  --debug BOOL                true | false
  --debug-log PATH            absolute path (a directory when it ends with /)
  --strace BOOL               true | false
  --extra-flag=FLAG           extra runsc flag, e.g. --extra-flag=--gso=false (repeatable; keep the "=")
runsc-toml:     --binary-name PATH  --root PATH  --log-level LEVEL  --log-path PATH
runsc-wrapper:  --runsc-path PATH (default /usr/local/bin/runsc)
containerd:     --schema 2|3 (default 2)  --mode drop-in|file  --handler NAME (default runsc)
                --shim runsc|runc (default runsc)  --runsc-config-path PATH  --runsc-binary PATH
                --pod-annotation GLOB (repeatable)  --systemd-cgroup BOOL  --sandbox-image REF
docker:         --path PATH (default: the base runtime's path, else /usr/local/bin/runsc)
                --runtime-name NAME (default runsc)  --default-runtime BOOL
                --base FILE (existing daemon.json to merge into; must exist; changes go to stderr)
compose:        --service NAME (default app)  --image IMAGE  --runtime-name NAME  --hardened BOOL
Warnings:       --acknowledge ID=REASON (repeatable; runsc-flags, runsc-toml, runsc-wrapper, containerd, docker)

Exit status: 0 printed; 1 invalid options or base file (message on stderr, nothing on stdout); 2 usage error.
`;

const STRING_OPTIONS = [
  'preset', 'release', 'platform', 'network', 'file-access', 'file-access-mounts', 'overlay2', 'directfs', 'host-uds', 'host-fifo', 'net-raw',
  'nvproxy', 'oci-seccomp', 'systemd-cgroup', 'debug', 'debug-log', 'strace', 'binary-name', 'root', 'log-level', 'log-path', 'runsc-path',
  'schema', 'mode', 'handler', 'shim', 'runsc-config-path', 'runsc-binary', 'sandbox-image', 'path', 'runtime-name', 'base', 'default-runtime', 'service', 'image', 'hardened',
] as const;
const MULTIPLE = ['extra-flag', 'pod-annotation', 'acknowledge'] as const;

const RUNSC_CLI = ['preset', 'release', 'platform', 'network', 'file-access', 'file-access-mounts', 'overlay2', 'directfs', 'host-uds', 'host-fifo',
  'net-raw', 'nvproxy', 'oci-seccomp', 'systemd-cgroup', 'debug', 'debug-log', 'strace', 'extra-flag'];
/** The options each command reads; any other option is a usage error, not silently ignored. */
const COMMAND_OPTIONS: Record<string, readonly string[]> = {
  'runsc-flags': [...RUNSC_CLI, 'acknowledge'],
  'runsc-toml': [...RUNSC_CLI, 'binary-name', 'root', 'log-level', 'log-path', 'acknowledge'],
  'runsc-wrapper': [...RUNSC_CLI, 'runsc-path', 'acknowledge'],
  'containerd': ['schema', 'mode', 'handler', 'shim', 'runsc-config-path', 'runsc-binary', 'pod-annotation', 'systemd-cgroup', 'sandbox-image', 'acknowledge'],
  'docker': [...RUNSC_CLI, 'path', 'runtime-name', 'base', 'default-runtime', 'acknowledge'],
  'compose': ['service', 'image', 'runtime-name', 'hardened'],
  'presets': ['release'],
};

/** What a CLI run printed. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

class UsageError extends Error {}

function bool(values: Record<string, unknown>, name: string): boolean | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new UsageError(`--${name} takes true or false, not "${String(v)}"`);
}

function str(values: Record<string, unknown>, name: string): string | undefined {
  return values[name] as string | undefined;
}

function runscOptionsFrom(values: Record<string, unknown>): RunscOptions {
  const presetName = str(values, 'preset') ?? 'hardened';
  const release = str(values, 'release') as RunscRelease | undefined;
  if (presetName !== 'none' && !RUNSC_PRESET_NAMES.includes(presetName as RunscPresetName)) {
    throw new UsageError(`--preset must be one of ${[...RUNSC_PRESET_NAMES, 'none'].join(', ')}, not "${presetName}"`);
  }
  const preset: RunscOptions = presetName === 'none' ? {} : runscPreset(presetName as RunscPresetName, release ?? 'current');
  const picked: Record<string, unknown> = {
    runscRelease: release,
    platform: str(values, 'platform'),
    network: str(values, 'network'),
    fileAccess: str(values, 'file-access'),
    fileAccessMounts: str(values, 'file-access-mounts'),
    overlay2: str(values, 'overlay2'),
    directfs: bool(values, 'directfs'),
    hostUds: str(values, 'host-uds'),
    hostFifo: str(values, 'host-fifo'),
    netRaw: bool(values, 'net-raw'),
    nvproxy: bool(values, 'nvproxy'),
    ociSeccomp: bool(values, 'oci-seccomp'),
    systemdCgroup: bool(values, 'systemd-cgroup'),
    debug: bool(values, 'debug'),
    debugLog: str(values, 'debug-log'),
    strace: bool(values, 'strace'),
    extraFlags: values['extra-flag'],
  };
  const merged: Record<string, unknown> = { ...preset };
  for (const [k, v] of Object.entries(picked)) if (v !== undefined) merged[k] = v;
  return merged as RunscOptions;
}

function acknowledgements(values: Record<string, unknown>): Record<string, string> | undefined {
  const list = values.acknowledge as string[] | undefined;
  if (!list) return undefined;
  return Object.fromEntries(list.map((a) => {
    const i = a.indexOf('=');
    if (i <= 0) throw new UsageError(`--acknowledge takes ID=REASON, not "${a}"`);
    return [a.slice(0, i), a.slice(i + 1)];
  }));
}

function render(command: string, values: Record<string, unknown>, onWarning: (w: NodeWarning) => void, onChange: (change: string) => void): string {
  const acknowledgeWarnings = acknowledgements(values);
  // Every output path that renders runsc options or a containerd runtime reports warnings the same way.
  const warn = { onWarning, ...(acknowledgeWarnings ? { acknowledgeWarnings } : {}) };
  switch (command) {
    case 'runsc-flags':
      return `${runscFlags({ ...runscOptionsFrom(values), ...warn }).join('\n')}\n`;
    case 'runsc-toml':
      return renderRunscToml({
        ...runscOptionsFrom(values),
        ...warn,
        binaryName: str(values, 'binary-name'),
        root: str(values, 'root'),
        logLevel: str(values, 'log-level') as never,
        logPath: str(values, 'log-path'),
      });
    case 'runsc-wrapper':
      return renderRunscWrapper({ ...runscOptionsFrom(values), ...warn, runscPath: str(values, 'runsc-path') });
    case 'containerd': {
      const schema = str(values, 'schema');
      return renderContainerdConfig({
        ...warn,
        schema: schema === undefined ? undefined : (Number(schema) as never),
        mode: str(values, 'mode') as never,
        handler: str(values, 'handler'),
        shim: str(values, 'shim') as never,
        runscConfigPath: str(values, 'runsc-config-path'),
        runscBinary: str(values, 'runsc-binary'),
        podAnnotations: values['pod-annotation'] as string[] | undefined,
        systemdCgroup: bool(values, 'systemd-cgroup'),
        sandboxImage: str(values, 'sandbox-image'),
      });
    }
    case 'docker': {
      const baseFile = str(values, 'base');
      const merged = mergeDockerDaemonConfig({
        ...runscOptionsFrom(values),
        ...warn,
        path: str(values, 'path'),
        runtimeName: str(values, 'runtime-name'),
        base: baseFile === undefined ? undefined : readDaemonJsonFile(baseFile, '--base'),
        defaultRuntime: bool(values, 'default-runtime'),
      });
      // What the merge changed in the node's file; without --base there is nothing to change.
      if (baseFile !== undefined) for (const change of merged.changes) onChange(change);
      return merged.json;
    }
    case 'compose':
      return renderComposeService({ serviceName: str(values, 'service'), image: str(values, 'image'), runtimeName: str(values, 'runtime-name'), hardened: bool(values, 'hardened') });
    case 'presets':
      // A listing, not a config: each preset's trade-offs (network host included) are printed in full instead of as warnings.
      return RUNSC_PRESET_NAMES.map((n) => `${n}\n  flags: ${runscFlags({ ...runscPreset(n, (str(values, 'release') ?? 'current') as RunscRelease), onWarning: () => undefined }).join(' ')}\n  ${RUNSC_PRESET_TRADEOFFS[n]}\n`).join('\n');
    default:
      throw new UsageError(`unknown command "${command}"; run gvisor-iac --help`);
  }
}

/** Runs the CLI on `argv` (without `node` and the script) and returns what it printed. */
export function runCli(argv: string[]): CliResult {
  if (argv[0] === 'check' || argv[0] === 'sandbox') return runPolicyCommand(argv[0], argv.slice(1));
  let stderr = '';
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(STRING_OPTIONS.map((o) => [o, { type: 'string' as const }])),
        ...Object.fromEntries(MULTIPLE.map((o) => [o, { type: 'string' as const, multiple: true }])),
      },
    });
    if (values.help || positionals.length === 0) return { code: positionals.length === 0 && !values.help ? 2 : 0, stdout: values.help ? CLI_HELP : '', stderr: values.help ? '' : CLI_HELP };
    if (positionals.length > 1) throw new UsageError(`one command at a time, got: ${positionals.join(' ')}`);
    const command = positionals[0] as string;
    const allowed = Object.hasOwn(COMMAND_OPTIONS, command) ? COMMAND_OPTIONS[command] : undefined;
    if (!allowed) throw new UsageError(`unknown command "${command}"; run gvisor-iac --help`);
    for (const name of Object.keys(values)) {
      if (name !== 'help' && !allowed.includes(name)) throw new UsageError(`${command} does not take --${name}`);
    }
    const stdout = render(
      command,
      values,
      (w) => { stderr += `warning ${w.id}: ${w.path}: ${w.message} (acknowledge with --acknowledge ${w.id}=REASON)\n`; },
      (change) => { stderr += `note: ${change}\n`; },
    );
    return { code: 0, stdout, stderr };
  } catch (e) {
    if (e instanceof GvisorIacError) return { code: 1, stdout: '', stderr: `${stderr}error ${e.code}: ${e.message}\n` };
    const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (usage) return { code: 2, stdout: '', stderr: `${stderr}${(e as Error).message}\nRun gvisor-iac --help for usage.\n` };
    throw e;
  }
}

if (require.main === module) {
  const result = runCli(process.argv.slice(2));
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.code;
}
