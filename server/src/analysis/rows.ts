/** Rows and their lines: where a row comes from, and where a finding about it or about the whole file is shown. */

import { parseIpAddress, sameBytes } from '../glibc/addresses';
import { TableKind } from '../glibc/builtinTables';
import { DirectiveReading, ParsedFile, ParsedLine } from '../glibc/reader';
import { TableRow } from '../glibc/tables';

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
 * The responsible row's line; else the commented-out built-in row that a finding is about (the
 * stock file's "#label fc00::/7 6"); else the first directive line, else the first line.
 */
export function anchorFor(
  parsed: ParsedFile,
  commented: ReadonlyMap<ParsedLine, DirectiveReading>,
  row: TableRow | undefined,
  kind: TableKind,
  builtinPrefix?: string,
): { start: number; end: number } {
  const line = row && fileLine(row);
  if (line) return spanOfLine(line);
  if (builtinPrefix) {
    const [address, bitsText] = builtinPrefix.split('/');
    const wanted = parseIpAddress(address)!.bytes;
    const bits = Number(bitsText);
    for (const [candidate, reading] of commented) {
      const fate = reading.fate;
      if (fate.kind === 'row' && fate.row.table === kind && fate.row.bits === bits && sameBytes(fate.row.bytes, wanted)) return spanOfLine(candidate, reading);
    }
  }
  const first = parsed.lines.find((l) => l.reading) ?? parsed.lines[0];
  return first ? spanOfLine(first) : { start: 0, end: 0 };
}

/** "line 12", "built-in" or "implicit catch-all": where a table row comes from. */
export function rowOriginText(row: TableRow): string {
  switch (row.origin.kind) {
    case 'file': return `line ${row.origin.line.index + 1}`;
    case 'implicit': return 'implicit catch-all';
    case 'builtin': return 'built-in';
  }
}
