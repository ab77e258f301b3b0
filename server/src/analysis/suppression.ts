/**
 * Comments that silence findings: `# gai-conf: ignore <code>[, <code>...]` on a line of its own
 * silences those codes on the next line, `# gai-conf: ignore-file <code>[, <code>...]` anywhere
 * silences them in the whole file. Text after ` -- ` is a reason, for people. glibc reads both as
 * comments. Findings about the whole file (what ULA hosts prefer, say) sit on the row responsible
 * for them, or on the first line, and move when that changes; `ignore-file` is the form for them.
 */

import { lineAt, ParsedFile, ParsedLine } from '../glibc/reader';
import { DiagnosticCode, Finding, isDiagnosticCode } from './catalogue';

export type SuppressionScope = 'line' | 'file';

export interface Suppression {
  readonly scope: SuppressionScope;
  /** The comment line. */
  readonly line: ParsedLine;
  readonly codes: readonly DiagnosticCode[];
  /** Where each code is written in the comment. */
  readonly spans: readonly { readonly code: DiagnosticCode; readonly start: number; readonly end: number }[];
}

export const SUPPRESSION_MARKER = 'gai-conf:';
const KEYWORDS: Readonly<Record<string, SuppressionScope>> = { ignore: 'line', 'ignore-file': 'file' };

const MARKER = SUPPRESSION_MARKER.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** "#", the marker and the keyword after it. */
const MARKER_PATTERN = new RegExp(`^#[ \\t]*${MARKER}[ \\t]*(\\S*)`);
/** The same up to a cursor among the codes: the codes before it, and the word being typed. */
const CODE_LIST_PATTERN = new RegExp(
  `^#[ \\t]*${MARKER}[ \\t]*(?:${Object.keys(KEYWORDS).join('|')})[ \\t]+([^]*?)([^\\s,]*)$`,
);

/** For completion: the code being typed in a suppression comment, when the text before the cursor is one. */
export function codeBeingTyped(commentBeforeCursor: string): string | undefined {
  const match = CODE_LIST_PATTERN.exec(commentBeforeCursor);
  return match && !match[1].includes(' -- ') ? match[2] : undefined;
}

/** Findings whose meaning is the file as a whole: only the file form of a suppression fits them. */
export const FILE_LEVEL_CODES: ReadonlySet<DiagnosticCode> = new Set([
  'ula-demoted',
  'ula-destinations-demoted',
  'ipv4-preferred',
]);

export interface SuppressionReading {
  readonly suppressions: readonly Suppression[];
  /** Suppression comments that name unknown codes or no code at all. */
  readonly problems: readonly Finding[];
}

/**
 * The comment lines that hold the marker, in document order. Found by searching the text for it
 * (native, and done at every edit) rather than by cutting out the comment of every line.
 */
function markedLines(parsed: ParsedFile): ParsedLine[] {
  const found: ParsedLine[] = [];
  for (let at = parsed.text.indexOf(SUPPRESSION_MARKER); at >= 0;) {
    const line = lineAt(parsed, at);
    if (!line) break;
    found.push(line);
    at = parsed.text.indexOf(SUPPRESSION_MARKER, line.end);
  }
  return found;
}

export function readSuppressions(parsed: ParsedFile): SuppressionReading {
  const suppressions: Suppression[] = [];
  const problems: Finding[] = [];
  for (const line of markedLines(parsed)) {
    const comment = line.comment;
    if (line.reading || !comment) continue;
    const match = MARKER_PATTERN.exec(comment.text);
    if (!match) continue;
    const keyword = match[1];
    const scope = KEYWORDS[keyword];
    const keywordStart = comment.start + match[0].length - keyword.length;
    if (!scope) {
      problems.push({
        code: 'unknown-suppression',
        start: keywordStart,
        end: keywordStart + keyword.length,
        message: `"${keyword}" is not a gai-conf comment: write "# gai-conf: ignore <code>" for the next line or "# gai-conf: ignore-file <code>" for the whole file.`,
      });
      continue;
    }
    const reasonAt = comment.text.indexOf(' -- ', match[0].length);
    const list = comment.text.slice(match[0].length, reasonAt < 0 ? undefined : reasonAt);
    const codes: DiagnosticCode[] = [];
    const spans: { code: DiagnosticCode; start: number; end: number }[] = [];
    const problemsBefore = problems.length;
    for (const word of list.matchAll(/[^\s,]+/g)) {
      const start = comment.start + match[0].length + word.index;
      if (isDiagnosticCode(word[0])) {
        codes.push(word[0]);
        spans.push({ code: word[0], start, end: start + word[0].length });
      } else
        problems.push({
          code: 'unknown-suppression',
          start,
          end: start + word[0].length,
          message: `"${word[0]}" is not a gai-conf diagnostic code, so this comment silences nothing under that name.`,
        });
    }
    if (codes.length === 0 && problems.length === problemsBefore) {
      problems.push({
        code: 'unknown-suppression',
        start: keywordStart,
        end: keywordStart + keyword.length,
        message: `"${keyword}" needs the codes to silence, e.g. "# gai-conf: ${keyword} reload-enabled".`,
      });
    }
    suppressions.push({ scope, line, codes, spans });
  }
  return { suppressions, problems };
}

/** Whether a suppression silences a finding. */
export function silences(parsed: ParsedFile, suppression: Suppression, finding: Finding): boolean {
  if (!suppression.codes.includes(finding.code)) return false;
  if (suppression.scope === 'file') return true;
  const next = parsed.lines[suppression.line.index + 1];
  return next !== undefined && finding.start >= next.start && finding.start <= next.end;
}

/** The comment that silences codes on a line, or in the file. */
export function suppressionComment(scope: SuppressionScope, codes: readonly DiagnosticCode[]): string {
  return `# ${SUPPRESSION_MARKER} ${scope === 'line' ? 'ignore' : 'ignore-file'} ${codes.join(', ')}`;
}
