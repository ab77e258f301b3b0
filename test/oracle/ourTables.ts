/** The tables our model builds, in the shape the gdb oracle reads glibc's (see glibcTables.ts). */
import { bytesToHex } from '../../server/src/glibc/addresses';
import { EffectiveTable, EffectiveTables } from '../../server/src/glibc/tables';
import { GlibcTables } from './glibcTables';

function rowsOf(table: EffectiveTable) {
  if (table.source === 'builtin') return 'builtin' as const;
  return table.rows.map((row) =>
    table.kind === 'scopev4'
      ? { bytes: bytesToHex(row.bytes.slice(12)), bits: row.bits - 96, value: row.value }
      : { bytes: bytesToHex(row.bytes), bits: row.bits, value: row.value },
  );
}

export function ourReading(tables: EffectiveTables): GlibcTables {
  if (tables.crash) return { outcome: 'crash', detail: `line ${tables.crash.index + 1}` };
  return {
    outcome: 'tables',
    label: rowsOf(tables.label),
    precedence: rowsOf(tables.precedence),
    scopev4: rowsOf(tables.scopev4),
    reload: tables.reload,
  };
}
