/**
 * Hover text for a position: what a directive, prefix or value means under the file's effective
 * tables, and for lines glibc ignores, that and why. Markdown, short, correct for this file.
 */

import { Analysis, awaitsRender } from '../analysis/analysis';
import { CATALOGUE } from '../analysis/catalogue';
import { lineEffects } from '../analysis/effects';
import { describeGlibcVersion } from '../analysis/glibcDescription';
import { issueDetail } from '../analysis/lineChecks';
import { ipv4NetworkContaining, rangesContaining } from '../analysis/reference/wellKnownPrefixes';
import { countOf, rowOriginText } from '../analysis/rows';
import { readSuppressions, silences } from '../analysis/suppression';
import {
  Bytes16,
  hasHostBits,
  ipv4Text,
  ipv4ToMapped,
  ipv6TextForPeople,
  maskBytes,
  parseIpv6Bytes,
  sameBytes,
} from '../glibc/addresses';
import {
  GLIBC_DEFAULT_LABELS,
  GLIBC_DEFAULT_PRECEDENCE,
  GLIBC_DEFAULT_SCOPEV4,
  IMPLICIT_CATCH_ALL,
  TableKind,
} from '../glibc/builtinTables';
import { Token } from '../glibc/lines';
import { ConfiguredRow, Directive, DirectiveReading, lineAt, ParsedLine, writtenPrefixBytes } from '../glibc/reader';
import { builtinTable, EffectiveTable, lookupRow, rowPrefixText } from '../glibc/tables';
import { DIRECTIVE_HELP } from './directiveHelp';
import { describeLineEffect } from './effectsSummary';

export interface HoverResult {
  readonly markdown: string;
  /** Offsets of the hovered token. */
  readonly start: number;
  readonly end: number;
}

function builtinTableMarkdown(kind: TableKind): string {
  const rows =
    kind === 'scopev4'
      ? GLIBC_DEFAULT_SCOPEV4.map((e) => `| ${e.network}/${e.bits} | ${e.value} |`)
      : (kind === 'label' ? GLIBC_DEFAULT_LABELS : GLIBC_DEFAULT_PRECEDENCE).map(
          (e) => `| ${e.prefix}/${e.bits} | ${e.value} |`,
        );
  return [`| built-in ${kind} | value |`, '|---|---|', ...rows].join('\n');
}

function directiveHover(directive: Directive, analysis: Analysis, commented: boolean): string {
  const help = DIRECTIVE_HELP[directive];
  const parts = [`**${directive}**${commented ? ' (commented out)' : ''}: \`${help.syntax}\``, help.text];
  if (directive !== 'reload') {
    const table = analysis.tables[directive];
    parts.push(
      `One valid \`${directive}\` line replaces glibc's whole built-in ${directive} table; glibc then adds only a catch-all row (value ${IMPLICIT_CATCH_ALL[directive]}) unless the file has one. ` +
        (table.source === 'builtin'
          ? `This file has no valid ${directive} line, so the built-in table is in effect.`
          : `This file replaces it: ${countOf(table.rows.length, 'row')} in effect.`),
      builtinTableMarkdown(directive),
    );
  }
  return parts.join('\n\n');
}

function rangeText(bytes: Bytes16, bits: number, table: TableKind): string {
  const first = maskBytes(bytes, bits);
  const last = Uint8Array.from(
    first,
    (b, i) => b | (~((0xff00 >> Math.max(0, Math.min(8, bits - i * 8))) & 0xff) & 0xff),
  );
  if (table === 'scopev4') return `${ipv4Text(first)} to ${ipv4Text(last)}`;
  return `${ipv6TextForPeople(first)} to ${ipv6TextForPeople(last)}`;
}

/** Where an active line's row stands in glibc's lookup order, or that it has no effect. */
function rowOrigin(table: EffectiveTable, row: ConfiguredRow, line: ParsedLine): string {
  const index = table.rows.findIndex((r) => r.origin.kind === 'file' && r.origin.line === line);
  if (index < 0) return '';
  const winner = lookupRow(table, row.bytes);
  if (winner !== table.rows[index] && winner.bits === row.bits) {
    const where = winner.origin.kind === 'file' ? rowOriginText(winner) : `the ${rowOriginText(winner)} row`;
    return `**No effect**: ${where} has the same prefix and comes first.`;
  }
  return `Row ${index + 1} of ${table.rows.length} in glibc's lookup order.`;
}

function commentedRowStatus(analysis: Analysis, row: ConfiguredRow): string {
  const table = analysis.tables[row.table];
  const builtinMatch =
    table.source === 'builtin' &&
    table.rows.some(
      (r) =>
        r.bits === row.bits &&
        sameBytes(maskBytes(r.bytes, r.bits), maskBytes(row.bytes, row.bits)) &&
        r.value === row.value,
    );
  if (builtinMatch)
    return `glibc uses this row right now: it is part of the built-in ${row.table} table, which is in effect because the file has no valid ${row.table} line.`;
  const current = lookupRow(table, row.bytes);
  const effect = `Addresses in ${rowPrefixText(row)} get ${row.table} ${current.value} now`;
  if (table.source === 'file') return `Not in effect: this file replaces the built-in ${row.table} table. ${effect}.`;
  return `Not in effect, and not a built-in row: uncommenting it would replace the whole built-in ${row.table} table. ${effect}.`;
}

/**
 * The line's value beside the built-in one, so that a hover never passes the built-in value off as
 * the line's: "this line: 1; built-in: 6" (or, for a commented-out row, what is in effect now).
 */
function valuesAsWritten(analysis: Analysis, row: ConfiguredRow, commented: boolean): string {
  const builtin = lookupRow(builtinTable(row.table), row.bytes).value;
  const now = lookupRow(analysis.tables[row.table], row.bytes).value;
  if (commented)
    return `${row.table} values: this commented-out row: ${row.value}; in effect now: ${now}; built-in: ${builtin}.`;
  return `${row.table} values: this line: ${row.value}; built-in: ${builtin}${now !== row.value ? `; in effect: ${now}` : ''}.`;
}

function prefixHover(
  reading: DirectiveReading,
  analysis: Analysis,
  line: ParsedLine,
  commented: boolean,
): string | undefined {
  const fate = reading.fate;
  const token = reading.value1!;
  const parts: string[] = [];
  const bytes = writtenPrefixBytes(token.text);
  if (fate.kind === 'row') {
    const row = fate.row;
    const displayBits = row.table === 'scopev4' ? row.bits - 96 : row.bits;
    const mappedBytes = bytes ?? row.bytes;
    if (row.table === 'scopev4') parts.push(...scopev4PrefixHover(row));
    else {
      const names = rangesContaining(mappedBytes, row.bits);
      const head = names.length > 0 ? names[0] : undefined;
      parts.push(
        `**${rowPrefixText({ ...row, bytes: maskBytes(mappedBytes, row.bits) })}**${head ? `: ${head.name} (${head.rfc})` : row.bits === 0 ? ': every IPv6 address (catch-all)' : ''}`,
      );
      if (head) parts.push(head.note);
      if (row.bits >= 96 && names.some((n) => n.name === 'IPv4-mapped'))
        parts.push(`Covers IPv4 ${ipv4Text(maskBytes(row.bytes, row.bits))}/${row.bits - 96}.`);
    }
    parts.push(`Range: ${rangeText(mappedBytes, row.bits, row.table)} (/${displayBits}).`);
    parts.push(valuesAsWritten(analysis, row, commented));
    if (bytes && hasHostBits(bytes, row.bits))
      parts.push(
        `Has host bits: glibc compares only the first ${displayBits} bits, so this is ${rowPrefixText({ ...row, bytes: maskBytes(bytes, row.bits) })}.`,
      );
    parts.push(commented ? commentedRowStatus(analysis, row) : rowOrigin(analysis.tables[row.table], row, line));
  } else if (bytes) {
    const names = rangesContaining(bytes, 128);
    if (names[0]) parts.push(`\`${token.text}\`: within ${names[0].name} (${names[0].rfc}).`);
  }
  return parts.filter((p) => p !== '').join('\n\n') || undefined;
}

export function labelValueHover(analysis: Analysis, row: ConfiguredRow): string {
  const table = analysis.tables.label;
  const sharing = table.rows.filter((r) => r.value === row.value).map(rowPrefixText);
  const ipv4Label = lookupRow(table, ipv4ToMapped(Uint8Array.of(198, 51, 100, 10))).value;
  const defaultLabel = lookupRow(table, parseIpv6Bytes('2001:db8::1')!).value;
  const lines = [
    `**label ${row.value}**. Rows with this label in the effective table: ${sharing.length > 0 ? sharing.join(', ') : 'none (this line is not in effect)'}.`,
    `Rule 5 prefers a destination whose label equals its source's label. IPv4 addresses have label ${ipv4Label}; global IPv6 (the ::/0 row) has label ${defaultLabel}.`,
  ];
  if (row.value === ipv4Label) lines.push(`A source in ${rowPrefixText(row)} matches IPv4 destinations by label.`);
  else if (row.value === defaultLabel)
    lines.push(
      `A source in ${rowPrefixText(row)} matches global IPv6 destinations, so it can win against IPv4 by rule 5.`,
    );
  else
    lines.push(
      `A source in ${rowPrefixText(row)} matches only destinations labelled ${row.value}; against global IPv6 it loses rule 5, so IPv4 (whose source and destination match) goes first.`,
    );
  return lines.join('\n\n');
}

export function precedenceValueHover(analysis: Analysis, row: ConfiguredRow): string {
  const table = analysis.tables.precedence;
  const ipv4 = lookupRow(table, ipv4ToMapped(Uint8Array.of(198, 51, 100, 10))).value;
  const global = lookupRow(table, parseIpv6Bytes('2001:db8::1')!).value;
  const rank = (value: number, other: number, name: string) =>
    value > other
      ? `above ${name} (${other})`
      : value < other
        ? `below ${name} (${other})`
        : `equal to ${name} (${other})`;
  return [
    `**precedence ${row.value}**: ${rank(row.value, ipv4, 'IPv4')}, ${rank(row.value, global, 'global IPv6')}.`,
    'Rule 6 tries the higher precedence first, when rules 1 to 5 (reachability, scope, deprecated and home sources, labels) did not decide.',
  ].join('\n\n');
}

const scopeMeaning = (value: number) =>
  value <= 2 ? 'link-local' : value <= 5 ? 'site-local' : value >= 14 ? 'global' : 'between site-local and global';
const SCOPE_RULES = "Rule 2 prefers a destination whose scope equals its source's; rule 8 prefers the smaller scope.";

function scopeValueHover(row: ConfiguredRow): string {
  return `**scope ${row.value}** (${scopeMeaning(row.value)}) for IPv4 ${rowPrefixText(row)}. ${SCOPE_RULES}`;
}

/**
 * A scopev4 row's prefix names an IPv4 network (it is written v4-mapped only because glibc keeps
 * IPv4 addresses that way): say which network, and what the scope does to its addresses.
 */
function scopev4PrefixHover(row: ConfiguredRow): string[] {
  const ipv4Bits = row.bits - 96;
  const network = ipv4NetworkContaining(maskBytes(row.bytes, row.bits));
  const named =
    !network || network.bits > ipv4Bits
      ? ipv4Bits === 0
        ? ': every IPv4 address'
        : ''
      : network.bits === ipv4Bits
        ? `: ${network.name} (${network.rfc})`
        : `: within ${network.network}/${network.bits}, ${network.name} (${network.rfc})`;
  return [
    `**IPv4 ${rowPrefixText(row)}**${named}`,
    `glibc gives these IPv4 addresses scope ${row.value} (${scopeMeaning(row.value)}), for sources and destinations alike. ${SCOPE_RULES}`,
  ];
}

function valueHover(reading: DirectiveReading, analysis: Analysis): string | undefined {
  const fate = reading.fate;
  if (fate.kind === 'reload')
    return fate.enabled
      ? 'Reloading **on**: lookups re-read the file when it changes.'
      : `Reloading **off**${reading.value1?.text === 'no' ? '' : ': only a lowercase "yes" turns it on'}.`;
  if (fate.kind !== 'row') return undefined;
  if (fate.row.table === 'label') return labelValueHover(analysis, fate.row);
  if (fate.row.table === 'precedence') return precedenceValueHover(analysis, fate.row);
  return scopeValueHover(fate.row);
}

/** Keeps the hover short: the view "Explain Address Order" has the detail. */
const MAX_EFFECT_LINES = 4;

function effectsMarkdown(analysis: Analysis, line: ParsedLine): string {
  if (awaitsRender(analysis.template))
    return '**Effect on typical hosts**: known once the template is rendered (its template lines can change what this line does).';
  const effects = lineEffects(analysis.tables, line);
  if (effects.length === 0)
    return '**Effect on typical hosts**: none of them changes family preference because of this line.';
  const shown = effects.slice(0, MAX_EFFECT_LINES).map((e) => `- ${describeLineEffect(e)}`);
  if (effects.length > MAX_EFFECT_LINES) shown.push(`- and ${effects.length - MAX_EFFECT_LINES} more`);
  return ['**Effect on typical hosts** (dual-stacked destinations):', ...shown].join('\n');
}

function within(token: Token | undefined, offset: number): token is Token {
  return token !== undefined && offset >= token.start && offset <= token.end;
}

function readingHover(
  reading: DirectiveReading,
  analysis: Analysis,
  line: ParsedLine,
  offset: number,
  commented: boolean,
): HoverResult | undefined {
  const fate = reading.fate;
  // A reading makes its words when asked for: each is taken once, so that the word found is one of these.
  const command = reading.command;
  const value1 = reading.value1;
  const tokens = [command, value1, reading.value2, ...reading.extra];
  const token = tokens.find((t) => within(t, offset));
  if (!token) return undefined;
  const ignored = fate.kind === 'ignored' || fate.kind === 'undefined';
  if (!commented && ignored) {
    // The diagnostic already says what glibc does and what to write: the hover adds how it gets there.
    const head =
      fate.kind === 'undefined'
        ? fate.crash
          ? '**Crashes every program** at its first lookup with several answers, on this glibc build.'
          : '**Undefined behaviour** in glibc up to 2.40: the outcome is not certain.'
        : '**Ignored by glibc.**';
    const detail = issueDetail(fate.issue);
    return {
      markdown: [head, detail, `_Read as ${describeGlibcVersion(analysis.parsed.glibc)}._`]
        .filter(Boolean)
        .join('\n\n'),
      start: token.start,
      end: token.end,
    };
  }
  if (reading.extra.includes(token))
    return {
      markdown: `**Ignored by glibc**: it reads only the directive and two values.`,
      start: token.start,
      end: token.end,
    };
  let markdown: string | undefined;
  if (token === command && reading.directive) markdown = directiveHover(reading.directive, analysis, commented);
  else if (token === value1 && reading.directive !== 'reload')
    markdown = prefixHover(reading, analysis, line, commented);
  else markdown = valueHover(reading, analysis);
  if (markdown && commented && token !== command && fate.kind === 'row' && token !== value1)
    markdown += `\n\n${commentedRowStatus(analysis, fate.row)}`;
  if (markdown && !commented && fate.kind === 'row' && token !== command)
    markdown += `\n\n${effectsMarkdown(analysis, line)}`;
  return markdown ? { markdown, start: token.start, end: token.end } : undefined;
}

/** What a template line will mean to glibc is known only from the rendered file. */
const TEMPLATE_LINE_HOVER =
  "This line holds template code, so what glibc reads here is known only once the template is rendered: no finding is reported for it, and none about the whole file while such lines exist. Check the rendered file, e.g. with Ansible's `validate: gai-conf check %s`.";

export function hoverAt(analysis: Analysis, offset: number): HoverResult | undefined {
  const line = lineAt(analysis.parsed, offset);
  if (!line) return undefined;
  if (analysis.template?.lines.has(line.index))
    return { markdown: TEMPLATE_LINE_HOVER, start: line.start, end: line.end };
  const commented = analysis.commented.get(line);
  const result =
    (line.reading && readingHover(line.reading, analysis, line, offset, false)) ||
    (commented && readingHover(commented, analysis, line, offset, true));
  return result ? withFindingDetails(analysis, result, offset) : suppressionHover(analysis, line, offset);
}

/**
 * The mechanism behind the findings at the hovered place (the editor shows their messages above
 * the hover already): how glibc gets there, the values compared. Each once.
 */
function withFindingDetails(analysis: Analysis, result: HoverResult, offset: number): HoverResult {
  const details = [
    ...new Set(analysis.findings.filter((f) => f.detail && offset >= f.start && offset <= f.end).map((f) => f.detail!)),
  ].filter((detail) => !result.markdown.includes(detail));
  return details.length === 0
    ? result
    : { ...result, markdown: [result.markdown, ...details.map((d) => `_Why:_ ${d}`)].join('\n\n') };
}

/** On a code in a `# gai-conf: ignore` comment: what the code means and what the comment silences now. */
function suppressionHover(analysis: Analysis, line: ParsedLine, offset: number): HoverResult | undefined {
  const suppression = readSuppressions(analysis.parsed).suppressions.find((s) => s.line === line);
  const span = suppression?.spans.find((s) => offset >= s.start && offset <= s.end);
  if (!suppression || !span) return undefined;
  const silenced = analysis.suppressed.filter(
    (f) => f.code === span.code && silences(analysis.parsed, suppression, f),
  ).length;
  const where = suppression.scope === 'line' ? 'on the next line' : 'in this file';
  const effect =
    silenced === 0
      ? `Nothing ${where} has this finding now.`
      : `Silences ${silenced} finding${silenced === 1 ? '' : 's'} ${where}.`;
  return {
    markdown: `**${span.code}** (${CATALOGUE[span.code].severity}): ${CATALOGUE[span.code].summary}\n\n${effect}`,
    start: span.start,
    end: span.end,
  };
}
