/** Findings about the tables a file builds: built-in rows a replacement drops, rows that can never match. */

import { parseIpAddress, prefixContains, prefixKey } from '../glibc/addresses';
import { GLIBC_LABEL_DEPARTURES, RFC3484_LABELS } from './reference/rfcTables';
import { PrefixTableEntry } from '../glibc/builtinTables';
import { droppedBuiltinRows, EffectiveTable, EffectiveTables, lookupRow, rowPrefixText, TableRow } from '../glibc/tables';
import { ParsedLine } from '../glibc/reader';
import { fileLine, rowOriginText, spanOfLine } from './rows';
import { Finding } from './catalogue';

/** Whether a row is exactly the prefix of a table entry. */
export function isEntryRow(row: Pick<TableRow, 'bytes' | 'bits'>, entry: PrefixTableEntry): boolean {
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
    const where = earlier.origin.kind === 'file' ? rowOriginText(earlier) : `the ${rowOriginText(earlier)} row`;
    findings.push({
      code: 'shadowed-row',
      ...spanOfLine(line),
      message: `No effect: ${where} already gives ${rowPrefixText(earlier)} ${table.kind} ${earlier.value}, and glibc stops at the first matching row of the same length.`,
    });
  }
  return findings;
}

export function tableFindings(tables: EffectiveTables): Finding[] {
  return (['label', 'precedence', 'scopev4'] as const).flatMap((kind) => [...tableReplacementFindings(tables[kind]), ...shadowedRowFindings(tables[kind])]);
}
