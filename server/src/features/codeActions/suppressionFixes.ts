/** Fixes that silence a finding with a "# gai-conf: ignore" comment on its line or in the file. */

import { Analysis } from '../../analysis/analysis';
import { DiagnosticCode, Finding } from '../../analysis/catalogue';
import {
  FILE_LEVEL_CODES,
  readSuppressions,
  Suppression,
  suppressionComment,
  SuppressionScope,
} from '../../analysis/suppression';
import { lineAt, ParsedFile, ParsedLine } from '../../glibc/reader';
import { endOfLine, Fix, TextEdit } from './edits';

/**
 * The file's suppression comments, read once per reading of the file: every finding's menu offers
 * two of these fixes, and reading the whole file's comments for each took ~2 ms at 10,000 lines.
 */
const suppressionsOf = new WeakMap<ParsedFile, readonly Suppression[]>();

function suppressionsIn(parsed: ParsedFile): readonly Suppression[] {
  let suppressions = suppressionsOf.get(parsed);
  if (!suppressions) suppressionsOf.set(parsed, (suppressions = readSuppressions(parsed).suppressions));
  return suppressions;
}

/**
 * Adds a code to a suppression comment already in place, else inserts one: a line's above that
 * line, the file's at the very top (before a byte order mark, so that the first line glibc
 * ignores stays the one it ignored).
 */
function suppressEdit(analysis: Analysis, scope: SuppressionScope, code: DiagnosticCode, before: ParsedLine): TextEdit {
  const text = analysis.parsed.text;
  const existing = suppressionsIn(analysis.parsed).find(
    (s) => s.scope === scope && (scope === 'file' || s.line.index === before.index - 1),
  );
  if (existing) {
    const comment = existing.line.comment!;
    const reason = comment.text.indexOf(' -- ');
    const at = reason < 0 ? comment.start + comment.text.trimEnd().length : comment.start + reason;
    return { start: at, end: at, newText: existing.codes.length > 0 ? `, ${code}` : ` ${code}` };
  }
  const at = scope === 'file' ? 0 : before.start;
  return { start: at, end: at, newText: suppressionComment(scope, [code]) + endOfLine(text) };
}

/** "Ignore <code> on this line" (for findings about a line) and "in this file": comments the CLI honours too. */
export function suppressionFixes(analysis: Analysis, finding: Finding): Fix[] {
  const line = lineAt(analysis.parsed, finding.start);
  if (!line) return [];
  const fix = (scope: SuppressionScope, title: string): Fix => ({
    title,
    codes: [finding.code],
    edits: [suppressEdit(analysis, scope, finding.code, line)],
    preferred: false,
    sure: false,
  });
  return [
    ...(FILE_LEVEL_CODES.has(finding.code) ? [] : [fix('line', `Ignore ${finding.code} on this line`)]),
    fix('file', `Ignore ${finding.code} in this file`),
  ];
}
