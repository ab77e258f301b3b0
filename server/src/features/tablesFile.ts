/**
 * Whole policies written as gai.conf files: the tables glibc holds for a file, exported in the
 * syntax it reads (as FreeBSD's `ip6addrctl` prints its policy), and the presets. A table glibc
 * keeps built-in is written as commented-out rows, since one active row would replace it; a
 * replaced table is written row by row in glibc's lookup order, the implicit catch-all included,
 * so that glibc reads the written file into the same arrays.
 */

import { Analysis } from '../analysis/analysis';
import { Preset } from '../analysis/reference/presets';
import { rowOriginText } from '../analysis/rows';
import { TableKind } from '../glibc/builtinTables';
import { parseGaiConf } from '../glibc/reader';
import { builtinRows, deadBehind, EffectiveTable, rowPrefixText, TableRow } from '../glibc/tables';
import { GlibcVersion } from '../glibc/versions';
import { applyEdits, rowLine } from './codeActions/edits';
import { formatEdits } from './formatting';

const KINDS: readonly TableKind[] = ['label', 'precedence', 'scopev4'];
const COMMENT_WIDTH = 98;

/** Prefix text glibc reads back into the same bytes: host bits as held, scopev4 as an IPv4 network. */
function rowText(row: TableRow): string {
  return rowLine(row.table, rowPrefixText(row), row.value);
}

/** A paragraph as comment lines of at most COMMENT_WIDTH characters. */
export function commentLines(paragraph: string): string[] {
  const lines: string[] = [];
  let line = '#';
  for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
    if (line.length > 1 && line.length + 1 + word.length > COMMENT_WIDTH) {
      lines.push(line);
      line = '#';
    }
    line += ` ${word}`;
  }
  if (line.length > 1) lines.push(line);
  return lines;
}

function builtinSection(kind: TableKind): string[] {
  return [
    `# ${kind}: glibc's built-in table, kept because no ${kind} line is active (an active one would replace it whole):`,
    ...builtinRows(kind).map((row) => `#${rowText(row)}`),
  ];
}

function exportedRow(table: EffectiveTable, row: TableRow, fileName: string): string {
  const origin =
    row.origin.kind === 'file'
      ? `${fileName} line ${row.origin.line.index + 1}`
      : row.origin.kind === 'implicit'
        ? 'implicit: the catch-all glibc appends to a replaced table'
        : rowOriginText(row);
  const stop = deadBehind(table, row);
  const reached = stop ? `; never reached: lookups stop at ${rowPrefixText(stop)}` : '';
  return `${rowText(row)}  # ${origin}${reached}`;
}

/** Lines written as the formatter writes them, so that formatting the file changes nothing. */
function formatted(lines: readonly string[], glibc: GlibcVersion): string {
  const text = `${lines.join('\n')}\n`;
  return applyEdits(text, formatEdits(parseGaiConf(text, { glibc })));
}

export interface ExportedFile {
  readonly text: string;
  /** What the reader must know: lines whose reading is undefined on this glibc. */
  readonly warnings: readonly string[];
}

/** Why a file's tables cannot be exported: glibc crashes before it holds any (null when they can). */
export function exportRefusal(analysis: Analysis): string | null {
  const crash = analysis.tables.crash;
  return crash
    ? `line ${crash.index + 1} makes every program crash at its first lookup with several answers on this glibc: there are no tables to export`
    : null;
}

/**
 * The tables glibc holds for `analysis` as a complete gai.conf; a comment on each row says where
 * it came from. Call only when exportRefusal() is null.
 */
export function exportTables(analysis: Analysis, fileName: string, glibcDescription: string): ExportedFile {
  const { tables } = analysis;
  const undefinedLines = analysis.parsed.lines.filter((line) => line.fate.kind === 'undefined');
  const warnings = undefinedLines.map(
    (line) =>
      `line ${line.index + 1} of ${fileName} is undefined behaviour on this glibc (glibc may read it otherwise or crash); the export assumes glibc ignores it`,
  );
  const lines = [
    ...commentLines(
      `The tables ${glibcDescription} holds for ${fileName}, written by gai-conf table --format gai.conf. glibc reads this file into the same tables, rows in lookup order (the first matching row decides).`,
    ),
    ...warnings.flatMap((w) => commentLines(`Warning: ${w}.`)),
  ];
  for (const kind of KINDS) {
    const table = tables[kind];
    lines.push('');
    if (table.source === 'builtin') lines.push(...builtinSection(kind));
    else
      lines.push(`# ${kind}: replaced by ${fileName}:`, ...table.rows.map((row) => exportedRow(table, row, fileName)));
  }
  if (tables.reload) lines.push('', `# ${fileName} asks glibc to read the file again when it changes:`, 'reload yes');
  return { text: formatted(lines, analysis.parsed.glibc), warnings };
}

/** A preset as a complete gai.conf; `chosenBecause` says why `auto` chose it. */
export function presetFile(preset: Preset, glibc: GlibcVersion, chosenBecause?: string): string {
  const lines = [
    `# ${preset.comment} Written by gai-conf preset ${preset.id}.`,
    ...commentLines(preset.description),
    ...(chosenBecause ? commentLines(`Chosen by gai-conf preset auto: ${chosenBecause}`) : []),
    '# Programs read this file when they first look up a name: restart them to apply it.',
  ];
  for (const kind of KINDS) {
    const rows = kind === 'scopev4' ? undefined : preset[kind];
    lines.push('');
    if (!rows) lines.push(...builtinSection(kind));
    else
      lines.push(
        `# ${kind}: the whole table, which replaces glibc's built-in one:`,
        ...rows.map((e) => rowLine(kind, `${e.prefix}/${e.bits}`, e.value)),
      );
  }
  return formatted(lines, glibc);
}
