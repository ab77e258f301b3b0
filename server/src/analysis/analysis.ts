/**
 * Whole-file analysis: the parse, the tables glibc ends up with, and the findings that need the
 * whole file (replaced tables, rows without effect, and what the tables do to real connections,
 * decided by the simulator rather than by matching text).
 */

import { parseIpAddress, prefixContains, prefixKey, sameBytes } from '../glibc/addresses';
import { GLIBC_LABEL_DEPARTURES, PrefixTableEntry, RFC3484_LABELS, TableKind } from '../glibc/builtinTables';
import { Finding, SEVERITY_RANK, severityOf } from './catalogue';
import { GlibcVersion, HostLibc } from '../glibc/versions';
import { ParsedFile, ParsedLine, parseGaiConf } from '../glibc/reader';
import { Decision, OrderResult, RULE_NAMES, describeAddress, simulateOrder } from '../glibc/sort';
import { firstIsIpv6, pair, profile } from './hostProfiles';
import { readSuppressions, silences } from './suppression';
import { EffectiveTable, EffectiveTables, TableRow, buildEffectiveTables, droppedBuiltinRows, lookupRow, rowPrefixText } from '../glibc/tables';

export interface Analysis {
  readonly parsed: ParsedFile;
  readonly tables: EffectiveTables;
  /** Every finding no `# gai-conf: ignore` comment silences, in document order. */
  readonly findings: readonly Finding[];
  /** The findings such comments silence. */
  readonly suppressed: readonly Finding[];
}

export interface AnalysisOptions {
  readonly glibc: GlibcVersion;
  /** The C library of the machine the file is on, where known; only glibc reads the file. */
  readonly hostLibc?: HostLibc;
}

function hostFindings(parsed: ParsedFile, hostLibc: HostLibc | undefined): Finding[] {
  if (hostLibc !== 'musl' && hostLibc !== 'other-linux') return [];
  const first = parsed.lines[0];
  const libc = hostLibc === 'musl' ? 'musl (as on Alpine)' : 'a C library other than glibc';
  return [{
    code: 'not-glibc-host',
    start: 0,
    end: first ? first.end : 0,
    message: `This system runs ${libc}, whose getaddrinfo() never reads gai.conf: nothing in this file takes effect here. The analysis still shows what glibc ${parsed.glibc.major}.${parsed.glibc.minor} would do with it on another machine.`,
  }];
}

function fileLine(row: TableRow): ParsedLine | undefined {
  return row.origin.kind === 'file' ? row.origin.line : undefined;
}

function spanOfLine(line: ParsedLine): { start: number; end: number } {
  const reading = line.reading ?? line.commented;
  if (reading) {
    const last = reading.value2 ?? reading.value1 ?? reading.command;
    return { start: reading.command.start, end: last.end };
  }
  return { start: line.start, end: line.end };
}

/** Whether a row is exactly the prefix of a table entry. */
function isEntryRow(row: TableRow, entry: PrefixTableEntry): boolean {
  return row.bits === entry.bits && prefixContains(row.bytes, row.bits, parseIpAddress(entry.prefix)!.bytes);
}

/**
 * The RFC 3484 label table written out on purpose (the ULA quick fix writes it): every RFC 3484
 * row present, and only glibc's own departures from it gone. Nothing silent to warn about.
 */
function isDeliberateRfc3484Labels(table: EffectiveTable, lost: readonly TableRow[]): boolean {
  if (table.kind !== 'label') return false;
  return (
    RFC3484_LABELS.every((entry) => table.rows.some((row) => isEntryRow(row, entry) && row.value === entry.value)) &&
    lost.every((row) => GLIBC_LABEL_DEPARTURES.some((entry) => isEntryRow(row, entry)))
  );
}

function tableReplacementFindings(table: EffectiveTable): Finding[] {
  const lost = droppedBuiltinRows(table);
  if (lost.length === 0 || isDeliberateRfc3484Labels(table, lost)) return [];
  const lines = table.rows.map(fileLine).filter((l): l is ParsedLine => l !== undefined).sort((a, b) => a.index - b.index);
  const now = lost.map((row) => `${rowPrefixText(row)} ${row.value} (now ${lookupRow(table, row.bytes).value})`).join(', ');
  const count = lines.length === 1 ? `This ${table.kind} line replaces` : `These ${lines.length} ${table.kind} lines replace`;
  const message = `${count} glibc's whole built-in ${table.kind} table. Built-in rows no longer in effect: ${now}.`;
  return [{ code: 'table-replaced', ...spanOfLine(lines[0]), message }];
}

function shadowedRowFindings(table: EffectiveTable): Finding[] {
  const findings: Finding[] = [];
  // Rows are longest first, so only an earlier row of the same length and masked prefix can hide one.
  const firstWithPrefix = new Map<string, TableRow>();
  for (const row of table.rows) {
    const key = prefixKey(row.bytes, row.bits);
    const earlier = firstWithPrefix.get(key);
    if (!earlier) {
      firstWithPrefix.set(key, row);
      continue;
    }
    const line = fileLine(row);
    if (!line) continue;
    const earlierLine = fileLine(earlier);
    const where = earlierLine ? `line ${earlierLine.index + 1}` : 'an earlier row';
    findings.push({
      code: 'shadowed-row',
      ...spanOfLine(line),
      message: `No effect: ${where} already gives ${rowPrefixText(earlier)} ${table.kind} ${earlier.value}, and glibc stops at the first matching row of the same length.`,
    });
  }
  return findings;
}

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

/** Where to show a finding about a table's effect: the responsible row, else the commented built-in row, else the top. */
function anchorFor(parsed: ParsedFile, row: TableRow | undefined, kind: TableKind, builtinPrefix?: string): { start: number; end: number } {
  const line = row && fileLine(row);
  if (line) return spanOfLine(line);
  if (builtinPrefix) {
    const wanted = parseIpAddress(builtinPrefix.split('/')[0])!.bytes;
    const bits = Number(builtinPrefix.split('/')[1]);
    const commented = parsed.lines.find((l) => {
      const fate = l.commented?.fate;
      return fate?.kind === 'row' && fate.row.table === kind && fate.row.bits === bits && sameBytes(fate.row.bytes, wanted);
    });
    if (commented) return spanOfLine(commented);
  }
  const first = parsed.lines.find((l) => l.reading) ?? parsed.lines[0];
  return first ? spanOfLine(first) : { start: 0, end: 0 };
}

function describeRule5(result: OrderResult): string {
  const ipv6 = result.destinations.find((d) => d.address.family === 6)!;
  const ipv4 = result.destinations.find((d) => d.address.family === 4)!;
  const source = ipv6.source ? ` ${describeAddress(ipv6.source.address)}` : '';
  return `the IPv6 source${source} has label ${ipv6.sourceLabel}, the IPv6 destination ${ipv6.text} label ${ipv6.label}, while the IPv4 source and destination share label ${ipv4.label}`;
}

function explainDecision(result: OrderResult, decision: Decision | undefined): string {
  if (!decision) return 'the original order decides';
  const rule = `rule ${decision.rule} (${RULE_NAMES[decision.rule]})`;
  if (decision.rule === 5) return `${describeRule5(result)}: ${rule} puts IPv4 first`;
  const values = Object.entries(decision.values).map(([name, [a, b]]) => `${name} ${a} vs ${b}`).join(', ');
  return `${rule} decides (${values})`;
}

function connectionFindings(parsed: ParsedFile, tables: EffectiveTables): Finding[] {
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
      ...anchorFor(parsed, row, 'label', 'fc00::/7'),
      message: `Hosts whose IPv6 addresses are ULAs (fc00::/7, e.g. LXD or Docker containers) will connect over IPv4 to dual-stacked destinations: ${explainDecision(fromUla, ulaDecision)}. Hosts with global IPv6 prefer IPv6.`,
    });
  } else if (!firstIsIpv6(fromUla) && !firstIsIpv6(fromGlobal)) {
    const globalDecision = lastDecision(fromGlobal, 0, 1);
    findings.push({
      code: 'ipv4-preferred',
      ...anchorFor(parsed, responsibleRow(tables, fromGlobal, globalDecision), 'precedence'),
      message: `Every host, with ULA or global IPv6, will try IPv4 before IPv6 for dual-stacked destinations: ${explainDecision(fromGlobal, globalDecision)}.`,
    });
  }
  const local = simulateOrder(tables, profile('ula').host, [pair('ula').ipv6, pair('ula').ipv4]);
  if (!firstIsIpv6(local)) {
    const decision = lastDecision(local, 0, 1);
    findings.push({
      code: 'ula-destinations-demoted',
      ...anchorFor(parsed, responsibleRow(tables, local, decision), 'precedence'),
      message: `From a ULA host, ULA destinations lose to IPv4: ${explainDecision(local, decision)}. glibc's built-in tables put them first.`,
    });
  }
  return findings;
}

export function analyzeGaiConf(text: string, options: AnalysisOptions): Analysis {
  const parsed = parseGaiConf(text, options);
  const tables = buildEffectiveTables(parsed);
  const { suppressions, problems } = readSuppressions(parsed);
  const all = [
    ...hostFindings(parsed, options.hostLibc),
    ...parsed.findings,
    ...problems,
    ...(['label', 'precedence', 'scopev4'] as const).flatMap((kind) => [
      ...tableReplacementFindings(tables[kind]),
      ...shadowedRowFindings(tables[kind]),
    ]),
    ...connectionFindings(parsed, tables),
  ].sort((a, b) => a.start - b.start || SEVERITY_RANK[severityOf(b.code)] - SEVERITY_RANK[severityOf(a.code)]);
  const isSuppressed = (finding: Finding) => suppressions.some((s) => silences(parsed, s, finding));
  return { parsed, tables, findings: all.filter((f) => !isSuppressed(f)), suppressed: all.filter(isSuppressed) };
}
