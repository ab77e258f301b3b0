/**
 * gai.conf templates (Ansible's and Salt's Jinja, Puppet's and Chef's ERB, Go templates): files
 * named like gai.conf.j2 that a tool renders into a gai.conf. What glibc will read on a line that
 * holds template code is known only after rendering, so such a line gets no finding of its own,
 * and conclusions about the whole file wait for the rendered file; the literal lines are checked
 * as usual. In a real gai.conf `{{` is just text: template mode comes from the file name, or from
 * the caller.
 */

import { ParsedFile } from '../glibc/reader';

/** File name endings of templates: Jinja, ERB, Go templates and the generic ones. */
export const TEMPLATE_SUFFIXES: readonly string[] = ['.j2', '.jinja', '.jinja2', '.erb', '.tmpl', '.tpl'];

/** Whether a file name or URI names a template (by its ending, in any case). */
export function isTemplateName(name: string): boolean {
  const lower = name.toLowerCase();
  return TEMPLATE_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}

/** Each kind of tag and what closes it: a # inside one is template code, not a glibc comment. */
const TAGS: readonly (readonly [open: string, close: string])[] = [
  ['{{', '}}'],
  ['{%', '%}'],
  ['{#', '#}'],
  ['<%', '%>'],
];

export interface TemplateTag {
  /** Offsets; an unclosed tag runs to the end of the text. */
  readonly start: number;
  readonly end: number;
}

/** Where a tag opened at `from` ends: after its closer, skipping quoted strings in code tags. */
function tagEnd(text: string, from: number, open: string, close: string): number {
  const quotes = open !== '{#';
  for (let at = from + open.length; at < text.length; at++) {
    const ch = text[at];
    if (quotes && (ch === '"' || ch === "'")) {
      const closing = text.indexOf(ch, at + 1);
      if (closing < 0) return text.length;
      at = closing;
    } else if (text.startsWith(close, at)) {
      return at + close.length;
    }
  }
  return text.length;
}

export function templateTags(text: string): TemplateTag[] {
  const tags: TemplateTag[] = [];
  for (let at = 0; at < text.length; at++) {
    const tag = TAGS.find(([open]) => text.startsWith(open, at));
    if (!tag) continue;
    const end = tagEnd(text, at, tag[0], tag[1]);
    tags.push({ start: at, end });
    at = end - 1;
  }
  return tags;
}

export interface TemplateReading {
  readonly tags: readonly TemplateTag[];
  /**
   * Indexes of the lines whose reading depends on the render: a tag lies on them before their
   * first # outside tags (a tag after that # only changes a comment).
   */
  readonly lines: ReadonlySet<number>;
}

export function readTemplate(parsed: ParsedFile): TemplateReading {
  const tags = templateTags(parsed.text);
  const lines = new Set<number>();
  let next = 0;
  for (const line of parsed.lines) {
    while (next < tags.length && tags[next].end <= line.start) next++;
    const first = tags[next];
    if (!first || first.start >= Math.max(line.end, line.start + 1)) continue;
    const before = parsed.text.slice(line.start, Math.max(line.start, first.start));
    if (!before.includes('#')) lines.add(line.index);
  }
  return { tags, lines };
}
