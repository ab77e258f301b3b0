/**
 * Formatting that cannot change what glibc reads: only the white space between glibc's fields is
 * rewritten, never a field, a comment or a line break. Directive lines get one column per field,
 * aligned within each run of consecutive directive lines; blank lines lose their blanks. Lines
 * whose bytes glibc splits differently from what an editor shows (a NUL, a CR that is not part of
 * CRLF, a byte order mark, a '#' glued to a word) and comment-only lines are left exactly as they are.
 */

import { Token } from '../glibc/lines';
import { ParsedFile, ParsedLine } from '../glibc/reader';
import { TextEdit } from './codeActions/edits';

/** A line the formatter rewrites: its fields and its comment, within the line's content. */
interface Layout {
  readonly line: ParsedLine;
  /** Before a CRLF's CR. */
  readonly contentEnd: number;
  readonly fields: readonly Token[];
  readonly comment?: Token;
}

function contentEndOf(text: string, line: ParsedLine): number {
  return line.end > line.start && text.charCodeAt(line.end - 1) === 0x0d ? line.end - 1 : line.end;
}

/** Whether the formatter may rewrite the white space of a line, and the layout it works with. */
function layoutOf(parsed: ParsedFile, line: ParsedLine): Layout | undefined {
  const text = parsed.text;
  const contentEnd = contentEndOf(text, line);
  const body = text.slice(line.start, contentEnd);
  if (body.includes('\0') || body.includes('\r') || (line.start === 0 && /^[ \t\v\f]*\uFEFF/.test(body)))
    return undefined;
  const reading = line.reading;
  if (!reading) {
    // Blank lines are normalised; comment-only lines are kept byte for byte.
    return line.comment ? undefined : { line, contentEnd, fields: [] };
  }
  const fields = [
    reading.command,
    ...(reading.value1 ? [reading.value1] : []),
    ...(reading.value2 ? [reading.value2] : []),
    ...reading.extra,
  ];
  const last = fields[fields.length - 1];
  if (line.comment && line.comment.start === last.end) return undefined;
  return { line, contentEnd, fields, comment: line.comment };
}

/** Column widths for the command and the prefix, shared by a run of consecutive directive lines. */
function columnWidths(layouts: readonly (Layout | undefined)[]): Map<Layout, readonly [number, number]> {
  const widths = new Map<Layout, readonly [number, number]>();
  let run: Layout[] = [];
  const close = () => {
    // A loop, not Math.max(...): a run of 100,000 rows is more arguments than the stack holds.
    let command = 0;
    let prefix = 0;
    for (const l of run) {
      if (l.fields.length > 1) command = Math.max(command, l.fields[0].text.length);
      if (l.fields.length > 2) prefix = Math.max(prefix, l.fields[1].text.length);
    }
    for (const layout of run) widths.set(layout, [command, prefix]);
    run = [];
  };
  for (const layout of layouts) {
    if (layout && layout.fields.length > 0) {
      run.push(layout);
      continue;
    }
    if (run.length > 0) close();
  }
  if (run.length > 0) close();
  return widths;
}

/** The edits that give one line its formatted white space; each replaces exactly one gap. */
function lineEdits(layout: Layout, widths: readonly [number, number] | undefined, text: string): TextEdit[] {
  const { line, fields, comment } = layout;
  const gaps: { start: number; end: number; wanted: string }[] = [];
  let at = line.start;
  fields.forEach((field, i) => {
    const previous = fields[i - 1];
    const pad = i === 0 ? 0 : i <= 2 && widths ? Math.max(1, widths[i - 1] - previous.text.length + 1) : 1;
    gaps.push({ start: at, end: field.start, wanted: ' '.repeat(pad) });
    at = field.end;
  });
  if (comment) gaps.push({ start: at, end: comment.start, wanted: fields.length > 0 ? ' ' : '' });
  else gaps.push({ start: at, end: layout.contentEnd, wanted: '' });
  return gaps
    .filter((gap) => text.slice(gap.start, gap.end) !== gap.wanted)
    .map((gap) => ({ start: gap.start, end: gap.end, newText: gap.wanted }));
}

/**
 * Edits that format the lines overlapping [from, to) (offsets; the whole file by default; an empty
 * range formats its line).
 * Alignment always looks at whole runs, so formatting a range agrees with formatting the file.
 * Lines in `untouched` (a template's lines with template code) keep their white space.
 */
export function formatEdits(
  parsed: ParsedFile,
  from = 0,
  to = parsed.text.length,
  untouched: ReadonlySet<number> = new Set(),
): TextEdit[] {
  const layouts = parsed.lines.map((line) => (untouched.has(line.index) ? undefined : layoutOf(parsed, line)));
  const widths = columnWidths(layouts);
  const edits: TextEdit[] = [];
  for (const layout of layouts) {
    // Lines the range touches; an empty range means the line it sits on, and a range ending at a
    // line's start does not take that line.
    if (!layout || layout.line.end < from || layout.line.start > to || (layout.line.start === to && to > from))
      continue;
    for (const edit of lineEdits(layout, widths.get(layout), parsed.text)) edits.push(edit);
  }
  return edits;
}
