import { analyzeGaiConf } from '../../analysis/analysis';
import { isTemplateName } from '../../analysis/templates';
import { Finding, SEVERITY_RANK, Severity, documentationAnchor, severityOf } from '../../analysis/catalogue';
import { describeGlibcVersion } from '../../analysis/glibcDescription';
import { TextLocator } from '../../features/positions';
import { glibcVersionText } from '../../glibc/versions';
import { runtimeLibc } from '../../system/cLibrary';
import { documentationBase } from '../../system/documentation';
import { packageVersion } from '../../system/packageManifest';
import { systemHost } from '../../system/host';
import { isLiveGaiConf } from '../../system/liveFile';
import { effectsInWords, effectsJson } from '../../features/effectsSummary';
import { DEFAULT_FILE, Output, ParsedArguments, UsageError, glibcFor, readConfig } from '../arguments';
import { githubAnnotations } from '../formats/github';
import { gnuLines } from '../formats/gnu';
import { CheckReport, CheckedFinding } from '../formats/report';
import { sarifLog } from '../formats/sarif';

function textLines(report: CheckReport): string[] {
  const { findings } = report;
  const counts = (['error', 'warning', 'information', 'hint'] as const).map((s) => [s, findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  const silenced = report.suppressed.length;
  return [
    `${report.file}: read as ${report.glibcDescription}`,
    ...findings.map((f) => `${f.file}:${f.line}:${f.column}: ${f.severity} [${f.code}] ${f.message}`),
    findings.length === 0 ? 'No findings: glibc reads every line as written.' : `${findings.length} finding${findings.length === 1 ? '' : 's'}: ${counts.map(([s, n]) => `${n} ${s}${n === 1 || s === 'information' ? '' : 's'}`).join(', ')}.`,
    ...(silenced > 0 ? [`${silenced} more finding${silenced === 1 ? ' is' : 's are'} silenced by "# gai-conf: ignore" comments.`] : []),
    ...report.effectsText,
  ];
}

function jsonLines(report: CheckReport): string[] {
  return [JSON.stringify({ glibc: report.glibc, file: report.file, findings: report.findings, suppressed: report.suppressed.length, effects: report.effects }, null, 2)];
}

/** Every --format, by name; --json is the same as --format json. */
const FORMATS: Readonly<Record<string, (report: CheckReport) => string[]>> = {
  text: textLines,
  json: jsonLines,
  gnu: gnuLines,
  sarif: (report) => [JSON.stringify(sarifLog(report), null, 2)],
  github: githubAnnotations,
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
  if (args.json && args.format !== undefined && args.format !== 'json') throw new UsageError(`--json and --format ${args.format} ask for two formats`);
  const name = args.format ?? (args.json ? 'json' : 'text');
  if (!names.includes(name)) throw new UsageError(`--format takes ${names.join(', ')}, not "${name}"`);
  return name;
}

function formatOf(args: ParsedArguments): (report: CheckReport) => string[] {
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
      documentation: base + documentationAnchor(finding.code),
    };
  });
}

export function check(args: ParsedArguments, output: Output): number {
  if (args.positional.length > 1) throw new UsageError('check takes one file');
  const format = formatOf(args);
  const threshold = failureThreshold(args);
  const file = args.positional[0] ?? DEFAULT_FILE;
  const glibc = glibcFor(args);
  const text = readConfig(file);
  // The live file is judged for this machine too, from its interface addresses (read locally).
  const thisMachine = isLiveGaiConf(file) ? systemHost() : undefined;
  const analysis = analyzeGaiConf(text, { glibc, hostLibc: runtimeLibc(), template: args.template || isTemplateName(file), ...(thisMachine ? { thisMachine } : {}) });
  const report: CheckReport = {
    file,
    glibc: glibcVersionText(glibc),
    glibcDescription: describeGlibcVersion(glibc),
    findings: locateFindings(file, text, analysis.findings),
    suppressed: locateFindings(file, text, analysis.suppressed),
    documentationBase: documentationBase(),
    toolVersion: packageVersion(),
    effects: effectsJson(analysis.effects),
    effectsText: effectsInWords(analysis.effects),
  };
  for (const line of format(report)) output.out(line);
  return failsAt(threshold, report.findings) ? 1 : 0;
}
