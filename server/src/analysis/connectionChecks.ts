/**
 * Findings about what the tables do to real connections, decided by simulating glibc's sort for
 * typical hosts rather than by matching text.
 */

import { DirectiveReading, ParsedFile, ParsedLine } from '../glibc/reader';
import { Decision, OrderResult, RULE_NAMES, simulateOrder } from '../glibc/sort';
import { EffectiveTables, TableRow, lookupRow } from '../glibc/tables';
import { addressText } from '../glibc/addresses';
import { Finding } from './catalogue';
import { firstIsIpv6 } from './effects';
import { pair, profile } from './reference/hostProfiles';
import { anchorFor } from './rows';

function lastDecision(result: OrderResult, first: number, second: number): Decision | undefined {
  return [...result.decisions].reverse().find((d) => (d.a === first && d.b === second) || (d.a === second && d.b === first));
}

/** The file row that supplied the value a decision turned on, if the file supplied it. */
function responsibleRow(tables: EffectiveTables, result: OrderResult, decision: Decision | undefined): TableRow | undefined {
  const facts = result.destinations;
  const candidates: TableRow[] = [];
  if (decision?.rule === 5) {
    for (const d of facts) {
      candidates.push(lookupRow(tables.label, d.address.bytes));
      if (d.source) candidates.push(lookupRow(tables.label, d.source.address.bytes));
    }
  } else if (decision?.rule === 6) {
    for (const d of facts) candidates.push(lookupRow(tables.precedence, d.address.bytes));
  }
  return candidates.find((row) => row.origin.kind === 'file' && row.bits > 0) ?? candidates.find((row) => row.origin.kind === 'file');
}

function describeRule5(result: OrderResult): string {
  const ipv6 = result.destinations.find((d) => d.address.family === 6)!;
  const ipv4 = result.destinations.find((d) => d.address.family === 4)!;
  const source = ipv6.source ? ` ${addressText(ipv6.source.address)}` : '';
  return `the IPv6 source${source} has label ${ipv6.sourceLabel}, the IPv6 destination ${ipv6.text} label ${ipv6.label}, while the IPv4 source and destination share label ${ipv4.label}`;
}

function explainDecision(result: OrderResult, decision: Decision | undefined): string {
  if (!decision) return 'the original order decides';
  const rule = `rule ${decision.rule} (${RULE_NAMES[decision.rule]})`;
  if (decision.rule === 5) return `${describeRule5(result)}: ${rule} puts IPv4 first`;
  const values = Object.entries(decision.values).map(([name, [a, b]]) => `${name} ${a} vs ${b}`).join(', ');
  return `${rule} decides (${values})`;
}

export function connectionFindings(parsed: ParsedFile, commented: ReadonlyMap<ParsedLine, DirectiveReading>, tables: EffectiveTables): Finding[] {
  if (tables.crash) return [];
  const findings: Finding[] = [];
  const global = [pair('global').ipv6, pair('global').ipv4];
  const fromUla = simulateOrder(tables, profile('ula').host, global);
  const fromGlobal = simulateOrder(tables, profile('global').host, global);
  const ulaDecision = lastDecision(fromUla, 0, 1);
  if (!firstIsIpv6(fromUla) && firstIsIpv6(fromGlobal)) {
    const row = responsibleRow(tables, fromUla, ulaDecision);
    findings.push({
      code: 'ula-demoted',
      ...anchorFor(parsed, commented, row, 'label', 'fc00::/7'),
      message: `Hosts whose IPv6 addresses are ULAs (fc00::/7, e.g. LXD or Docker containers) will connect over IPv4 to dual-stacked destinations: ${explainDecision(fromUla, ulaDecision)}. Hosts with global IPv6 prefer IPv6.`,
    });
  } else if (!firstIsIpv6(fromUla) && !firstIsIpv6(fromGlobal)) {
    const globalDecision = lastDecision(fromGlobal, 0, 1);
    findings.push({
      code: 'ipv4-preferred',
      ...anchorFor(parsed, commented, responsibleRow(tables, fromGlobal, globalDecision), 'precedence'),
      message: `Every host, with ULA or global IPv6, will try IPv4 before IPv6 for dual-stacked destinations: ${explainDecision(fromGlobal, globalDecision)}.`,
    });
  }
  const local = simulateOrder(tables, profile('ula').host, [pair('ula').ipv6, pair('ula').ipv4]);
  if (!firstIsIpv6(local)) {
    const decision = lastDecision(local, 0, 1);
    findings.push({
      code: 'ula-destinations-demoted',
      ...anchorFor(parsed, commented, responsibleRow(tables, local, decision), 'precedence'),
      message: `From a ULA host, ULA destinations lose to IPv4: ${explainDecision(local, decision)}. glibc's built-in tables put them first.`,
    });
  }
  return findings;
}
