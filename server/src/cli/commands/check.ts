import { analyzeGaiConf } from '../../analysis/analysis';
import { SEVERITY_RANK, documentationAnchor, severityOf } from '../../analysis/catalogue';
import { describeGlibcVersion } from '../../analysis/glibcDescription';
import { effectsInWords, effectsJson } from '../../features/effectsSummary';
import { TextLocator } from '../../features/positions';
import { glibcVersionText } from '../../glibc/versions';
import { runtimeLibc } from '../../system/cLibrary';
import { documentationBase } from '../../system/documentation';
import { systemHost } from '../../system/host';
import { isLiveGaiConf } from '../../system/liveFile';
import { DEFAULT_FILE, Output, ParsedArguments, UsageError, glibcFor, readConfig } from '../arguments';

export function check(args: ParsedArguments, output: Output): number {
  if (args.positional.length > 1) throw new UsageError('check takes one file');
  const file = args.positional[0] ?? DEFAULT_FILE;
  const glibc = glibcFor(args);
  const text = readConfig(file);
  // The live file is judged for this machine too, from its interface addresses (read locally).
  const thisMachine = isLiveGaiConf(file) ? systemHost() : undefined;
  const analysis = analyzeGaiConf(text, { glibc, hostLibc: runtimeLibc(), ...(thisMachine ? { thisMachine } : {}) });
  const locator = new TextLocator(text);
  const findings = analysis.findings.map((finding) => {
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
      documentation: documentationBase() + documentationAnchor(finding.code),
    };
  });
  if (args.json) {
    output.out(JSON.stringify({ glibc: glibcVersionText(glibc), file, findings, suppressed: analysis.suppressed.length, effects: effectsJson(analysis.effects) }, null, 2));
  } else {
    output.out(`${file}: read as ${describeGlibcVersion(glibc)}`);
    for (const f of findings) output.out(`${f.file}:${f.line}:${f.column}: ${f.severity} [${f.code}] ${f.message}`);
    const counts = (['error', 'warning', 'information', 'hint'] as const).map((s) => [s, findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
    output.out(findings.length === 0 ? 'No findings: glibc reads every line as written.' : `${findings.length} finding${findings.length === 1 ? '' : 's'}: ${counts.map(([s, n]) => `${n} ${s}${n === 1 || s === 'information' ? '' : 's'}`).join(', ')}.`);
    const silenced = analysis.suppressed.length;
    if (silenced > 0) output.out(`${silenced} more finding${silenced === 1 ? ' is' : 's are'} silenced by "# gai-conf: ignore" comments.`);
    for (const line of effectsInWords(analysis.effects)) output.out(line);
  }
  return findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK.warning) ? 1 : 0;
}

