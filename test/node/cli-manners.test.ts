// The CLI's manners: --version, per-command --help generated from the option tables, "did you mean",
// required options, one-line errors with exit status 2 (usage) or 1 (refused), never a stack trace.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { runCli } from '../../lib/cli';
import { CLI_ONLY_OPTIONS, NODE_COMMANDS } from '../../lib/cli-options';
import {
  RUNSC_OPTION_FLAGS, RUNSC_OPTION_NAMES, composeService, renderContainerdConfig, renderDockerDaemonConfig, renderRunscToml, renderRunscWrapper,
  runscFlags,
} from '../../lib/node';
import { runCliProcess } from '../helpers/cli-process';

const VERSION = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).version as string;

/** The option names a renderer accepts, read from its own "unknown option" error. */
function knownOptions(render: (o: Record<string, unknown>) => unknown): string[] {
  try {
    render({ zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz: 1 });
  } catch (e) {
    const m = /known options are (.*)$/.exec((e as Error).message);
    if (m) return (m[1] as string).split(', ');
    throw e;
  }
  throw new Error('the renderer accepted an unknown option');
}

const RENDERERS: Record<string, (o: Record<string, unknown>) => unknown> = {
  'runsc-flags': runscFlags,
  'runsc-toml': renderRunscToml,
  'runsc-wrapper': renderRunscWrapper,
  'containerd': renderContainerdConfig,
  'docker': renderDockerDaemonConfig,
  'compose': composeService,
};

describe('every option has a flag, and the help comes from the table', () => {
  test.each(Object.keys(RENDERERS))('%s: one flag per renderer option (callbacks aside)', (command) => {
    const known = knownOptions(RENDERERS[command]!).filter((o) => o !== 'onWarning');
    const table = NODE_COMMANDS[command]!.options.map((o) => o.option).filter((o) => !CLI_ONLY_OPTIONS.includes(o));
    expect([...table].sort()).toEqual([...known].sort());
  });

  test('runsc flags are derived from the renderer table: kinds and values', () => {
    const options = NODE_COMMANDS['runsc-flags']!.options;
    expect(options.map((o) => o.option).sort()).toEqual(['acknowledgeWarnings', 'output', 'preset', ...RUNSC_OPTION_NAMES].sort());
    for (const spec of RUNSC_OPTION_FLAGS) {
      const o = options.find((x) => x.option === spec.option)!;
      expect(o.flag).toBe(spec.option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
      if (spec.kind.type === 'enum') expect(o.values).toEqual(spec.kind.values);
      if (spec.kind.type === 'bool') expect(o.kind).toBe('bool');
    }
  });

  test.each(Object.keys(NODE_COMMANDS))('%s --help lists every flag with its description and its default (exit 0)', (command) => {
    const r = runCli([command, '--help']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(new RegExp(`^Usage: gvisor-iac ${command} \\[options\\]\n`));
    const flat = r.stdout.replace(/\n {30}/g, ' ');
    for (const o of NODE_COMMANDS[command]!.options) {
      expect(flat).toContain(`  --${o.flag} ${o.metavar}`);
      expect(flat).toContain(o.description);
      expect(flat).toContain(o.required ? 'Required.' : `Default: ${o.default}.`);
      expect(o.required ?? o.default).toBeTruthy();
    }
    expect(r.stdout.split('\n').every((l) => l.length <= 100)).toBe(true);
    expect(runCli(['help', command])).toEqual(r);
    expect(runCli([command, '-h'])).toEqual(r);
  });
});

test('the README\'s CLI reference is the --help output', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n### CLI reference\n'));
  expect(/```\n([\s\S]*?)```/.exec(section)?.[1]).toBe(runCli(['--help']).stdout);
});

describe('--version', () => {
  test('prints the package version, in-process and as a process', () => {
    expect(runCli(['--version'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    const p = runCliProcess(['--version']);
    expect([p.code, p.stdout, p.stderr]).toEqual([0, `${VERSION}\n`, '']);
  });
});

describe('the flags that had none', () => {
  test('runsc: platform-device-path, ignore-cgroups, watchdog-action, strace-syscalls, strace-log-size', () => {
    const r = runCli(['runsc-flags', '--preset', 'none', '--platform-device-path', '/dev/kvm', '--ignore-cgroups', '--watchdog-action', 'panic',
      '--strace', '--strace-syscalls', 'openat,read', '--strace-log-size', '64']);
    expect(r).toEqual({ code: 0, stdout: '--platform_device_path=/dev/kvm\n--ignore-cgroups\n--watchdog-action=panic\n--strace\n--strace-syscalls=openat,read\n--strace-log-size=64\n', stderr: '' });
  });

  test('containerd: keep-default-runtime, cri-plugin-config, import, root, state, address', () => {
    const r = runCli(['containerd', '--mode', 'file', '--keep-default-runtime', 'false', '--cri-plugin-config', '{"enable_unprivileged_ports": true}',
      '--import', '/etc/containerd/conf.d/*.toml', '--import', '/etc/containerd/extra.toml', '--root', '/var/lib/c', '--state', '/run/c', '--address', '/run/c/c.sock']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const doc = parse(r.stdout) as Record<string, any>;
    expect(doc.imports).toEqual(['/etc/containerd/conf.d/*.toml', '/etc/containerd/extra.toml']);
    expect([doc.root, doc.state, doc.grpc.address]).toEqual(['/var/lib/c', '/run/c', '/run/c/c.sock']);
    const cri = doc.plugins['io.containerd.grpc.v1.cri'];
    expect(cri.enable_unprivileged_ports).toBe(true);
    expect(cri.default_runtime_name).toBeUndefined();
    expect(Object.keys(cri.containerd.runtimes)).toEqual(['runsc']);
  });

  test('a boolean flag alone means true; =false and a separate false work too', () => {
    expect(runCli(['runsc-flags', '--preset', 'none', '--debug']).stdout).toBe('--debug\n');
    expect(runCli(['runsc-flags', '--preset', 'none', '--debug=false']).stdout).toBe('--debug=false\n');
    expect(runCli(['runsc-flags', '--preset', 'none', '--debug', 'false', '--strace']).stdout).toBe('--debug=false\n--strace\n');
  });

  test('a runsc flag as the value of --extra-flag needs no "="', () => {
    expect(runCli(['runsc-flags', '--preset', 'none', '--extra-flag', '--gso=false']).stdout).toBe('--gso=false\n');
  });
});

describe('errors: one line on stderr naming the flag, the value and the fix; nothing on stdout', () => {
  test.each([
    // usage errors: exit 2
    [['runsc-flags', '--plaform', 'kvm'], 2, 'gvisor-iac runsc-flags: --plaform is not an option here; did you mean --platform? (gvisor-iac runsc-flags --help lists its options)'],
    [['runsc-flag'], 2, 'gvisor-iac: unknown command "runsc-flag"; did you mean runsc-flags? (gvisor-iac --help lists the commands)'],
    [['contianerd'], 2, 'gvisor-iac: unknown command "contianerd"; did you mean containerd? (gvisor-iac --help lists the commands)'],
    [['compose'], 2, 'gvisor-iac compose: --image is required: the image the service runs; add --image IMAGE, e.g. --image python:3.12 (gvisor-iac compose --help lists its options)'],
    [['compose', '--hardened', 'no', '--image', 'x'], 2, 'gvisor-iac compose: --hardened takes true or false, not "no"; write --hardened (true) or --hardened false (gvisor-iac compose --help lists its options)'],
    [['runsc-flags', '--platform'], 2, 'gvisor-iac runsc-flags: --platform needs a value; write --platform VALUE (gvisor-iac runsc-flags --help lists its options)'],
    [['runsc-flags', '--debug-log', '--strace'], 2, 'gvisor-iac runsc-flags: --debug-log needs a value; write --debug-log VALUE or --debug-log=--strace if "--strace" is the value (gvisor-iac runsc-flags --help lists its options)'],
    [['runsc-flags', '--network', 'none', '--network', 'host'], 2, 'gvisor-iac runsc-flags: --network is given twice ("none", then "host"); give it once (gvisor-iac runsc-flags --help lists its options)'],
    [['containerd', '--schema', 'two'], 2, 'gvisor-iac containerd: --schema takes a whole number, not "two"; use 2 or 3 (gvisor-iac containerd --help lists its options)'],
    [['containerd', '--cri-plugin-config', '{sandbox_image: x}'], 2, /^gvisor-iac containerd: --cri-plugin-config takes a JSON object, and "\{sandbox_image: x\}" is not JSON \(.*\); quote it for the shell/],
    [['compose', '--image', 'x', '--runsc-path', '/x'], 2, 'gvisor-iac compose: --runsc-path is not an option here; runsc-wrapper takes it (gvisor-iac compose --help lists its options)'],
    [['--verison'], 2, 'gvisor-iac: --verison is not an option before the command; did you mean --version?; put options after the command (gvisor-iac --help lists the commands)'],
    [[], 2, 'gvisor-iac: name a command: runsc-flags, runsc-toml, runsc-wrapper, containerd, docker, compose, presets, check, sandbox (gvisor-iac --help lists the commands)'],
    // refused by the renderer: exit 1, the flag named instead of the option
    [['runsc-flags', '--network', 'bridge'], 1, 'error INVALID_VALUE: --network: "bridge" is not one of "sandbox", "host", "none"; use one of "sandbox", "host", "none"'],
    [['containerd', '--cri-plugin-config', '{"containerd": {"default_runtime_name": "runsc"}}'], 1,
      'error INVALID_NODE_CONFIG: --cri-plugin-config: containerd.default_runtime_name: "runsc" overrides a key that gvisor-iac renders; set it through the typed option instead of criPluginConfig'],
    [['containerd', '--import', '/x.toml'], 1, 'error INVALID_NODE_CONFIG: --import: ["/x.toml"] belongs in the main config, not in a drop-in; set mode: \'file\', or drop it'],
    [['runsc-flags', '--strace-syscalls', 'openat'], 1, 'error INVALID_NODE_CONFIG: --strace-syscalls: ["openat"] has no effect without strace: true; set strace: true, or drop straceSyscalls'],
  ] as const)('%j exits %i', (argv, code, stderr) => {
    const r = runCli([...argv]);
    expect([r.code, r.stdout]).toEqual([code, '']);
    expect(r.stderr.endsWith('\n') && r.stderr.split('\n')).toHaveLength(2);
    if (typeof stderr === 'string') expect(r.stderr).toBe(`${stderr}\n`);
    else expect(r.stderr).toMatch(stderr);
  });

  test('as a process: exit status, one line, no stack trace, nothing on stdout', () => {
    for (const [argv, code] of [[['compose'], 2], [['runsc-flags', '--plaform', 'kvm'], 2], [['docker', '--base', '/nonexistent/daemon.json'], 1], [['check', '--pak', 'x'], 2]] as const) {
      const r = runCliProcess(argv);
      expect([r.code, r.stdout]).toEqual([code, '']);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
    const ok = runCliProcess(['compose', '--image', 'python:3.12']);
    expect([ok.code, ok.stderr]).toEqual([0, '']);
    expect(ok.stdout).toContain('image: "python:3.12"');
  });

  test('check and sandbox: "did you mean" instead of the parser\'s text', () => {
    expect(runCli(['check', '--pak', 'gvisor', '-'])).toEqual({ code: 2, stdout: '', stderr: '--pak is not an option here; did you mean --pack? (gvisor-iac check --help lists the options)\n' });
    expect(runCli(['sandbox', '--runtime-clas', 'gvisor', '-']).stderr).toBe('--runtime-clas is not an option here; did you mean --runtime-class? (gvisor-iac sandbox --help lists the options)\n');
  });
});
