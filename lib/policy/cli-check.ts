// `gvisor-iac check` and `gvisor-iac sandbox`: the policy commands of the CLI.
import * as fs from 'node:fs';
import { stringify } from 'yaml';
import { CheckOptions, checkObjects, failingFindings } from './engine';
import { LoadedManifests, ManifestParseError, loadManifests } from './load';
import { PACK_NAMES, PackName } from './packs';
import { formatJson, formatSarif, formatText, locateFindings } from './report';
import { sandboxObjects } from './sandbox';
import { parseSuppressOption } from './suppressions';
import { SEVERITIES, Severity } from './types';
import { UsageError, parseFlags } from '../cli-args';
import { writeFileAtomic } from '../cli-output';
import { GvisorIacError } from '../core/errors';

export const CHECK_HELP = `Usage: gvisor-iac check [options] FILE... | -
       gvisor-iac sandbox [options] FILE... | -

check     reports what in Kubernetes manifests breaks the policy packs (RULES.md)
sandbox   writes the manifests back with the gVisor class and hardened defaults filled in
          where absent; refuses, as findings, what cannot be made safe (exit 1, nothing written)

Input: YAML or JSON files, multi-document, List kinds; "-" reads stdin (helm template ... | gvisor-iac check -).

Options:
  --pack NAME               ${PACK_NAMES.join(' | ')} (repeatable; check's default: gvisor, pss-restricted, hardening)
  --format F                text (default) | json | sarif                    (check)
  --fail-on S               error (default) | warning | info | none          (check)
  --suppress ID:REASON      suppress a rule for every object (repeatable; a reason is required)
  --runtime-class NAME      a RuntimeClass that counts as gVisor (repeatable; sandbox fills the first; default gvisor)
  --handler NAME            a CRI handler that counts as gVisor (repeatable; default runsc, gvisor)
  --no-annotation-suppressions   ignore the objects' own suppress annotations (untrusted authors)
  --output FILE             write the manifests to FILE instead of stdout, atomically: FILE is replaced whole
                            only when nothing is refused (so it may be one of the inputs)     (sandbox)

Suppress on one object: metadata.annotations["gvisor-iac.dev/suppress"]: "ID: reason[, ID: reason]".
Exit status: 0 passed; 1 a finding reached --fail-on (check) or something was refused (sandbox); 2 usage or input error.
`;

/** What a policy command printed. */
export interface PolicyCliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function readInputs(files: readonly string[], stdin: () => string): { name: string; text: string }[] {
  if (files.length === 0) throw new UsageError('name the manifest files to read, or - for stdin');
  return files.map((name) => {
    if (name === '-') return { name, text: stdin() };
    try {
      return { name, text: fs.readFileSync(name, 'utf8') };
    } catch (e) {
      throw new UsageError(`cannot read ${name}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  });
}

function checkOptions(values: Record<string, any>): CheckOptions {
  const packs = values.pack as string[] | undefined;
  for (const p of packs ?? []) if (!PACK_NAMES.includes(p as PackName)) throw new UsageError(`--pack must be one of ${PACK_NAMES.join(', ')}, not "${p}"`);
  const suppressions: Record<string, string> = {};
  for (const s of (values.suppress as string[] | undefined) ?? []) {
    const { id, reason } = parseSuppressOption(s);
    if (!id) throw new UsageError(`--suppress takes ID:REASON, not "${s}"`);
    suppressions[id] = reason;
  }
  return {
    ...(packs ? { packs: packs as PackName[] } : {}),
    ...(values['runtime-class'] ? { runtimeClassNames: values['runtime-class'] } : {}),
    ...(values.handler ? { gvisorHandlers: values.handler } : {}),
    ...(Object.keys(suppressions).length ? { suppressions } : {}),
    ...(values['no-annotation-suppressions'] ? { annotationSuppressions: false } : {}),
  };
}

/**
 * Runs `check` or `sandbox` on `argv` (the arguments after the command).
 * `stdin` is read only when a file is `-`.
 */
export function runPolicyCommand(command: 'check' | 'sandbox', argv: string[], stdin: () => string = () => fs.readFileSync(0, 'utf8')): PolicyCliResult {
  try {
    const parsed = parseFlags(argv, [
      { flag: 'pack', arity: 'value', repeatable: true },
      { flag: 'format', arity: 'value' },
      { flag: 'fail-on', arity: 'value' },
      { flag: 'suppress', arity: 'value', repeatable: true },
      { flag: 'runtime-class', arity: 'value', repeatable: true },
      { flag: 'handler', arity: 'value', repeatable: true },
      { flag: 'no-annotation-suppressions', arity: 'switch' },
      { flag: 'output', arity: 'value' },
    ]);
    const positionals = parsed.positionals;
    const one = (flag: string) => parsed.values.get(flag)?.[0];
    const values: Record<string, any> = {
      'help': parsed.help,
      'pack': parsed.values.get('pack'),
      'format': one('format'),
      'fail-on': one('fail-on'),
      'suppress': parsed.values.get('suppress'),
      'runtime-class': parsed.values.get('runtime-class'),
      'handler': parsed.values.get('handler'),
      'no-annotation-suppressions': parsed.values.has('no-annotation-suppressions'),
    };
    if (values.help) return { code: 0, stdout: CHECK_HELP, stderr: '' };
    const format = values.format ?? 'text';
    if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif, not "${format}"`);
    const failOn = values['fail-on'] ?? 'error';
    if (failOn !== 'none' && !SEVERITIES.includes(failOn as Severity)) throw new UsageError(`--fail-on must be error, warning, info or none, not "${failOn}"`);
    if (command === 'sandbox' && (values.format !== undefined || values['fail-on'] !== undefined)) throw new UsageError('sandbox takes neither --format nor --fail-on');
    const output = one('output');
    if (command === 'check' && output !== undefined) throw new UsageError('check prints its report; --output is sandbox\'s (redirect the report instead)');
    const options = checkOptions(values);
    const loaded: LoadedManifests = loadManifests(readInputs(positionals, stdin));

    if (command === 'sandbox') {
      const [runtimeClassName, ...others] = options.runtimeClassNames ?? [];
      const result = sandboxObjects(loaded.objects, { ...options, ...(runtimeClassName ? { runtimeClassName, runtimeClassNames: others } : {}) });
      if (result.refused.length) {
        return { code: 1, stdout: '', stderr: `refused: these cannot be made safe by filling in defaults\n${formatText(locateFindings(result.refused, loaded))}` };
      }
      const warnings = result.findings.filter((f) => f.suppressed === undefined);
      const yaml = result.objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
      if (output !== undefined) writeFileAtomic(output, yaml);
      return {
        code: 0,
        stdout: output === undefined ? yaml : '',
        stderr: warnings.length ? formatText(locateFindings(warnings, loaded)) : '',
      };
    }

    const findings = locateFindings(checkObjects(loaded.objects, options), loaded);
    const stdout = format === 'json' ? formatJson(findings) : format === 'sarif' ? formatSarif(findings) : formatText(findings);
    const failing = failOn === 'none' ? [] : failingFindings(findings, failOn as Severity);
    return { code: failing.length ? 1 : 0, stdout, stderr: '' };
  } catch (e) {
    if (e instanceof GvisorIacError) return { code: 2, stdout: '', stderr: `error ${e.code}: ${e.message}\n` };
    if (e instanceof ManifestParseError) return { code: 2, stdout: '', stderr: `${e.message}\n` };
    if (e instanceof UsageError) return { code: 2, stdout: '', stderr: `${e.message} (gvisor-iac ${command} --help lists the options)\n` };
    throw e;
  }
}
