import { analyzeGaiConf } from '../../analysis/analysis';
import { Finding, SEVERITY_RANK, Severity, documentationAnchor, severityOf } from '../../analysis/catalogue';
import { describeGlibcVersion } from '../../analysis/glibcDescription';
import { TextLocator } from '../../features/positions';
import { glibcVersionText } from '../../glibc/versions';
import { analysisOptionsFor } from '../../system/analysisOptions';
import { documentationBase } from '../../system/documentation';
import { packageVersion } from '../../system/packageManifest';
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
function failureThreshold(args: ParsedArguments): Severity | undefined {
  const value = args.failOn ?? 'warning';
  if (value === 'none') return undefined;
  if (Object.prototype.hasOwnProperty.call(SEVERITY_RANK, value)) return value as Severity;
  throw new UsageError(`--fail-on takes error, warning, information, hint or none, not "${value}"`);
}

function formatOf(args: ParsedArguments): (report: CheckReport) => string[] {
  if (args.json && args.format !== undefined && args.format !== 'json') throw new UsageError(`--json and --format ${args.format} ask for two formats`);
  const name = args.format ?? (args.json ? 'json' : 'text');
  const format = Object.prototype.hasOwnProperty.call(FORMATS, name) ? FORMATS[name] : undefined;
  if (!format) throw new UsageError(`--format takes ${Object.keys(FORMATS).join(', ')}, not "${name}"`);
  return format;
}

export function check(args: ParsedArguments, output: Output): number {
  if (args.positional.length > 1) throw new UsageError('check takes one file');
  const format = formatOf(args);
  const threshold = failureThreshold(args);
  const file = args.positional[0] ?? DEFAULT_FILE;
  const glibc = glibcFor(args);
  const text = readConfig(file);
  const analysis = analyzeGaiConf(text, analysisOptionsFor(file, glibc, { template: args.template }));
  const locator = new TextLocator(text);
  const base = documentationBase();
  const located = (finding: Finding): CheckedFinding => {
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
  };
  const report: CheckReport = {
    file,
    glibc: glibcVersionText(glibc),
    glibcDescription: describeGlibcVersion(glibc),
    findings: analysis.findings.map(located),
    suppressed: analysis.suppressed.map(located),
    documentationBase: base,
    toolVersion: packageVersion(),
    effects: effectsJson(analysis.effects),
    effectsText: effectsInWords(analysis.effects),
  };
  for (const line of format(report)) output.out(line);
  return threshold !== undefined && report.findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[threshold]) ? 1 : 0;
}
