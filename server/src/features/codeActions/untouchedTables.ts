/**
 * A table's findings follow from its rows alone (analysis/tableChecks.ts). A fix that changes only
 * rows of one table leaves the other tables' rows, and so their findings, as they are: one of those
 * with the fix's own code, shown now, is still shown after the fix, which therefore cannot be
 * offered. Telling takes reading again only the lines the fix changes, not analysing the fixed file.
 */

import { Analysis } from '../../analysis/analysis';
import { DiagnosticCode } from '../../analysis/catalogue';
import { SUPPRESSION_MARKER } from '../../analysis/suppression';
import { TableKind } from '../../glibc/builtinTables';
import { layoutLine } from '../../glibc/lines';
import { DirectiveReading, lineAt, linesReadAlone, readWords } from '../../glibc/reader';
import { applyEdits, TextEdit } from './edits';

/** The codes of findings about one table, worked out from that table's rows. */
const TABLE_CODES: ReadonlySet<DiagnosticCode> = new Set([
  'table-replaced',
  'shadowed-row',
  'duplicate-row',
  'row-without-effect',
]);

/**
 * A row of `kind`, or a line without a directive that is no suppression comment: what such a line
 * becomes changes neither another table nor which line a suppression comment silences (a line
 * break added or removed puts the lines on both sides of it in the block, so both are looked at).
 */
function onlyTouches(text: string, start: number, end: number, reading: DirectiveReading | undefined, kind: TableKind) {
  if (text.slice(start, end).includes(SUPPRESSION_MARKER)) return false;
  return !reading || (reading.fate.kind === 'row' && reading.fate.row.table === kind);
}

/**
 * Whether a shown finding with `code` about a table other than `kind` survives `edits`, which then
 * cannot be a fix for `code`. False when that cannot be told from the lines the edits change.
 */
export function anotherTableKeepsCode(
  analysis: Analysis,
  code: DiagnosticCode,
  kind: TableKind,
  edits: readonly TextEdit[],
): boolean {
  const parsed = analysis.parsed;
  if (!TABLE_CODES.has(code) || !linesReadAlone(parsed.generation, parsed.issues)) return false;
  const kept = analysis.findings.some((finding) => {
    const fate = finding.code === code ? lineAt(parsed, finding.start)?.fate : undefined;
    return fate?.kind === 'row' && fate.row.table !== kind;
  });
  if (!kept) return false;
  const text = parsed.text;
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  // Blocks of whole lines the edits change, as [first, last] line indexes, with their edits. The
  // lines outside keep their text, their order and (no line reading what an earlier one left, as
  // up to glibc 2.40 a prefix without /bits does) their reading.
  const blocks: { first: number; last: number; edits: TextEdit[] }[] = [];
  for (const edit of sorted) {
    const first = lineAt(parsed, edit.start);
    const last = lineAt(parsed, edit.end);
    if (!first || !last) return false;
    const block = blocks[blocks.length - 1];
    if (block && first.index <= block.last) {
      block.last = Math.max(block.last, last.index);
      block.edits.push(edit);
    } else blocks.push({ first: first.index, last: last.index, edits: [edit] });
  }
  const after = applyEdits(text, sorted);
  let shift = 0;
  for (const block of blocks) {
    const lines = parsed.lines;
    for (let i = block.first; i <= block.last; i++) {
      const line = lines[i];
      if (!onlyTouches(text, line.start, line.end, line.reading, kind)) return false;
    }
    const from = lines[block.first].start + shift;
    for (const edit of block.edits) shift += edit.newText.length - (edit.end - edit.start);
    const to = lines[block.last].end + shift;
    // The same lines in the fixed text, each read again on its own.
    for (let start = from; start <= to;) {
      const newline = after.indexOf('\n', start);
      const end = newline < 0 || newline > to ? to : newline;
      const reading = readWords(after, start, layoutLine(after, start, end).contentEnd, parsed.generation);
      if (!onlyTouches(after, start, end, reading, kind)) return false;
      start = end + 1;
    }
  }
  return true;
}
