/** Text edits on offsets, and the few line-level edits every fix is made of. */

import { DiagnosticCode } from '../../analysis/catalogue';
import { TableKind } from '../../glibc/builtinTables';
import { ParsedFile, ParsedLine } from '../../glibc/reader';

export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

export interface Fix {
  readonly title: string;
  /** The finding codes this fix resolves. */
  readonly codes: readonly DiagnosticCode[];
  readonly edits: readonly TextEdit[];
  readonly preferred: boolean;
  /**
   * The one fix the finding calls for, with nothing to choose (a typo's directive, the missing
   * /bits, a plain number): fit for "fix all".
   */
  readonly sure: boolean;
  /** What else the fix changes, beyond what its title says: shown in the edit's preview. */
  readonly note?: string;
}

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let result = text;
  let limit = Infinity;
  for (const edit of sorted) {
    if (edit.end > limit) throw new Error('overlapping edits');
    result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
    limit = edit.start;
  }
  return result;
}

/** A directive line as fixes and completions write it. */
export function rowLine(kind: TableKind, prefixText: string, value: number): string {
  return `${kind} ${prefixText} ${value}`;
}

/** The line break new lines get: the file's own. */
export function endOfLine(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Deletes a whole line with its line break (the one before it, for a last line without one). */
export function deleteLine(parsed: ParsedFile, line: ParsedLine): TextEdit {
  const text = parsed.text;
  if (line.end < text.length) return { start: line.start, end: line.end + 1, newText: '' };
  if (line.start === 0) return { start: 0, end: line.end, newText: '' };
  const start = text.charCodeAt(line.start - 2) === 0x0d ? line.start - 2 : line.start - 1;
  return { start, end: line.end, newText: '' };
}
