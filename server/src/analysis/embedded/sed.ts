/**
 * GNU sed's in-place edits as scripts write them into gai.conf: `s` (with &, \1..\9, \n and the
 * g, I and N flags), `d`, `a`, `i` and `c`, after no address, a line number, `$` or a /regex/
 * (and ranges of those), with `!`; BRE by default, ERE with -E or -r. Each output character keeps
 * the source offset it came from: the file's own, or the script's for replacement text.
 */

import { concat, MappedBuilder, mappedLines, MappedText, slice, withoutBreak } from './mappedText';

type Address =
  | { readonly kind: 'line'; readonly line: number }
  | { readonly kind: 'last' }
  | { readonly kind: 'regex'; readonly regex: RegExp };

interface SedCommand {
  readonly from?: Address;
  readonly to?: Address;
  readonly negate: boolean;
  readonly action:
    | {
        readonly kind: 's';
        readonly regex: RegExp;
        readonly replacement: MappedText;
        readonly global: boolean;
        readonly occurrence: number;
      }
    | { readonly kind: 'd' }
    | { readonly kind: 'a' | 'i' | 'c'; readonly text: MappedText };
}

export class SedUnsupported extends Error {}

const CLASSES: Readonly<Record<string, string>> = {
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  digit: '0-9',
  alpha: 'A-Za-z',
  alnum: 'A-Za-z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  xdigit: '0-9A-Fa-f',
  punct: '!-\\/:-@\\[-`{-~',
  print: ' -~',
  graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f',
};

/** A POSIX bracket expression from `at` (just after `[`), as JavaScript writes it. */
function bracket(source: string, at: number): { text: string; next: number } {
  let out = '[';
  let i = at;
  if (source[i] === '^') {
    out += '^';
    i++;
  }
  if (source[i] === ']') {
    out += '\\]';
    i++;
  }
  for (; i < source.length && source[i] !== ']'; i++) {
    const named = /^\[:([a-z]+):\]/.exec(source.slice(i));
    if (named && CLASSES[named[1]] !== undefined) {
      out += CLASSES[named[1]];
      i += named[0].length - 1;
    } else if (source[i] === '\\' || source[i] === '[') out += `\\${source[i]}`;
    else out += source[i];
  }
  return { text: `${out}]`, next: i + 1 };
}

/** A sed regular expression (BRE, or ERE when `extended`) as a JavaScript one. */
function sedRegex(source: string, extended: boolean, caseless = false): RegExp {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '[') {
      const b = bracket(source, i + 1);
      out += b.text;
      i = b.next - 1;
    } else if (ch === '\\') {
      const next = source[++i] ?? '\\';
      if ('(){}|+?'.includes(next)) out += extended ? `\\${next}` : next;
      else if (next === 'n') out += '\\n';
      else if (next === 't') out += '\\t';
      else if (/[0-9wWsSbB.*^$\\/[\]]/.test(next)) out += `\\${next}`;
      else if (next === '<' || next === '>') out += '\\b';
      else out += next.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (!extended && '(){}|+?'.includes(ch)) out += `\\${ch}`;
    else if (ch === '*' && (out === '' || out === '^' || out.endsWith('('))) out += '\\*';
    else out += ch;
  }
  try {
    return new RegExp(out, caseless ? 'i' : '');
  } catch {
    throw new SedUnsupported(`the regular expression "${source}" is not one gai-conf can follow`);
  }
}

/** Splits `s<d>regex<d>replacement<d>flags` at unescaped delimiters; `\<d>` becomes a plain <d>. */
function delimited(
  script: MappedText,
  at: number,
  delimiter: string,
  count: number,
): { parts: MappedText[]; next: number } {
  const parts: MappedText[] = [];
  let builder = new MappedBuilder();
  let i = at;
  while (i < script.text.length && parts.length < count) {
    const ch = script.text[i];
    if (ch === '\\' && script.text[i + 1] === delimiter) {
      // In the regex a plain delimiter is a literal: bracket it unless it is / (which \/ keeps literal).
      builder.push(
        delimiter === '/' ? '\\/' : delimiter === '&' || delimiter === '\\' ? `\\${delimiter}` : `[${delimiter}]`,
        script.origins[i + 1],
      );
      i += 2;
    } else if (ch === '\\' && i + 1 < script.text.length) {
      builder.push(script.text.slice(i, i + 2), script.origins[i]);
      i += 2;
    } else if (ch === '[' && parts.length === 0) {
      const b = bracket(script.text, i + 1);
      builder.append(slice(script, i, b.next));
      i = b.next;
    } else if (ch === delimiter) {
      parts.push(builder.build());
      builder = new MappedBuilder();
      i++;
    } else {
      builder.push(ch, script.origins[i]);
      i++;
    }
  }
  if (parts.length < count) throw new SedUnsupported(`an "s" command is not closed by "${delimiter}"`);
  return { parts, next: i };
}

/** The replacement of an s command, with the delimiter escapes already plain: the [d] of the regex side is not used here. */
function replacementOf(part: MappedText, delimiter: string): MappedText {
  const prefix =
    delimiter === '/' ? '\\/' : delimiter === '&' || delimiter === '\\' ? `\\${delimiter}` : `[${delimiter}]`;
  const builder = new MappedBuilder();
  for (let i = 0; i < part.text.length; i++) {
    if (part.text.startsWith(prefix, i) && prefix.length > 1) {
      builder.push(delimiter === '&' ? '\\&' : delimiter, part.origins[i]);
      i += prefix.length - 1;
    } else builder.push(part.text[i], part.origins[i]);
  }
  return builder.build();
}

function address(script: MappedText, at: number, extended: boolean): { address?: Address; next: number } {
  const text = script.text;
  const number = /^\d+/.exec(text.slice(at));
  if (number) return { address: { kind: 'line', line: Number(number[0]) }, next: at + number[0].length };
  if (text[at] === '$') return { address: { kind: 'last' }, next: at + 1 };
  if (text[at] === '/' || (text[at] === '\\' && at + 1 < text.length)) {
    const delimiter = text[at] === '/' ? '/' : text[at + 1];
    const start = text[at] === '/' ? at + 1 : at + 2;
    const { parts, next } = delimited(script, start, delimiter, 1);
    const caseless = text[next] === 'I';
    return {
      address: { kind: 'regex', regex: sedRegex(parts[0].text, extended, caseless) },
      next: next + (caseless ? 1 : 0),
    };
  }
  return { next: at };
}

/** The text of a, i or c: GNU's one-line form (`a text`) or the classic `a\` newline `text`. */
function insertedText(script: MappedText, at: number): { text: MappedText; next: number } {
  let i = at;
  while (script.text[i] === ' ' || script.text[i] === '\t') i++;
  if (script.text[i] === '\\') {
    i++;
    if (script.text[i] === '\n') i++;
  }
  while (script.text[i] === ' ' || script.text[i] === '\t') i++;
  const builder = new MappedBuilder();
  for (; i < script.text.length && script.text[i] !== '\n'; i++) {
    if (script.text[i] === '\\' && i + 1 < script.text.length) {
      i++;
      builder.push(script.text[i] === 'n' ? '\n' : script.text[i] === 't' ? '\t' : script.text[i], script.origins[i]);
    } else builder.push(script.text[i], script.origins[i]);
  }
  return { text: builder.build(), next: i };
}

export function parseSedScript(script: MappedText, extended: boolean): SedCommand[] {
  const commands: SedCommand[] = [];
  const text = script.text;
  let i = 0;
  const skip = () => {
    while (i < text.length && /[\s;]/.test(text[i])) i++;
  };
  for (skip(); i < text.length; skip()) {
    const first = address(script, i, extended);
    i = first.next;
    let to: Address | undefined;
    if (first.address && text[i] === ',') {
      const second = address(script, i + 1, extended);
      to = second.address;
      i = second.next;
    }
    while (text[i] === ' ') i++;
    const negate = text[i] === '!';
    if (negate) i++;
    while (text[i] === ' ') i++;
    const name = text[i++];
    const base = { ...(first.address ? { from: first.address } : {}), ...(to ? { to } : {}), negate };
    if (name === 's') {
      const delimiter = text[i];
      const { parts, next } = delimited(script, i + 1, delimiter, 2);
      i = next;
      const flags = /^[gIip0-9]*/.exec(text.slice(i))![0];
      i += flags.length;
      if (/^\s*w/.test(text.slice(i))) throw new SedUnsupported('an "s" command that writes a file');
      commands.push({
        ...base,
        action: {
          kind: 's',
          regex: sedRegex(parts[0].text, extended, /[Ii]/.test(flags)),
          replacement: replacementOf(parts[1], delimiter),
          global: flags.includes('g'),
          occurrence: Number(/\d+/.exec(flags)?.[0] ?? 1),
        },
      });
    } else if (name === 'd') {
      commands.push({ ...base, action: { kind: 'd' } });
    } else if (name === 'a' || name === 'i' || name === 'c') {
      const inserted = insertedText(script, i);
      i = inserted.next;
      commands.push({ ...base, action: { kind: name, text: inserted.text } });
    } else {
      throw new SedUnsupported(`the sed command "${name ?? ''}"`);
    }
  }
  return commands;
}

/** Replaces matches in one line, keeping each kept character's origin. */
function substitute(line: MappedText, action: Extract<SedCommand['action'], { kind: 's' }>): MappedText | undefined {
  const regex = new RegExp(action.regex.source, `${action.regex.flags}g`);
  const builder = new MappedBuilder();
  let last = 0;
  let seen = 0;
  let changed = false;
  for (const match of line.text.matchAll(regex)) {
    seen++;
    if (seen < action.occurrence || (!action.global && seen > action.occurrence)) continue;
    const start = match.index!;
    builder.append(slice(line, last, start));
    const r = action.replacement;
    for (let i = 0; i < r.text.length; i++) {
      const ch = r.text[i];
      if (ch === '&') builder.append(slice(line, start, start + match[0].length));
      else if (ch === '\\' && i + 1 < r.text.length) {
        const next = r.text[++i];
        if (/[1-9]/.test(next)) {
          const group = match[Number(next)];
          if (group !== undefined) {
            const at = line.text.indexOf(group, start);
            builder.append(slice(line, at, at + group.length));
          }
        } else builder.push(next === 'n' ? '\n' : next === 't' ? '\t' : next, r.origins[i]);
      } else builder.push(ch, r.origins[i]);
    }
    last = start + match[0].length;
    changed = true;
    if (match[0].length === 0) regex.lastIndex++;
  }
  if (!changed) return undefined;
  builder.append(slice(line, last));
  return builder.build();
}

export interface SedResult {
  readonly text: MappedText;
  /** Whether any command matched a line (an edit that matches nothing is a silent no-op). */
  readonly matched: boolean;
}

/** Runs the commands over the file, as `sed -i` does. */
export function runSed(commands: readonly SedCommand[], file: MappedText, newlineOrigin: number): SedResult {
  const lines = mappedLines(file);
  const out: MappedText[] = [];
  const inRange = new Map<SedCommand, boolean>();
  let matched = false;
  const newline = (at: number): MappedText => ({ text: '\n', origins: [at] });
  lines.forEach((raw, index) => {
    const isLast = index === lines.length - 1;
    const hadBreak = raw.text.endsWith('\n');
    let pattern: MappedText | undefined = withoutBreak(raw);
    const before: MappedText[] = [];
    const after: MappedText[] = [];
    const hits = (a: Address, text: string) =>
      a.kind === 'line' ? a.line === index + 1 : a.kind === 'last' ? isLast : a.regex.test(text);
    for (const command of commands) {
      if (pattern === undefined) break;
      let selected: boolean;
      if (!command.from) selected = true;
      else if (!command.to) selected = hits(command.from, pattern.text);
      else if (inRange.get(command)) {
        selected = true;
        if (hits(command.to, pattern.text)) inRange.set(command, false);
      } else {
        selected = hits(command.from, pattern.text);
        if (selected && !(command.to.kind === 'line' && command.to.line <= index + 1)) inRange.set(command, true);
      }
      if (selected === command.negate) continue;
      const action = command.action;
      if (action.kind === 's') {
        const replaced = substitute(pattern, action);
        if (replaced) {
          pattern = replaced;
          matched = true;
        }
      } else {
        matched = true;
        if (action.kind === 'd') pattern = undefined;
        else if (action.kind === 'a') after.push(action.text);
        else if (action.kind === 'i') before.push(action.text);
        else {
          pattern = undefined;
          after.push(action.text);
        }
      }
    }
    const lineBreak = raw.text.endsWith('\n') ? slice(raw, raw.text.length - 1) : newline(newlineOrigin);
    for (const text of before) out.push(concat(text, newline(newlineOrigin)));
    if (pattern !== undefined) out.push(hadBreak || after.length > 0 ? concat(pattern, lineBreak) : pattern);
    for (const text of after) out.push(concat(text, newline(newlineOrigin)));
  });
  return { text: concat(...out), matched };
}
