/**
 * Dockerfiles and Containerfiles: each build stage (FROM) makes one file system, so one
 * /etc/gai.conf; a stage FROM an earlier one starts from that one's file. RUN lines in shell form
 * (with their line continuations and BuildKit here-documents) are read as the shell the image
 * runs them with (dash on Debian and Ubuntu, bash after SHELL ["/bin/bash", ...]); COPY and ADD
 * of a here-document write its text, of a file write something the Dockerfile does not show.
 */

import { MappedBuilder, MappedText, sourceSlice } from './mappedText';
import { ShellDialect, shellScriptWrites } from './shellWrites';
import { Extraction, GAI_CONF_PATH, Span, WriteSequence, WriteStep } from './writes';

interface Instruction {
  readonly keyword: string;
  /** The arguments, continuation lines joined as the builder joins them. */
  readonly arguments: MappedText;
  /** The here-documents that follow the instruction, by delimiter. */
  readonly heredocs: readonly { readonly delimiter: string; readonly body: MappedText }[];
  /** The arguments and here-documents together, as a shell reads them. */
  readonly withHeredocs: MappedText;
  readonly span: Span;
}

function lineEnds(text: string): number[] {
  const ends: number[] = [];
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) ends.push(at);
  if (text.length > 0 && !text.endsWith('\n')) ends.push(text.length);
  return ends;
}

/** The escape character of the parser directive `# escape=`` ` at the top, else a backslash. */
function escapeCharacter(text: string): string {
  for (const line of text.split('\n')) {
    const directive = /^#\s*escape\s*=\s*(\S)\s*$/i.exec(line);
    if (directive) return directive[1];
    if (!/^#\s*\w+\s*=/.test(line)) break;
  }
  return '\\';
}

export function dockerInstructions(text: string): Instruction[] {
  const escape = escapeCharacter(text);
  const ends = lineEnds(text);
  const instructions: Instruction[] = [];
  let line = 0;
  const startOf = (index: number) => (index === 0 ? 0 : ends[index - 1] + 1);
  while (line < ends.length) {
    const start = startOf(line);
    const first = text.slice(start, ends[line]);
    const head = /^\s*([A-Za-z]+)(\s+|$)/.exec(first);
    if (!head || /^\s*#/.test(first)) {
      line++;
      continue;
    }
    const args = new MappedBuilder();
    let from = start + head[0].length;
    let end = ends[line];
    for (;;) {
      const content = text.slice(from, end).replace(/\r$/, '');
      const continued = content.trimEnd().endsWith(escape);
      const kept = continued ? content.trimEnd().slice(0, -1) : content;
      args.append(sourceSlice(text, from, from + kept.length));
      line++;
      if (!continued || line >= ends.length) break;
      // Comment lines inside a continuation are dropped, not joined.
      while (line < ends.length && /^\s*#/.test(text.slice(startOf(line), ends[line]))) line++;
      if (line >= ends.length) break;
      from = startOf(line);
      end = ends[line];
    }
    const joined = args.build();
    const heredocs: { delimiter: string; body: MappedText }[] = [];
    const withHeredocs = new MappedBuilder();
    withHeredocs.append(joined);
    for (const match of joined.text.matchAll(/<<-?\s*(["']?)([A-Za-z_][A-Za-z0-9_]*)\1/g)) {
      const delimiter = match[2];
      const bodyStart = line < ends.length ? startOf(line) : text.length;
      while (
        line < ends.length &&
        text
          .slice(startOf(line), ends[line])
          .replace(/\r$/, '')
          .replace(match[0].startsWith('<<-') ? /^\t+/ : /^$/, '') !== delimiter
      )
        line++;
      const bodyEnd = line < ends.length ? startOf(line) : text.length;
      heredocs.push({ delimiter, body: sourceSlice(text, bodyStart, bodyEnd) });
      withHeredocs.push('\n', bodyStart - 1);
      withHeredocs.append(sourceSlice(text, bodyStart, Math.min(text.length, (ends[line] ?? text.length - 1) + 1)));
      line++;
    }
    const last = Math.min(text.length, ends[line - 1] ?? text.length);
    instructions.push({
      keyword: head[1].toUpperCase(),
      arguments: joined,
      heredocs,
      withHeredocs: withHeredocs.build(),
      span: { start: start + first.search(/\S/), end: last },
    });
  }
  return instructions;
}

/** Images whose C library is musl: /etc/gai.conf means nothing there. */
const MUSL_IMAGES =
  /^(?:[\w.-]+(?::\d+)?\/)*(alpine|busybox:?.*musl|wolfi-base|chainguard\/static)(?:[:@]|$)|-alpine(?:[\d.]*)?(?:$|@)/i;

function execFormScript(args: MappedText): MappedText | undefined {
  try {
    const parsed: unknown = JSON.parse(args.text);
    if (!Array.isArray(parsed) || parsed.length < 3 || parsed[1] !== '-c' || typeof parsed[2] !== 'string')
      return undefined;
    // The script's characters sit inside the JSON string; point them all at the instruction.
    return { text: parsed[2], origins: Array.from({ length: parsed[2].length }, () => args.origins[0] ?? 0) };
  } catch {
    return undefined;
  }
}

export function dockerfileWrites(text: string): Extraction {
  const sequences: {
    name: string;
    steps: WriteStep[];
    libc?: 'musl';
    startsFrom?: { sequence: string };
    alias?: string;
    inherited: number;
  }[] = [];
  const notes: Extraction['notes'][number][] = [];
  let dialect: ShellDialect = 'dash';
  for (const instruction of dockerInstructions(text)) {
    const args = instruction.arguments;
    const current = sequences[sequences.length - 1];
    if (instruction.keyword === 'FROM') {
      const words = args.text
        .trim()
        .split(/\s+/)
        .filter((w) => !w.startsWith('--'));
      const image = words[0] ?? '';
      const alias = words[1]?.toLowerCase() === 'as' ? words[2] : undefined;
      const parent = sequences.find((s) => s.alias !== undefined && s.alias === image);
      const line = text.slice(0, instruction.span.start).split('\n').length;
      const name = `stage ${alias ?? sequences.length + 1} (FROM ${image}, line ${line})`;
      sequences.push({
        name,
        steps: parent ? [...parent.steps] : [],
        inherited: parent?.steps.length ?? 0,
        ...((parent?.libc ?? (MUSL_IMAGES.test(image) ? 'musl' : undefined)) ? { libc: 'musl' as const } : {}),
        ...(parent ? { startsFrom: { sequence: parent.name } } : {}),
        ...(alias ? { alias } : {}),
      });
      dialect = MUSL_IMAGES.test(image) ? 'bash' : 'dash';
      continue;
    }
    if (!current) continue;
    if (instruction.keyword === 'SHELL') {
      dialect = /bash|zsh|ksh/.test(args.text) ? 'bash' : 'dash';
    } else if (instruction.keyword === 'RUN') {
      const flagsEnd = /^(\s*--\S+\s+)*/.exec(args.text)![0].length;
      const command = args.text.slice(flagsEnd).trim();
      const script = command.startsWith('[')
        ? execFormScript({ text: args.text.slice(flagsEnd), origins: args.origins.slice(flagsEnd) })
        : /^<<-?\s*["']?\w+["']?\s*$/.test(command) && instruction.heredocs[0]
          ? instruction.heredocs[0].body
          : {
              text: instruction.withHeredocs.text.slice(flagsEnd),
              origins: instruction.withHeredocs.origins.slice(flagsEnd),
            };
      if (!script) continue;
      const found = shellScriptWrites(script, dialect);
      current.steps.push(...found.steps.map((s) => ({ ...s, how: `RUN ${s.how}` })));
      notes.push(...found.notes);
    } else if (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') {
      const words = args.text
        .trim()
        .split(/\s+/)
        .filter((w) => !w.startsWith('--'));
      const destination = words[words.length - 1] ?? '';
      const sources = words.slice(0, -1);
      const writesGaiConf =
        destination === GAI_CONF_PATH ||
        (destination.endsWith('/') &&
          `${destination}gai.conf`.replace(/\/+/g, '/') === GAI_CONF_PATH &&
          sources.some((s) => s.replace(/^.*\//, '') === 'gai.conf'));
      if (!writesGaiConf) continue;
      const heredoc = sources[0]?.startsWith('<<') ? instruction.heredocs[0] : undefined;
      const at = instruction.span;
      if (heredoc)
        current.steps.push({
          write: { kind: 'replace', content: heredoc.body },
          at,
          how: `${instruction.keyword} <<${heredoc.delimiter} ${GAI_CONF_PATH}`,
        });
      else
        current.steps.push({
          write: { kind: 'opaque', from: `${sources.join(' ')} from the build context` },
          at,
          how: `${instruction.keyword} ${sources.join(' ')} ${destination}`,
        });
    }
  }
  return {
    // A stage that only inherits its parent's file is judged once, as the parent.
    sequences: sequences
      .filter((s) => s.steps.length > s.inherited)
      .map(({ name, steps, libc, startsFrom }): WriteSequence => ({
        name,
        steps,
        ...(libc ? { libc } : {}),
        ...(startsFrom ? { startsFrom } : {}),
      })),
    notes,
  };
}
