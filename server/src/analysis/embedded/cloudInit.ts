/**
 * cloud-init user data (`#cloud-config`): write_files entries for /etc/gai.conf (content as
 * written, base64 decoded, `append: true` adding to the image's file, `defer: true` writing in the
 * final stage), and the shell of bootcmd and runcmd, in the order cloud-init runs them: bootcmd,
 * write_files, deferred write_files, runcmd. Each `---` document is a file of its own.
 */

import { generated, MappedText } from './mappedText';
import { shellScriptWrites } from './shellWrites';
import { Extraction, GAI_CONF_PATH, Span, WriteStep } from './writes';
import { field, parseYaml, scalarText, YamlNode } from './yaml';

const TRUE = /^(true|yes|on|True|TRUE|Yes|YES)$/;

function decodeBase64(text: string): string | undefined {
  const clean = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) return undefined;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of clean.replace(/=+$/, '')) {
    buffer = (buffer << 6) | alphabet.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return new TextDecoder('utf-8').decode(new Uint8Array(bytes));
}

function commandSteps(list: YamlNode | undefined, stage: string, notes: Extraction['notes'][number][]): WriteStep[] {
  if (list?.kind !== 'seq') return [];
  const steps: WriteStep[] = [];
  for (const item of list.items) {
    let script: MappedText | undefined;
    if (item.kind === 'scalar') script = item.value;
    // An argument list runs without a shell, unless it is one: [sh, -c, "..."].
    else if (
      item.kind === 'seq' &&
      item.items.length >= 3 &&
      /^(\/bin\/)?(ba)?sh$/.test(scalarText(item.items[0]) ?? '') &&
      scalarText(item.items[1]) === '-c' &&
      item.items[2].kind === 'scalar'
    )
      script = item.items[2].value;
    if (!script) continue;
    const found = shellScriptWrites(
      script,
      scalarText(item.kind === 'seq' ? item.items[0] : undefined)?.endsWith('bash') ? 'bash' : 'dash',
    );
    steps.push(...found.steps.map((s) => ({ ...s, how: `${stage}: ${s.how}` })));
    notes.push(...found.notes);
  }
  return steps;
}

function writeFileStep(entry: YamlNode, notes: Extraction['notes'][number][]): WriteStep | undefined {
  if (scalarText(field(entry, 'path'))?.replace(/\/{2,}/g, '/') !== GAI_CONF_PATH) return undefined;
  const at: Span = entry.span;
  const contentNode = field(entry, 'content');
  const encoding = (scalarText(field(entry, 'encoding')) ?? 'text/plain').toLowerCase();
  const append = TRUE.test(scalarText(field(entry, 'append')) ?? '');
  const how = `write_files${append ? ' (append)' : ''}`;
  let content: MappedText = contentNode?.kind === 'scalar' ? contentNode.value : generated('', at.start);
  if (['b64', 'base64'].includes(encoding)) {
    const decoded = decodeBase64(content.text);
    if (decoded === undefined) {
      notes.push({
        at,
        message:
          'This write_files entry says its content is base64 but it is not: cloud-init would fail to write /etc/gai.conf.',
      });
      return undefined;
    }
    content = generated(decoded, contentNode?.span.start ?? at.start);
  } else if (encoding.includes('gz')) {
    return { write: { kind: 'opaque', from: 'gzip-compressed content' }, at, how };
  }
  return { write: append ? { kind: 'append', content } : { kind: 'replace', content }, at, how };
}

export function cloudInitWrites(text: string): Extraction {
  const notes: Extraction['notes'][number][] = [];
  const sequences = parseYaml(text).map((document, index, all) => {
    const files = field(document, 'write_files');
    const entries = files?.kind === 'seq' ? files.items : [];
    const now = entries.filter((e) => !TRUE.test(scalarText(field(e, 'defer')) ?? ''));
    const deferred = entries.filter((e) => TRUE.test(scalarText(field(e, 'defer')) ?? ''));
    const steps = [
      ...commandSteps(field(document, 'bootcmd'), 'bootcmd', notes),
      ...[...now, ...deferred].map((e) => writeFileStep(e, notes)).filter((s): s is WriteStep => s !== undefined),
      ...commandSteps(field(document, 'runcmd'), 'runcmd', notes),
    ];
    return { ...(all.length > 1 ? { name: `document ${index + 1}` } : {}), steps };
  });
  return { sequences: sequences.filter((s) => s.steps.length > 0), notes };
}
