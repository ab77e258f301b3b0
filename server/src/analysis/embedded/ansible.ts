/**
 * Ansible task files, playbooks and roles' tasks: the tasks that write /etc/gai.conf with copy
 * (content), lineinfile, blockinfile, replace, template (whose source is another file), file
 * (state: absent), and shell/command/raw. Module arguments may be a mapping or Ansible's
 * `key=value` free form; `loop`/`with_items` over plain values or mappings fill `{{ item }}` and
 * `{{ item.key }}`. lineinfile, blockinfile and replace behave as the modules do: lineinfile
 * replaces the last line its regexp matches, else adds the line after insertafter's last match
 * (or at the end) unless the file already has it; blockinfile puts its block between its marker
 * lines, replacing an earlier block; replace substitutes in the whole file with multi-line
 * anchors. Any other `{{ }}` stays in the text, and the file is judged as a template.
 */

import { concat, generated, MappedBuilder, mappedLines, MappedText, slice, withoutBreak } from './mappedText';
import { shellScriptWrites } from './shellWrites';
import { Extraction, FileEdit, GAI_CONF_PATH, GaiConfWrite, Span, WriteStep } from './writes';
import { field, parseYaml, YamlNode } from './yaml';

const MODULE_PREFIXES = ['ansible.builtin.', 'ansible.legacy.'];
const TASK_LISTS = ['tasks', 'pre_tasks', 'post_tasks', 'handlers', 'block', 'rescue', 'always'];

type Arguments = ReadonlyMap<string, MappedText>;

/** Ansible's free-form `key=value key="quoted value"`. */
function freeForm(value: MappedText): Map<string, MappedText> {
  const result = new Map<string, MappedText>();
  const text = value.text;
  let i = 0;
  while (i < text.length) {
    while (/\s/.test(text[i] ?? '')) i++;
    const key = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(text.slice(i));
    if (!key) {
      while (i < text.length && !/\s/.test(text[i])) i++;
      continue;
    }
    i += key[0].length;
    const builder = new MappedBuilder();
    let quote: string | undefined;
    for (; i < text.length; i++) {
      const ch = text[i];
      if (quote) {
        if (ch === quote) quote = undefined;
        else if (ch === '\\' && text[i + 1] === quote) builder.push(text[++i], value.origins[i]);
        else builder.push(ch, value.origins[i]);
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (/\s/.test(ch)) break;
      else builder.push(ch, value.origins[i]);
    }
    result.set(key[1], builder.build());
  }
  return result;
}

function moduleArguments(task: YamlNode, module: YamlNode | undefined): Map<string, MappedText> {
  const result = new Map<string, MappedText>();
  const addMapping = (node: YamlNode | undefined) => {
    if (node?.kind !== 'map') return;
    for (const entry of node.entries) if (entry.value.kind === 'scalar') result.set(entry.key, entry.value.value);
  };
  if (module?.kind === 'scalar') for (const [k, v] of freeForm(module.value)) result.set(k, v);
  addMapping(module);
  addMapping(field(task, 'args'));
  return result;
}

/** `{{ item }}` and `{{ item.key }}` filled from one loop item. */
function withItem(text: MappedText, item: YamlNode | undefined): MappedText {
  if (!item) return text;
  const builder = new MappedBuilder();
  let last = 0;
  for (const match of text.text.matchAll(/\{\{\s*item(?:\.(\w+)|\[['"](\w+)['"]\])?\s*\}\}/g)) {
    const key = match[1] ?? match[2];
    const value = key ? field(item, key) : item;
    if (value?.kind !== 'scalar') continue;
    builder.append(slice(text, last, match.index));
    builder.append(value.value);
    last = match.index! + match[0].length;
  }
  builder.append(slice(text, last));
  return builder.build();
}

/** A Python regular expression as JavaScript reads it (named groups are spelt differently). */
function pythonRegex(source: string, flags = ''): RegExp | undefined {
  try {
    return new RegExp(source.replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>'), flags);
  } catch {
    return undefined;
  }
}

function lastIndexMatching(lines: readonly MappedText[], test: (line: string) => boolean): number {
  for (let i = lines.length - 1; i >= 0; i--) if (test(withoutBreak(lines[i]).text)) return i;
  return -1;
}

/** Where lineinfile and blockinfile insert: before insertbefore's last match (BOF: the top), after insertafter's, else at the end. */
function insertionIndex(
  lines: readonly MappedText[],
  insertBefore: string | undefined,
  insertAfter: string | undefined,
): number {
  if (insertBefore === 'BOF') return 0;
  const anchor = insertBefore ?? (insertAfter === 'EOF' ? undefined : insertAfter);
  const regex = anchor !== undefined ? pythonRegex(anchor) : undefined;
  const hit = regex ? lastIndexMatching(lines, (t) => regex.test(t)) : -1;
  if (hit < 0) return lines.length;
  return insertBefore !== undefined ? hit : hit + 1;
}

/** Lines with a final line break (the modules add one before appending to a file without it). */
function terminated(lines: MappedText[], at: number): MappedText[] {
  const last = lines[lines.length - 1];
  if (last && !last.text.endsWith('\n')) lines[lines.length - 1] = concat(last, generated('\n', at));
  return lines;
}

function lineinfileEdit(args: Arguments, at: Span): FileEdit | undefined {
  const line = args.get('line');
  const regexpText = args.get('regexp')?.text ?? args.get('regex')?.text;
  const searchString = args.get('search_string')?.text;
  const absent = args.get('state')?.text === 'absent';
  const regexp = regexpText !== undefined ? pythonRegex(regexpText) : undefined;
  if (regexpText !== undefined && !regexp) return undefined;
  const insertAfter = args.get('insertafter')?.text;
  const insertBefore = args.get('insertbefore')?.text;
  const matches = (text: string) =>
    regexp ? regexp.test(text) : searchString !== undefined ? text.includes(searchString) : text === line?.text;
  const looksFor = regexp
    ? `regexp "${regexpText}"`
    : searchString !== undefined
      ? `search_string "${searchString}"`
      : `the line "${line?.text ?? ''}"`;
  return {
    looksFor,
    apply: (current) => {
      const lines = mappedLines(current);
      if (absent) {
        const kept = lines.filter((l) => !matches(withoutBreak(l).text));
        return { text: concat(...kept), matched: true };
      }
      if (!line) return { text: current, matched: false };
      const newLine = concat(line, generated('\n', at.end - 1));
      const found = regexp || searchString !== undefined ? lastIndexMatching(lines, matches) : -1;
      if (found >= 0) {
        lines[found] = lines[found].text.endsWith('\n') || found < lines.length - 1 ? newLine : line;
        return { text: concat(...lines), matched: true };
      }
      if (lines.some((l) => withoutBreak(l).text === line.text)) return { text: current, matched: true };
      const index = insertionIndex(lines, insertBefore, insertAfter);
      terminated(lines, at.start).splice(index, 0, newLine);
      // A regexp that finds nothing is how lineinfile adds a line: not a failure.
      return { text: concat(...lines), matched: true };
    },
  };
}

function blockinfileEdit(args: Arguments, at: Span): FileEdit {
  const marker = args.get('marker')?.text ?? '# {mark} ANSIBLE MANAGED BLOCK';
  const begin = marker.replace('{mark}', args.get('marker_begin')?.text ?? 'BEGIN');
  const end = marker.replace('{mark}', args.get('marker_end')?.text ?? 'END');
  const block = args.get('block') ?? args.get('content') ?? generated('', at.start);
  const absent = args.get('state')?.text === 'absent';
  return {
    looksFor: `the markers "${begin}"`,
    apply: (current) => {
      const lines = terminated(mappedLines(current), at.start);
      const blockLines = mappedLines(block).map((l) =>
        concat(withoutBreak(l), generated('\n', l.origins.at(-1) ?? at.start)),
      );
      const inserted =
        absent || block.text === ''
          ? []
          : [generated(`${begin}\n`, at.start), ...blockLines, generated(`${end}\n`, at.start)];
      const first = lines.findIndex((l) => withoutBreak(l).text === begin);
      const last = lines.findIndex((l, i) => i >= first && withoutBreak(l).text === end);
      if (first >= 0 && last >= 0) lines.splice(first, last - first + 1, ...inserted);
      else
        lines.splice(
          insertionIndex(lines, args.get('insertbefore')?.text, args.get('insertafter')?.text),
          0,
          ...inserted,
        );
      return { text: concat(...lines), matched: true };
    },
  };
}

function replaceEdit(args: Arguments): FileEdit | undefined {
  const regexpText = args.get('regexp')?.text ?? '';
  const regex = pythonRegex(regexpText, 'gm');
  const replacement = args.get('replace') ?? generated('', 0);
  if (!regex) return undefined;
  return {
    looksFor: `regexp "${regexpText}"`,
    apply: (current) => {
      const builder = new MappedBuilder();
      let last = 0;
      let matched = false;
      for (const match of current.text.matchAll(regex)) {
        matched = true;
        builder.append(slice(current, last, match.index));
        const r = replacement;
        for (let i = 0; i < r.text.length; i++) {
          const group = /^\\(\d)|^\\g<(\w+)>/.exec(r.text.slice(i));
          if (group) {
            const value =
              (group[1] ? match[Number(group[1])] : (match.groups?.[group[2]] ?? match[Number(group[2])])) ?? '';
            const start = current.text.indexOf(value, match.index);
            builder.append(slice(current, start, start + value.length));
            i += group[0].length - 1;
          } else builder.push(r.text[i], r.origins[i]);
        }
        last = match.index! + match[0].length;
      }
      builder.append(slice(current, last));
      return { text: builder.build(), matched };
    },
  };
}

function moduleOf(task: YamlNode): { name: string; node: YamlNode | undefined } | undefined {
  if (task.kind !== 'map') return undefined;
  for (const entry of task.entries) {
    const name = MODULE_PREFIXES.reduce((n, prefix) => (n.startsWith(prefix) ? n.slice(prefix.length) : n), entry.key);
    if (['copy', 'lineinfile', 'blockinfile', 'replace', 'template', 'file', 'shell', 'command', 'raw'].includes(name))
      return { name, node: entry.value };
  }
  return undefined;
}

function taskSteps(task: YamlNode, item: YamlNode | undefined, notes: Extraction['notes'][number][]): WriteStep[] {
  const module = moduleOf(task);
  if (!module) return [];
  const at: Span = task.span;
  const how = module.name;
  if (module.name === 'shell' || module.name === 'command' || module.name === 'raw') {
    const script =
      module.node?.kind === 'scalar'
        ? module.node.value
        : field(module.node, 'cmd')?.kind === 'scalar'
          ? (field(module.node, 'cmd') as { value: MappedText }).value
          : undefined;
    if (!script) return [];
    const found = shellScriptWrites(withItem(script, item), 'dash');
    notes.push(...found.notes);
    return found.steps.map((s) => ({ ...s, how: `${module.name}: ${s.how}` }));
  }
  const args = new Map([...moduleArguments(task, module.node)].map(([k, v]) => [k, withItem(v, item)] as const));
  const path = (args.get('path') ?? args.get('dest') ?? args.get('destfile') ?? args.get('name'))?.text.replace(
    /\/{2,}/g,
    '/',
  );
  if (path !== GAI_CONF_PATH) return [];
  let write: GaiConfWrite | undefined;
  switch (module.name) {
    case 'copy':
      write = args.has('content')
        ? { kind: 'replace', content: args.get('content')! }
        : { kind: 'opaque', from: args.get('src')?.text ?? 'a file' };
      break;
    case 'template':
      write = { kind: 'opaque', from: `the template ${args.get('src')?.text ?? ''}`.trim() };
      break;
    case 'file':
      if (args.get('state')?.text === 'absent') write = { kind: 'remove' };
      break;
    case 'lineinfile': {
      const edit = lineinfileEdit(args, at);
      if (edit) write = { kind: 'edit', edit };
      else
        notes.push({
          at,
          message:
            'This lineinfile task has a regexp JavaScript cannot read, so gai-conf does not follow it: the file is judged without it.',
        });
      break;
    }
    case 'blockinfile':
      write = { kind: 'edit', edit: blockinfileEdit(args, at) };
      break;
    case 'replace': {
      const edit = replaceEdit(args);
      if (edit) write = { kind: 'edit', edit };
      break;
    }
  }
  return write ? [{ write, at, how }] : [];
}

function loopItems(task: YamlNode): readonly (YamlNode | undefined)[] {
  const loop = field(task, 'loop') ?? field(task, 'with_items') ?? field(task, 'with_list');
  return loop?.kind === 'seq' ? loop.items : [undefined];
}

function collect(tasks: YamlNode | undefined, steps: WriteStep[], notes: Extraction['notes'][number][]): void {
  if (tasks?.kind !== 'seq') return;
  for (const task of tasks.items) {
    if (task.kind !== 'map') continue;
    for (const list of TASK_LISTS) collect(field(task, list), steps, notes);
    for (const item of loopItems(task)) steps.push(...taskSteps(task, item, notes));
  }
}

export function ansibleWrites(text: string): Extraction {
  const steps: WriteStep[] = [];
  const notes: Extraction['notes'][number][] = [];
  for (const document of parseYaml(text)) collect(document, steps, notes);
  return { sequences: steps.length > 0 ? [{ steps }] : [], notes };
}
