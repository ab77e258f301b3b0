import { Analysis, analyzeGaiConf } from '../../analysis/analysis';
import { describeGlibcVersion } from '../../analysis/glibcDescription';
import { rowOriginText } from '../../analysis/rows';
import { EffectiveTable, deadBehind, rowPrefixText } from '../../glibc/tables';
import { GlibcVersion, glibcVersionText } from '../../glibc/versions';
import { DEFAULT_FILE, Output, ParsedArguments, UsageError, glibcFor, readConfig } from '../arguments';

function tableJson(table: EffectiveTable) {
  return {
    source: table.source,
    rows: table.rows.map((row) => ({
      prefix: rowPrefixText(row),
      value: row.value,
      line: row.origin.kind === 'file' ? row.origin.line.index + 1 : null,
      origin: row.origin.kind,
      // After the table's first catch-all: glibc's lookup never gets there.
      reached: deadBehind(table, row) === undefined,
    })),
  };
}

function tablesJson(analysis: Analysis, glibc: GlibcVersion) {
  const { tables } = analysis;
  return {
    glibc: glibcVersionText(glibc),
    label: tableJson(tables.label),
    precedence: tableJson(tables.precedence),
    scopev4: tableJson(tables.scopev4),
    reload: tables.reload,
    crash: tables.crash ? { line: tables.crash.index + 1 } : null,
  };
}

export function table(args: ParsedArguments, output: Output): number {
  if (args.positional.length > 1) throw new UsageError('table takes one file');
  const file = args.positional[0] ?? DEFAULT_FILE;
  const glibc = glibcFor(args);
  const analysis = analyzeGaiConf(readConfig(file), { glibc });
  if (args.json) {
    output.out(JSON.stringify(tablesJson(analysis, glibc), null, 2));
    return 0;
  }
  output.out(`${file}: tables as ${describeGlibcVersion(glibc)} holds them, in lookup order`);
  if (analysis.tables.crash) output.out(`Every program crashes at its first lookup with several answers, because of line ${analysis.tables.crash.index + 1}.`);
  for (const kind of ['label', 'precedence', 'scopev4'] as const) {
    const t = analysis.tables[kind];
    output.out('');
    output.out(`${kind} (${t.source === 'builtin' ? "glibc's built-in table" : 'replaced by this file'})`);
    for (const row of t.rows) {
      const stop = deadBehind(t, row);
      const dead = stop ? `   never reached: lookups stop at the catch-all ${rowPrefixText(stop)} (${rowOriginText(stop)})` : '';
      output.out(`  ${rowPrefixText(row).padEnd(24)} ${String(row.value).padStart(10)}   ${rowOriginText(row)}${dead}`);
    }
  }
  output.out('');
  output.out(`reload: ${analysis.tables.reload ? 'yes' : 'no'}`);
  return 0;
}

