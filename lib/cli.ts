#!/usr/bin/env node
// gvisor-iac command line: prints node-level gVisor configuration files, and checks manifests.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError, didYouMean, parseFlags } from './cli-args';
import { CLI_ONLY_OPTIONS, CliOption, NODE_COMMANDS, commandHelp, flagSpecs } from './cli-options';
import { writeFileAtomic } from './cli-output';
import { GvisorIacError } from './core/errors';
import {
  NodeWarning, RUNSC_PRESET_NAMES, RUNSC_PRESET_TRADEOFFS, RunscOptions, RunscPresetName, RunscRelease,
  mergeDockerDaemonConfig, readDaemonJsonFile, renderComposeService, renderContainerdConfig, renderRunscToml, renderRunscWrapper,
  runscFlags, runscPreset,
} from './node';
import { runPolicyCommand } from './policy/cli-check';

const POLICY_COMMANDS: Record<string, string> = {
  check: 'check Kubernetes manifests against the policy packs',
  sandbox: 'write Kubernetes manifests back sandboxed in gVisor',
};
const COMMANDS = [...Object.keys(NODE_COMMANDS), ...Object.keys(POLICY_COMMANDS)];

export const CLI_HELP = `Usage: gvisor-iac <command> [options]
       gvisor-iac <command> --help     the command's options, with their defaults
       gvisor-iac --version

Prints node-level gVisor configuration to stdout (or, with --output FILE, replaces FILE atomically), and checks manifests.

Commands:
${Object.entries(NODE_COMMANDS).map(([name, c]) => `  ${name.padEnd(16)} ${c.summary}`).join('\n')}
${Object.entries(POLICY_COMMANDS).map(([name, summary]) => `  ${name.padEnd(16)} ${summary}`).join('\n')}

Exit status: 0 printed; 1 refused (an invalid value or an unreadable file: the error on stderr,
nothing on stdout); 2 usage error (an unknown command or option, a missing value or a required
option). check and sandbox say theirs in their --help.
`;

/** What a CLI run printed. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The version in the package.json next to the compiled CLI. */
export function cliVersion(): string {
  const file = path.join(__dirname, '..', 'package.json');
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
  if (pkg.name !== 'gvisor-iac' || typeof pkg.version !== 'string') throw new Error(`${file} is not gvisor-iac's package.json`);
  return pkg.version;
}

/** The option value a flag's text stands for. */
function optionValue(o: CliOption, texts: readonly string[]): unknown {
  const text = texts[texts.length - 1] as string;
  switch (o.kind) {
    case 'string':
      return text;
    case 'bool':
      return text === 'true';
    case 'int':
      if (!/^[0-9]+$/.test(text)) throw new UsageError(`--${o.flag} takes a whole number, not "${text}"${o.values ? `; use ${o.values.join(' or ')}` : ''}`);
      return Number(text);
    case 'list':
      return text.split(',').map((s) => s.trim());
    case 'repeat':
      return [...texts];
    case 'json':
      try {
        return JSON.parse(text) as unknown;
      } catch (e) {
        throw new UsageError(`--${o.flag} takes a JSON object, and "${text}" is not JSON (${(e as Error).message}); quote it for the shell, e.g. --${o.flag} '{"key":"value"}'`);
      }
    case 'daemon-json-file':
      return readDaemonJsonFile(text, `--${o.flag}`);
    case 'acknowledge':
      return Object.fromEntries(texts.map((a) => {
        const i = a.indexOf('=');
        if (i <= 0) throw new UsageError(`--${o.flag} takes ID=REASON, not "${a}"; e.g. --${o.flag} NODE_HOST_NETWORK="single-tenant CI nodes"`);
        return [a.slice(0, i), a.slice(i + 1)];
      }));
  }
}

/** The renderer's options from the flags given (CLI-only flags such as --preset are left out). */
function optionsFrom(options: readonly CliOption[], values: ReadonlyMap<string, readonly string[]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const o of options) {
    const texts = values.get(o.flag);
    if (texts !== undefined && !CLI_ONLY_OPTIONS.includes(o.option)) out[o.option] = optionValue(o, texts);
  }
  return out;
}

/** The preset's options under the explicit ones (runsc commands). */
function withPreset(values: ReadonlyMap<string, readonly string[]>, explicit: Record<string, unknown>): Record<string, unknown> {
  const name = values.get('preset')?.[0] ?? 'hardened';
  if (name === 'none') return explicit;
  if (!RUNSC_PRESET_NAMES.includes(name as RunscPresetName)) {
    throw new UsageError(`--preset "${name}" is not a preset${didYouMean(name, [...RUNSC_PRESET_NAMES, 'none'])}; use ${[...RUNSC_PRESET_NAMES, 'none'].join(', ')}`);
  }
  const preset: RunscOptions = runscPreset(name as RunscPresetName, (explicit.runscRelease ?? 'current') as RunscRelease);
  return { ...preset, ...explicit };
}

function render(command: string, opts: Record<string, unknown>, onChange: (change: string) => void): string {
  switch (command) {
    case 'runsc-flags':
      return `${runscFlags(opts).join('\n')}\n`;
    case 'runsc-toml':
      return renderRunscToml(opts);
    case 'runsc-wrapper':
      return renderRunscWrapper(opts);
    case 'containerd':
      return renderContainerdConfig(opts);
    case 'docker': {
      const merged = mergeDockerDaemonConfig(opts);
      // What the merge changed in the node's file; without --base there is nothing to change.
      if (opts.base !== undefined) for (const change of merged.changes) onChange(change);
      return merged.json;
    }
    case 'compose':
      return renderComposeService(opts);
    default: {
      // presets: a listing, not a config; each preset's trade-offs (network host included) are printed in full instead of as warnings.
      const release = (opts.runscRelease ?? 'current') as RunscRelease;
      return RUNSC_PRESET_NAMES.map((n) => `${n}\n  flags: ${runscFlags({ ...runscPreset(n, release), onWarning: () => undefined }).join(' ')}\n  ${RUNSC_PRESET_TRADEOFFS[n]}\n`).join('\n');
    }
  }
}

/** Names an option path by its flag: `fileAccess` → `--file-access`, `extraFlags[1]` → `--extra-flag[1]`, `base.runtimes` → `--base: runtimes`. */
function flagPath(options: readonly CliOption[], p: string): string {
  const head = /^[A-Za-z][A-Za-z0-9]*/.exec(p)?.[0];
  const o = head === undefined ? undefined : options.find((x) => x.option === head);
  if (!o) return p;
  const rest = p.slice(head!.length);
  return rest.startsWith('.') ? `--${o.flag}: ${rest.slice(1)}` : `--${o.flag}${rest}`;
}

function runNodeCommand(command: string, argv: string[]): CliResult {
  const { options } = NODE_COMMANDS[command]!;
  const elsewhere = (flag: string) => {
    const takers = Object.keys(NODE_COMMANDS).filter((c) => NODE_COMMANDS[c]!.options.some((o) => o.flag === flag));
    if (takers.length === 0) return undefined;
    const list = takers.length === 1 ? takers[0] : `${takers.slice(0, -1).join(', ')} and ${takers[takers.length - 1]}`;
    return `${list} take${takers.length === 1 ? 's' : ''} it`;
  };
  const { values, positionals, help } = parseFlags(argv, flagSpecs(options), elsewhere);
  if (help) return { code: 0, stdout: commandHelp(command), stderr: '' };
  if (positionals.length > 0) throw new UsageError(`one command at a time; "${positionals[0]}" is not an option of ${command}`);
  for (const o of options) {
    if (o.required && !values.has(o.flag)) throw new UsageError(`--${o.flag} is required: ${o.description}; ${o.required}`);
  }
  let stderr = '';
  const onWarning = (w: NodeWarning) => {
    stderr += `warning ${w.id}: ${flagPath(options, w.path)}: ${w.message} (acknowledge with --acknowledge ${w.id}=REASON)\n`;
  };
  try {
    const explicit = optionsFrom(options, values);
    const runsc = options.some((o) => o.option === 'preset');
    const opts = runsc ? withPreset(values, explicit) : explicit;
    const warns = options.some((o) => o.option === 'acknowledgeWarnings') ? { onWarning } : {};
    const stdout = render(command, { ...opts, ...warns }, (change) => { stderr += `note: ${change}\n`; });
    const output = values.get('output')?.[0];
    if (output === undefined) return { code: 0, stdout, stderr };
    // The wrapper is a script the shim executes.
    writeFileAtomic(output, stdout, command === 'runsc-wrapper' ? 0o755 : 0o644);
    return { code: 0, stdout: '', stderr };
  } catch (e) {
    if (e instanceof GvisorIacError) {
      const message = e.message.startsWith(`${e.path}: `) ? `${flagPath(options, e.path)}: ${e.message.slice(e.path.length + 2)}` : e.message;
      return { code: 1, stdout: '', stderr: `${stderr}error ${e.code}: ${message}\n` };
    }
    throw e;
  }
}

function usage(message: string, command?: string): CliResult {
  const hint = command ? `gvisor-iac ${command} --help lists its options` : 'gvisor-iac --help lists the commands';
  return { code: 2, stdout: '', stderr: `${command ? `gvisor-iac ${command}: ` : 'gvisor-iac: '}${message} (${hint})\n` };
}

/** Runs the CLI on `argv` (without `node` and the script) and returns what it printed. */
export function runCli(argv: string[]): CliResult {
  const [first, ...rest] = argv;
  if (first === 'check' || first === 'sandbox') return runPolicyCommand(first, rest);
  if (first === undefined) return usage(`name a command: ${COMMANDS.join(', ')}`);
  if (first === '--help' || first === '-h') return { code: 0, stdout: CLI_HELP, stderr: '' };
  if (first === '--version' || first === '-v') return { code: 0, stdout: `${cliVersion()}\n`, stderr: '' };
  if (first === 'help') {
    if (rest[0] === undefined) return { code: 0, stdout: CLI_HELP, stderr: '' };
    return runCli([rest[0], '--help']);
  }
  if (first.startsWith('-')) return usage(`${first} is not an option before the command${didYouMean(first.replace(/^-+/, ''), ['help', 'version'], '--')}; put options after the command`);
  if (!Object.hasOwn(NODE_COMMANDS, first)) return usage(`unknown command "${first}"${didYouMean(first, COMMANDS)}`);
  try {
    return runNodeCommand(first, rest);
  } catch (e) {
    if (e instanceof UsageError) return usage(e.message, first);
    throw e;
  }
}

if (require.main === module) {
  let result: CliResult;
  try {
    result = runCli(process.argv.slice(2));
  } catch (e) {
    // A bug, not bad input: one line, no stack trace unless asked for.
    const detail = process.env.GVISOR_IAC_DEBUG ? (e as Error).stack : (e as Error).message;
    result = { code: 1, stdout: '', stderr: `gvisor-iac: internal error: ${detail} (set GVISOR_IAC_DEBUG=1 for the stack trace, and please report it)\n` };
  }
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.code;
}
