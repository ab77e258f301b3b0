/**
 * A POSIX shell script read far enough to find what it writes: simple commands with their words
 * (quotes removed, each character mapped to the source), redirections, here-documents and
 * pipelines. Expansions of variables the script itself sets to plain text are followed; any
 * other expansion ($(...), `...`, an unknown $VAR) marks the word as dynamic, never guessed.
 */

import { MappedBuilder, MappedText, slice } from './mappedText';

export interface ShellWord {
  readonly value: MappedText;
  /** Holds an expansion whose value the script does not show. */
  readonly dynamic: boolean;
  /** Quotes or escapes were used (a here-document delimiter so written is not expanded). */
  readonly quoted: boolean;
}

export interface Redirection {
  readonly operator: '>' | '>>' | '>|' | '&>' | '&>>' | '<' | '<<' | '<<-' | '<<<';
  /** The file descriptor written before the operator (2 in 2>file), if any. */
  readonly descriptor?: number;
  readonly target?: ShellWord;
  /** A here-document's body or a here-string's text (with the newline the shell adds). */
  readonly input?: ShellWord;
}

export interface SimpleCommand {
  readonly words: readonly ShellWord[];
  readonly redirections: readonly Redirection[];
  /** Source offsets of the command's first and last characters. */
  readonly start: number;
  readonly end: number;
  /** The command whose output this one reads through a pipe. */
  readonly pipedFrom?: SimpleCommand;
  /**
   * The redirections belong to a compound command this one closes: the commands of a `{ ...; }`
   * group, or 'loop' for the end of a loop or an if (whose output is not followed).
   */
  readonly closes?: readonly SimpleCommand[] | 'loop';
}

const OPERATOR_CHARS = new Set([';', '&', '|', '(', ')', '\n']);
const RESERVED = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'do',
  'done',
  'while',
  'until',
  '!',
  '{',
  '}',
  'case',
  'esac',
]);

interface PendingHeredoc {
  readonly delimiter: string;
  readonly stripTabs: boolean;
  readonly expand: boolean;
  readonly fill: (body: ShellWord) => void;
}

class Lexer {
  private at = 0;
  private readonly commands: SimpleCommand[] = [];
  private readonly pending: PendingHeredoc[] = [];
  private readonly groupStarts: number[] = [];

  constructor(
    private readonly script: MappedText,
    private readonly variables: Map<string, MappedText>,
  ) {}

  private get text(): string {
    return this.script.text;
  }

  private origin(at: number): number {
    return this.script.origins[Math.min(at, this.script.origins.length - 1)] ?? 0;
  }

  /** Reads `$NAME`, `${NAME}`, `$(...)` or `` `...` `` at this.at; returns its value if known. */
  private expansion(builder: MappedBuilder): boolean {
    const text = this.text;
    if (text[this.at] === '`') {
      const close = text.indexOf('`', this.at + 1);
      this.at = close < 0 ? text.length : close + 1;
      return false;
    }
    const next = text[this.at + 1];
    if (next === '(') {
      let depth = 0;
      for (; this.at < text.length; this.at++) {
        if (text[this.at] === '(') depth++;
        else if (text[this.at] === ')' && --depth === 0) break;
      }
      this.at++;
      return false;
    }
    let name: string;
    if (next === '{') {
      const close = text.indexOf('}', this.at);
      name = text.slice(this.at + 2, close < 0 ? text.length : close);
      this.at = close < 0 ? text.length : close + 1;
    } else {
      const match = /^[A-Za-z_][A-Za-z0-9_]*|^[0-9@*#?$!-]/.exec(text.slice(this.at + 1));
      if (!match) {
        builder.push('$', this.origin(this.at));
        this.at++;
        return true;
      }
      name = match[0];
      this.at += 1 + name.length;
    }
    const value = this.variables.get(name);
    if (value === undefined) return false;
    builder.append(value);
    return true;
  }

  /** One word at this.at (after blanks), or undefined at an operator or the end. */
  private word(): ShellWord | undefined {
    const text = this.text;
    const builder = new MappedBuilder();
    let dynamic = false;
    let quoted = false;
    let any = false;
    while (this.at < text.length) {
      const ch = text[this.at];
      if (ch === ' ' || ch === '\t' || OPERATOR_CHARS.has(ch) || ch === '<' || ch === '>') break;
      any = true;
      if (ch === '\\') {
        quoted = true;
        if (text[this.at + 1] === '\n') this.at += 2;
        else {
          if (this.at + 1 < text.length) builder.push(text[this.at + 1], this.origin(this.at + 1));
          this.at += 2;
        }
      } else if (ch === "'") {
        quoted = true;
        const close = text.indexOf("'", this.at + 1);
        const end = close < 0 ? text.length : close;
        builder.append(slice(this.script, this.at + 1, end));
        this.at = end + 1;
      } else if (ch === '$' && text[this.at + 1] === "'") {
        quoted = true;
        this.at += 2;
        this.ansiC(builder);
      } else if (ch === '"') {
        quoted = true;
        this.at++;
        while (this.at < text.length && text[this.at] !== '"') {
          const inner = text[this.at];
          if (inner === '\\' && '$`"\\\n'.includes(text[this.at + 1] ?? '')) {
            if (text[this.at + 1] !== '\n') builder.push(text[this.at + 1], this.origin(this.at + 1));
            this.at += 2;
          } else if (inner === '$' || inner === '`') {
            if (!this.expansion(builder)) dynamic = true;
          } else {
            builder.push(inner, this.origin(this.at));
            this.at++;
          }
        }
        this.at++;
      } else if (ch === '$' || ch === '`') {
        if (!this.expansion(builder)) dynamic = true;
      } else {
        builder.push(ch, this.origin(this.at));
        this.at++;
      }
    }
    return any ? { value: builder.build(), dynamic, quoted } : undefined;
  }

  /** The body of $'...' (bash, and dash from 0.5.12): C escapes. */
  private ansiC(builder: MappedBuilder): void {
    const text = this.text;
    while (this.at < text.length && text[this.at] !== "'") {
      if (text[this.at] === '\\' && this.at + 1 < text.length) {
        const escape = decodeEscape(text, this.at + 1);
        builder.push(escape.text, this.origin(this.at));
        this.at = escape.next;
      } else {
        builder.push(text[this.at], this.origin(this.at));
        this.at++;
      }
    }
    this.at++;
  }

  private skipBlanks(): void {
    const text = this.text;
    while (this.at < text.length) {
      const ch = text[this.at];
      if (ch === ' ' || ch === '\t') this.at++;
      else if (ch === '\\' && text[this.at + 1] === '\n') this.at += 2;
      else if (ch === '#') {
        while (this.at < text.length && text[this.at] !== '\n') this.at++;
      } else break;
    }
  }

  /** Here-document bodies start after the line that announced them. */
  private readHeredocs(): void {
    const text = this.text;
    for (const heredoc of this.pending.splice(0)) {
      const builder = new MappedBuilder();
      let dynamic = false;
      while (this.at < text.length) {
        const lineEnd = text.indexOf('\n', this.at) < 0 ? text.length : text.indexOf('\n', this.at);
        let lineStart = this.at;
        if (heredoc.stripTabs) while (text[lineStart] === '\t') lineStart++;
        const line = text.slice(lineStart, lineEnd);
        this.at = Math.min(text.length, lineEnd + 1);
        if (line === heredoc.delimiter) break;
        if (!heredoc.expand) builder.append(slice(this.script, lineStart, Math.min(text.length, lineEnd + 1)));
        else if (!this.expandLine(builder, lineStart, Math.min(text.length, lineEnd + 1))) dynamic = true;
      }
      heredoc.fill({ value: builder.build(), dynamic, quoted: false });
    }
  }

  /** An unquoted here-document line: \$, \`, \\ and \newline are escapes; $ and ` expand. */
  private expandLine(builder: MappedBuilder, start: number, end: number): boolean {
    let known = true;
    const saved = this.at;
    this.at = start;
    while (this.at < end) {
      const ch = this.text[this.at];
      if (ch === '\\' && '$`\\\n'.includes(this.text[this.at + 1] ?? '')) {
        if (this.text[this.at + 1] !== '\n') builder.push(this.text[this.at + 1], this.origin(this.at + 1));
        this.at += 2;
      } else if (ch === '$' || ch === '`') {
        if (!this.expansion(builder)) known = false;
      } else {
        builder.push(ch, this.origin(this.at));
        this.at++;
      }
    }
    this.at = saved;
    return known;
  }

  run(): SimpleCommand[] {
    const text = this.text;
    let pipedFrom: SimpleCommand | undefined;
    while (this.at < text.length) {
      this.skipBlanks();
      if (this.at >= text.length) break;
      const start = this.at;
      const words: ShellWord[] = [];
      const redirections: Redirection[] = [];
      let closes: SimpleCommand[] | 'loop' | undefined;
      for (;;) {
        this.skipBlanks();
        const ch = text[this.at];
        if (this.at >= text.length || OPERATOR_CHARS.has(ch)) break;
        const descriptorMatch = /^(\d?)(&>>|&>|>>|>\||>|<<<|<<-|<<|<)/.exec(text.slice(this.at));
        if (descriptorMatch) {
          this.at += descriptorMatch[0].length;
          const operator = descriptorMatch[2] as Redirection['operator'];
          this.skipBlanks();
          const target = this.word();
          const descriptor = descriptorMatch[1] ? Number(descriptorMatch[1]) : undefined;
          if (operator === '<<' || operator === '<<-') {
            const redirection: { -readonly [K in keyof Redirection]: Redirection[K] } = {
              operator,
              ...(descriptor !== undefined ? { descriptor } : {}),
            };
            redirections.push(redirection);
            this.pending.push({
              delimiter: target?.value.text ?? '',
              stripTabs: operator === '<<-',
              expand: !target?.quoted,
              fill: (body) => {
                redirection.input = body;
              },
            });
          } else if (operator === '<<<' && target) {
            const newline = { text: '\n', origins: [target.value.origins[target.value.origins.length - 1] ?? start] };
            redirections.push({
              operator,
              input: {
                ...target,
                value: { text: target.value.text + '\n', origins: [...target.value.origins, ...newline.origins] },
              },
            });
          } else {
            redirections.push({
              operator,
              ...(descriptor !== undefined ? { descriptor } : {}),
              ...(target ? { target } : {}),
            });
          }
          continue;
        }
        const word = this.word();
        if (!word) {
          this.at++;
          continue;
        }
        if (words.length === 0 && !word.quoted && RESERVED.has(word.value.text)) {
          if (word.value.text === '{') this.groupStarts.push(this.commands.length);
          else if (word.value.text === '}')
            closes = this.commands.slice(this.groupStarts.pop() ?? this.commands.length);
          else if (word.value.text === 'done' || word.value.text === 'fi' || word.value.text === 'esac')
            closes = 'loop';
          continue;
        }
        words.push(word);
      }
      const end = Math.max(start, this.at - 1);
      const operator = text.slice(this.at, this.at + 2);
      const command: SimpleCommand = {
        words,
        redirections,
        start: this.origin(start),
        end: this.origin(end) + 1,
        ...(pipedFrom ? { pipedFrom } : {}),
        ...(closes ? { closes } : {}),
      };
      this.recordAssignments(command);
      if (words.length > 0 || redirections.length > 0) this.commands.push(command);
      pipedFrom = undefined;
      if (operator === '||' || operator === '&&' || operator === ';;') this.at += 2;
      else if (text[this.at] === '|') {
        pipedFrom = command;
        this.at++;
      } else if (text[this.at] === '\n') {
        this.at++;
        this.readHeredocs();
      } else this.at++;
    }
    return this.commands;
  }

  /** NAME=value alone on a command sets a variable for the rest of the script. */
  private recordAssignments(command: SimpleCommand): void {
    const assignments = command.words.map((w) => ({ word: w, match: /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(w.value.text) }));
    if (assignments.length === 0 || assignments.some((a) => !a.match)) return;
    for (const { word, match } of assignments) {
      const name = match![1];
      if (word.dynamic) this.variables.delete(name);
      else this.variables.set(name, slice(word.value, match![0].length));
    }
  }
}

/** A C escape after a backslash at `at`: \n, \t, \\, \', \", \a, \b, \e, \f, \r, \v, \0nnn, \nnn, \xHH. */
export function decodeEscape(text: string, at: number): { text: string; next: number } {
  const ch = text[at];
  const simple: Record<string, string> = {
    n: '\n',
    t: '\t',
    '\\': '\\',
    "'": "'",
    '"': '"',
    a: '\x07',
    b: '\b',
    e: '\x1b',
    f: '\f',
    r: '\r',
    v: '\v',
  };
  if (ch !== undefined && simple[ch] !== undefined) return { text: simple[ch], next: at + 1 };
  const octal = /^0?[0-7]{1,3}/.exec(text.slice(at));
  if (octal) return { text: String.fromCharCode(parseInt(octal[0], 8) & 0xff), next: at + octal[0].length };
  const hex = /^x([0-9A-Fa-f]{1,2})/.exec(text.slice(at));
  if (hex) return { text: String.fromCharCode(parseInt(hex[1], 16)), next: at + hex[0].length };
  return { text: `\\${ch ?? ''}`, next: at + 1 };
}

/** The simple commands of a script, in order; `variables` carries assignments between scripts. */
export function shellCommands(script: MappedText, variables = new Map<string, MappedText>()): SimpleCommand[] {
  return new Lexer(script, variables).run();
}
