/**
 * How glibc cuts gai.conf into lines and words: lines end at LF only, a '#' or a NUL ends a line's
 * content, and words are separated by C's isspace() characters.
 */

export interface Token {
  readonly text: string;
  /** Offsets into the whole document. */
  readonly start: number;
  readonly end: number;
}

/** The white space of C's isspace() in the C locale: the only field separators glibc knows. */
export function isCSpace(ch: number): boolean {
  return ch === 0x20 || (ch >= 0x09 && ch <= 0x0d);
}

/**
 * A word of the file: its offsets, its text cut from the file only when asked for. A file of
 * 100,000 lines has some 190,000 words, and a string and an object each were a third of what its
 * reading held.
 */
export class Word implements Token {
  readonly #source: string;

  constructor(
    source: string,
    readonly start: number,
    readonly end: number,
  ) {
    this.#source = source;
  }

  get text(): string {
    return this.#source.slice(this.start, this.end);
  }
}

/** The words between two offsets; into `fields` when given (emptied first: one array serves a whole file). */
export function splitFields(text: string, from: number, to: number, fields: Token[] = []): Token[] {
  fields.length = 0;
  let pos = from;
  while (pos < to) {
    while (pos < to && isCSpace(text.charCodeAt(pos))) pos++;
    if (pos >= to) break;
    const start = pos;
    while (pos < to && !isCSpace(text.charCodeAt(pos))) pos++;
    fields.push(new Word(text, start, pos));
  }
  return fields;
}

export interface LineLayout {
  readonly start: number;
  /** Before the LF. */
  readonly end: number;
  /** Where glibc stops reading: the first '#' or NUL, else the end. */
  readonly contentEnd: number;
  readonly hashAt: number;
  readonly nulAt: number;
}

export function layoutLine(text: string, start: number, end: number): LineLayout {
  let contentEnd = end;
  let hashAt = -1;
  let nulAt = -1;
  for (let i = start; i < end; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x23 || ch === 0) {
      contentEnd = i;
      if (ch === 0x23) hashAt = i;
      else nulAt = i;
      break;
    }
  }
  return { start, end, contentEnd, hashAt, nulAt };
}

/** Where a line's text ends for an editor: before the CR of a CRLF. */
export function endBeforeCr(text: string, line: { readonly start: number; readonly end: number }): number {
  return line.end > line.start && text.charCodeAt(line.end - 1) === 0x0d ? line.end - 1 : line.end;
}
