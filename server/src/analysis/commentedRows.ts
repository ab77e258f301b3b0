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
 * Every comment line of a reading that holds a directive glibc would accept, in document order,
 * looked for only as far as asked: the first diagnostics need the first commented-out row of a
 * few prefixes (anchors), not every one of a long file. Each line's answer is the one
 * commentedDirective gives, and a line of another reading has none here, as in a Map of these.
 */
class CommentedRows implements ReadonlyMap<ParsedLine, DirectiveReading> {
  private readonly found: [ParsedLine, DirectiveReading][] = [];
  /** Lines before this index were looked at, their directives in `found`. */
  private next = 0;
  private readonly words: WordsReader;

  constructor(private readonly parsed: ParsedFile) {
    this.words = new WordsReader(parsed.text, parsed.generation);
  }

  get(line: ParsedLine): DirectiveReading | undefined {
    if (this.parsed.lines[line.index] !== line) return undefined;
    return commentedDirective(this.parsed, line, this.words);
  }

  has(line: ParsedLine): boolean {
    return this.get(line) !== undefined;
  }

  get size(): number {
    while (this.lookFurther());
    return this.found.length;
  }

  /** Looks at lines until one more directive is found or none are left: whether one was. */
  private lookFurther(): boolean {
    const lines = this.parsed.lines;
    while (this.next < lines.length) {
      const line = lines[this.next++];
      const reading = commentedDirective(this.parsed, line, this.words);
      if (reading) {
        this.found.push([line, reading]);
        return true;
      }
    }
    return false;
  }

  *entries(): MapIterator<[ParsedLine, DirectiveReading]> {
    for (let i = 0; i < this.found.length || this.lookFurther(); i++) yield this.found[i];
  }

  *keys(): MapIterator<ParsedLine> {
    for (const [line] of this.entries()) yield line;
  }

  *values(): MapIterator<DirectiveReading> {
    for (const [, reading] of this.entries()) yield reading;
  }

  [Symbol.iterator](): MapIterator<[ParsedLine, DirectiveReading]> {
    return this.entries();
  }

  forEach(
    callback: (reading: DirectiveReading, line: ParsedLine, map: ReadonlyMap<ParsedLine, DirectiveReading>) => void,
  ): void {
    for (const [line, reading] of this.entries()) callback(reading, line, this);
  }
}

/**
 * Every comment line that holds a directive glibc would accept, by line, in document order, found
 * when asked for. With `previous`, an edit whose changed lines hold none, before or after, keeps
 * the previous answer (changedLines).
 */
export function commentedDirectives(
  parsed: ParsedFile,
  previous?: PreviousCommented,
): ReadonlyMap<ParsedLine, DirectiveReading> {
  const changed = previous ? changedLines(previous.parsed.lines, parsed.lines) : undefined;
  // No changed line held a commented-out directive before the edit or holds one now: the same.
  if (previous && changed) {
    const words = new WordsReader(parsed.text, parsed.generation);
    let same = true;
    for (let i = changed.head; same && i < changed.oldEnd; i++)
      same = !previous.commented.has(previous.parsed.lines[i]);
    for (let i = changed.head; same && i < changed.newEnd; i++)
      same = commentedDirective(parsed, parsed.lines[i], words) === undefined;
    if (same) return previous.commented;
  }
  return new CommentedRows(parsed);
}
