import { Analysis, analyzeGaiConf } from '../../analysis/analysis';
import { documentationAnchor, Finding, Severity, SEVERITY_RANK, severityOf } from '../../analysis/catalogue';
import { crashRisks, crashRiskText } from '../../analysis/crashRisk';
import type { EmbeddedCheck, StockFile } from '../../analysis/embedded/embedded';
import { basename } from '../../analysis/embedded/paths';
import {
  isSourceKindName,
  recognizedSourceKind,
  SOURCE_KIND_RECOGNIZERS,
  SourceKindRecognizer,
  sourceKindRecognizer,
} from '../../analysis/embedded/sourceKinds';
import { describeGlibcVersion } from '../../analysis/glibcDescription';
import { isTemplateName } from '../../analysis/templates';
import { effectsInWords, effectsJson } from '../../features/effectsSummary';
import { TextLocator } from '../../features/positions';
import { GlibcVersion, glibcVersionText } from '../../glibc/versions';
import { analysisOptionsFor } from '../../system/analysisOptions';
import { runtimeLibc } from '../../system/cLibrary';
import { documentationBase } from '../../system/documentation';
import { packageVersion } from '../../system/packageManifest';
import { stockGaiConf } from '../../system/stockFile';
import { DEFAULT_FILE, glibcFor, Output, ParsedArguments, readConfig, UsageError } from '../arguments';
import { githubAnnotations } from '../formats/github';
import { gnuLines } from '../formats/gnu';
import { CheckedFinding, CheckReport, SourceReport } from '../formats/report';
import { sarifLog } from '../formats/sarif';

/** A source's header: its kind, then each file it writes and what that starts from. */
function sourceLines(source: SourceReport | undefined): string[] {
  if (!source) return [];
  if (source.files.length === 0) return [`No gai.conf in it: nothing here writes /etc/gai.conf.`];
  return source.files.map((f) => `  ${f.summary}`);
}

/** One finding as check's text prints it: `FILE:LINE:COLUMN: severity [code] message`. */
export function findingLine(f: CheckedFinding): string {
  return `${f.file}:${f.line}:${f.column}: ${f.severity} [${f.code}] ${f.message}`;
}

function textLines(report: CheckReport): string[] {
  const { findings } = report;
  const counts = (['error', 'warning', 'information', 'hint'] as const)
    .map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0);
  const silenced = report.suppressed.length;
  const source = report.source;
  return [
    source
      ? `${report.file}: ${source.description}, /etc/gai.conf read as ${report.glibcDescription}`
      : `${report.file}: read as ${report.glibcDescription}`,
    ...sourceLines(source),
    ...findings.map(findingLine),
    findings.length === 0
      ? source?.files.length === 0
        ? 'No findings.'
        : 'No findings: glibc reads every line as written.'
      : `${findings.length} finding${findings.length === 1 ? '' : 's'}: ${counts.map(([s, n]) => `${n} ${s}${n === 1 || s === 'information' ? '' : 's'}`).join(', ')}.`,
    ...(silenced > 0
      ? [`${silenced} more finding${silenced === 1 ? ' is' : 's are'} silenced by "# gai-conf: ignore" comments.`]
      : []),
    ...report.effectsText,
  ];
}

function jsonLines(report: CheckReport): string[] {
  const source = report.source
    ? { source: { ...report.source, files: report.source.files.map(({ effectsText, ...file }) => file) } }
    : {};
  return [
    JSON.stringify(
      {
        glibc: report.glibc,
        file: report.file,
        findings: report.findings,
        suppressed: report.suppressed.length,
        effects: report.effects,
        mayCrash: report.mayCrash ?? [],
        ...source,
      },
      null,
      2,
    ),
  ];
}

/**
 * Every --format, by name, over the reports of the files checked together; --json is the same as
 * --format json (one file's object, or an array of them for several).
 */
const FORMATS: Readonly<Record<string, (reports: readonly CheckReport[]) => string[]>> = {
  text: (reports) => reports.flatMap((r, i) => [...(i > 0 ? [''] : []), ...textLines(r)]),
  json: (reports) =>
    reports.length === 1 ? jsonLines(reports[0]) : [`[${reports.map((r) => jsonLines(r).join('\n')).join(',\n')}]`],
  gnu: (reports) => reports.flatMap(gnuLines),
  // Only SARIF names the tool's version: package.json is read for it alone.
  sarif: (reports) => [
    JSON.stringify(sarifLog(reports.map((r) => ({ ...r, toolVersion: packageVersion() }))), null, 2),
  ],
  github: (reports) => reports.flatMap(githubAnnotations),
};

/** The least severity that makes check exit 1, from --fail-on; undefined for "none". */
export function failureThreshold(args: ParsedArguments): Severity | undefined {
  const value = args.failOn ?? 'warning';
  if (value === 'none') return undefined;
  if (Object.prototype.hasOwnProperty.call(SEVERITY_RANK, value)) return value as Severity;
  throw new UsageError(`--fail-on takes error, warning, information, hint or none, not "${value}"`);
}

/** The --format (or --json) asked for, one of `names`. */
export function formatName(args: ParsedArguments, names: readonly string[]): string {
  if (args.json && args.format !== undefined && args.format !== 'json')
    throw new UsageError(`--json and --format ${args.format} ask for two formats`);
  const name = args.format ?? (args.json ? 'json' : 'text');
  if (!names.includes(name)) throw new UsageError(`--format takes ${names.join(', ')}, not "${name}"`);
  return name;
}

function formatOf(args: ParsedArguments): (reports: readonly CheckReport[]) => string[] {
  return FORMATS[formatName(args, Object.keys(FORMATS))];
}

/** Whether any finding is at the --fail-on level or above: the exit status of check and containers. */
export function failsAt(threshold: Severity | undefined, findings: readonly CheckedFinding[]): boolean {
  return threshold !== undefined && findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[threshold]);
}

/** The findings of an analysis, located in its text, as every format prints them. */
export function locateFindings(file: string, text: string, findings: readonly Finding[]): CheckedFinding[] {
  const locator = new TextLocator(text);
  const base = documentationBase();
  return findings.map((finding) => {
    const range = locator.rangeOf(finding);
    return {
      file,
      line: range.start.line + 1,
      column: range.start.character + 1,
      endLine: range.end.line + 1,
      endColumn: range.end.character + 1,
      code: finding.code,
      severity: severityOf(finding),
      message: finding.message,
      ...(finding.detail ? { detail: finding.detail } : {}),
      documentation: base + documentationAnchor(finding.code),
    };
  });
}

/** What FILE is: a source kind from --kind, its name or its content, or (undefined) a gai.conf. */
function sourceKindFor(
  args: ParsedArguments,
  file: string,
  text: string,
): { kind?: SourceKindRecognizer; how: string } {
  if (args.kind !== undefined) {
    if (args.kind === 'gai.conf') return { how: 'given with --kind' };
    if (!isSourceKindName(args.kind))
      throw new UsageError(
        `--kind takes gai.conf, ${SOURCE_KIND_RECOGNIZERS.map((k) => k.name).join(', ')}, not "${args.kind}"`,
      );
    return { kind: sourceKindRecognizer(args.kind), how: 'given with --kind' };
  }
  if (args.template || isTemplateName(file)) return { how: 'by its name' };
  const kind = recognizedSourceKind(basename(file), text);
  return kind ? { kind, how: kind.byName(basename(file)) ? 'by its name' : 'by its content' } : { how: 'by its name' };
}

function stockFor(args: ParsedArguments): StockFile | undefined {
  if (args.base === undefined) return stockGaiConf();
  return { text: readConfig(args.base), description: `${args.base} (given with --base)` };
}

type EmbeddedModule = typeof import('../../analysis/embedded/embedded');

function sourceReport(
  embeddedModule: EmbeddedModule,
  check: EmbeddedCheck,
  how: string,
  stock: StockFile | undefined,
): SourceReport {
  return {
    kind: check.kind.name,
    description: `${check.kind.description} (${how})`,
    files: check.files.map((f) => ({
      ...(f.built.sequence.name ? { name: f.built.sequence.name } : {}),
      start: f.built.start,
      summary: embeddedModule.startInWords(f.built, stock),
      text: f.built.text,
      effects: effectsJson(f.analysis.effects),
      effectsText: effectsInWords(f.analysis.effects),
    })),
  };
}

async function checkFile(file: string, args: ParsedArguments, glibc: GlibcVersion): Promise<CheckReport> {
  const text = readConfig(file);
  const { kind, how } = sourceKindFor(args, file, text);
  if (args.base !== undefined && !kind)
    throw new UsageError('--base is for a Dockerfile, script, cloud-init file, Ansible task file or NixOS module');
  let analysis: Pick<Analysis, 'findings' | 'suppressed' | 'effects'>;
  let source: SourceReport | undefined;
  // Lines that may crash glibc, for a gai.conf itself (a source's findings name its lines).
  let mayCrash: ReturnType<typeof crashRisks> = [];
  if (kind) {
    // The readers of Dockerfiles, scripts, YAML and Nix are loaded only for such a file.
    const embeddedModule = await import('../../analysis/embedded/embedded.js');
    const stock = stockFor(args);
    const embedded = embeddedModule.checkEmbedded(
      text,
      embeddedModule.sourceKindNamed(kind.name),
      { glibc, hostLibc: runtimeLibc(), template: args.template },
      stock,
    );
    source = sourceReport(embeddedModule, embedded, how, stock);
    analysis = {
      findings: embeddedModule.embeddedFindings(embedded),
      suppressed: embedded.files.flatMap((f) => f.suppressed),
      effects: embedded.files.length === 1 ? embedded.files[0].analysis.effects : [],
    };
  } else {
    const parsed = analyzeGaiConf(
      text,
      analysisOptionsFor(file, glibc, { template: args.template, kernelLabels: args.kernelLabels }),
    );
    mayCrash = crashRisks(parsed.parsed);
    analysis = parsed;
  }
  const report: CheckReport = {
    file,
    glibc: glibcVersionText(glibc),
    glibcDescription: describeGlibcVersion(glibc),
    findings: locateFindings(file, text, analysis.findings),
    suppressed: locateFindings(file, text, analysis.suppressed),
    documentationBase: documentationBase(),
    effects: effectsJson(analysis.effects),
    effectsText: source
      ? source.files.flatMap((f) =>
          f.effectsText.length > 0 && source!.files.length > 1 ? [`${f.name}:`, ...f.effectsText] : f.effectsText,
        )
      : effectsInWords(analysis.effects, crashRiskText(mayCrash)),
    mayCrash,
    ...(source ? { source } : {}),
  };
  return report;
}

/** Checks each FILE (pre-commit passes several); all must be readable, or nothing is reported. */
export async function check(args: ParsedArguments, output: Output): Promise<number> {
  const format = formatOf(args);
  const threshold = failureThreshold(args);
  const glibc = glibcFor(args);
  const files = args.positional.length > 0 ? args.positional : [DEFAULT_FILE];
  const reports: CheckReport[] = [];
  for (const file of files) reports.push(await checkFile(file, args, glibc));
  for (const line of format(reports)) output.out(line);
  return reports.some((report) => failsAt(threshold, report.findings)) ? 1 : 0;
}
