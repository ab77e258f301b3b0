/**
 * Rewriting one table's rows: making the file hold given rows (an active row gets its value, a
 * commented-out one is uncommented, a missing one is added beside its kind), or commenting rows out.
 */

import { Analysis } from '../../analysis/analysis';
import { fileLine } from '../../analysis/rows';
import { parseIpv6Bytes, prefixContains } from '../../glibc/addresses';
import { PrefixTableEntry, TableKind } from '../../glibc/builtinTables';
import { endBeforeCr } from '../../glibc/lines';
import { DirectiveReading, ParsedLine } from '../../glibc/reader';
import { EffectiveTable } from '../../glibc/tables';
import { endOfLine, rowLine, TextEdit } from './edits';

/** The active reading of a line, or the directive in its comment. */
export type ReadingKind = 'reading' | 'commented';

export function readingOf(analysis: Analysis, line: ParsedLine, kind: ReadingKind): DirectiveReading | undefined {
  return kind === 'reading' ? line.reading : analysis.commented.get(line);
}

export interface TargetRow {
  readonly kind: TableKind;
  /** As it should be written. */
  readonly prefixText: string;
  readonly bytes: Uint8Array;
  /** As glibc stores them: scopev4 in v4-mapped form (96..128). */
  readonly bits: number;
  readonly value: number;
}

export function prefixTarget(kind: 'label' | 'precedence', entry: PrefixTableEntry): TargetRow {
  return {
    kind,
    prefixText: `${entry.prefix}/${entry.bits}`,
    bytes: parseIpv6Bytes(entry.prefix)!,
    bits: entry.bits,
    value: entry.value,
  };
}

export function matchesTarget(analysis: Analysis, line: ParsedLine, kind: ReadingKind, target: TargetRow): boolean {
  const fate = readingOf(analysis, line, kind)?.fate;
  if (fate?.kind !== 'row' || fate.row.table !== target.kind) return false;
  return fate.row.bits === target.bits && prefixContains(target.bytes, target.bits, fate.row.bytes);
}

function valueEdit(analysis: Analysis, line: ParsedLine, kind: ReadingKind, value: number): TextEdit | undefined {
  const parsed = readingOf(analysis, line, kind)!;
  const fate = parsed.fate;
  if (fate.kind === 'row' && fate.row.value === value && parsed.value2?.text === String(value)) return undefined;
  if (parsed.value2) return { start: parsed.value2.start, end: parsed.value2.end, newText: String(value) };
  return { start: parsed.value1!.end, end: parsed.value1!.end, newText: ` ${value}` };
}

/** Removes the '#' (and the blanks after it) in front of a commented-out directive. */
function uncomment(analysis: Analysis, line: ParsedLine): TextEdit {
  return { start: line.comment!.start, end: analysis.commented.get(line)!.command.start, newText: '' };
}

export function commentOut(line: ParsedLine): TextEdit {
  return { start: line.reading!.command.start, end: line.reading!.command.start, newText: '#' };
}

/**
 * The first line of the file with an active row at the target's prefix. Rows of one length are a
 * run of the table (sorted by length, longest first, and stably, so in file order within a run).
 */
function firstFileRow(table: EffectiveTable, target: TargetRow): ParsedLine | undefined {
  const rows = table.rows;
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (rows[mid].bits > target.bits) low = mid + 1;
    else high = mid;
  }
  for (let i = low; i < rows.length && rows[i].bits === target.bits; i++) {
    const line = fileLine(rows[i]);
    if (line && prefixContains(target.bytes, target.bits, rows[i].bytes)) return line;
  }
  return undefined;
}

/**
 * The first commented-out row at the target's prefix not yet used, in file order: the order
 * analysis.commented gives them in, which looks no further than the first.
 */
function firstCommentedRow(analysis: Analysis, target: TargetRow, used: ReadonlySet<ParsedLine>) {
  for (const [line, reading] of analysis.commented) {
    const fate = reading.fate;
    if (
      fate.kind === 'row' &&
      fate.row.table === target.kind &&
      fate.row.bits === target.bits &&
      !used.has(line) &&
      prefixContains(target.bytes, target.bits, fate.row.bytes)
    )
      return line;
  }
  return undefined;
}

/** The last line with a row of the kind, searched from the end. */
function lastRowLine(analysis: Analysis, kind: TableKind, which: ReadingKind): ParsedLine | undefined {
  const lines = analysis.parsed.lines;
  for (let i = lines.length - 1; i >= 0; i--) {
    const fate = readingOf(analysis, lines[i], which)?.fate;
    if (fate?.kind === 'row' && fate.row.table === kind) return lines[i];
  }
  return undefined;
}

/**
 * Edits that make the file's rows of one kind include every target: an active row gets the
 * target value, a commented-out one is uncommented, a missing one is added after the last row
 * of its kind (active, else commented), else at the end of the file.
 */
export function ensureRows(analysis: Analysis, kind: TableKind, targets: readonly TargetRow[]): TextEdit[] {
  const text = analysis.parsed.text;
  // The table's run of the target's length and the commented-out rows are searched, and the last
  // row from the end: a file of 10,000 lines was otherwise read through for every target.
  const table = analysis.tables[kind];
  const edits: TextEdit[] = [];
  const missing: TargetRow[] = [];
  const used = new Set<ParsedLine>();
  for (const target of targets) {
    const active = firstFileRow(table, target);
    if (active) {
      const edit = valueEdit(analysis, active, 'reading', target.value);
      if (edit) edits.push(edit);
      continue;
    }
    const commented = firstCommentedRow(analysis, target, used);
    if (commented) {
      used.add(commented);
      edits.push(uncomment(analysis, commented));
      const edit = valueEdit(analysis, commented, 'commented', target.value);
      if (edit) edits.push(edit);
      continue;
    }
    missing.push(target);
  }
  if (missing.length > 0) {
    const eol = endOfLine(text);
    const rows = missing.map((t) => rowLine(kind, t.prefixText, t.value));
    const anchor = lastRowLine(analysis, kind, 'reading') ?? lastRowLine(analysis, kind, 'commented');
    const at = anchor && endBeforeCr(text, anchor);
    if (at !== undefined) edits.push({ start: at, end: at, newText: rows.map((r) => eol + r).join('') });
    else if (text.length === 0 || text.endsWith('\n'))
      edits.push({ start: text.length, end: text.length, newText: rows.map((r) => r + eol).join('') });
    else edits.push({ start: text.length, end: text.length, newText: rows.map((r) => eol + r).join('') + eol });
  }
  return edits;
}
