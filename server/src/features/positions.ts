/**
 * Offsets and editor positions. glibc splits the file at LF only; editors (and LSP) also break
 * lines at a lone CR. The core works on offsets and converts to editor positions (line and
 * UTF-16 character) only where a caller needs them.
 */

export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export interface Span {
  readonly start: number;
  readonly end: number;
}

export class TextLocator {
  private readonly lineStarts: number[] = [0];
  /** Whether editor lines are glibc's: no CR in the text, so every line break is an LF. */
  readonly breaksAtLfOnly: boolean;

  constructor(readonly text: string) {
    // Built for every version of an open document: the LFs are found by indexOf (native, many
    // times faster than a loop over every character), and the loop runs only for a text with a CR.
    this.breaksAtLfOnly = !text.includes('\r');
    if (!this.breaksAtLfOnly) {
      for (let i = 0; i < text.length; i++) {
        const ch = text.charCodeAt(i);
        if (ch === 0x0a) this.lineStarts.push(i + 1);
        else if (ch === 0x0d && text.charCodeAt(i + 1) !== 0x0a) this.lineStarts.push(i + 1);
      }
      return;
    }
    for (let lf = text.indexOf('\n'); lf >= 0; lf = text.indexOf('\n', lf + 1)) this.lineStarts.push(lf + 1);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    return this.positionFrom(offset, 0);
  }

  /** positionAt, for an offset known to lie on line `atLeast` or a later one. */
  private positionFrom(offset: number, atLeast: number): Position {
    let clamped = Math.max(0, Math.min(offset, this.text.length));
    // Between the CR and LF of a CRLF is no place an editor can name: it is the end of that line.
    if (clamped > 0 && this.text.charCodeAt(clamped - 1) === 0x0d && this.text.charCodeAt(clamped) === 0x0a) clamped--;
    const starts = this.lineStarts;
    let low = atLeast;
    // Most spans lie within one line: the end is then found without a search.
    let high = low + 1 < starts.length && starts[low + 1] > clamped ? low : starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - starts[low] };
  }

  /** Whether a position names a place in the text (a line that exists, a character within it or at its end). */
  contains(position: Position): boolean {
    if (!Number.isInteger(position.line) || !Number.isInteger(position.character)) return false;
    if (position.line < 0 || position.line >= this.lineStarts.length || position.character < 0) return false;
    const start = this.lineStarts[position.line];
    return this.offsetAt(position) === start + position.character;
  }

  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[position.line];
    const next = position.line + 1 < this.lineStarts.length ? this.lineStarts[position.line + 1] : this.text.length;
    let lineEnd = next;
    while (
      lineEnd > start &&
      (this.text.charCodeAt(lineEnd - 1) === 0x0a || this.text.charCodeAt(lineEnd - 1) === 0x0d)
    ) {
      lineEnd--;
    }
    return Math.min(start + Math.max(0, position.character), lineEnd);
  }

  rangeOf(span: Span): Range {
    const start = this.positionAt(span.start);
    return { start, end: span.end >= span.start ? this.positionFrom(span.end, start.line) : this.positionAt(span.end) };
  }
}

/** The white space of C's isspace() in the C locale: the only field separators glibc knows. */
export function isCSpace(ch: number): boolean {
  return ch === 0x20 || (ch >= 0x09 && ch <= 0x0d);
}
