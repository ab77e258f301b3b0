/**
 * Completion at a position: directives and whole tables for common intents at the start of a
 * line, well-known prefixes and their RFCs after label and precedence, v4-mapped networks after
 * scopev4, values with what they mean in this file, and diagnostic codes in suppression comments.
 * Everything is plain text (no snippet placeholders), so minimal clients insert it as it is.
 */

import { Analysis } from '../analysis/analysis';
import { CATALOGUE, DIAGNOSTIC_CODES } from '../analysis/catalogue';
import { PRESETS } from '../analysis/reference/presets';
import { SCOPE_VALUES } from '../analysis/reference/rfcTables';
import { WELL_KNOWN_IPV4_NETWORKS, WELL_KNOWN_PREFIXES } from '../analysis/reference/wellKnownPrefixes';
import { countOf, rowOriginText } from '../analysis/rows';
import { codeBeingTyped } from '../analysis/suppression';
import { parseIpv6Bytes } from '../glibc/addresses';
import { PrefixTableEntry, TableKind } from '../glibc/builtinTables';
import { Directive, DIRECTIVES, lineAt, parseGaiConf } from '../glibc/reader';
import { buildEffectiveTables, lookupRow, rowPrefixText } from '../glibc/tables';
import { applyEdits, endOfLine, rowLine } from './codeActions/edits';
import { DIRECTIVE_HELP } from './directiveHelp';
import { formatEdits } from './formatting';
import { labelValueHover, precedenceValueHover } from './hover';
import { isCSpace } from './positions';

export type CompletionKind = 'keyword' | 'snippet' | 'prefix' | 'value' | 'code';

export interface CompletionEntry {
  readonly label: string;
  readonly kind: CompletionKind;
  /** One line beside the label. */
  readonly detail: string;
  /** Markdown. */
  readonly documentation: string;
  readonly insertText: string;
  /** Offsets of the text the entry replaces: the word typed so far. */
  readonly start: number;
  readonly end: number;
  /** Orders entries of different kinds; within a kind the order given here is kept. */
  readonly sortText: string;
}

interface Intent {
  readonly label: string;
  readonly documentation: string;
  /** The tables it writes: offered only to files without an active line of those kinds. */
  readonly writes: readonly TableKind[];
  readonly lines: readonly string[];
}

const prefixText = (entry: { prefix: string; bits: number }) => `${entry.prefix}/${entry.bits}`;
const prefixRows = (kind: 'label' | 'precedence', entries: readonly PrefixTableEntry[]) =>
  entries.map((e) => rowLine(kind, prefixText(e), e.value));

/** The presets that write a table, as whole tables to insert at the start of a line. */
const INTENTS: readonly Intent[] = PRESETS.filter((preset) => preset.label || preset.precedence).map((preset) => ({
  label: preset.title,
  documentation: preset.description,
  writes: (['label', 'precedence'] as const).filter((kind) => preset[kind]),
  lines: [
    `# ${preset.comment}`,
    ...(preset.label ? prefixRows('label', preset.label) : []),
    ...(preset.precedence ? prefixRows('precedence', preset.precedence) : []),
  ],
}));

/** The fields of a line before an offset, and the word the offset is in. */
interface LineContext {
  readonly fields: readonly string[];
  /** Index of the field being typed. */
  readonly index: number;
  readonly wordStart: number;
  /** The end of the word the offset is in: a completion replaces the whole word. */
  readonly wordEnd: number;
  /** Nothing but blanks after the word: room for lines of a whole table. */
  readonly restBlank: boolean;
}

function lineContext(analysis: Analysis, offset: number): LineContext | 'comment' {
  // After a final line break no line holds the offset: a new, empty line.
  const line = lineAt(analysis.parsed, offset);
  const text = analysis.parsed.text;
  if (line?.comment && offset > line.comment.start) return 'comment';
  const fields: string[] = [];
  let pos = line?.start ?? offset;
  let wordStart = offset;
  while (pos < offset) {
    if (isCSpace(text.charCodeAt(pos))) {
      pos++;
      continue;
    }
    const start = pos;
    while (pos < offset && !isCSpace(text.charCodeAt(pos))) pos++;
    fields.push(text.slice(start, pos));
    if (pos === offset) wordStart = start;
  }
  const lineEnd = line?.end ?? offset;
  let wordEnd = offset;
  while (wordEnd < lineEnd && !isCSpace(text.charCodeAt(wordEnd)) && text[wordEnd] !== '#') wordEnd++;
  let rest = wordEnd;
  while (rest < lineEnd && isCSpace(text.charCodeAt(rest))) rest++;
  const typing = wordStart < offset;
  return { fields, index: typing ? fields.length - 1 : fields.length, wordStart, wordEnd, restBlank: rest === lineEnd };
}

function entry(
  label: string,
  kind: CompletionKind,
  detail: string,
  documentation: string,
  span: { start: number; end: number },
  order: number,
  insertText = label,
): CompletionEntry {
  return {
    label,
    kind,
    detail,
    documentation,
    insertText,
    start: span.start,
    end: span.end,
    sortText: `${kind === 'snippet' ? 1 : 0}${String(order).padStart(3, '0')}`,
  };
}

function intentText(analysis: Analysis, intent: Intent): string {
  const eol = endOfLine(analysis.parsed.text);
  const text = intent.lines.join(eol);
  // Written as the formatter would write it, so formatting the file afterwards changes nothing in it.
  return applyEdits(text, formatEdits(parseGaiConf(text, { glibc: analysis.parsed.glibc })));
}

function startOfLine(analysis: Analysis, span: { start: number; end: number }, restBlank: boolean): CompletionEntry[] {
  // The syntax after the keyword: "reload yes|no" beside "reload" would say the word twice.
  const directives = DIRECTIVES.map((d, i) =>
    entry(
      d,
      'keyword',
      DIRECTIVE_HELP[d].syntax.replace(new RegExp(`^${d} `), '').replace(new RegExp(`  or  ${d} `), '  or  '),
      `\`${DIRECTIVE_HELP[d].syntax}\`\n\n${DIRECTIVE_HELP[d].text}`,
      span,
      i,
    ),
  );
  if (!restBlank) return directives;
  const active = new Set(analysis.parsed.lines.map((l) => (l.fate.kind === 'row' ? l.fate.row.table : undefined)));
  const intents = INTENTS.filter((intent) => intent.writes.every((kind) => !active.has(kind))).map((intent, i) => {
    const text = intentText(analysis, intent);
    return entry(
      intent.label,
      'snippet',
      `${countOf(intent.lines.length - 1, `${intent.writes.join(' and ')} row`)}`,
      `${intent.documentation}\n\n\`\`\`gaiconf\n${text}\n\`\`\``,
      span,
      i,
      text,
    );
  });
  return [...directives, ...intents];
}

function prefixEntries(
  analysis: Analysis,
  directive: 'label' | 'precedence',
  span: { start: number; end: number },
): CompletionEntry[] {
  const table = analysis.tables[directive];
  return WELL_KNOWN_PREFIXES.map((known, i) => {
    const now = lookupRow(table, parseIpv6Bytes(known.prefix)!);
    const origin =
      now.origin.kind === 'file' ? rowOriginText(now) : `glibc's ${rowOriginText(now)} row ${rowPrefixText(now)}`;
    const documentation = `**${known.name}** (${known.rfc}). ${known.note}\n\nIn this file, ${directive} ${now.value} from ${origin}.`;
    return entry(prefixText(known), 'prefix', `${known.name}, ${known.rfc}`, documentation, span, i);
  });
}

function scopePrefixEntries(span: { start: number; end: number }): CompletionEntry[] {
  return WELL_KNOWN_IPV4_NETWORKS.map((network, i) => {
    const mapped = `::ffff:${network.network}/${network.bits + 96}`;
    return entry(
      mapped,
      'prefix',
      `${network.name}, ${network.rfc}`,
      `IPv4 ${network.network}/${network.bits} (${network.name}, ${network.rfc}) in the v4-mapped form scopev4 also reads: the same row as \`scopev4 ${network.network}/${network.bits}\`.`,
      span,
      i,
    );
  });
}

/** Values the file's table already uses, each with what it means there. */
function valuesInUse(
  analysis: Analysis,
  directive: 'label' | 'precedence',
  span: { start: number; end: number },
): CompletionEntry[] {
  const table = analysis.tables[directive];
  const values = [...new Set(table.rows.map((r) => r.value))];
  return values.map((value, i) => {
    const rows = table.rows.filter((r) => r.value === value);
    const documentation =
      directive === 'label' ? labelValueHover(analysis, rows[0]) : precedenceValueHover(analysis, rows[0]);
    return entry(
      String(value),
      'value',
      `${directive} of ${rows.map(rowPrefixText).join(', ')}`,
      documentation,
      span,
      i,
    );
  });
}

function fieldEntries(
  analysis: Analysis,
  directive: Directive,
  index: number,
  span: { start: number; end: number },
): CompletionEntry[] {
  if (directive === 'reload') {
    if (index !== 1) return [];
    return [
      entry('no', 'value', 'reloading off (the default)', 'glibc reads the file once per process.', span, 0),
      entry(
        'yes',
        'value',
        'check the file on every lookup',
        "Every lookup with several answers checks whether the file changed. glibc's documentation advises against it.",
        span,
        1,
      ),
    ];
  }
  if (index === 1) return directive === 'scopev4' ? scopePrefixEntries(span) : prefixEntries(analysis, directive, span);
  if (index !== 2) return [];
  if (directive === 'scopev4') {
    return SCOPE_VALUES.map((scope, i) =>
      entry(
        String(scope.value),
        'value',
        scope.name,
        `Scope ${scope.value} (${scope.name}): rule 2 prefers a destination whose scope equals its source's, rule 8 the smaller scope.`,
        span,
        i,
      ),
    );
  }
  return valuesInUse(analysis, directive, span);
}

function suppressionEntries(analysis: Analysis, offset: number): CompletionEntry[] {
  const line = lineAt(analysis.parsed, offset)!;
  const before = analysis.parsed.text.slice(line.comment!.start, offset);
  const typed = codeBeingTyped(before);
  if (typed === undefined || line.reading) return [];
  const span = { start: offset - typed.length, end: offset };
  return DIAGNOSTIC_CODES.map((code, i) =>
    entry(code, 'code', CATALOGUE[code].severity, CATALOGUE[code].summary, span, i),
  );
}

/**
 * The file as it is without the line being typed: a half-typed row (`label fc00::/7` before its
 * value) would otherwise replace the very table whose values are offered.
 */
function withoutLineAt(analysis: Analysis, offset: number): Analysis {
  const line = lineAt(analysis.parsed, offset);
  if (!line?.reading) return analysis;
  // The other lines read the same without this one (glibc reads line by line), so only the tables
  // are rebuilt, not the whole file re-read: completion stays fast on long files.
  const parsed = { ...analysis.parsed, lines: analysis.parsed.lines.filter((l) => l !== line) };
  // Completion reads tables and lines only; findings of the other lines are not needed.
  return { ...analysis, parsed, tables: buildEffectiveTables(parsed), findings: [], suppressed: [] };
}

export function completionsAt(analysis: Analysis, offset: number): CompletionEntry[] {
  const context = lineContext(analysis, offset);
  if (context === 'comment') return suppressionEntries(analysis, offset);
  const span = { start: context.wordStart, end: context.wordEnd };
  const others = withoutLineAt(analysis, offset);
  if (context.index === 0) return startOfLine(others, span, context.restBlank);
  const directive = DIRECTIVES.find((d) => d === context.fields[0]);
  return directive ? fieldEntries(others, directive, context.index, span) : [];
}
