/**
 * The three tables glibc holds after reading a file: a kind with at least one valid line replaces
 * the built-in table of that kind, gets a catch-all row appended unless it has a zero-length
 * prefix, and is sorted longest prefix first, keeping file order among equal lengths.
 */

import {
  Bytes16,
  ipv4Text,
  ipv4ToMapped,
  ipv6TextForPeople,
  maskBytes,
  parseIpv4Bytes,
  parseIpv6Bytes,
  prefixContains,
  prefixKey,
} from './addresses';
import {
  GLIBC_DEFAULT_LABELS,
  GLIBC_DEFAULT_PRECEDENCE,
  GLIBC_DEFAULT_SCOPEV4,
  IMPLICIT_CATCH_ALL,
  PrefixTableEntry,
  Scopev4TableEntry,
  TableKind,
} from './builtinTables';
import { ChangedLines, changedLines, changedLineWhere } from './lineChanges';
import { ParsedFile, ParsedLine } from './reader';
import { GlibcVersion } from './versions';

export type RowOrigin =
  { readonly kind: 'builtin' } | { readonly kind: 'implicit' } | { readonly kind: 'file'; readonly line: ParsedLine };

export interface TableRow {
  readonly table: TableKind;
  /** label/precedence: as written; scopev4: the masked v4-mapped network. */
  readonly bytes: Bytes16;
  /** label/precedence 0..128; scopev4 in v4-mapped form, 96..128. */
  readonly bits: number;
  readonly value: number;
  readonly origin: RowOrigin;
}

export interface EffectiveTable {
  readonly kind: TableKind;
  readonly source: 'builtin' | 'file';
  /** In glibc's lookup order: the first row whose prefix matches decides. */
  readonly rows: readonly TableRow[];
}

export interface EffectiveTables {
  readonly glibc: GlibcVersion;
  readonly label: EffectiveTable;
  readonly precedence: EffectiveTable;
  readonly scopev4: EffectiveTable;
  readonly reload: boolean;
  /** A line that makes every program crash before any table matters (glibc up to 2.40). */
  readonly crash?: ParsedLine;
}

const BUILTIN: { readonly kind: 'builtin' } = { kind: 'builtin' };
const IMPLICIT: { readonly kind: 'implicit' } = { kind: 'implicit' };

function prefixEntryRow(table: 'label' | 'precedence', entry: PrefixTableEntry, origin: RowOrigin): TableRow {
  return { table, bytes: parseIpv6Bytes(entry.prefix)!, bits: entry.bits, value: entry.value, origin };
}

function scopeEntryRow(entry: Scopev4TableEntry, origin: RowOrigin): TableRow {
  return {
    table: 'scopev4',
    bytes: ipv4ToMapped(parseIpv4Bytes(entry.network)!),
    bits: entry.bits + 96,
    value: entry.value,
    origin,
  };
}

/** Rows of a built-in table, in lookup order. */
export function builtinRows(kind: TableKind): TableRow[] {
  if (kind === 'scopev4') return GLIBC_DEFAULT_SCOPEV4.map((e) => scopeEntryRow(e, BUILTIN));
  const entries = kind === 'label' ? GLIBC_DEFAULT_LABELS : GLIBC_DEFAULT_PRECEDENCE;
  return entries.map((e) => prefixEntryRow(kind, e, BUILTIN));
}

const BUILTIN_TABLES = new Map<TableKind, EffectiveTable>();

/** A built-in table as glibc holds it when a file has no valid line of its kind (one object per kind, so its lookup index is built once). */
export function builtinTable(kind: TableKind): EffectiveTable {
  let table = BUILTIN_TABLES.get(kind);
  if (!table) BUILTIN_TABLES.set(kind, (table = { kind, source: 'builtin', rows: builtinRows(kind) }));
  return table;
}

/** The length of a prefix that covers every address of the table's domain. */
function catchAllBits(kind: TableKind): number {
  return kind === 'scopev4' ? 96 : 0;
}

/** The zero-length row glibc appends to a table of the file's that has none. */
function implicitCatchAll(kind: TableKind): TableRow {
  return {
    table: kind,
    bytes: kind === 'scopev4' ? ipv4ToMapped(new Uint8Array(4)) : new Uint8Array(16),
    bits: catchAllBits(kind),
    value: IMPLICIT_CATCH_ALL[kind],
    origin: IMPLICIT,
  };
}

function fileRow(line: ParsedLine & { readonly fate: { readonly kind: 'row' } }): TableRow {
  // Written out rather than spread: V8 gave every spread copy a hidden class of its own
  // (40,000 of them, 9 MB, for a file of 100,000 lines).
  const { table, bytes, bits, value } = line.fate.row;
  return { table, bytes, bits, value, origin: { kind: 'file', line } };
}

function rowOf(line: ParsedLine, kind: TableKind): TableRow | undefined {
  return line.fate.kind === 'row' && line.fate.row.table === kind
    ? fileRow(line as Parameters<typeof fileRow>[0])
    : undefined;
}

/** The table of a kind from the file's rows in lookup order: the built-in one without any, else with a catch-all. */
function tableOfRows(kind: TableKind, rows: TableRow[]): EffectiveTable {
  if (rows.length === 0) return builtinTable(kind);
  // The catch-all length is the shortest a kind has: a catch-all row is the last one.
  if (rows[rows.length - 1].bits !== catchAllBits(kind)) rows.push(implicitCatchAll(kind));
  return { kind, source: 'file', rows };
}

function buildTable(kind: TableKind, parsed: ParsedFile): EffectiveTable {
  const rows: TableRow[] = [];
  const lines = parsed.lines;
  for (let i = 0; i < lines.length; i++) {
    const row = rowOf(lines[i], kind);
    if (row) rows.push(row);
  }
  // Array.prototype.sort is stable, as glibc's merge-sorting qsort is for these tables.
  rows.sort((a, b) => b.bits - a.bits);
  return tableOfRows(kind, rows);
}

/** Beyond this many rows on the changed lines, a table is built again rather than patched. */
const MOST_ROWS_PATCHED = 16;

/** A patched table's previous version and the rows that left and joined it: its index is the previous one patched. */
const patchedFrom = new WeakMap<
  EffectiveTable,
  { readonly before: EffectiveTable; readonly removed: readonly TableRow[]; readonly added: readonly TableRow[] }
>();

/**
 * The previous table with the rows of the changed lines taken out and those of the new lines put
 * in at their place in lookup order (longest first, file order among equal lengths): the rows of
 * kept lines stay the same objects, and no sort runs over the whole table.
 */
function patchedTable(
  kind: TableKind,
  before: EffectiveTable,
  lines: readonly ParsedLine[],
  changed: ChangedLines,
): EffectiveTable | undefined {
  const added: TableRow[] = [];
  for (let i = changed.head; i < changed.newEnd; i++) {
    const row = rowOf(lines[i], kind);
    if (row && added.push(row) > MOST_ROWS_PATCHED) return undefined;
  }
  const removed: TableRow[] = [];
  const rows: TableRow[] = [];
  for (const row of before.rows) {
    // Kept lines after the changed ones are the same objects only when nothing moved: same index.
    const index = fileLineIndex(row);
    if (row.origin.kind === 'file' && (index < changed.head || index >= changed.oldEnd)) rows.push(row);
    else removed.push(row);
  }
  for (const row of added) {
    const index = (row.origin as { readonly line: ParsedLine }).line.index;
    let low = 0;
    let high = rows.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      const other = rows[mid];
      const before = other.bits > row.bits || (other.bits === row.bits && fileLineIndex(other) < index);
      if (before) low = mid + 1;
      else high = mid;
    }
    rows.splice(low, 0, row);
  }
  const table = tableOfRows(kind, rows);
  if (table.source === 'file' && before.source === 'file') {
    const implicit = table.rows[table.rows.length - 1];
    if (implicit.origin.kind === 'implicit') added.push(implicit);
    patchedFrom.set(table, { before, removed, added });
  }
  return table;
}

function fileLineIndex(row: TableRow): number {
  return row.origin.kind === 'file' ? row.origin.line.index : Infinity;
}

function isCrash(line: ParsedLine): boolean {
  return line.fate.kind === 'undefined' && line.fate.crash;
}

/** An earlier version of the same document read with the same glibc, and its tables. */
export interface PreviousTables {
  readonly parsed: ParsedFile;
  readonly tables: EffectiveTables;
}

/**
 * The tables of a reading. With `previous`, a table whose rows the edit left alone (no row of its
 * kind among the changed lines, the other lines the same objects) is the previous one, with the
 * lookup index and the findings worked out for it.
 */
export function buildEffectiveTables(parsed: ParsedFile, previous?: PreviousTables): EffectiveTables {
  const changed = previous && changedLines(previous.parsed.lines, parsed.lines);
  const table = (kind: TableKind): EffectiveTable => {
    if (!previous || !changed) return buildTable(kind, parsed);
    const touched = changedLineWhere(
      previous.parsed.lines,
      parsed.lines,
      changed,
      (line) => line.fate.kind === 'row' && line.fate.row.table === kind,
    );
    if (!touched) return previous.tables[kind];
    return patchedTable(kind, previous.tables[kind], parsed.lines, changed) ?? buildTable(kind, parsed);
  };
  const crashKept = previous && changed && !changedLineWhere(previous.parsed.lines, parsed.lines, changed, isCrash);
  return {
    glibc: parsed.glibc,
    label: table('label'),
    precedence: table('precedence'),
    scopev4: table('scopev4'),
    reload: parsed.reload,
    crash: crashKept ? previous.tables.crash : parsed.lines.find(isCrash),
  };
}

/**
 * The row glibc's lookup stops at for every address: the first zero-length row (`::/0`, scopev4
 * `0.0.0.0/0`), which matches everything. Rows are longest first, so the rows after it are the
 * other zero-length rows, which no lookup ever reaches.
 */
export function firstCatchAll(table: EffectiveTable): TableRow | undefined {
  // Every catch-all of a kind has the same key (no bits of its prefix count, or scopev4's ::ffff:0:0/96).
  return indexOf(table)
    .find((length) => length.bits === catchAllBits(table.kind))
    ?.first.values()
    .next().value;
}

/** The row that makes `row` dead (a catch-all before it), or undefined when lookups can reach it. */
export function deadBehind(table: EffectiveTable, row: TableRow): TableRow | undefined {
  if (row.bits !== catchAllBits(table.kind)) return undefined;
  // Rows are longest first and a catch-all is as short as a row of its kind gets: the rows after
  // the first catch-all are exactly the other catch-alls.
  const stop = firstCatchAll(table);
  return stop && row !== stop ? stop : undefined;
}

/** The lines of a table's rows from the file, in document order. */
export function tableFileLines(table: EffectiveTable): ParsedLine[] {
  const lines: ParsedLine[] = [];
  for (const row of table.rows) if (row.origin.kind === 'file') lines.push(row.origin.line);
  return lines.sort((a, b) => a.index - b.index);
}

const fileRowsOf = new WeakMap<EffectiveTable, { readonly first?: ParsedLine; readonly count: number }>();

/**
 * The first line of the file that gives a table a row, and how many do. For a patched table,
 * worked out from the previous table's answer and the rows that changed.
 */
export function tableFileRows(table: EffectiveTable): { readonly first?: ParsedLine; readonly count: number } {
  let known = fileRowsOf.get(table);
  if (known) return known;
  const patch = patchedFrom.get(table);
  const before = patch && fileRowsOf.get(patch.before);
  if (patch && before && !(before.first && patch.removed.some((row) => fileLine(row) === before.first))) {
    let { first, count } = before;
    for (const row of patch.removed) if (row.origin.kind === 'file') count--;
    for (const row of patch.added) {
      const line = fileLine(row);
      if (!line) continue;
      count++;
      if (!first || line.index < first.index) first = line;
    }
    known = { first, count };
  } else {
    let first: ParsedLine | undefined;
    let count = 0;
    const rows = table.rows;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      if (row.origin.kind !== 'file') continue;
      count++;
      if (!first || row.origin.line.index < first.index) first = row.origin.line;
    }
    known = { first, count };
  }
  fileRowsOf.set(table, known);
  return known;
}

function fileLine(row: TableRow): ParsedLine | undefined {
  return row.origin.kind === 'file' ? row.origin.line : undefined;
}

/** Built-in rows a replaced table no longer has (no row of the same length covering the prefix). */
export function droppedBuiltinRows(table: EffectiveTable): TableRow[] {
  if (table.source === 'builtin') return [];
  // A row of the same length covers the built-in prefix exactly when it has the same key: one
  // look in the index per built-in row, not a scan of the file's rows.
  return builtinTable(table.kind).rows.filter(
    (builtin) => rowsWithPrefix(table, builtin.bytes, builtin.bits).length === 0,
  );
}

/**
 * The table without the row of one line: what glibc would hold if that line were gone. Built from
 * the table's own rows (already in lookup order) rather than by reading the file again.
 */
export function tableWithout(table: EffectiveTable, line: ParsedLine): EffectiveTable {
  if (!table.rows.some((row) => row.origin.kind === 'file' && row.origin.line === line)) return table;
  const rows = table.rows.filter((row) => row.origin.kind === 'file' && row.origin.line !== line);
  if (rows.length === 0) return builtinTable(table.kind);
  if (!rows.some((row) => row.bits === catchAllBits(table.kind))) rows.push(implicitCatchAll(table.kind));
  return { kind: table.kind, source: 'file', rows };
}

/**
 * Per prefix length, longest first: the first row of that length for each prefix it covers, and
 * for the prefixes that have more than one row, all of them in lookup order (most have one: a
 * list per prefix would be thousands of arrays for a long file).
 */
interface LengthIndex {
  readonly bits: number;
  readonly first: ReadonlyMap<string, TableRow>;
  readonly repeated: ReadonlyMap<string, readonly TableRow[]>;
}
type RowIndex = readonly LengthIndex[];

const indexes = new WeakMap<EffectiveTable, RowIndex>();

/**
 * Finding the first matching row by scanning made every lookup linear in the file's rows, and the
 * analysis makes many; a table is indexed once, on first lookup, by prefix length and prefix.
 */
function indexOf(table: EffectiveTable): RowIndex {
  let index = indexes.get(table);
  if (!index) {
    const patch = patchedFrom.get(table);
    const before = patch && indexes.get(patch.before);
    index = patch && before ? patchedIndex(before, patch.removed, patch.added) : builtIndex(table);
    indexes.set(table, index);
  }
  return index;
}

function builtIndex(table: EffectiveTable): RowIndex {
  const byLength = new Map<number, { bits: number; first: Map<string, TableRow>; repeated: Map<string, TableRow[]> }>();
  const rows = table.rows;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    let length = byLength.get(row.bits);
    if (!length) byLength.set(row.bits, (length = { bits: row.bits, first: new Map(), repeated: new Map() }));
    const key = prefixKey(row.bytes, row.bits);
    const first = length.first.get(key);
    if (!first) length.first.set(key, row);
    else {
      const repeated = length.repeated.get(key);
      if (repeated) repeated.push(row);
      else length.repeated.set(key, [first, row]);
    }
  }
  return [...byLength.values()].sort((a, b) => b.bits - a.bits);
}

/**
 * The index of a patched table from its previous version's: only the maps of the lengths whose
 * rows changed are copied, and only the prefixes that changed are written again.
 */
function patchedIndex(before: RowIndex, removed: readonly TableRow[], added: readonly TableRow[]): RowIndex {
  const byLength = new Map(before.map((length) => [length.bits, length]));
  const copied = new Map<
    number,
    { bits: number; first: Map<string, TableRow>; repeated: Map<string, readonly TableRow[]> }
  >();
  const lengthOf = (bits: number) => {
    let length = copied.get(bits);
    if (!length) {
      const old = byLength.get(bits);
      copied.set(bits, (length = { bits, first: new Map(old?.first), repeated: new Map(old?.repeated) }));
      byLength.set(bits, length);
    }
    return length;
  };
  const write = (bits: number, key: string, rows: readonly TableRow[]) => {
    const length = lengthOf(bits);
    if (rows.length === 0) length.first.delete(key);
    else length.first.set(key, rows[0]);
    if (rows.length > 1) length.repeated.set(key, rows);
    else length.repeated.delete(key);
  };
  const rowsOf = (bits: number, key: string): readonly TableRow[] => {
    const length = copied.get(bits) ?? byLength.get(bits);
    const first = length?.first.get(key);
    return length?.repeated.get(key) ?? (first ? [first] : []);
  };
  for (const row of removed) {
    const key = prefixKey(row.bytes, row.bits);
    write(
      row.bits,
      key,
      rowsOf(row.bits, key).filter((other) => other !== row),
    );
  }
  for (const row of added) {
    const key = prefixKey(row.bytes, row.bits);
    // Among rows of one length, lookup order is file order (an implicit catch-all comes last).
    write(
      row.bits,
      key,
      [...rowsOf(row.bits, key), row].sort((a, b) => fileLineIndex(a) - fileLineIndex(b)),
    );
  }
  for (const [bits, length] of copied) if (length.first.size === 0) byLength.delete(bits);
  return [...byLength.values()].sort((a, b) => b.bits - a.bits);
}

/** The rows of a table with exactly this prefix and length, in lookup order: the first decides, the others are never reached. */
export function rowsWithPrefix(table: EffectiveTable, bytes: Bytes16, bits: number): readonly TableRow[] {
  const length = indexOf(table).find((l) => l.bits === bits);
  const key = prefixKey(bytes, bits);
  const first = length?.first.get(key);
  return length?.repeated.get(key) ?? (first ? [first] : []);
}

/** The prefixes with more than one row, each with its rows in lookup order. */
export function repeatedPrefixes(table: EffectiveTable): [string, readonly TableRow[]][] {
  return indexOf(table).flatMap((length) => [...length.repeated]);
}

/** The table a patched table was made from, and the rows that left it and joined it. */
export function tablePatch(
  table: EffectiveTable,
):
  | { readonly before: EffectiveTable; readonly removed: readonly TableRow[]; readonly added: readonly TableRow[] }
  | undefined {
  return patchedFrom.get(table);
}

/** The row glibc's lookup stops at for an address (IPv4 given in v4-mapped form). */
export function lookupRow(table: EffectiveTable, bytes: Bytes16): TableRow {
  for (const { bits, first } of indexOf(table)) {
    const row = first.get(prefixKey(bytes, bits));
    if (row) return row;
  }
  // Unreachable for tables built here: every table ends in a zero-length prefix.
  throw new Error(`no ${table.kind} row matches`);
}

/**
 * The row a lookup would stop at if no row of `bits` bits or longer existed: what takes over for
 * the addresses of a row of that length when the row is removed.
 */
export function lookupRowShorterThan(table: EffectiveTable, bytes: Bytes16, bits: number): TableRow | undefined {
  for (const { bits: length, first } of indexOf(table)) {
    if (length >= bits) continue;
    const row = first.get(prefixKey(bytes, length));
    if (row) return row;
  }
  return undefined;
}

/** An address inside a prefix that no longer prefix of `others` holds, if there is one easily found. */
function representative(
  bytes: Bytes16,
  bits: number,
  others: readonly Pick<TableRow, 'bytes' | 'bits'>[],
): Bytes16 | undefined {
  const inner = others.filter((o) => o.bits > bits && prefixContains(bytes, bits, o.bytes));
  const base = maskBytes(bytes, bits);
  const free = (candidate: Bytes16) => !inner.some((o) => prefixContains(o.bytes, o.bits, candidate));
  if (free(base)) return base;
  for (let bit = 127; bit >= bits; bit--) {
    const candidate = Uint8Array.from(base);
    candidate[bit >> 3] |= 0x80 >> (bit & 7);
    if (free(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Whether two tables of a kind give every address the same value. Both are constant on the
 * pieces their prefixes cut the address space into, so one address per piece decides.
 */
export function sameLookups(a: EffectiveTable, b: EffectiveTable): boolean {
  const prefixes = [...a.rows, ...b.rows];
  return prefixes.every((row) => {
    const address = representative(row.bytes, row.bits, prefixes);
    return address === undefined || lookupRow(a, address).value === lookupRow(b, address).value;
  });
}

/** "fc00::/7" for label and precedence rows; "169.254.0.0/16" for scopev4 rows. */
export function rowPrefixText(row: Pick<TableRow, 'table' | 'bytes' | 'bits'>): string {
  if (row.table === 'scopev4') return `${ipv4Text(row.bytes)}/${row.bits - 96}`;
  return `${ipv6TextForPeople(row.bytes)}/${row.bits}`;
}
