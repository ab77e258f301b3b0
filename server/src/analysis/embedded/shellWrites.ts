/**
 * The writes to /etc/gai.conf in a shell script (or a Dockerfile's RUN, cloud-init's runcmd, an
 * Ansible shell task): output redirected into it (echo, printf, cat with a here-document, `: >`),
 * tee and tee -a, sed -i, rm, and cp/install/mv/curl/wget that fill it from elsewhere. echo is the
 * shell's own: dash (Debian's /bin/sh, and so every RUN line of a Debian image) always reads
 * backslash escapes and has no -e, bash reads them only with -e.
 */

import { concat, generated, MappedBuilder, MappedText, slice } from './mappedText';
import { parseSedScript, runSed, SedUnsupported } from './sed';
import { decodeEscape, shellCommands, ShellWord, SimpleCommand } from './shellWords';
import { Extraction, GAI_CONF_PATH, GaiConfWrite, WriteStep } from './writes';

export type ShellDialect = 'dash' | 'bash';

const PREFIX_COMMANDS = new Set(['sudo', 'doas', 'env', 'command', 'exec', 'nohup', 'time']);
const COPYING_COMMANDS = new Set(['cp', 'install', 'mv', 'ln', 'rsync', 'dd']);

/** The command's own words, after sudo and the like (and their options) and NAME=value prefixes. */
function effectiveWords(command: SimpleCommand): readonly ShellWord[] {
  let words = command.words;
  for (;;) {
    const first = words[0]?.value.text;
    if (first === undefined) return words;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(first)) words = words.slice(1);
    else if (PREFIX_COMMANDS.has(first)) {
      words = words.slice(1);
      while (words[0]?.value.text.startsWith('-')) {
        const option = words[0].value.text;
        words = words.slice(/^-[ugCDhprT]$/.test(option) && first !== 'env' ? 2 : 1);
      }
    } else return words;
  }
}

function isGaiConf(word: ShellWord | undefined): boolean {
  return word !== undefined && !word.dynamic && word.value.text.replace(/\/{2,}/g, '/') === GAI_CONF_PATH;
}

/** The backslash escapes of dash's echo and of echo -e / printf %b; \c ends the output. */
function withEscapes(word: MappedText): { text: MappedText; stop: boolean } {
  const builder = new MappedBuilder();
  for (let i = 0; i < word.text.length; i++) {
    if (word.text[i] !== '\\' || i + 1 >= word.text.length) {
      builder.push(word.text[i], word.origins[i]);
      continue;
    }
    if (word.text[i + 1] === 'c') return { text: builder.build(), stop: true };
    const escape = decodeEscape(word.text, i + 1);
    builder.push(escape.text, word.origins[i]);
    i = escape.next - 1;
  }
  return { text: builder.build(), stop: false };
}

function echoOutput(args: readonly ShellWord[], dialect: ShellDialect, at: number): MappedText {
  let newline = true;
  let escapes = dialect === 'dash';
  let rest = args;
  // dash knows only -n; bash takes any run of n, e and E.
  while (rest[0] && (dialect === 'dash' ? rest[0].value.text === '-n' : /^-[neE]+$/.test(rest[0].value.text))) {
    for (const flag of rest[0].value.text.slice(1)) {
      if (flag === 'n') newline = false;
      else escapes = flag === 'e';
    }
    rest = rest.slice(1);
  }
  const parts: MappedText[] = [];
  for (const [index, word] of rest.entries()) {
    if (index > 0) parts.push(generated(' ', word.value.origins[0] ?? at));
    if (!escapes) parts.push(word.value);
    else {
      const { text, stop } = withEscapes(word.value);
      parts.push(text);
      if (stop) return concat(...parts);
    }
  }
  if (newline) parts.push(generated('\n', rest[rest.length - 1]?.value.origins.at(-1) ?? at));
  return concat(...parts);
}

/** printf FORMAT ARG...: %s, %b, %d, %c and %%, the format reused until the arguments run out. */
function printfOutput(args: readonly ShellWord[], at: number): MappedText | undefined {
  const [format, ...values] = args;
  if (!format) return undefined;
  const out = new MappedBuilder();
  let next = 0;
  do {
    const f = format.value;
    let consumed = false;
    for (let i = 0; i < f.text.length; i++) {
      const ch = f.text[i];
      if (ch === '\\' && i + 1 < f.text.length) {
        const escape = decodeEscape(f.text, i + 1);
        out.push(escape.text, f.origins[i]);
        i = escape.next - 1;
      } else if (ch === '%' && i + 1 < f.text.length) {
        const spec = /^%[-+ #0]*\d*(?:\.\d+)?([sbdciuxXo%])/.exec(f.text.slice(i));
        if (!spec) return undefined;
        i += spec[0].length - 1;
        if (spec[1] === '%') {
          out.push('%', f.origins[i]);
          continue;
        }
        consumed = true;
        const value = values[next++];
        if (!value) continue;
        if (spec[1] === 'b') out.append(withEscapes(value.value).text);
        else out.append(value.value);
      } else out.push(ch, f.origins[i]);
    }
    if (!consumed) break;
  } while (next < values.length);
  return out.length > 0 || values.length === 0 ? out.build() : generated('', at);
}

interface Reader {
  readonly dialect: ShellDialect;
  readonly steps: WriteStep[];
  readonly notes: { at: { start: number; end: number }; message: string }[];
}

/** What a command writes to its standard output, where the script shows it. */
function outputOf(command: SimpleCommand, reader: Reader): MappedText | undefined {
  if (command.closes === 'loop') return undefined;
  if (command.closes) {
    const parts = command.closes.map((c) => outputOf(c, reader));
    return parts.every((p): p is MappedText => p !== undefined) ? concat(...parts) : undefined;
  }
  const words = effectiveWords(command);
  const name = words[0]?.value.text;
  const args = words.slice(1);
  if (words.some((w) => w.dynamic)) return undefined;
  const stdin = command.redirections.find((r) => r.input)?.input;
  const input = stdin
    ? stdin.dynamic
      ? undefined
      : stdin.value
    : command.pipedFrom
      ? outputOf(command.pipedFrom, reader)
      : undefined;
  switch (name) {
    case undefined:
    case ':':
    case 'true':
      return generated('', command.start);
    case 'echo':
      return echoOutput(args, reader.dialect, command.start);
    case 'printf':
      return printfOutput(args, command.start);
    case 'cat':
      return args.every((a) => a.value.text === '-') ? input : undefined;
    case 'tee':
      return input;
    default:
      return undefined;
  }
}

function describe(command: SimpleCommand): string {
  return (
    effectiveWords(command)
      .slice(0, 1)
      .map((w) => w.value.text)
      .join(' ') || 'a redirection'
  );
}

function add(reader: Reader, command: SimpleCommand, write: GaiConfWrite, how: string): void {
  reader.steps.push({ write, at: { start: command.start, end: command.end }, how });
}

function sedEdit(reader: Reader, command: SimpleCommand, args: readonly ShellWord[]): void {
  const scripts: MappedText[] = [];
  let extended = false;
  let inPlace = false;
  const files: ShellWord[] = [];
  for (let i = 0; i < args.length; i++) {
    const text = args[i].value.text;
    if (text === '-e' || text === '--expression') scripts.push(args[++i]?.value ?? generated('', command.start));
    else if (text.startsWith('--expression=')) scripts.push(slice(args[i].value, 13));
    else if (text === '-E' || text === '-r' || text === '--regexp-extended') extended = true;
    else if (text.startsWith('-i') || text.startsWith('--in-place')) inPlace = true;
    else if (/^-[a-zA-Z]+$/.test(text)) {
      if (text.includes('i')) inPlace = true;
      if (/[Er]/.test(text)) extended = true;
      if (text.endsWith('e')) scripts.push(args[++i]?.value ?? generated('', command.start));
    } else if (scripts.length === 0 && !text.startsWith('-')) scripts.push(args[i].value);
    else files.push(args[i]);
  }
  if (!inPlace || !files.some(isGaiConf)) return;
  try {
    const commands = parseSedScript(
      concat(...scripts.flatMap((s, i) => (i > 0 ? [generated('\n', s.origins[0] ?? command.start), s] : [s]))),
      extended,
    );
    const looksFor = `the sed script ${scripts.map((s) => `"${s.text}"`).join(' ')}`;
    add(
      reader,
      command,
      { kind: 'edit', edit: { looksFor, apply: (current) => runSed(commands, current, command.end - 1) } },
      'sed -i',
    );
  } catch (error) {
    if (!(error instanceof SedUnsupported)) throw error;
    reader.notes.push({
      at: { start: command.start, end: command.end },
      message: `This sed edits /etc/gai.conf with ${error.message}, which gai-conf does not follow: the file is judged without this edit.`,
    });
  }
}

function readCommand(command: SimpleCommand, reader: Reader): void {
  const words = effectiveWords(command);
  const name = words[0]?.value.text;
  const args = words.slice(1);
  if ((name === 'sh' || name === 'bash' || name === 'dash') && args[0]?.value.text === '-c' && args[1]) {
    readScript(args[1].value, name === 'bash' ? 'bash' : 'dash', reader);
    return;
  }
  for (const redirection of command.redirections) {
    if (!isGaiConf(redirection.target) || (redirection.descriptor !== undefined && redirection.descriptor !== 1))
      continue;
    if (!['>', '>>', '>|', '&>', '&>>'].includes(redirection.operator)) continue;
    const content = outputOf(command, reader);
    const how = `${describe(command)} ${redirection.operator} ${GAI_CONF_PATH}`;
    const append = redirection.operator.endsWith('>>');
    add(
      reader,
      command,
      content === undefined
        ? { kind: 'opaque', from: `the output of ${describe(command)}` }
        : append
          ? { kind: 'append', content }
          : { kind: 'replace', content },
      how,
    );
  }
  if (name === 'tee') {
    const append = args.some((a) => /^-[a-z]*a/.test(a.value.text) || a.value.text === '--append');
    if (!args.some(isGaiConf)) return;
    const content = outputOf(command, reader);
    const how = `tee${append ? ' -a' : ''} ${GAI_CONF_PATH}`;
    add(
      reader,
      command,
      content === undefined
        ? { kind: 'opaque', from: 'the output piped into tee' }
        : append
          ? { kind: 'append', content }
          : { kind: 'replace', content },
      how,
    );
  } else if (name === 'sed') sedEdit(reader, command, args);
  else if (name === 'rm' && args.some(isGaiConf)) add(reader, command, { kind: 'remove' }, `rm ${GAI_CONF_PATH}`);
  else if (name !== undefined && COPYING_COMMANDS.has(name) && args.length > 1 && isGaiConf(args[args.length - 1])) {
    const from =
      args
        .slice(0, -1)
        .filter((a) => !a.value.text.startsWith('-'))
        .at(-1)?.value.text ?? 'another file';
    add(reader, command, { kind: 'opaque', from }, `${name} ${from} ${GAI_CONF_PATH}`);
  } else if ((name === 'curl' || name === 'wget') && args.some(isGaiConf)) {
    add(reader, command, { kind: 'opaque', from: `a download (${name})` }, `${name} -o ${GAI_CONF_PATH}`);
  }
}

function readScript(
  script: MappedText,
  dialect: ShellDialect,
  reader: Reader,
  variables?: Map<string, MappedText>,
): void {
  const inner: Reader = { ...reader, dialect };
  for (const command of shellCommands(script, variables)) readCommand(command, inner);
}

/** The writes of one script, in the order they run. */
export function shellScriptWrites(
  script: MappedText,
  dialect: ShellDialect,
  variables = new Map<string, MappedText>(),
): { steps: WriteStep[]; notes: Extraction['notes'][number][] } {
  const reader: Reader = { dialect, steps: [], notes: [] };
  readScript(script, dialect, reader, variables);
  return { steps: reader.steps, notes: reader.notes };
}

/** The shell a script names on its #! line: bash (and zsh, ksh, whose echo is alike enough), else sh (dash on Debian). */
export function dialectOf(text: string): ShellDialect {
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(text);
  const interpreter = shebang ? (shebang[1].endsWith('/env') ? (shebang[2] ?? '') : shebang[1]) : '';
  return /(bash|zsh|ksh)$/.test(interpreter) ? 'bash' : 'dash';
}
