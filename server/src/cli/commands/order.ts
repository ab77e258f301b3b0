import { analyzeGaiConf } from '../../analysis/analysis';
import { crashRisks, crashRiskText } from '../../analysis/crashRisk';
import { describeGlibcVersion } from '../../analysis/glibcDescription';
import { addressText, parseIpAddress } from '../../glibc/addresses';
import { Decision, DestinationFacts, RULE_NAMES, simulateOrder } from '../../glibc/sort';
import { Host, sourceUnderDefaultLabels } from '../../glibc/sourceSelection';
import { glibcVersionText } from '../../glibc/versions';
import { configOf, glibcFor, hostWithKernelLabels, Output, ParsedArguments, UsageError } from '../arguments';

function describeDecision(decision: Decision, texts: readonly string[]): string {
  const winner = texts[decision.winner];
  const loser = texts[decision.winner === decision.a ? decision.b : decision.a];
  const aIsWinner = decision.winner === decision.a;
  const values = Object.entries(decision.values)
    .map(([name, [a, b]]) => `${name} ${aIsWinner ? a : b} vs ${aIsWinner ? b : a}`)
    .join(', ');
  return `${winner} before ${loser}: rule ${decision.rule}, ${RULE_NAMES[decision.rule]} (${values})`;
}

function sourceDescription(d: DestinationFacts): string {
  return d.source ? `from ${addressText(d.source.address)}` : 'unreachable: no route or source address';
}

/** The source Linux's default address labels would give instead, when the host's own labels change it. */
function defaultLabelSource(host: Host, d: DestinationFacts): string | null {
  const standard = sourceUnderDefaultLabels(host, d.address);
  return standard ? addressText(standard.address) : null;
}

export function order(args: ParsedArguments, output: Output): number {
  if (args.positional.length === 0) throw new UsageError('order needs at least one destination address');
  for (const dest of args.positional) {
    if (!parseIpAddress(dest)) throw new UsageError(`"${dest}" is not an IPv4 or IPv6 address`);
  }
  const glibc = glibcFor(args);
  const config = configOf(args);
  const configNote = config.absent ? `${config.file} (absent: built-in tables)` : config.file;
  const text = config.text;
  const analysis = analyzeGaiConf(text, { glibc });
  const { host, note: labelsNote } = hostWithKernelLabels(args);
  const result = simulateOrder(analysis.tables, host, args.positional);
  const texts = result.destinations.map((d) => d.text);
  if (args.json) {
    output.out(
      JSON.stringify(
        {
          glibc: glibcVersionText(glibc),
          order: result.order.map((d) => d.text),
          decisions: result.decisions.map((d) => ({
            a: texts[d.a],
            b: texts[d.b],
            winner: texts[d.winner],
            rule: d.rule,
            ruleName: RULE_NAMES[d.rule],
            values: d.values,
          })),
          destinations: result.destinations.map((d) => ({
            destination: d.text,
            source: d.source ? addressText(d.source.address) : null,
            label: d.label,
            sourceLabel: d.sourceLabel ?? null,
            precedence: d.precedence,
            scope: d.scope,
            sourceScope: d.sourceScope ?? null,
            sourceWithDefaultLabels: defaultLabelSource(host, d),
          })),
          crash: analysis.tables.crash ? { line: analysis.tables.crash.index + 1 } : null,
          mayCrash: crashRisks(analysis.parsed),
        },
        null,
        2,
      ),
    );
    return 0;
  }
  output.out(`Order under ${configNote}, as ${describeGlibcVersion(glibc)} sorts it:`);
  if (analysis.tables.crash)
    output.out(`Warning: line ${analysis.tables.crash.index + 1} makes every program crash before sorting.`);
  const risk = crashRiskText(crashRisks(analysis.parsed));
  if (risk) output.out(`Warning: ${risk}`);
  if (labelsNote) output.out(labelsNote);
  result.order.forEach((d, i) => {
    output.out(
      `  ${i + 1}. ${d.text}  (${sourceDescription(d)}; label ${d.label}${d.sourceLabel !== undefined ? `/${d.sourceLabel}` : ''}, precedence ${d.precedence})`,
    );
    const standard = defaultLabelSource(host, d);
    if (standard)
      output.out(
        `       the kernel's address labels choose this source; with Linux's default labels it would be ${standard}`,
      );
  });
  output.out('Why:');
  for (const decision of result.decisions) output.out(`  ${describeDecision(decision, texts)}`);
  return 0;
}
