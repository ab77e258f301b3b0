/**
 * Quick fixes as plain text edits. Each fix changes only the text it is about; the fixes that
 * change what glibc does (the ULA fixes, restoring rows) are checked by re-analysing the edited
 * text, and offered only when the problem is then gone.
 */

import { maskBytes, parseIpv4Bytes, parseIpv6Bytes, prefixContains, sameBytes } from '../../glibc/addresses';
import { Analysis, analyzeGaiConf } from '../../analysis/analysis';
import { familyPreference, pair, profile } from '../../analysis/hostProfiles';
import { GLIBC_DEFAULT_LABELS, GLIBC_LABEL_DEPARTURES, PrefixTableEntry, RFC3484_LABELS, TableKind } from '../../glibc/builtinTables';
import { DiagnosticCode, Finding } from '../../analysis/catalogue';
import { ParsedLine, Token, suggestDirective } from '../../glibc/reader';
import { FILE_LEVEL_CODES, Suppression, SuppressionScope, readSuppressions, suppressionComment } from '../../analysis/suppression';
import { droppedBuiltinRows, rowPrefixText } from '../../glibc/tables';

export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

export interface Fix {
  readonly title: string;
  /** The finding codes this fix resolves. */
  readonly codes: readonly DiagnosticCode[];
  readonly edits: readonly TextEdit[];
  readonly preferred: boolean;
  /** Keeps what glibc reads (or only removes what has no effect): fit for "fix all". */
  readonly safe: boolean;
}

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let result = text;
  let limit = Infinity;
  for (const edit of sorted) {
    if (edit.end > limit) throw new Error('overlapping edits');
    result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
    limit = edit.start;
  }
  return result;
}

/** A directive line as fixes and completions write it. */
export function rowLine(kind: TableKind, prefixText: string, value: number): string {
  return `${kind} ${prefixText} ${value}`;
}

export function endOfLine(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

function lineOf(analysis: Analysis, offset: number): ParsedLine | undefined {
  return analysis.parsed.lines.find((l) => offset >= l.start && offset <= l.end);
}

/** Deletes a whole line with its line break (the one before it, for a last line without one). */
function deleteLine(analysis: Analysis, line: ParsedLine): TextEdit {
  const text = analysis.parsed.text;
  if (line.end < text.length) return { start: line.start, end: line.end + 1, newText: '' };
  if (line.start === 0) return { start: 0, end: line.end, newText: '' };
  const start = text.charCodeAt(line.start - 2) === 0x0d ? line.start - 2 : line.start - 1;
  return { start, end: line.end, newText: '' };
}

/** Where a line's text ends, before a CR that belongs to its CRLF. */
function contentEnd(text: string, line: ParsedLine): number {
  return line.end > line.start && text.charCodeAt(line.end - 1) === 0x0d ? line.end - 1 : line.end;
}

interface TargetRow {
  readonly kind: TableKind;
  /** As it should be written. */
  readonly prefixText: string;
  readonly bytes: Uint8Array;
  /** As glibc stores them: scopev4 in v4-mapped form (96..128). */
  readonly bits: number;
  readonly value: number;
}

function prefixTarget(kind: 'label' | 'precedence', entry: PrefixTableEntry): TargetRow {
  return { kind, prefixText: `${entry.prefix}/${entry.bits}`, bytes: parseIpv6Bytes(entry.prefix)!, bits: entry.bits, value: entry.value };
}


function matchesTarget(line: ParsedLine, reading: 'reading' | 'commented', target: TargetRow): boolean {
  const fate = line[reading]?.fate;
  if (fate?.kind !== 'row' || fate.row.table !== target.kind) return false;
  return fate.row.bits === target.bits && sameBytes(maskBytes(fate.row.bytes, target.bits), maskBytes(target.bytes, target.bits));
}

function valueEdit(line: ParsedLine, reading: 'reading' | 'commented', value: number): TextEdit | undefined {
  const parsed = line[reading]!;
  const fate = parsed.fate;
  if (fate.kind === 'row' && fate.row.value === value && parsed.value2?.text === String(value)) return undefined;
  if (parsed.value2) return { start: parsed.value2.start, end: parsed.value2.end, newText: String(value) };
  return { start: parsed.value1!.end, end: parsed.value1!.end, newText: ` ${value}` };
}

/** Removes the '#' (and the blanks after it) in front of a commented-out directive. */
function uncomment(line: ParsedLine): TextEdit {
  return { start: line.comment!.start, end: line.commented!.command.start, newText: '' };
}

function commentOut(line: ParsedLine): TextEdit {
  return { start: line.reading!.command.start, end: line.reading!.command.start, newText: '#' };
}

/**
 * Edits that make the file's rows of one kind include every target: an active row gets the
 * target value, a commented-out one is uncommented, a missing one is added after the last row
 * of its kind (active, else commented), else at the end of the file.
 */
function ensureRows(analysis: Analysis, kind: TableKind, targets: readonly TargetRow[]): TextEdit[] {
  const lines = analysis.parsed.lines;
  const text = analysis.parsed.text;
  const edits: TextEdit[] = [];
  const missing: TargetRow[] = [];
  const used = new Set<ParsedLine>();
  for (const target of targets) {
    const active = lines.find((l) => matchesTarget(l, 'reading', target));
    if (active) {
      const edit = valueEdit(active, 'reading', target.value);
      if (edit) edits.push(edit);
      continue;
    }
    const commented = lines.find((l) => !used.has(l) && matchesTarget(l, 'commented', target));
    if (commented) {
      used.add(commented);
      edits.push(uncomment(commented));
      const edit = valueEdit(commented, 'commented', target.value);
      if (edit) edits.push(edit);
      continue;
    }
    missing.push(target);
  }
  if (missing.length > 0) {
    const eol = endOfLine(text);
    const rows = missing.map((t) => rowLine(kind, t.prefixText, t.value));
    const ofKind = (l: ParsedLine, reading: 'reading' | 'commented') => {
      const fate = l[reading]?.fate;
      return fate?.kind === 'row' && fate.row.table === kind;
    };
    const anchor = [...lines].reverse().find((l) => ofKind(l, 'reading')) ?? [...lines].reverse().find((l) => ofKind(l, 'commented'));
    const at = anchor && contentEnd(text, anchor);
    if (at !== undefined) edits.push({ start: at, end: at, newText: rows.map((r) => eol + r).join('') });
    else if (text.length === 0 || text.endsWith('\n')) edits.push({ start: text.length, end: text.length, newText: rows.map((r) => r + eol).join('') });
    else edits.push({ start: text.length, end: text.length, newText: rows.map((r) => eol + r).join('') + eol });
  }
  return edits;
}

const ULA = { bytes: parseIpv6Bytes('fc00::')!, bits: 7 };

function overlapsUla(line: ParsedLine): boolean {
  const fate = line.reading?.fate;
  if (fate?.kind !== 'row' || fate.row.table !== 'label' || fate.row.bits === 0) return false;
  const bits = Math.min(fate.row.bits, ULA.bits);
  return prefixContains(ULA.bytes, bits, fate.row.bytes);
}

/** An active label row for glibc's ULA, site-local or Teredo departures from RFC 3484 (or one overlapping ULA space). */
function isDepartureRow(line: ParsedLine): boolean {
  return overlapsUla(line) || GLIBC_LABEL_DEPARTURES.some((entry) => matchesTarget(line, 'reading', prefixTarget('label', entry)));
}

/**
 * Keeps a fix only when re-analysing the edited file shows the finding gone; for the ULA warning,
 * also when ULA hosts then choose between IPv6 and IPv4 exactly as hosts with global IPv6 do.
 */
function verified(analysis: Analysis, code: DiagnosticCode, edits: TextEdit[]): TextEdit[] | undefined {
  if (edits.length === 0) return undefined;
  const after = analyzeGaiConf(applyEdits(analysis.parsed.text, edits), { glibc: analysis.parsed.glibc });
  if (after.findings.some((f) => f.code === code)) return undefined;
  if (code === 'ula-demoted' && familyPreference(after.tables, profile('ula').host, pair('global')) !== familyPreference(after.tables, profile('global').host, pair('global'))) return undefined;
  return edits;
}

const ULA_TRADE_OFF = 'hosts with global IPv6 will also try ULA destinations before IPv4';

function ulaFixes(analysis: Analysis): Fix[] {
  const fixes: Fix[] = [];
  const lines = analysis.parsed.lines;
  const rfc3484 = [
    ...ensureRows(analysis, 'label', RFC3484_LABELS.map((e) => prefixTarget('label', e))),
    ...lines.filter((l) => isDepartureRow(l)).map(commentOut),
  ];
  const first = verified(analysis, 'ula-demoted', rfc3484);
  if (first) fixes.push({ title: `Use the RFC 3484 label rows, without glibc's ULA, site-local and Teredo rows (${ULA_TRADE_OFF})`, codes: ['ula-demoted'], edits: first, preferred: true, safe: false });
  const keepGlibc = GLIBC_DEFAULT_LABELS.map((e) => prefixTarget('label', e.prefix === 'fc00::' ? { ...e, value: 1 } : e));
  const fcTarget = keepGlibc.find((t) => t.bits === 7)!;
  const second = verified(analysis, 'ula-demoted', [
    ...ensureRows(analysis, 'label', keepGlibc),
    ...lines.filter((l) => overlapsUla(l) && !matchesTarget(l, 'reading', fcTarget)).map(commentOut),
  ]);
  if (second) fixes.push({ title: `Keep glibc's label table but give fc00::/7 the global label 1 (${ULA_TRADE_OFF})`, codes: ['ula-demoted'], edits: second, preferred: false, safe: false });
  return fixes;
}

function tableReplacedFix(analysis: Analysis, finding: Finding): Fix | undefined {
  const line = lineOf(analysis, finding.start);
  const fate = line?.reading?.fate;
  if (fate?.kind !== 'row') return undefined;
  const kind = fate.row.table;
  const table = analysis.tables[kind];
  const targets = droppedBuiltinRows(table).map((row): TargetRow => ({ kind, prefixText: rowPrefixText(row), bytes: row.bytes, bits: row.bits, value: row.value }));
  const edits = verified(analysis, 'table-replaced', ensureRows(analysis, kind, targets));
  if (!edits) return undefined;
  return { title: `Add the ${targets.length} built-in ${kind} row${targets.length === 1 ? '' : 's'} this file drops`, codes: ['table-replaced'], edits, preferred: true, safe: false };
}

function replaceToken(token: Token, newText: string): TextEdit {
  return { start: token.start, end: token.end, newText };
}

function readingAt(analysis: Analysis, finding: Finding) {
  return lineOf(analysis, finding.start)?.reading;
}

/** Fixes for one finding. */
export function fixesFor(analysis: Analysis, finding: Finding): Fix[] {
  const text = analysis.parsed.text;
  const reading = readingAt(analysis, finding);
  const span = text.slice(finding.start, finding.end);
  const single = (title: string, edits: TextEdit[], safe: boolean, preferred = true): Fix[] => [{ title, codes: [finding.code], edits, preferred, safe }];
  switch (finding.code) {
    case 'ula-demoted':
      return ulaFixes(analysis);
    case 'table-replaced': {
      const fix = tableReplacedFix(analysis, finding);
      return fix ? [fix] : [];
    }
    case 'unknown-directive': {
      const suggestion = suggestDirective(span);
      return suggestion ? single(`Change "${span}" to "${suggestion}"`, [replaceToken({ text: span, start: finding.start, end: finding.end }, suggestion)], false) : [];
    }
    case 'byte-order-mark': {
      // Every leading mark: one left behind would keep glibc from recognising the word.
      const marks = /^\uFEFF+/.exec(span)![0].length;
      return single('Remove the byte order mark', [{ start: finding.start, end: finding.start + marks, newText: '' }], false);
    }
    case 'ipv4-prefix': {
      const token = reading?.value1;
      const [address, bitsText = '32'] = token ? token.text.split('/') : [];
      const bits = Number(bitsText);
      if (!token || !/^\d+$/.test(bitsText) || bits > 32) return [];
      return single(`Write it as v4-mapped IPv6: ::ffff:${address}/${bits + 96}`, [replaceToken(token, `::ffff:${address}/${bits + 96}`)], false);
    }
    case 'zone-id': {
      const percent = span.indexOf('%');
      return single(`Remove the zone id "${span.slice(percent)}"`, [{ start: finding.start + percent, end: finding.end, newText: '' }], false);
    }
    case 'missing-prefix-length':
    case 'scopev4-crash': {
      const token = reading?.value1;
      if (!token) return [];
      const full = reading!.directive === 'scopev4' && parseIpv4Bytes(token.text) ? 32 : 128;
      const keepsMeaning = analysis.parsed.generation === 'from-2.41';
      return single(`Add "/${full}"`, [{ start: token.end, end: token.end, newText: `/${full}` }], keepsMeaning);
    }
    case 'extra-fields':
      return [
        { title: 'Make the extra fields a comment', codes: [finding.code], edits: [{ start: finding.start, end: finding.start, newText: '# ' }], preferred: true, safe: true },
        { title: 'Remove the extra fields', codes: [finding.code], edits: [{ start: reading?.value2?.end ?? finding.start, end: finding.end, newText: '' }], preferred: false, safe: false },
      ];
    case 'shadowed-row': {
      const line = lineOf(analysis, finding.start);
      return line ? single('Remove this row, which has no effect', [deleteLine(analysis, line)], true) : [];
    }
    case 'host-bits': {
      const fate = reading?.fate;
      const token = reading?.value1;
      if (fate?.kind !== 'row' || !token) return [];
      const address = token.text.split('/')[0];
      const canonical = rowPrefixText({ ...fate.row, bytes: maskBytes(fate.row.table === 'scopev4' ? fate.row.bytes : parseIpv6Bytes(address)!, fate.row.bits) });
      return single(`Write the prefix as ${canonical}`, [replaceToken(token, canonical)], true);
    }
    case 'reload-value': {
      const value = reading?.value1;
      return single('Write "reload no" (what glibc reads)', [value ? replaceToken(value, 'no') : { start: reading!.command.end, end: reading!.command.end, newText: ' no' }], true);
    }
    case 'reload-enabled': {
      const value = reading?.value1;
      return value ? single('Turn reloading off', [replaceToken(value, 'no')], false) : [];
    }
    case 'unusual-number': {
      const number = String(Number(BigInt.asUintN(64, BigInt(span.replace(/^\+/, '')))));
      return single(`Write ${number}`, [{ start: finding.start, end: finding.end, newText: number }], true);
    }
    default:
      return [];
  }
}

/**
 * Codes whose fixes rewrite tables and are verified by re-analysing the whole file: never safe,
 * and fix-all skips them without paying for that re-analysis.
 */
const WHOLE_FILE_FIXES: ReadonlySet<DiagnosticCode> = new Set(['ula-demoted', 'table-replaced']);

/** The safe fixes of every finding, without overlapping edits: what "fix all" applies. */
export function fixAllEdits(analysis: Analysis): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const finding of analysis.findings) {
    if (WHOLE_FILE_FIXES.has(finding.code)) continue;
    for (const fix of fixesFor(analysis, finding).filter((f) => f.safe)) {
      if (fix.edits.every((e) => edits.every((o) => e.end <= o.start || e.start >= o.end || (e.start === e.end && o.start === o.end && e.start !== o.start)))) {
        edits.push(...fix.edits);
        break;
      }
    }
  }
  return edits;
}

/**
 * Adds a code to a suppression comment already in place, else inserts one: a line's above that
 * line, the file's at the very top (before a byte order mark, so that the first line glibc
 * ignores stays the one it ignored).
 */
function suppressEdit(analysis: Analysis, scope: SuppressionScope, code: DiagnosticCode, before: ParsedLine): TextEdit {
  const text = analysis.parsed.text;
  const existing = readSuppressions(analysis.parsed).suppressions.find(
    (s: Suppression) => s.scope === scope && (scope === 'file' || s.line.index === before.index - 1),
  );
  if (existing) {
    const comment = existing.line.comment!;
    const reason = comment.text.indexOf(' -- ');
    const at = reason < 0 ? comment.start + comment.text.trimEnd().length : comment.start + reason;
    return { start: at, end: at, newText: existing.codes.length > 0 ? `, ${code}` : ` ${code}` };
  }
  const at = scope === 'file' ? 0 : before.start;
  return { start: at, end: at, newText: suppressionComment(scope, [code]) + endOfLine(text) };
}

/** "Ignore <code> on this line" (for findings about a line) and "in this file": comments the CLI honours too. */
export function suppressionFixes(analysis: Analysis, finding: Finding): Fix[] {
  const line = lineOf(analysis, finding.start);
  if (!line) return [];
  const fix = (scope: SuppressionScope, title: string): Fix => ({ title, codes: [finding.code], edits: [suppressEdit(analysis, scope, finding.code, line)], preferred: false, safe: false });
  return [
    ...(FILE_LEVEL_CODES.has(finding.code) ? [] : [fix('line', `Ignore ${finding.code} on this line`)]),
    fix('file', `Ignore ${finding.code} in this file`),
  ];
}
