// The node commands' options: one entry per option of each renderer, so every option has a flag.
// The tables are typed by the renderers' option interfaces (a new option fails to compile until
// it has a flag); runsc flags, value kinds and allowed values come from RUNSC_OPTION_FLAGS.
import { FlagSpec } from './cli-args';
import {
  ComposeServiceOptions, ContainerdConfigOptions, DockerDaemonConfigOptions, RUNSC_OPTION_FLAGS, RUNSC_PRESET_NAMES, RunscFlagsOptions,
  RunscOptions, RunscTomlOptions, RunscWrapperOptions,
} from './node';

/** How a flag's text becomes the option's value. */
export type CliValueKind =
  /** the text itself */
  | 'string'
  /** `true` or `false` */
  | 'bool'
  /** a whole number */
  | 'int'
  /** comma-separated, `a,b` → `['a', 'b']` */
  | 'list'
  /** repeatable, each flag one item */
  | 'repeat'
  /** a JSON object */
  | 'json'
  /** a daemon.json file, read and parsed */
  | 'daemon-json-file'
  /** repeatable `ID=REASON` → `{ ID: REASON }` */
  | 'acknowledge';

/** What the help says about an option, and how its flag reads. */
export interface CliOptionDoc {
  readonly description: string;
  /** What applies when the flag is not given. */
  readonly default?: string;
  readonly kind?: CliValueKind;
  /** The placeholder in the help (`PATH`). */
  readonly metavar?: string;
  /** The flag name when it is not the option name in kebab-case. */
  readonly flag?: string;
  /** The values the option takes, listed in the help. */
  readonly values?: readonly string[];
  /** The command refuses to run without it. */
  readonly required?: string;
}

/** One flag of a command: the option it sets and its help. */
export interface CliOption extends CliOptionDoc {
  /** The renderer's option name (`fileAccess`), or a CLI-only name (`preset`). */
  readonly option: string;
  readonly flag: string;
  readonly kind: CliValueKind;
  readonly metavar: string;
}

/** Every option of `T` except callbacks, each with its help: a missing one is a compile error. */
type Docs<T> = { readonly [K in Exclude<keyof T, 'onWarning'>]-?: CliOptionDoc };

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const RUNSC_DOCS: Docs<RunscOptions> = {
  runscRelease: { flag: 'release', metavar: 'TAG', description: 'the runsc release on the node (e.g. release-20221219.0, or 0.0~20221219.0 as Debian prints it); options it lacks are refused', default: 'current' },
  platform: { description: 'how the sandbox intercepts system calls (systrap needs release-20230417.0 or newer; kvm needs /dev/kvm)', default: "runsc's own (systrap; ptrace before release-20230621.0)" },
  platformDevicePath: { description: 'the platform device, e.g. /dev/kvm', default: "the platform's usual device" },
  network: { description: 'the network stack: none leaves only loopback (Services and HTTP/TCP probes fail); host weakens isolation', default: "sandbox (runsc's own)" },
  fileAccess: { description: 'the root filesystem: exclusive (only the sandbox changes it; fastest) or shared', default: "exclusive (runsc's own)" },
  fileAccessMounts: { description: 'volumes other than the root filesystem', default: "shared (runsc's own)" },
  overlay2: { metavar: 'SPEC', description: 'the root overlay: none or {root|all}:{memory|self|dir=/abs}[,size=N]; refused with --file-access shared', default: "runsc's own (root:self; none in release-20221219.0)" },
  directfs: { description: 'open container files directly instead of through the gofer (needs release-20230508.0 or newer)', default: "on in current releases (runsc's own)" },
  debug: { description: 'debug-level logs', default: 'off' },
  debugLog: { description: 'where debug logs go: an absolute path, a directory when it ends with /; may contain %ID%, %COMMAND%, %TIMESTAMP%', default: 'no debug log' },
  strace: { description: 'log every system call of the sandboxed application (slow)', default: 'off' },
  straceSyscalls: { metavar: 'NAME,NAME', description: 'only these system calls, comma-separated (needs --strace)', default: 'all, when --strace is on' },
  straceLogSize: { description: 'bytes of each buffer argument to log (needs --strace)', default: "1024 (runsc's own)" },
  hostUds: { description: 'access to host Unix-domain sockets', default: "none (runsc's own)" },
  hostFifo: { description: 'access to host named pipes', default: "none (runsc's own)" },
  netRaw: { description: 'allow raw sockets (packet crafting from inside the sandbox)', default: "off (runsc's own)" },
  nvproxy: { description: 'NVIDIA GPU support (needs release-20230320.0 or newer)', default: 'off' },
  ociSeccomp: { description: "also enforce the container's seccomp profile inside the sandbox", default: "off (runsc's own)" },
  systemdCgroup: { description: "manage cgroups through systemd (match the node's container runtime)", default: 'cgroupfs' },
  ignoreCgroups: { description: 'do not configure cgroups (resource limits are then not enforced on the sandbox)', default: 'off' },
  watchdogAction: { description: 'what the watchdog does when a task is stuck', default: "log (runsc's own)" },
  extraFlags: {
    flag: 'extra-flag',
    kind: 'repeat',
    metavar: '--NAME=VALUE',
    description: 'another runsc flag the release has, e.g. --extra-flag=--gso=false (repeatable; flags a typed option owns are refused)',
    default: 'none',
  },
};

const ACKNOWLEDGE: CliOptionDoc = {
  flag: 'acknowledge',
  kind: 'acknowledge',
  metavar: 'ID=REASON',
  description: 'a warning you have reviewed, with the reason; it is then not printed (repeatable)',
  default: 'none',
};

const PRESET: CliOption = {
  option: 'preset',
  flag: 'preset',
  kind: 'string',
  metavar: 'NAME',
  values: [...RUNSC_PRESET_NAMES, 'none'],
  description: 'the runsc option set the other runsc flags change (gvisor-iac presets shows each)',
  default: 'hardened',
};

/** `--output FILE`: every command that prints a file can write it instead, atomically (lib/cli-output.ts). */
const OUTPUT: CliOption = {
  option: 'output',
  flag: 'output',
  kind: 'string',
  metavar: 'FILE',
  description: 'write to FILE instead of stdout, atomically: FILE is replaced whole only when the run succeeds (a refused run leaves it as it was); an existing FILE keeps its permissions',
  default: 'stdout',
};

/** Options of the CLI itself, never passed to a renderer. */
export const CLI_ONLY_OPTIONS: readonly string[] = [PRESET.option, OUTPUT.option];

/** Kind, placeholder and values of a runsc option, from the renderer's option → flag table. */
function runscShape(option: string): Pick<CliOption, 'kind' | 'metavar' | 'values'> {
  const spec = RUNSC_OPTION_FLAGS.find((s) => s.option === option);
  switch (spec?.kind.type) {
    case 'bool': return { kind: 'bool', metavar: 'BOOL' };
    case 'enum': return { kind: 'string', metavar: 'VALUE', values: spec.kind.values };
    case 'path': return { kind: 'string', metavar: 'PATH' };
    case 'uint': return { kind: 'int', metavar: 'N' };
    case 'list': return { kind: 'list', metavar: 'A,B' };
    default: return { kind: 'string', metavar: 'VALUE' };
  }
}

function table(docs: Record<string, CliOptionDoc>, runscOptions: boolean): CliOption[] {
  const out: CliOption[] = runscOptions ? [PRESET, OUTPUT] : [OUTPUT];
  for (const [option, doc] of Object.entries(docs)) {
    const shape = runscOptions && Object.hasOwn(RUNSC_DOCS, option) ? runscShape(option) : { kind: 'string' as const, metavar: 'VALUE' };
    out.push({ ...shape, ...doc, option, flag: doc.flag ?? kebab(option), kind: doc.kind ?? shape.kind, metavar: doc.metavar ?? (doc.kind === 'bool' ? 'BOOL' : shape.metavar) });
  }
  return out;
}

const RUNSC_FLAGS_DOCS: Docs<RunscFlagsOptions> = { ...RUNSC_DOCS, acknowledgeWarnings: ACKNOWLEDGE };

const RUNSC_TOML_DOCS: Docs<RunscTomlOptions> = {
  ...RUNSC_DOCS,
  binaryName: { metavar: 'PATH', description: 'binary_name: the runsc binary the shim runs', default: 'runsc from the PATH' },
  root: { metavar: 'PATH', description: "root: runsc's state directory for the containers the shim starts", default: "/run/containerd/runsc (the shim's own)" },
  logLevel: { metavar: 'LEVEL', values: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'panic'], description: 'log_level of the shim itself', default: "info (the shim's own)" },
  logPath: { metavar: 'PATH', description: 'log_path: where the shim writes runsc logs; may contain %ID%', default: 'no shim log file' },
  acknowledgeWarnings: ACKNOWLEDGE,
};

const RUNSC_WRAPPER_DOCS: Docs<RunscWrapperOptions> = {
  ...RUNSC_DOCS,
  runscPath: { metavar: 'PATH', description: 'the real runsc binary the wrapper runs', default: '/usr/local/bin/runsc' },
  acknowledgeWarnings: ACKNOWLEDGE,
};

const CONTAINERD_DOCS: Docs<ContainerdConfigOptions> = {
  schema: { kind: 'int', metavar: 'N', values: ['2', '3'], description: 'config schema: 2 for containerd 1.x, 3 for containerd 2.x', default: '2' },
  mode: { metavar: 'MODE', values: ['drop-in', 'file'], description: "drop-in: a file for the main config's imports; file: a whole config.toml", default: 'drop-in' },
  handler: { metavar: 'NAME', description: 'the runtime name a RuntimeClass handler refers to', default: 'runsc' },
  shim: { metavar: 'SHIM', values: ['runsc', 'runc'], description: "runsc: gVisor's shim reading --runsc-config-path; runc: the runc v2 shim running --runsc-binary", default: 'runsc' },
  runscConfigPath: { metavar: 'PATH', description: "the shim's ConfigPath, a runsc.toml (only with --shim runsc)", default: '/etc/containerd/runsc.toml' },
  runscBinary: { metavar: 'PATH', description: 'BinaryName for the runc v2 shim: runsc, or a wrapper from runsc-wrapper (only with --shim runc)', default: '/usr/local/bin/runsc' },
  podAnnotations: {
    flag: 'pod-annotation',
    kind: 'repeat',
    metavar: 'GLOB',
    description: 'pod annotations passed to the runtime (repeatable); a glob that lets dev.gvisor.* through lets pod authors change runsc flags and warns',
    default: 'none',
  },
  systemdCgroup: { kind: 'bool', description: "SystemdCgroup for the runc runtimes written here; match the kubelet's cgroup driver", default: "false (containerd's own)" },
  keepDefaultRuntime: { kind: 'bool', description: 'also define the default runc runtime (containerd 1.6 fails to load CRI without it); false only when another file defines it', default: 'true' },
  criPluginConfig: {
    kind: 'json',
    metavar: 'JSON',
    description: "raw keys merged into the CRI plugin's table, as a JSON object, e.g. '{\"enable_unprivileged_ports\":true}'; keys gvisor-iac renders are refused",
    default: 'none',
  },
  sandboxImage: { metavar: 'IMAGE', description: 'the pod sandbox (pause) image, for nodes that cannot pull registry.k8s.io/pause', default: "containerd's built-in" },
  root: { metavar: 'PATH', description: 'root (only with --mode file)', default: "/var/lib/containerd (containerd's own)" },
  state: { metavar: 'PATH', description: 'state (only with --mode file)', default: "/run/containerd (containerd's own)" },
  address: { metavar: 'PATH', description: 'grpc.address (only with --mode file)', default: "/run/containerd/containerd.sock (containerd's own)" },
  imports: { flag: 'import', kind: 'repeat', metavar: 'PATH', description: 'imports, e.g. /etc/containerd/conf.d/*.toml (only with --mode file; repeatable)', default: 'none' },
  acknowledgeWarnings: ACKNOWLEDGE,
};

const DOCKER_DOCS: Docs<DockerDaemonConfigOptions> = {
  ...RUNSC_DOCS,
  path: { metavar: 'PATH', description: "the runtime's path: the runsc binary on the node", default: "the base runtime's path, else /usr/local/bin/runsc" },
  runtimeName: { metavar: 'NAME', description: 'the runtime name (docker run --runtime=NAME, Compose runtime:)', default: 'runsc' },
  base: {
    kind: 'daemon-json-file',
    metavar: 'FILE',
    description: "the node's existing daemon.json to merge into (every key is kept; it must exist and be valid JSON); what changes is noted on stderr",
    default: 'an empty daemon.json',
  },
  defaultRuntime: { kind: 'bool', description: 'also make it the default-runtime, for every container without --runtime', default: 'false' },
  acknowledgeWarnings: ACKNOWLEDGE,
};

const COMPOSE_DOCS: Docs<ComposeServiceOptions> = {
  serviceName: { flag: 'service', metavar: 'NAME', description: 'the service name', default: 'app' },
  image: { metavar: 'IMAGE', description: 'the image the service runs', required: 'add --image IMAGE, e.g. --image python:3.12' },
  runtimeName: { metavar: 'NAME', description: 'the Docker runtime name (from gvisor-iac docker)', default: 'runsc' },
  hardened: {
    kind: 'bool',
    description: 'the hardened settings of sandboxed pods: user 1000:1000, read_only, cap_drop ALL, no-new-privileges, a writable tmpfs /tmp',
    default: 'true',
  },
};

/** A node command: what it prints, and its flags. */
export interface NodeCommand {
  readonly summary: string;
  readonly options: readonly CliOption[];
}

/** The node commands, in the order the help lists them. */
export const NODE_COMMANDS: Readonly<Record<string, NodeCommand>> = {
  'runsc-flags': { summary: 'runsc command-line flags, one per line', options: table(RUNSC_FLAGS_DOCS, true) },
  'runsc-toml': { summary: 'runsc.toml for the gVisor containerd shim (its ConfigPath)', options: table(RUNSC_TOML_DOCS, true) },
  'runsc-wrapper': { summary: "/bin/sh wrapper that runs runsc with the flags (for the runc v2 shim's BinaryName)", options: table(RUNSC_WRAPPER_DOCS, true) },
  'containerd': { summary: 'containerd config with the gVisor runtime: a drop-in (default) or a whole file', options: table(CONTAINERD_DOCS, false) },
  'docker': { summary: 'Docker daemon.json with the runsc runtime, merged into --base', options: table(DOCKER_DOCS, true) },
  'compose': { summary: 'Docker Compose service fragment (runtime: runsc)', options: table(COMPOSE_DOCS, false) },
  'presets': { summary: 'the runsc presets, their flags and their trade-offs', options: table({ runscRelease: RUNSC_DOCS.runscRelease }, false).filter((o) => o !== OUTPUT).map((o) => ({ ...o, metavar: 'TAG' })) },
};

/** The parser's view of a command's options. */
export function flagSpecs(options: readonly CliOption[]): FlagSpec[] {
  return options.map((o) => ({
    flag: o.flag,
    arity: o.kind === 'bool' ? 'bool' : 'value',
    repeatable: o.kind === 'repeat' || o.kind === 'acknowledge',
  }));
}

function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.join(`\n${indent}`);
}

/** `gvisor-iac <command> --help`: every option with its description, values and default. */
export function commandHelp(name: string): string {
  const command = NODE_COMMANDS[name] as NodeCommand;
  const col = 30;
  const lines = command.options.map((o) => {
    const head = `  --${o.flag} ${o.metavar}`;
    const parts = [o.description];
    if (o.values) parts.push(`Values: ${o.values.join(' | ')}.`);
    parts.push(o.required ? 'Required.' : `Default: ${o.default}.`);
    const text = wrap(parts.join('. ').replace(/\.\./g, '.'), 100 - col, ' '.repeat(col));
    return head.length < col ? `${head.padEnd(col)}${text}` : `${head}\n${' '.repeat(col)}${text}`;
  });
  return `Usage: gvisor-iac ${name} [options]\n\n${wrap(`${command.summary}; printed to stdout${command.options.includes(OUTPUT) ? ', or written to --output FILE' : ''}.`, 100, '')}\n\nOptions:\n${lines.join('\n')}\n  -h, --help${' '.repeat(col - 12)}this help\n`;
}
