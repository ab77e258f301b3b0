/**
 * The file's outline, grouped by the table each line writes (label, precedence, scopev4, reload),
 * each row named by its prefix and value as written; and the spans that fold (blocks of comment
 * lines, runs of lines of one directive). Offsets only; callers turn them into editor lines.
 */

import { Analysis } from '../analysis/analysis';
import { countOf, rowOriginText } from '../analysis/rows';
import { Directive, DIRECTIVES, ParsedLine } from '../glibc/reader';
import { deadBehind, rowPrefixText } from '../glibc/tables';

export interface OutlineSymbol {
  readonly name: string;
  readonly detail: string;
  readonly kind: 'table' | 'row';
  readonly start: number;
  readonly end: number;
  /** The part to highlight when the symbol is chosen: the directive word. */
  readonly selectionStart: number;
  readonly selectionEnd: number;
  readonly children: readonly OutlineSymbol[];
}

/** For a row after its table's first catch-all: which row every lookup stops at instead. */
function deadNote(analysis: Analysis, line: ParsedLine): string {
  if (line.fate.kind !== 'row') return '';
  const table = analysis.tables[line.fate.row.table];
  const row = table.rows.find((r) => r.origin.kind === 'file' && r.origin.line === line);
  const stop = row && deadBehind(table, row);
  return stop ? `, never reached (lookups stop at the catch-all on ${rowOriginText(stop)})` : '';
}

function rowSymbol(analysis: Analysis, line: ParsedLine): OutlineSymbol {
  const reading = line.reading!;
  const words = [reading.value1?.text, reading.value2?.text].filter((w) => w !== undefined);
  const fate = line.fate;
  const detail =
    fate.kind === 'row'
      ? `${rowPrefixText(fate.row)} ${fate.row.value}${deadNote(analysis, line)}`
      : fate.kind === 'reload'
        ? fate.enabled
          ? 'reloading on'
          : 'reloading off'
        : fate.kind === 'undefined'
          ? 'undefined behaviour'
          : 'ignored by glibc';
  const last = reading.value2 ?? reading.value1 ?? reading.command;
  return {
    name: words.length > 0 ? words.join(' ') : `(bare ${reading.directive})`,
    detail,
    kind: 'row',
    start: reading.command.start,
    end: last.end,
    selectionStart: reading.command.start,
    selectionEnd: reading.command.end,
    children: [],
  };
}

function tableDetail(analysis: Analysis, directive: Directive): string {
  if (directive === 'reload') return analysis.tables.reload ? 'on' : 'off';
  const table = analysis.tables[directive];
  return table.source === 'builtin'
    ? "no valid line: glibc's built-in table"
    : `replaces the built-in table: ${countOf(table.rows.length, 'row')} in effect`;
}

export function documentSymbols(analysis: Analysis): OutlineSymbol[] {
  return DIRECTIVES.flatMap((directive) => {
    const lines = analysis.parsed.lines.filter((l) => l.reading?.directive === directive);
    if (lines.length === 0) return [];
    const children = lines.map((line) => rowSymbol(analysis, line));
    return [
      {
        name: directive,
        detail: tableDetail(analysis, directive),
        kind: 'table' as const,
        start: children[0].start,
        end: children[children.length - 1].end,
        selectionStart: children[0].selectionStart,
        selectionEnd: children[0].selectionEnd,
        children,
      },
    ];
  });
}

export interface FoldingSpan {
  readonly kind: 'comment' | 'region';
  /** Offsets of the first and last line of the span. */
  readonly start: number;
  readonly end: number;
}

/** Runs of two or more consecutive comment-only lines, and of lines of the same directive. */
export function foldingSpans(analysis: Analysis): FoldingSpan[] {
  const spans: FoldingSpan[] = [];
  const group = (line: ParsedLine): string | undefined =>
    line.reading ? line.reading.directive : line.comment ? '#' : undefined;
  let run: ParsedLine[] = [];
  const close = () => {
    if (run.length > 1)
      spans.push({
        kind: group(run[0]) === '#' ? 'comment' : 'region',
        start: run[0].start,
        end: run[run.length - 1].end,
      });
    run = [];
  };
  for (const line of analysis.parsed.lines) {
    const key = group(line);
    if (run.length > 0 && (key === undefined || key !== group(run[0]))) close();
    if (key !== undefined) run.push(line);
  }
  close();
  return spans;
}
