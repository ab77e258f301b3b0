/**
 * "Reset to glibc's defaults": every line glibc reads (a row, reload, or a line whose reading is
 * undefined behaviour on this glibc) is commented out with a '#' in front of its directive, so
 * glibc keeps its built-in tables and nothing the user wrote is lost. Writing a preset is the same
 * reset with the preset's tables added at the end.
 */

import { Analysis } from '../../analysis/analysis';
import { ParsedLine } from '../../glibc/reader';
import { endOfLine, TextEdit } from './edits';
import { commentOut } from './tableRows';

/** Lines glibc reads, or may read, as a directive. */
export function activeLines(analysis: Analysis): ParsedLine[] {
  return analysis.parsed.lines.filter(
    (line) =>
      line.reading && (line.fate.kind === 'row' || line.fate.kind === 'reload' || line.fate.kind === 'undefined'),
  );
}

export function resetEdits(analysis: Analysis): TextEdit[] {
  return activeLines(analysis).map(commentOut);
}

/** The reset, then `fileText` (a whole gai.conf, LF line ends) after the last line, in the file's own line ends. */
export function replaceWithEdits(analysis: Analysis, fileText: string): TextEdit[] {
  const text = analysis.parsed.text;
  const eol = endOfLine(text);
  const separator = text === '' ? '' : /\r?\n$|\r$/.test(text) ? eol : eol + eol;
  const body = fileText.replace(/\n/g, eol);
  return [
    ...resetEdits(analysis),
    { start: text.length, end: text.length, newText: text === '' ? body : `${separator}${body}` },
  ];
}

/** "comment out the 3 active lines". */
export function resetTitle(count: number): string {
  return `comment out the ${count === 1 ? 'active line' : `${count} active lines`}`;
}
