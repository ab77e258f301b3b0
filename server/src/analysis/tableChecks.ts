/** Findings about the tables a file builds: built-in rows a replacement drops, rows that can never match. */

import { parseIpAddress, prefixContains, prefixKey } from '../glibc/addresses';
import { PrefixTableEntry } from '../glibc/builtinTables';
import {
  builtinTable,
  deadBehind,
  droppedBuiltinRows,
  EffectiveTable,
  EffectiveTables,
  lookupRow,
  lookupRowShorterThan,
  repeatedPrefixes,
  rowPrefixText,
  rowsWithPrefix,
  sameLookups,
  tableFileLines,
  tableFileRows,
  tablePatch,
  TableRow,
} from '../glibc/tables';
import { Finding } from './catalogue';
import { GLIBC_LABEL_DEPARTURES, RFC3484_LABELS } from './reference/rfcTables';
import { fileLine, rowOriginText, spanOfLine } from './rows';

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
    RFC3484_LABELS.every((entry) =>
      rowsWithPrefix(table, parseIpAddress(entry.prefix)!.bytes, entry.bits).some((row) => row.value === entry.value),
    ) && lost.every((row) => GLIBC_LABEL_DEPARTURES.some((entry) => isEntryRow(row, entry)))
  );
}

function tableReplacementFindings(table: EffectiveTable): Finding[] {
  const lost = droppedBuiltinRows(table);
  if (lost.length === 0 || isDeliberateRfc3484Labels(table, lost)) return [];
  const lines = tableFileRows(table);
  const changes = lost.map(
    (row) => `${rowPrefixText(row)} now ${lookupRow(table, row.bytes).value} (was ${row.value})`,
  );
  const count =
    lines.count === 1 ? `This ${table.kind} line replaces` : `These ${lines.count} ${table.kind} lines replace`;
  // The first change fits a problems list; the hover lists every one.
  const shown = changes.length === 1 ? changes[0] : `${changes[0]} and ${changes.length - 1} more`;
  const message = `${count} glibc's whole ${table.kind} table: ${shown}. Add the built-in rows to keep them.`;
  const detail = `One valid ${table.kind} line replaces glibc's whole built-in ${table.kind} table; glibc adds back only a catch-all row. Built-in rows no longer in effect: ${changes.join(', ')}.`;
  return [{ code: 'table-replaced', ...spanOfLine(lines.first!), message, detail }];
}

const SHADOW_DETAIL =
  'glibc looks an address up row by row, longest prefixes first and file order among equal lengths, and stops at the first row that matches: a later row with the same prefix is never read. A zero-length row (::/0, scopev4 0.0.0.0/0) matches every address.';

/** Rows no lookup ever reaches because an earlier row has the same prefix: a repeat, or a value never used. */
function shadowedRowFindings(table: EffectiveTable): readonly Finding[] {
  return [...shadowedByPrefix(table).values()].flat();
}

/** The findings about the rows after the first of each prefix, by prefix key; kept per table. */
const shadowedOf = new WeakMap<EffectiveTable, ReadonlyMap<string, readonly Finding[]>>();

/**
 * For a patched table, the previous table's findings with only the prefixes of the rows that left
 * or joined it worked out again: the others have the same rows, on the same lines.
 */
function shadowedByPrefix(table: EffectiveTable): ReadonlyMap<string, readonly Finding[]> {
  let known = shadowedOf.get(table);
  if (known) return known;
  const patch = tablePatch(table);
  const before = patch && shadowedOf.get(patch.before);
  const byPrefix = new Map<string, readonly Finding[]>();
  if (patch && before) {
    for (const [key, findings] of before) byPrefix.set(key, findings);
    for (const row of [...patch.removed, ...patch.added]) {
      const rows = rowsWithPrefix(table, row.bytes, row.bits);
      const key = prefixKey(row.bytes, row.bits);
      if (rows.length > 1) byPrefix.set(key, shadowedRows(table, rows));
      else byPrefix.delete(key);
    }
  } else {
    for (const [key, rows] of repeatedPrefixes(table)) byPrefix.set(key, shadowedRows(table, rows));
  }
  shadowedOf.set(table, (known = byPrefix));
  return known;
}

/** Rows of one prefix in lookup order: every row after the first is never reached, a repeat, or a value never used. */
function shadowedRows(table: EffectiveTable, rows: readonly TableRow[]): Finding[] {
  const earlier = rows[0];
  const findings: Finding[] = [];
  for (const row of rows.slice(1)) {
    const line = fileLine(row);
    if (!line) continue;
    const where = earlier.origin.kind === 'file' ? rowOriginText(earlier) : `the ${rowOriginText(earlier)} row`;
    const stop = deadBehind(table, row);
    findings.push(
      stop
        ? {
            code: 'shadowed-row',
            ...spanOfLine(line),
            message: `Never reached: ${where} (${rowPrefixText(stop)} ${table.kind} ${stop.value}) matches every address and glibc stops there. Remove this row.`,
            detail: SHADOW_DETAIL,
          }
        : earlier.value === row.value
          ? {
              code: 'duplicate-row',
              ...spanOfLine(line),
              message: `Repeats ${where}: ${rowPrefixText(earlier)} already has ${table.kind} ${earlier.value}.`,
            }
          : {
              code: 'shadowed-row',
              ...spanOfLine(line),
              message: `Never used: ${where} already gives ${rowPrefixText(earlier)} ${table.kind} ${earlier.value}. Put ${row.value} there, or remove this row.`,
              detail: SHADOW_DETAIL,
            },
    );
  }
  return findings;
}

/** Beyond this many rows a table is not checked row by row for rows without effect (the check is quadratic). */
const ROW_EFFECT_LIMIT = 256;

/**
 * Rows whose addresses would get the same value without them: the next matching row (the first
 * shorter prefix that holds this one) gives the same. A catch-all that restates glibc's implicit
 * one documents the table and is left alone.
 */
function rowWithoutEffectFindings(table: EffectiveTable): Finding[] {
  const count = tableFileRows(table).count;
  if (count < 2 || count > ROW_EFFECT_LIMIT) return [];
  const fileRows = table.rows.filter((row) => row.origin.kind === 'file');
  if (fileRows.length < 2 || fileRows.length > ROW_EFFECT_LIMIT) return [];
  const seen = new Set<string>();
  return fileRows.flatMap((row) => {
    const key = prefixKey(row.bytes, row.bits);
    const first = !seen.has(key);
    seen.add(key);
    // A catch-all, or a row at a built-in row's prefix, says what that prefix gets: worth keeping.
    if (
      !first ||
      row.bits === catchAllBits(table.kind) ||
      builtinTable(table.kind).rows.some((b) => b.bits === row.bits && prefixKey(b.bytes, b.bits) === key)
    )
      return [];
    const next = lookupRowShorterThan(table, row.bytes, row.bits);
    if (!next || next.value !== row.value) return [];
    const line = fileLine(row)!;
    return [
      {
        code: 'row-without-effect' as const,
        ...spanOfLine(line),
        message: `No effect: without this row, ${rowPrefixText(row)} would get ${table.kind} ${next.value} anyway, from ${next.origin.kind === 'file' ? rowOriginText(next) : `the ${rowOriginText(next)} row`} ${rowPrefixText(next)}.`,
      },
    ];
  });
}

function catchAllBits(kind: EffectiveTable['kind']): number {
  return kind === 'scopev4' ? 96 : 0;
}

/** Beyond this many rows a replaced table cannot restate a built-in one of at most eight rows, and is not compared. */
const RESTATEMENT_LIMIT = 64;

/** A file whose active rows leave glibc with its built-in tables: whatever it was for, it changes nothing. */
function fileChangesNothingFindings(tables: EffectiveTables): Finding[] {
  const kinds = (['label', 'precedence', 'scopev4'] as const).filter((kind) => tables[kind].source === 'file');
  if (kinds.length === 0) return [];
  const restated = kinds.every(
    (kind) => tables[kind].rows.length <= RESTATEMENT_LIMIT && sameLookups(tables[kind], builtinTable(kind)),
  );
  if (!restated) return [];
  const lines = kinds.flatMap((kind) => tableFileLines(tables[kind])).sort((a, b) => a.index - b.index);
  const rows = `${lines.length} active row${lines.length === 1 ? '' : 's'}`;
  const message = `The ${rows} restate${lines.length === 1 ? 's' : ''} glibc's built-in ${kinds.join(', ')} table${kinds.length === 1 ? '' : 's'}: no address order changes. Change a value, or comment the rows out.`;
  const detail = `Every address gets the ${kinds.join(', ')} values it had without this file. To make ULA hosts prefer IPv6 or every host prefer IPv4, the rows must differ from the built-in ones.`;
  return [{ code: 'file-changes-nothing', ...spanOfLine(lines[0]), message, detail }];
}

/**
 * The findings about one table depend on nothing else, and an edit that leaves a kind's rows alone
 * keeps its table (buildEffectiveTables): they are worked out once per table.
 */
const findingsOfTable = new WeakMap<EffectiveTable, readonly Finding[]>();

function oneTableFindings(table: EffectiveTable): readonly Finding[] {
  let findings = findingsOfTable.get(table);
  if (!findings) {
    findings = [...tableReplacementFindings(table), ...shadowedRowFindings(table), ...rowWithoutEffectFindings(table)];
    findingsOfTable.set(table, findings);
  }
  return findings;
}

export function tableFindings(tables: EffectiveTables): Finding[] {
  return [
    ...(['label', 'precedence', 'scopev4'] as const).flatMap((kind) => oneTableFindings(tables[kind])),
    ...fileChangesNothingFindings(tables),
  ];
}
