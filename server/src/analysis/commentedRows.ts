/**
 * Commented-out directives such as "#label fc00::/7 6" or "# precedence ::1/128 50": rows that
 * would take effect if the '#' were removed. The stock file is made of them, so the analysis
 * anchors findings on them and hovers say whether glibc uses the built-in row they restate.
 */

import { changedLines } from '../glibc/lineChanges';
import { endBeforeCr, isCSpace } from '../glibc/lines';
import { directiveAt, DirectiveReading, ParsedFile, ParsedLine, WordsReader } from '../glibc/reader';

/**
 * A line's commented-out directive, by line: an edit keeps the lines it did not change (the same
 * objects, over the same text), whose comments are then not read again.
 */
const known = new WeakMap<ParsedLine, DirectiveReading | null>();

function commentedDirective(parsed: ParsedFile, line: ParsedLine, words: WordsReader): DirectiveReading | undefined {
  if (line.reading || !mayStartWithDirective(parsed.text, line.commentStart, line.end)) return undefined;
  let reading = known.get(line);
  if (reading === undefined) known.set(line, (reading = readCommentedDirective(parsed, line, words) ?? null));
  return reading ?? undefined;
}

/**
 * Whether the comment at `hashAt` (-1: none) of a line ending at `lineEnd` can hold a directive,
 * by the first character after the '#' and white space: most comments are prose, and a long file
 * has thousands of them, told apart without reading (or remembering) anything more.
 */
export function mayStartWithDirective(text: string, hashAt: number, lineEnd: number): boolean {
  if (hashAt < 0) return false;
  let at = hashAt + 1;
  while (at < lineEnd && isCSpace(text.charCodeAt(at))) at++;
  const first = text.charCodeAt(at);
  return at < lineEnd && (first === 0x6c || first === 0x70 || first === 0x73 || first === 0x72); // l p s r
}

/** Whether the first word between two offsets is a directive. */
function startsWithDirective(text: string, start: number, end: number): boolean {
  let at = start;
  while (at < end && isCSpace(text.charCodeAt(at))) at++;
  let wordEnd = at;
  while (wordEnd < end && !isCSpace(text.charCodeAt(wordEnd))) wordEnd++;
  return directiveAt(text, at, wordEnd) !== undefined;
}

function readCommentedDirective(
  parsed: ParsedFile,
  line: ParsedLine,
  words: WordsReader,
): DirectiveReading | undefined {
  const hashAt = line.commentStart;
  if (hashAt < 0) return undefined;
  const text = parsed.text;
  // Scans only this comment, up to a second '#' or a NUL.
  const commentEnd = endBeforeCr(text, line);
  let end = hashAt + 1;
  while (end < commentEnd && text.charCodeAt(end) !== 0x23 && text.charCodeAt(end) !== 0) end++;
  if (!startsWithDirective(text, hashAt + 1, end)) return undefined;
  const reading = words.read(hashAt + 1, end);
  if (!reading || !reading.value1 || reading.directive === undefined) return undefined;
  const accepted =
    reading.fate.kind === 'row' || (reading.fate.kind === 'reload' && /^(yes|no)$/.test(reading.value1.text));
  return accepted && reading.extra.length === 0 ? reading : undefined;
}

/** The commented-out directives of an earlier version of the same document. */
export interface PreviousCommented {
  readonly parsed: ParsedFile;
  readonly commented: ReadonlyMap<ParsedLine, DirectiveReading>;
}

/**
 * Every comment line that holds a directive glibc would accept, by line, in document order. With
 * `previous`, those of the lines the edit kept (changedLines) are taken from it, and only the
 * changed lines are looked at.
 */
export function commentedDirectives(
  parsed: ParsedFile,
  previous?: PreviousCommented,
): ReadonlyMap<ParsedLine, DirectiveReading> {
  const found = new Map<ParsedLine, DirectiveReading>();
  const words = new WordsReader(parsed.text, parsed.generation);
  const changed = previous ? changedLines(previous.parsed.lines, parsed.lines) : undefined;
  // No changed line held a commented-out directive before the edit or holds one now: the same.
  if (previous && changed) {
    let same = true;
    for (let i = changed.head; same && i < changed.oldEnd; i++)
      same = !previous.commented.has(previous.parsed.lines[i]);
    for (let i = changed.head; same && i < changed.newEnd; i++)
      same = commentedDirective(parsed, parsed.lines[i], words) === undefined;
    if (same) return previous.commented;
  }
  if (previous && changed) {
    for (const [line, reading] of previous.commented) {
      if (line.index >= changed.head) break;
      found.set(line, reading);
    }
  }
  for (let i = changed?.head ?? 0; i < (changed?.newEnd ?? parsed.lines.length); i++) {
    const line = parsed.lines[i];
    const reading = commentedDirective(parsed, line, words);
    if (reading) found.set(line, reading);
  }
  if (previous && changed && changed.newEnd < parsed.lines.length) {
    for (const [line, reading] of previous.commented) if (line.index >= changed.oldEnd) found.set(line, reading);
  }
  return found;
}
