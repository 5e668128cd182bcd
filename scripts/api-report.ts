// API reports: one api/<entry>.api.md per package entry point, made by API Extractor from the
// compiled declarations in dist/ (`npx projen api` writes them; `npx projen api:check`, run by
// CI, fails when the public surface differs from the committed reports).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CompilerState, ConsoleMessageId, Extractor, ExtractorConfig, ExtractorLogLevel, ExtractorMessage, IConfigFile,
} from '@microsoft/api-extractor';

/** API Extractor's messages about the report file itself: the outcome, reported by `runApiReports`. */
const REPORT_STATUS: readonly ConsoleMessageId[] = [
  ConsoleMessageId.ApiReportNotCopied, ConsoleMessageId.ApiReportCopied, ConsoleMessageId.ApiReportCreated,
];

/** One package entry point: its report name and its compiled declaration file. */
export interface ApiEntryPoint {
  /** Report file name without `.api.md`. */
  readonly report: string;
  /** The entry point's `.d.ts`, relative to the project folder. */
  readonly types: string;
}

/** Where the package's public entry points are, from package.json "exports" (every subpath with types). */
export function packageEntryPoints(projectFolder: string): ApiEntryPoint[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(projectFolder, 'package.json'), 'utf8'));
  return Object.entries<unknown>(pkg.exports ?? {}).flatMap(([subpath, target]) => {
    const types = typeof target === 'object' && target !== null ? (target as { types?: unknown }).types : undefined;
    if (typeof types !== 'string') return [];
    const report = subpath === '.' ? pkg.name : `${pkg.name}-${subpath.replace(/^\.\//, '').replace(/\//g, '-')}`;
    return [{ report, types: path.normalize(types) }];
  });
}

export interface ApiReportOptions {
  readonly projectFolder: string;
  readonly entryPoints: readonly ApiEntryPoint[];
  /** Committed reports. @default "<projectFolder>/api" */
  readonly reportFolder?: string;
  /** Where a differing report is written for comparison. @default "<projectFolder>/temp/api" */
  readonly reportTempFolder?: string;
  /** `true`: write the reports (`npx projen api`); `false`: only compare (CI). */
  readonly update: boolean;
  readonly log?: (line: string) => void;
}

export interface ApiReportResult {
  /** Reports that differ from the committed ones (in check mode), or that were rewritten. */
  readonly changed: string[];
  /** Errors and warnings that are not recorded in a report. */
  readonly problems: string[];
}

const reportFolder = (o: ApiReportOptions) => o.reportFolder ?? path.join(o.projectFolder, 'api');
const reportTempFolder = (o: ApiReportOptions) => o.reportTempFolder ?? path.join(o.projectFolder, 'temp', 'api');

function extractorConfig(options: ApiReportOptions, entry: ApiEntryPoint): ExtractorConfig {
  const configObject: IConfigFile = {
    projectFolder: options.projectFolder,
    mainEntryPointFilePath: path.join(options.projectFolder, entry.types),
    compiler: {
      // Only the compiled declarations are analysed; these options just resolve them.
      overrideTsconfig: {
        compilerOptions: {
          lib: ['es2022'],
          target: 'ES2022',
          module: 'commonjs',
          moduleResolution: 'node',
          strict: true,
          esModuleInterop: true,
          types: ['node'],
          // tsc checked the declarations when it wrote them; the peers' own .d.ts are theirs to check.
          skipLibCheck: true,
        },
        files: [path.join(options.projectFolder, entry.types)],
      },
    },
    apiReport: {
      enabled: true,
      reportFileName: entry.report,
      reportFolder: reportFolder(options),
      reportTempFolder: reportTempFolder(options),
    },
    newlineKind: 'lf',
    docModel: { enabled: false },
    dtsRollup: { enabled: false },
    tsdocMetadata: { enabled: false },
    messages: {
      // Doc-comment style is eslint's and the README's business, not the surface's.
      tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
      extractorMessageReporting: {
        'default': { logLevel: ExtractorLogLevel.Warning },
        // Everything exported is public: the package uses no @alpha/@beta release tags.
        'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None },
        // Documentation completeness is not the surface (and eslint/the README own it).
        'ae-undocumented': { logLevel: ExtractorLogLevel.None },
        // A type the public API reaches but this entry point does not export: recorded in the
        // report (so it is reviewed), and checked by `forgottenExportProblems` below.
        'ae-forgotten-export': { logLevel: ExtractorLogLevel.Warning, addToApiReportFile: true },
      },
      compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
    },
  };
  return ExtractorConfig.prepare({
    configObject,
    configObjectFullPath: path.join(options.projectFolder, 'api', 'api-extractor.json'),
    packageJsonFullPath: path.join(options.projectFolder, 'package.json'),
  });
}

/** The `export ...` names a report declares (top-level declarations only). */
export function reportedNames(report: string): Set<string> {
  const names = new Set<string>();
  const declaration = /^export (?:declare )?(?:abstract )?(?:class|interface|type|function|const|let|enum|namespace) (\w+)/gm;
  for (const m of report.matchAll(declaration)) names.add(m[1]!);
  for (const m of report.matchAll(/^export \{ ?([^}]+)\}/gm)) for (const n of m[1]!.split(',')) names.add(n.trim().split(/\s+as\s+/).pop()!);
  return names;
}

/**
 * A forgotten export (a type the surface reaches but the entry point does not export) is
 * only acceptable when the root entry exports it under the same name: a frontend's props
 * are named like the core props they widen (cdk8s `SandboxedPodProps` wraps the core's
 * `SandboxedPodProps`), and API Extractor cannot see across entry points. Any other one is a
 * type the user cannot name: export it.
 */
export function forgottenExportProblems(reports: ReadonlyMap<string, string>, rootReport: string): string[] {
  const root = reportedNames(reports.get(rootReport) ?? '');
  const problems: string[] = [];
  for (const [name, text] of reports) {
    for (const m of text.matchAll(/\(ae-forgotten-export\) The symbol "(\w+)" needs to be exported/g)) {
      const symbol = m[1]!;
      const base = symbol.replace(/_\d+$/, '');
      if (name === rootReport || !root.has(base)) {
        problems.push(`${name}: "${symbol}" is reachable from the public API but not exported; export it from the entry point`);
      }
    }
  }
  return problems;
}

/** Runs API Extractor on every entry point with one shared TypeScript program. */
export function runApiReports(options: ApiReportOptions): ApiReportResult {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const configs = options.entryPoints.map((entry) => ({ entry, config: extractorConfig(options, entry) }));
  for (const { config } of configs) {
    if (!fs.existsSync(config.mainEntryPointFilePath)) {
      throw new Error(`${path.relative(options.projectFolder, config.mainEntryPointFilePath)} is missing: compile first (npx projen compile)`);
    }
  }
  if (options.update) fs.mkdirSync(reportFolder(options), { recursive: true });
  const compilerState = CompilerState.create(configs[0]!.config, {
    additionalEntryPoints: configs.map(({ config }) => config.mainEntryPointFilePath),
  });
  const changed: string[] = [];
  const problems: string[] = [];
  const reports = new Map<string, string>();
  for (const { entry, config } of configs) {
    const result = Extractor.invoke(config, {
      localBuild: options.update,
      compilerState,
      showVerboseMessages: false,
      messageCallback: (message: ExtractorMessage) => {
        if (message.logLevel === ExtractorLogLevel.Error || message.logLevel === ExtractorLogLevel.Warning) {
          // A differing report in check mode is reported once, below, with the command that fixes it.
          // So is a new report that `npx projen api` writes.
          if (REPORT_STATUS.includes(message.messageId as ConsoleMessageId)) {
            message.handled = true;
            return;
          }
          problems.push(`${entry.report}: ${message.formatMessageWithLocation(options.projectFolder)}`);
        }
        message.handled = true;
      },
    });
    if (result.apiReportChanged) changed.push(entry.report);
    // API Extractor writes the current report to the temp folder in both modes.
    const current = path.join(reportTempFolder(options), `${entry.report}.api.md`);
    reports.set(entry.report, fs.readFileSync(current, 'utf8'));
    const committed = path.relative(options.projectFolder, path.join(reportFolder(options), `${entry.report}.api.md`));
    log(`${entry.report}: ${result.apiReportChanged ? (options.update ? 'updated' : 'DIFFERS') : 'unchanged'} (${committed})`);
  }
  problems.push(...forgottenExportProblems(reports, options.entryPoints[0]!.report));
  return { changed, problems };
}

if (require.main === module) {
  const update = !process.argv.includes('--check');
  const projectFolder = path.resolve(__dirname, '..');
  const { changed, problems } = runApiReports({ projectFolder, entryPoints: packageEntryPoints(projectFolder), update });
  for (const p of problems) process.stderr.write(`${p}\n`);
  if (!update && changed.length > 0) {
    // The diff, for the CI log (diff(1) where there is one).
    for (const r of changed) {
      const diff = spawnSync('diff', ['-u', `api/${r}.api.md`, `temp/api/${r}.api.md`], { cwd: projectFolder, encoding: 'utf8' });
      if (diff.stdout) process.stderr.write(diff.stdout);
    }
    process.stderr.write(
      `\nThe public API differs from the committed report(s): ${changed.map((r) => `api/${r}.api.md`).join(', ')}.\n`
      + 'The new report is in temp/api/ (diff it against api/). If the change is intended, run `npx projen api` and commit api/.\n',
    );
  }
  if (problems.length > 0 || (!update && changed.length > 0)) process.exitCode = 1;
}
