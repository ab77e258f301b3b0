/**
 * NixOS modules: `networking.getaddrinfo` (nixos/modules/config/getaddrinfo.nix), which NixOS
 * renders into /etc/gai.conf as two comment lines, `reload yes|no`, then `label`, `precedence`
 * and `scopev4` lines, each table's rows in the order of their attribute names (Nix keeps
 * attribute sets sorted), joined by newlines with none after the last; and
 * `environment.etc."gai.conf".text` (or `.source`, a file). The module is read, not evaluated:
 * plain attribute sets, strings, integers and booleans, through mkForce, mkDefault, mkOverride and
 * mkIf; a value computed by anything else is named as not followed.
 */

import { concat, generated, MappedBuilder, MappedText, sourceSlice } from './mappedText';
import { Extraction, Span, WriteStep } from './writes';

interface Token {
  readonly kind: 'id' | 'string' | 'number' | 'punct' | 'other';
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** A string's value, and whether it holds an interpolation. */
  readonly value?: MappedText;
  readonly dynamic?: boolean;
}

type NixValue =
  | { readonly kind: 'set' }
  | { readonly kind: 'int'; readonly text: MappedText }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'string'; readonly value: MappedText; readonly dynamic: boolean }
  | { readonly kind: 'other' };

interface Binding {
  readonly path: readonly string[];
  readonly value: NixValue;
  readonly span: Span;
}

/** An indented string ''...'': the common indentation of its non-blank lines goes, and a blank first line. */
function indentedString(text: string, start: number, end: number): { value: MappedText; dynamic: boolean } {
  const pieces = new MappedBuilder();
  let dynamic = false;
  for (let i = start; i < end; i++) {
    if (text.startsWith("'''", i)) {
      pieces.push("''", i);
      i += 2;
    } else if (text.startsWith("''$", i)) {
      pieces.push('$', i + 2);
      i += 2;
    } else if (text.startsWith("''\\", i)) {
      const ch = text[i + 3];
      pieces.push(ch === 'n' ? '\n' : ch === 't' ? '\t' : ch === 'r' ? '\r' : (ch ?? ''), i + 3);
      i += 3;
    } else if (text.startsWith('${', i)) {
      dynamic = true;
      let depth = 0;
      for (; i < end; i++) {
        if (text[i] === '{') depth++;
        else if (text[i] === '}' && --depth === 0) break;
      }
    } else pieces.push(text[i], i);
  }
  const raw = pieces.build();
  const lines = raw.text.split('\n');
  const indent = Math.min(
    ...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length),
    Infinity,
  );
  const out = new MappedBuilder();
  let at = 0;
  lines.forEach((line, index) => {
    const drop = line.trim() === '' ? line.length : Math.min(indent, line.length);
    const firstBlank = index === 0 && line.trim() === '';
    if (!firstBlank) for (let k = drop; k < line.length; k++) out.push(line[k], raw.origins[at + k]);
    if (index < lines.length - 1 && !firstBlank) out.push('\n', raw.origins[at + line.length]);
    at += line.length + 1;
  });
  return { value: out.build(), dynamic };
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) i++;
    else if (ch === '#') while (i < text.length && text[i] !== '\n') i++;
    else if (text.startsWith('/*', i)) i = text.indexOf('*/', i) < 0 ? text.length : text.indexOf('*/', i) + 2;
    else if (ch === '"') {
      const value = new MappedBuilder();
      let dynamic = false;
      const start = i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\') {
          const next = text[i + 1] ?? '';
          value.push(next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next, i);
          i += 2;
        } else if (text.startsWith('${', i)) {
          dynamic = true;
          let depth = 0;
          for (; i < text.length; i++) {
            if (text[i] === '{') depth++;
            else if (text[i] === '}' && --depth === 0) break;
          }
          i++;
        } else value.push(text[i], i++);
      }
      i++;
      tokens.push({ kind: 'string', text: text.slice(start, i), start, end: i, value: value.build(), dynamic });
    } else if (text.startsWith("''", i)) {
      const start = i;
      let j = i + 2;
      for (; j < text.length; j++) {
        if (text.startsWith("'''", j) || text.startsWith("''$", j) || text.startsWith("''\\", j)) j += 2;
        else if (text.startsWith("''", j)) break;
      }
      const { value, dynamic } = indentedString(text, i + 2, j);
      i = j + 2;
      tokens.push({ kind: 'string', text: text.slice(start, i), start, end: i, value, dynamic });
    } else if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_'-]*/.exec(text.slice(i))!;
      tokens.push({ kind: 'id', text: match[0], start: i, end: i + match[0].length });
      i += match[0].length;
    } else if (/[0-9]/.test(ch)) {
      const match = /^[0-9]+(\.[0-9]+)?/.exec(text.slice(i))!;
      tokens.push({ kind: match[1] ? 'other' : 'number', text: match[0], start: i, end: i + match[0].length });
      i += match[0].length;
    } else {
      const match = /^(\.\.\.|==|!=|<=|>=|&&|\|\||->|\/\/|\+\+|[{}[\]();:=.,@?!+\-*/<>])/.exec(text.slice(i));
      const length = match ? match[0].length : 1;
      tokens.push({ kind: match ? 'punct' : 'other', text: text.slice(i, i + length), start: i, end: i + length });
      i += length;
    }
  }
  return tokens;
}

const WRAPPERS = /^(?:lib\.)?(?:mkForce|mkDefault|mkOverride|mkIf|mkBefore|mkAfter|mkOrder)$/;

class NixReader {
  private at = 0;
  readonly bindings: Binding[] = [];

  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset];
  }

  private is(text: string, offset = 0): boolean {
    return this.peek(offset)?.text === text && this.peek(offset)?.kind === 'punct';
  }

  /** Skips to the token that closes the bracket at this.at (inclusive). */
  private skipBracketed(): void {
    let depth = 0;
    for (; this.at < this.tokens.length; this.at++) {
      const t = this.tokens[this.at];
      if (t.kind !== 'punct') continue;
      if ('{[('.includes(t.text)) depth++;
      else if ('}])'.includes(t.text) && --depth === 0) break;
    }
    this.at++;
  }

  /** Skips an expression this reader does not follow, to the `;`, `in` or closer that ends it. */
  private skipExpression(): void {
    while (this.at < this.tokens.length) {
      const t = this.tokens[this.at];
      if (t.kind === 'punct' && (t.text === ';' || '}])'.includes(t.text))) return;
      if (t.kind === 'id' && t.text === 'in') return;
      if (t.kind === 'punct' && '{[('.includes(t.text)) this.skipBracketed();
      else this.at++;
    }
  }

  private isLambdaPattern(): boolean {
    const saved = this.at;
    this.skipBracketed();
    const lambda = this.is(':') || this.is('@');
    this.at = saved;
    return lambda;
  }

  expression(path: readonly string[] | undefined): NixValue {
    const t = this.peek();
    if (!t) return { kind: 'other' };
    if (t.kind === 'punct' && t.text === '{') {
      if (this.isLambdaPattern()) {
        this.skipBracketed();
        if (this.is('@')) this.at += 2;
        this.at++;
        return this.expression(path);
      }
      this.at++;
      this.bindingsUntil('}', path);
      this.at++;
      return { kind: 'set' };
    }
    if (t.kind === 'id' && t.text === 'rec' && this.is('{', 1)) {
      this.at++;
      return this.expression(path);
    }
    if (t.kind === 'id' && t.text === 'let') {
      this.at++;
      this.bindingsUntil('in', undefined);
      this.at++;
      return this.expression(path);
    }
    if (t.kind === 'id' && (t.text === 'with' || t.text === 'assert')) {
      this.at++;
      this.skipExpression();
      this.at++;
      return this.expression(path);
    }
    if (t.kind === 'id' && this.is(':', 1)) {
      this.at += 2;
      return this.expression(path);
    }
    if (t.kind === 'id' && (this.is('.', 1) || WRAPPERS.test(t.text))) {
      let name = t.text;
      let next = 1;
      while (this.is('.', next) && this.peek(next + 1)?.kind === 'id') {
        name += `.${this.peek(next + 1)!.text}`;
        next += 2;
      }
      if (WRAPPERS.test(name)) {
        this.at += next;
        if (/mkOverride|mkOrder/.test(name)) this.at++;
        if (/mkIf/.test(name)) this.primary();
        return this.expression(path);
      }
    }
    if (t.kind === 'punct' && t.text === '(') {
      this.at++;
      const inner = this.expression(path);
      this.skipExpression();
      if (this.is(')')) this.at++;
      return inner;
    }
    const start = this.at;
    const value = this.literal();
    if (value && (this.is(';') || this.is('}') || this.is(']') || this.is(')') || this.peek()?.text === 'in'))
      return value;
    this.at = start;
    this.skipExpression();
    return { kind: 'other' };
  }

  /** One operand (an mkIf condition), skipped. */
  private primary(): void {
    const t = this.peek();
    if (t && t.kind === 'punct' && '{[('.includes(t.text)) this.skipBracketed();
    else {
      this.at++;
      while (this.is('.') && this.peek(1)) this.at += 2;
    }
  }

  private literal(): NixValue | undefined {
    const t = this.peek();
    if (!t) return undefined;
    if (t.kind === 'string') {
      this.at++;
      return { kind: 'string', value: t.value!, dynamic: t.dynamic ?? false };
    }
    if (t.kind === 'number') {
      this.at++;
      return { kind: 'int', text: { text: t.text, origins: Array.from(t.text, (_, k) => t.start + k) } };
    }
    if (t.kind === 'punct' && t.text === '-' && this.peek(1)?.kind === 'number') {
      const n = this.peek(1)!;
      this.at += 2;
      return {
        kind: 'int',
        text: { text: `-${n.text}`, origins: [t.start, ...Array.from(n.text, (_, k) => n.start + k)] },
      };
    }
    if (t.kind === 'id' && (t.text === 'true' || t.text === 'false')) {
      this.at++;
      return { kind: 'bool', value: t.text === 'true' };
    }
    return undefined;
  }

  private attributePath(): string[] | undefined {
    const path: string[] = [];
    for (;;) {
      const t = this.peek();
      if (!t) return undefined;
      if (t.kind === 'id') path.push(t.text);
      else if (t.kind === 'string' && !t.dynamic) path.push(t.value!.text);
      else return undefined;
      this.at++;
      if (!this.is('.')) return path;
      this.at++;
    }
  }

  bindingsUntil(end: string, path: readonly string[] | undefined): void {
    while (this.at < this.tokens.length && this.peek()!.text !== end) {
      const start = this.peek()!.start;
      if (this.peek()!.text === 'inherit') {
        while (this.at < this.tokens.length && !this.is(';')) this.at++;
        this.at++;
        continue;
      }
      const names = this.attributePath();
      if (!names || !this.is('=')) {
        this.skipExpression();
        if (this.is(';')) this.at++;
        else if (this.peek() && this.peek()!.text !== end) this.at++;
        continue;
      }
      this.at++;
      const full = path ? [...path, ...names] : undefined;
      const value = this.expression(full);
      if (full) this.bindings.push({ path: full, value, span: { start, end: this.tokens[this.at - 1]?.end ?? start } });
      if (this.is(';')) this.at++;
    }
  }
}

const GETADDRINFO = ['networking', 'getaddrinfo'];
const TABLES = ['label', 'precedence', 'scopev4'] as const;

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.every((p, i) => path[i] === p);
}

/** Nix orders attribute names by their bytes; these are ASCII. */
function byName(a: Binding, b: Binding): number {
  const x = a.path[3];
  const y = b.path[3];
  return x < y ? -1 : x > y ? 1 : 0;
}

export function nixWrites(text: string): Extraction {
  const reader = new NixReader(tokenize(text));
  reader.expression([]);
  const bindings = reader.bindings;
  const notes: Extraction['notes'][number][] = [];
  const steps: WriteStep[] = [];
  const ours = bindings.filter((b) => startsWith(b.path, GETADDRINFO));
  for (const b of ours) {
    if (b.value.kind === 'other')
      notes.push({
        at: b.span,
        message: `${b.path.join('.')} is computed by an expression gai-conf does not evaluate: the file is judged without it.`,
      });
  }
  const enable = ours.find((b) => b.path.length === 3 && b.path[2] === 'enable');
  if (ours.length > 0 && !(enable?.value.kind === 'bool' && !enable.value.value)) {
    const anchor = ours[0].span.start;
    const reload = ours.find((b) => b.path.length === 3 && b.path[2] === 'reload');
    const reloadValue = reload?.value.kind === 'bool' ? reload.value.value : false;
    const lines: MappedText[] = [
      generated('# Generated by NixOS module networking.getaddrinfo', anchor),
      generated('# Do not edit manually!', anchor),
      concat(generated(`reload ${reloadValue ? 'yes' : 'no'}`, reload?.span.start ?? anchor)),
    ];
    for (const table of TABLES) {
      const rows = ours
        .filter((b) => b.path.length === 4 && b.path[2] === table && b.value.kind === 'int')
        .sort(byName);
      for (const row of rows) {
        const keyAt = text.indexOf(row.path[3], row.span.start);
        const key =
          keyAt >= 0 ? sourceSlice(text, keyAt, keyAt + row.path[3].length) : generated(row.path[3], row.span.start);
        lines.push(
          concat(
            generated(`${table} `, row.span.start),
            key,
            generated(' ', row.span.start),
            (row.value as { text: MappedText }).text,
          ),
        );
      }
    }
    const joined = lines.flatMap((line, i) => (i > 0 ? [generated('\n', line.origins[0] ?? anchor), line] : [line]));
    steps.push({
      write: { kind: 'replace', content: concat(...joined) },
      at: { start: ours[0].span.start, end: ours[ours.length - 1].span.end },
      how: 'networking.getaddrinfo',
    });
  }
  for (const b of bindings.filter(
    (b) => b.path.length === 4 && startsWith(b.path, ['environment', 'etc', 'gai.conf']),
  )) {
    if (b.path[3] === 'text' && b.value.kind === 'string') {
      steps.push({
        write: b.value.dynamic
          ? { kind: 'opaque', from: 'a string with ${...} interpolations' }
          : { kind: 'replace', content: b.value.value },
        at: b.span,
        how: 'environment.etc."gai.conf".text',
      });
    } else if (b.path[3] === 'source')
      steps.push({
        write: { kind: 'opaque', from: 'environment.etc."gai.conf".source' },
        at: b.span,
        how: 'environment.etc."gai.conf".source',
      });
  }
  return { sequences: steps.length > 0 ? [{ steps }] : [], notes };
}
