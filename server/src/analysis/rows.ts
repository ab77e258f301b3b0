/** Rows and their lines: where a row comes from, and where a finding about it or about the whole file is shown. */

import { parseIpAddress, sameBytes } from '../glibc/addresses';
import { TableKind } from '../glibc/builtinTables';
import { DirectiveReading, ParsedFile, ParsedLine } from '../glibc/reader';
import { TableRow } from '../glibc/tables';

/** "1 row", "3 rows": a count with its noun, in the number it needs. */
export function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export function fileLine(row: TableRow): ParsedLine | undefined {
  return row.origin.kind === 'file' ? row.origin.line : undefined;
}

/** The words of a directive line (active or commented out), else the whole line. */
export function spanOfLine(line: ParsedLine, commented?: DirectiveReading): { start: number; end: number } {
  const reading = line.reading ?? commented;
  if (reading) {
    const last = reading.value2 ?? reading.value1 ?? reading.command;
    return { start: reading.command.start, end: last.end };
  }
  return { start: line.start, end: line.end };
}

/**
 * Where a finding about what the tables do is shown: the responsible row's line; else the
 * commented-out built-in row that it is about (the stock file's "#label fc00::/7 6"); else the
 * first line, and the finding then says it is about the whole file.
 */
export function anchorFor(
  parsed: ParsedFile,
  commented: ReadonlyMap<ParsedLine, DirectiveReading>,
  row: TableRow | undefined,
  kind: TableKind,
  builtinPrefix?: string,
): { start: number; end: number; wholeFile: boolean } {
  const line = row && fileLine(row);
  if (line) return { ...spanOfLine(line), wholeFile: false };
  const commentedRow = builtinPrefix && commentedRowOf(commented, kind, builtinPrefix);
  if (commentedRow) return { ...spanOfLine(commentedRow[0], commentedRow[1]), wholeFile: false };
  const first = parsed.lines[0];
  return { start: 0, end: first ? first.end : 0, wholeFile: true };
}

/**
 * The first commented-out row of a prefix, by the map of commented-out rows: an edit that changes
 * none of them keeps the map, and the findings anchored there do not search it again.
 */
const commentedRows = new WeakMap<
  ReadonlyMap<ParsedLine, DirectiveReading>,
  Map<string, readonly [ParsedLine, DirectiveReading] | null>
>();

function commentedRowOf(
  commented: ReadonlyMap<ParsedLine, DirectiveReading>,
  kind: TableKind,
  prefix: string,
): readonly [ParsedLine, DirectiveReading] | undefined {
  let found = commentedRows.get(commented);
  if (!found) commentedRows.set(commented, (found = new Map()));
  const key = `${kind} ${prefix}`;
  let row = found.get(key);
  if (row === undefined) {
    const [address, bitsText] = prefix.split('/');
    const wanted = parseIpAddress(address)!.bytes;
    const bits = Number(bitsText);
    row = null;
    for (const entry of commented) {
      const fate = entry[1].fate;
      if (
        fate.kind === 'row' &&
        fate.row.table === kind &&
        fate.row.bits === bits &&
        sameBytes(fate.row.bytes, wanted)
      ) {
        row = entry;
        break;
      }
    }
    found.set(key, row);
  }
  return row ?? undefined;
}

/** "line 12", "built-in" or "implicit catch-all": where a table row comes from. */
export function rowOriginText(row: TableRow): string {
  switch (row.origin.kind) {
    case 'file':
      return `line ${row.origin.line.index + 1}`;
    case 'implicit':
      return 'implicit catch-all';
    case 'builtin':
      return 'built-in';
  }
}
