/**
 * Text taken out of another file (a Dockerfile, a YAML string, a Nix string) with, for every
 * character, the offset in that file it came from, so that a finding in the gai.conf built from
 * it can be shown where the user wrote it. Characters that came from no place in the source (the
 * stock file an append starts from, a newline a tool adds) carry the offset of what added them.
 */

export interface MappedText {
  readonly text: string;
  /** origins[i]: the source offset of text[i]. */
  readonly origins: readonly number[];
}

export const EMPTY: MappedText = { text: '', origins: [] };

/** Source text as it stands, from `start`. */
export function sourceSlice(source: string, start: number, end: number): MappedText {
  const origins: number[] = [];
  for (let at = start; at < end; at++) origins.push(at);
  return { text: source.slice(start, end), origins };
}

/** Text written by a tool rather than the user, every character at one source offset. */
export function generated(text: string, at: number): MappedText {
  return { text, origins: Array.from({ length: text.length }, () => at) };
}

export function concat(...parts: readonly MappedText[]): MappedText {
  return { text: parts.map((p) => p.text).join(''), origins: parts.flatMap((p) => p.origins) };
}

export function slice(mapped: MappedText, start: number, end = mapped.text.length): MappedText {
  return { text: mapped.text.slice(start, end), origins: mapped.origins.slice(start, end) };
}

/** Builds a MappedText a character (or a generated run) at a time. */
export class MappedBuilder {
  private text = '';
  private readonly origins: number[] = [];

  push(ch: string, origin: number): void {
    this.text += ch;
    for (let i = 0; i < ch.length; i++) this.origins.push(origin);
  }

  append(part: MappedText): void {
    this.text += part.text;
    this.origins.push(...part.origins);
  }

  /** Drops spaces and tabs at the end (YAML's line folding). */
  dropTrailingBlanks(): void {
    while (this.text.endsWith(' ') || this.text.endsWith('\t')) {
      this.text = this.text.slice(0, -1);
      this.origins.pop();
    }
  }

  get length(): number {
    return this.text.length;
  }

  build(): MappedText {
    return { text: this.text, origins: [...this.origins] };
  }
}

/** The lines of a text, each with its line break (the last may have none). */
export function mappedLines(mapped: MappedText): MappedText[] {
  const lines: MappedText[] = [];
  let start = 0;
  for (let at = 0; at < mapped.text.length; at++) {
    if (mapped.text[at] === '\n') {
      lines.push(slice(mapped, start, at + 1));
      start = at + 1;
    }
  }
  if (start < mapped.text.length) lines.push(slice(mapped, start));
  return lines;
}

/** The text of a line without its line break. */
export function withoutBreak(line: MappedText): MappedText {
  return line.text.endsWith('\n') ? slice(line, 0, line.text.length - 1) : line;
}
