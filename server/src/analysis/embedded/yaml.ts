/**
 * The YAML that cloud-init files and Ansible tasks are written in, read with the source offset of
 * every character of every string: block mappings and sequences, plain, single- and double-quoted
 * scalars (folded over lines), literal and folded block scalars with their chomping and
 * indentation indicators, simple flow collections, comments and `---` documents. Anchors, tags
 * and complex keys are not followed (a tag is skipped); what cannot be read is a null.
 */

import { MappedBuilder, MappedText, sourceSlice } from './mappedText';
import { Span } from './writes';

export type YamlNode =
  | { readonly kind: 'map'; readonly entries: readonly YamlEntry[]; readonly span: Span }
  | { readonly kind: 'seq'; readonly items: readonly YamlNode[]; readonly span: Span }
  | { readonly kind: 'scalar'; readonly value: MappedText; readonly span: Span; readonly plain: boolean };

export interface YamlEntry {
  readonly key: string;
  readonly keySpan: Span;
  readonly value: YamlNode;
}

interface Line {
  readonly start: number;
  /** Offset of the line break (or the end of the text). */
  readonly end: number;
  readonly indent: number;
}

const NULL_AT = (at: number): YamlNode => ({
  kind: 'scalar',
  value: { text: '', origins: [] },
  span: { start: at, end: at },
  plain: true,
});

class YamlReader {
  private readonly lines: Line[] = [];
  private line = 0;

  constructor(
    private readonly text: string,
    start: number,
    end: number,
  ) {
    let at = start;
    while (at < end) {
      const lineEnd = Math.min(end, text.indexOf('\n', at) < 0 ? text.length : text.indexOf('\n', at));
      const content = text.slice(at, lineEnd);
      this.lines.push({ start: at, end: lineEnd, indent: content.length - content.trimStart().length });
      at = lineEnd + 1;
    }
  }

  private isBlank(line: Line): boolean {
    const content = this.text.slice(line.start + line.indent, line.end).replace(/\r$/, '');
    return content === '' || content.startsWith('#');
  }

  private skipBlank(): Line | undefined {
    while (this.line < this.lines.length && this.isBlank(this.lines[this.line])) this.line++;
    return this.lines[this.line];
  }

  document(): YamlNode {
    const first = this.skipBlank();
    return first ? this.block(first.indent, first.start + first.indent) : NULL_AT(0);
  }

  /** The node that starts at `at` (on the current line), in a block whose items are at column `indent`. */
  private block(indent: number, at: number): YamlNode {
    const line = this.lines[this.line];
    const rest = this.text.slice(at, line.end);
    if (/^-(\s|$)/.test(rest)) return this.sequence(at - line.start);
    if (this.keyAt(at)) return this.mapping(at - line.start, at);
    return this.scalar(at, indent - 1);
  }

  /** A mapping key starting at `at`: `key:` followed by a blank or the end of the line. */
  private keyAt(at: number): { key: string; span: Span; valueAt: number } | undefined {
    const line = this.lines[this.line];
    const rest = this.text.slice(at, line.end).replace(/\r$/, '');
    const quoted = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')\s*:(?=\s|$)/.exec(rest);
    if (quoted) {
      const key = quoted[1].slice(1, -1);
      return { key, span: { start: at, end: at + quoted[1].length }, valueAt: at + quoted[0].length };
    }
    const plain = /^([^\s#'"\-[\]{},?:|>!&*][^#]*?|-[^\s#][^#]*?)\s*:(?=\s|$)/.exec(rest);
    if (!plain || /^\s*[[{]/.test(rest)) return undefined;
    return {
      key: plain[1].trim(),
      span: { start: at, end: at + plain[1].trimEnd().length },
      valueAt: at + plain[0].length,
    };
  }

  private sequence(column: number): YamlNode {
    const items: YamlNode[] = [];
    const start = this.lines[this.line].start + column;
    let end = start;
    for (
      let line = this.skipBlank();
      line && line.indent === column && /^-(\s|$)/.test(this.text.slice(line.start + column, line.end));
      line = this.skipBlank()
    ) {
      const after = line.start + column + 1;
      const content = this.text.slice(after, line.end).replace(/\r$/, '');
      const offset = content.length - content.trimStart().length;
      if (content.trim() === '' || content.trim().startsWith('#')) {
        this.line++;
        const next = this.skipBlank();
        items.push(next && next.indent > column ? this.block(next.indent, next.start + next.indent) : NULL_AT(after));
      } else {
        items.push(this.block(column + 1 + offset, after + offset));
      }
      end = items[items.length - 1].span.end;
    }
    return { kind: 'seq', items, span: { start, end } };
  }

  private mapping(column: number, firstAt: number): YamlNode {
    const entries: YamlEntry[] = [];
    let at = firstAt;
    const start = firstAt;
    let end = start;
    for (;;) {
      const key = this.keyAt(at);
      if (!key) break;
      const value = this.valueAfter(key.valueAt, column);
      entries.push({ key: key.key, keySpan: key.span, value });
      end = value.span.end;
      const next = this.skipBlank();
      if (!next || next.indent !== column) break;
      at = next.start + column;
      if (/^-(\s|$)/.test(this.text.slice(at, next.end))) break;
    }
    return { kind: 'map', entries, span: { start, end } };
  }

  /** The value of a key whose mapping sits at `column`, starting after the colon at `at`. */
  private valueAfter(at: number, column: number): YamlNode {
    const line = this.lines[this.line];
    let rest = this.text.slice(at, line.end).replace(/\r$/, '');
    let offset = rest.length - rest.trimStart().length;
    // A tag (!!str, !unsafe) or an anchor (&name) before the value is skipped.
    const prefix = /^(?:[!&]\S*\s+)+/.exec(rest.slice(offset));
    if (prefix) offset += prefix[0].length;
    rest = rest.slice(offset);
    if (rest === '' || rest.startsWith('#')) {
      this.line++;
      const next = this.skipBlank();
      if (
        next &&
        (next.indent > column ||
          (next.indent === column && /^-(\s|$)/.test(this.text.slice(next.start + column, next.end))))
      ) {
        return this.block(next.indent, next.start + next.indent);
      }
      return NULL_AT(at);
    }
    return this.scalar(at + offset, column);
  }

  /** A scalar or flow collection at `at`; continuation lines must be indented beyond `parentColumn`. */
  private scalar(at: number, parentColumn: number): YamlNode {
    const line = this.lines[this.line];
    const ch = this.text[at];
    if (ch === '|' || ch === '>') return this.blockScalar(at, parentColumn);
    if (ch === '"' || ch === "'") return this.quoted(at, ch);
    if (ch === '[' || ch === '{') {
      const flow = new FlowReader(this.text, at).node();
      while (this.line < this.lines.length && this.lines[this.line].end < flow.span.end) this.line++;
      this.line++;
      return flow;
    }
    // A plain scalar: up to " #", folded with more-indented continuation lines.
    const builder = new MappedBuilder();
    let end = at;
    const addLine = (from: number, to: number) => {
      const content = this.text.slice(from, to).replace(/\r$/, '');
      const cut = content.search(/\s#/);
      const kept = (cut < 0 ? content : content.slice(0, cut)).trimEnd();
      if (builder.length > 0) builder.push(' ', from - 1);
      builder.append(sourceSlice(this.text, from, from + kept.length));
      end = from + kept.length;
    };
    addLine(at, line.end);
    this.line++;
    for (
      let next = this.lines[this.line];
      next && next.indent > parentColumn && !this.isBlank(next) && !this.keyAt(next.start + next.indent);
      next = this.lines[++this.line]
    ) {
      if (/^-(\s|$)/.test(this.text.slice(next.start + next.indent, next.end))) break;
      addLine(next.start + next.indent, next.end);
    }
    return { kind: 'scalar', value: builder.build(), span: { start: at, end }, plain: true };
  }

  quoted(at: number, quote: string): YamlNode {
    const builder = new MappedBuilder();
    let i = at + 1;
    const text = this.text;
    while (i < text.length && text[i] !== quote) {
      if (quote === "'" && text[i] === "'" && text[i + 1] === "'") {
        builder.push("'", i);
        i += 2;
        continue;
      }
      if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] === '\n')) {
        // Folding: trailing blanks go, a single break is a space, each further one a newline.
        builder.dropTrailingBlanks();
        let pendingBreaks = 0;
        const pendingBreakAt = i;
        while (i < text.length && /[\s]/.test(text[i])) {
          if (text[i] === '\n') pendingBreaks++;
          i++;
        }
        builder.push(pendingBreaks === 1 ? ' ' : '\n'.repeat(pendingBreaks - 1), pendingBreakAt);
        continue;
      }
      if (quote === '"' && text[i] === '\\') {
        const next = text[i + 1];
        const simple: Record<string, string> = {
          n: '\n',
          t: '\t',
          '\\': '\\',
          '"': '"',
          '/': '/',
          '0': '\0',
          ' ': ' ',
          r: '\r',
          a: '\x07',
          b: '\b',
          e: '\x1b',
          f: '\f',
          v: '\v',
          N: '\u0085',
          _: '\u00a0',
        };
        const hex = /^[xuU]/.test(next ?? '')
          ? /^(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})/.exec(text.slice(i + 1))
          : null;
        if (hex) {
          builder.push(String.fromCodePoint(parseInt(hex[0].slice(1), 16)), i);
          i += 1 + hex[0].length;
        } else if (next === '\n' || next === '\r') {
          i += 1;
          while (i < text.length && /\s/.test(text[i])) i++;
        } else {
          builder.push(simple[next ?? ''] ?? `\\${next ?? ''}`, i);
          i += 2;
        }
        continue;
      }
      builder.push(text[i], i);
      i++;
    }
    const end = Math.min(text.length, i + 1);
    while (this.line < this.lines.length && this.lines[this.line].end < end) this.line++;
    this.line++;
    return { kind: 'scalar', value: builder.build(), span: { start: at, end }, plain: false };
  }

  private blockScalar(at: number, parentColumn: number): YamlNode {
    const header = /^([|>])([-+]?)(\d?)([-+]?)/.exec(this.text.slice(at))!;
    const folded = header[1] === '>';
    const chomp = header[2] || header[4];
    const explicit = header[3] ? parentColumn + Number(header[3]) : undefined;
    this.line++;
    const contentLines: Line[] = [];
    let indent = explicit;
    for (let line = this.lines[this.line]; line; line = this.lines[++this.line]) {
      const blank = this.text.slice(line.start, line.end).replace(/\r$/, '').trim() === '';
      if (!blank) {
        if (indent === undefined) indent = Math.max(line.indent, parentColumn + 1);
        if (line.indent < indent) break;
      }
      contentLines.push(line);
    }
    while (
      contentLines.length > 0 &&
      this.text.slice(contentLines[contentLines.length - 1].start, contentLines[contentLines.length - 1].end).trim() ===
        '' &&
      chomp !== '+'
    ) {
      contentLines.pop();
      this.line--;
    }
    this.line = Math.max(this.line, 0);
    const builder = new MappedBuilder();
    const cut = indent ?? parentColumn + 1;
    let previousMore = true;
    contentLines.forEach((line, index) => {
      const raw = this.text.slice(line.start, line.end).replace(/\r$/, '');
      const from = Math.min(line.start + cut, line.start + raw.length);
      const content = raw.length > cut ? raw.slice(cut) : '';
      const more = content.startsWith(' ') || content.startsWith('\t') || content === '';
      if (index > 0) {
        const breakAt = contentLines[index - 1].end;
        builder.push(folded && !more && !previousMore ? ' ' : '\n', breakAt);
      }
      builder.append(sourceSlice(this.text, from, from + content.length));
      previousMore = more;
    });
    const last = contentLines[contentLines.length - 1];
    if (last && chomp !== '-') builder.push('\n', last.end);
    // Consume the blank lines a strip/clip chomping dropped.
    while (
      this.line < this.lines.length &&
      this.text.slice(this.lines[this.line].start, this.lines[this.line].end).trim() === ''
    )
      this.line++;
    const end = last ? last.end : at + header[0].length;
    return { kind: 'scalar', value: builder.build(), span: { start: at, end }, plain: false };
  }
}

/** Flow collections on one or more lines: `{ path: /etc/gai.conf, line: "x" }`, `[a, b]`. */
class FlowReader {
  constructor(
    private readonly text: string,
    private at: number,
  ) {}

  private skip(): void {
    while (this.at < this.text.length && /[\s]/.test(this.text[this.at])) this.at++;
  }

  node(): YamlNode {
    this.skip();
    const start = this.at;
    const ch = this.text[this.at];
    if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      this.at++;
      const entries: YamlEntry[] = [];
      const items: YamlNode[] = [];
      for (this.skip(); this.at < this.text.length && this.text[this.at] !== close; this.skip()) {
        if (this.text[this.at] === ',') {
          this.at++;
          continue;
        }
        const first = this.node();
        this.skip();
        if (ch === '{' || this.text[this.at] === ':') {
          if (this.text[this.at] === ':') this.at++;
          const value = this.text[this.at] === ',' || this.text[this.at] === close ? NULL_AT(this.at) : this.node();
          const key = first.kind === 'scalar' ? first.value.text : '';
          entries.push({ key, keySpan: first.span, value });
        } else items.push(first);
      }
      this.at++;
      const span = { start, end: this.at };
      return ch === '{' ? { kind: 'map', entries, span } : { kind: 'seq', items, span };
    }
    if (ch === '"' || ch === "'") {
      const reader = new YamlReader(this.text, start, this.text.length);
      const node = reader.quoted(start, ch);
      this.at = node.span.end;
      return node;
    }
    const match = /^[^,[\]{}\n]*?(?=\s*(?:[,\]}\n]|:\s|$))/.exec(this.text.slice(this.at))!;
    this.at += match[0].length;
    return {
      kind: 'scalar',
      value: sourceSlice(this.text, start, this.at),
      span: { start, end: this.at },
      plain: true,
    };
  }
}

/** Every document of a YAML text (split at `---` lines), each a node or a null scalar. */
export function parseYaml(text: string): YamlNode[] {
  const documents: YamlNode[] = [];
  const separators = [...text.matchAll(/^---(?:[ \t].*)?$/gm)].map((m) => ({
    start: m.index!,
    end: m.index! + m[0].length,
  }));
  let start = 0;
  for (const separator of [...separators, { start: text.length, end: text.length }]) {
    if (text.slice(start, separator.start).trim() !== '' || separators.length === 0)
      documents.push(new YamlReader(text, start, separator.start).document());
    start = Math.min(text.length, separator.end + 1);
  }
  return documents;
}

/** The value under a key of a mapping, if it is one. */
export function field(node: YamlNode | undefined, key: string): YamlNode | undefined {
  return node?.kind === 'map' ? node.entries.find((e) => e.key === key)?.value : undefined;
}

/** A scalar's text; undefined for collections and absent nodes. */
export function scalarText(node: YamlNode | undefined): string | undefined {
  return node?.kind === 'scalar' ? node.value.text : undefined;
}
