import { Analysis, analyzeGaiConf } from '../../analysis/analysis';
import { describeGlibcVersion } from '../../analysis/glibcDescription';
import { rowOriginText } from '../../analysis/rows';
import { kernelLabelsReport } from '../../features/kernelLabels';
import { exportRefusal, exportTables } from '../../features/tablesFile';
import { deadBehind, EffectiveTable, rowPrefixText } from '../../glibc/tables';
import { GlibcVersion, glibcVersionText } from '../../glibc/versions';
import { KernelLabelsReading, readKernelAddressLabels } from '../../system/addressLabels';
import { DEFAULT_FILE, glibcFor, InputError, Output, ParsedArguments, readConfig, UsageError } from '../arguments';
import { writeOrPrint } from './preset';

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

/** The kernel's table beside glibc's label table: the kernel's decides the source, glibc's sorts with it. */
function kernelLabelLines(reading: KernelLabelsReading): string[] {
  const report = kernelLabelsReport(reading);
  if ('error' in report) return ['', `kernel address labels: ${report.error}.`];
  const lines = [
    '',
    `kernel address labels (${report.command}; ${report.isDefault ? "Linux's defaults" : "not Linux's defaults"}): the kernel picks the IPv6 source with them, glibc then sorts with its own label table above`,
  ];
  for (const row of report.rows)
    lines.push(
      `  ${row.prefix.padEnd(24)} ${String(row.label).padStart(10)}${row.interface ? `   dev ${row.interface}` : ''}`,
    );
  return lines;
}

export function table(args: ParsedArguments, output: Output): number {
  if (args.positional.length > 1) throw new UsageError('table takes one file');
  const file = args.positional[0] ?? DEFAULT_FILE;
  const glibc = glibcFor(args);
  const analysis = analyzeGaiConf(readConfig(file), { glibc });
  if (args.format !== undefined && args.format !== 'gai.conf' && args.format !== 'text' && args.format !== 'json') {
    throw new UsageError(`table --format takes text, json or gai.conf, not "${args.format}"`);
  }
  if (args.format === 'gai.conf') {
    if (args.kernelLabels)
      throw new UsageError(
        "--kernel-labels lists the kernel's table, which gai.conf cannot hold: use it without --format gai.conf",
      );
    const refusal = exportRefusal(analysis);
    if (refusal) throw new InputError(`${file}: ${refusal}`);
    const exported = exportTables(analysis, file, describeGlibcVersion(glibc));
    for (const warning of exported.warnings) output.err(`gai-conf: warning: ${warning}`);
    return writeOrPrint(args, output, exported.text, `the tables of ${file}`);
  }
  if (args.output !== undefined) throw new UsageError('--output writes the file of --format gai.conf only');
  const kernel = args.kernelLabels ? readKernelAddressLabels() : undefined;
  if (args.json || args.format === 'json') {
    output.out(
      JSON.stringify(
        { ...tablesJson(analysis, glibc), ...(kernel ? { kernelLabels: kernelLabelsReport(kernel) } : {}) },
        null,
        2,
      ),
    );
    return 0;
  }
  output.out(`${file}: tables as ${describeGlibcVersion(glibc)} holds them, in lookup order`);
  if (analysis.tables.crash)
    output.out(
      `Every program crashes at its first lookup with several answers, because of line ${analysis.tables.crash.index + 1}.`,
    );
  for (const kind of ['label', 'precedence', 'scopev4'] as const) {
    const t = analysis.tables[kind];
    output.out('');
    output.out(`${kind} (${t.source === 'builtin' ? "glibc's built-in table" : 'replaced by this file'})`);
    for (const row of t.rows) {
      const stop = deadBehind(t, row);
      const dead = stop
        ? `   never reached: lookups stop at the catch-all ${rowPrefixText(stop)} (${rowOriginText(stop)})`
        : '';
      output.out(`  ${rowPrefixText(row).padEnd(24)} ${String(row.value).padStart(10)}   ${rowOriginText(row)}${dead}`);
    }
  }
  output.out('');
  output.out(`reload: ${analysis.tables.reload ? 'yes' : 'no'}`);
  if (kernel) for (const line of kernelLabelLines(kernel)) output.out(line);
  return 0;
}
