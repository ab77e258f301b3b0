import { analyzeGaiConf } from '../../analysis/analysis';
import { crashRisks } from '../../analysis/crashRisk';
import { describeGlibcVersion } from '../../analysis/glibcDescription';
import { ExplainReport, explainReport, Explanation, scopeText } from '../../features/explain';
import { GlibcVersion, glibcVersionText } from '../../glibc/versions';
import { isLiveGaiConf } from '../../system/liveFile';
import { QueryError, resolveQuery } from '../../system/resolve';
import {
  configOf,
  glibcFor,
  hostWithKernelLabels,
  InputError,
  Output,
  ParsedArguments,
  UsageError,
} from '../arguments';

function explanationLines(explanation: Explanation): string[] {
  const lines: string[] = [];
  if (explanation.crashLine !== undefined)
    lines.push(`  Line ${explanation.crashLine} makes every program crash before sorting.`);
  explanation.order.forEach((d, i) => {
    const route = d.source ? `from ${d.source.address} on ${d.source.interface}` : `unreachable: ${d.unreachable}`;
    const labels = d.sourceLabel !== undefined ? `label ${d.label}, source label ${d.sourceLabel}` : `label ${d.label}`;
    const scopes =
      d.sourceScope !== undefined
        ? `scope ${scopeText(d.scope)}, source scope ${scopeText(d.sourceScope)}`
        : `scope ${scopeText(d.scope)}`;
    lines.push(`  ${i + 1}. ${d.text}  ${d.kind}; ${route}`);
    lines.push(`       ${labels}; precedence ${d.precedence}; ${scopes}${d.note ? `; ${d.note}` : ''}`);
  });
  if (explanation.steps.length > 0) lines.push('  Why:');
  for (const step of explanation.steps)
    lines.push(`    ${step.first} before ${step.second}: rule ${step.rule}, ${step.ruleName}. ${step.reason}`);
  return lines;
}

function explainTextLines(report: ExplainReport, file: string, glibc: GlibcVersion): string[] {
  const lines = [`Explaining ${report.query} as ${describeGlibcVersion(glibc)}.`, ...report.notes];
  lines.push(
    `This host: ${report.host.map((a) => `${a.address}/${a.prefixLength} (${[a.interface, ...a.flags].join(', ')})`).join(', ') || 'no addresses but loopback'}; default routes: IPv4 ${report.defaultRoutes.ipv4 ? 'yes' : 'no'}, IPv6 ${report.defaultRoutes.ipv6 ? 'yes' : 'no'}.`,
  );
  if (report.mayCrashNote) lines.push('', `Warning: ${report.mayCrashNote}`);
  lines.push('', `Order under ${file}:`, ...explanationLines(report.buffer));
  if (report.firstAttempt) lines.push('', report.firstAttempt);
  const system = report.system;
  if (system) {
    lines.push('');
    if ('error' in system) lines.push(`System resolver: ${system.error}.`);
    else lines.push(`System resolver now: ${system.order.join(', ')}`, `  ${system.comment}`);
  }
  return lines;
}

export async function explain(args: ParsedArguments, output: Output): Promise<number> {
  if (args.positional.length === 0) throw new UsageError('explain needs a host name or addresses');
  const glibc = glibcFor(args);
  const { file, text } = configOf(args);
  const resolved = await resolveQuery(args.positional.join(' ')).catch((error: unknown) => {
    throw error instanceof QueryError ? new InputError(error.message) : error;
  });
  const { tables, parsed } = analyzeGaiConf(text, { glibc });
  const { host, note } = hostWithKernelLabels(args);
  const report = explainReport({
    ...resolved,
    notes: note ? [...resolved.notes, note] : resolved.notes,
    host,
    buffer: tables,
    saved: tables,
    live: isLiveGaiConf(file),
    hostIsThisMachine: args.sources.length === 0 && args.noDefaultRoute.length === 0,
    mayCrash: crashRisks(parsed),
  });
  if (args.json) output.out(JSON.stringify({ glibc: glibcVersionText(glibc), file, ...report }, null, 2));
  else for (const line of explainTextLines(report, file, glibc)) output.out(line);
  return 0;
}
