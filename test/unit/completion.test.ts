import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { SEVERITY_RANK, severityOf } from '../../server/src/analysis/catalogue';
import { Effect } from '../../server/src/analysis/effects';
import { RFC6724_POLICY } from '../../server/src/analysis/reference/rfcTables';
import { applyEdits } from '../../server/src/features/codeActions/edits';
import { CompletionEntry, completionsAt } from '../../server/src/features/completion';
import { formatEdits } from '../../server/src/features/formatting';
import { parseIpv6Bytes, prefixContains } from '../../server/src/glibc/addresses';
import { GLIBC_DEFAULT_PRECEDENCE } from '../../server/src/glibc/builtinTables';
import { analyze } from '../support/glibc';
import { repoRoot } from '../support/repository';
import { FULL_PREFER_IPV4, RFC3484_LABEL_ROWS, RFC6724_TABLE } from '../support/sampleFiles';

/** Completions at the "‸" in the text. */
function complete(textWithCursor: string): { text: string; entries: CompletionEntry[] } {
  const offset = textWithCursor.indexOf('‸');
  const text = textWithCursor.slice(0, offset) + textWithCursor.slice(offset + 1);
  return { text, entries: completionsAt(analyze(text), offset) };
}

function labels(textWithCursor: string): string[] {
  return complete(textWithCursor).entries.map((e) => e.label);
}

/** The text after accepting the completion with this label. */
function accept(textWithCursor: string, label: string): string {
  const { text, entries } = complete(textWithCursor);
  const chosen = entries.find((e) => e.label === label);
  assert.ok(chosen, `"${label}" among ${entries.map((e) => e.label).join(', ')}`);
  return applyEdits(text, [{ start: chosen.start, end: chosen.end, newText: chosen.insertText }]);
}

function choice(effects: readonly Effect[], host: string, pair: string): string | undefined {
  return effects.find((e) => e.host.id === host && e.pair.id === pair)?.file;
}

function warnings(text: string): string[] {
  return analyze(text)
    .findings.filter((f) => SEVERITY_RANK[severityOf(f)] >= SEVERITY_RANK.warning)
    .map((f) => f.code);
}

const ROOT = repoRoot();
/** Files the snippets go into: empty, comments only, and this machine's /etc/gai.conf when it has no active line. */
const HOSTS: Record<string, string> = {
  empty: '',
  'stock-like': readFileSync(join(ROOT, 'test', 'ui', 'stock-like-gai.conf'), 'utf8'),
  'CRLF comments': '# local policy\r\n#label fc00::/7 6\r\n',
};
if (existsSync('/etc/gai.conf')) {
  const etc = readFileSync('/etc/gai.conf', 'utf8');
  if (analyze(etc).parsed.lines.every((l) => !l.reading)) HOSTS['/etc/gai.conf'] = etc;
}

function withSnippet(host: string, label: string): string {
  return accept(`${host}${host === '' || /\n$/.test(host) ? '' : '\n'}‸`, label);
}

describe('completion', () => {
  test('at the start of a line: the four directives with their syntax, then the intents', () => {
    const { entries } = complete('‸');
    assert.deepEqual(
      entries.map((e) => e.label),
      ['label', 'precedence', 'scopev4', 'reload', 'prefer IPv6 from ULA hosts', 'prefer IPv4', 'RFC 6724 table'],
    );
    assert.equal(entries[0].detail, '<ipv6-prefix>/<bits> <value>');
    assert.equal(
      entries.find((e) => e.label === 'reload')!.detail,
      'yes|no',
      'the syntax after the keyword, not the keyword twice',
    );
    const sorted = [...entries].sort((a, b) => a.sortText.localeCompare(b.sortText)).map((e) => e.label);
    assert.deepEqual(
      sorted,
      entries.map((e) => e.label),
    );
    assert.deepEqual(
      labels('label ::1/128 0\npre‸'),
      ['label', 'precedence', 'scopev4', 'reload', 'prefer IPv4'],
      'no label-writing intent once the file has label rows',
    );
    const typed = complete('# x\n  pre‸');
    assert.equal(typed.text.slice(typed.entries[0].start, typed.entries[0].end), 'pre');
    const inside = complete('lab‸el ::1/128 0\n');
    assert.deepEqual(
      inside.entries.map((e) => e.label),
      ['label', 'precedence', 'scopev4', 'reload'],
      'no whole table in front of a row',
    );
    assert.equal(
      inside.text.slice(inside.entries[0].start, inside.entries[0].end),
      'label',
      'the whole word is replaced',
    );
    assert.equal(
      accept('precedence ::1/128 50\nla‸bel fc00::/7 1\n', 'label'),
      'precedence ::1/128 50\nlabel fc00::/7 1\n',
    );
  });

  test('"prefer IPv6 from ULA hosts" makes ULA hosts prefer IPv6, without any warning', () => {
    for (const [name, host] of Object.entries(HOSTS)) {
      const text = withSnippet(host, 'prefer IPv6 from ULA hosts');
      assert.deepEqual(warnings(text), [], `${name}:\n${text}`);
      const { effects } = analyze(text);
      assert.equal(choice(effects, 'ula', 'global'), 'ipv6', name);
      assert.equal(choice(effects, 'global', 'global'), 'ipv6', name);
      if (host.includes('\r\n')) assert.ok(!/[^\r]\n/.test(text), `${name}: CRLF kept`);
    }
  });

  test('"prefer IPv4" puts IPv4 first for every dual-stack host and keeps every other built-in precedence', () => {
    for (const [name, host] of Object.entries(HOSTS)) {
      const text = withSnippet(host, 'prefer IPv4');
      // IPv4 before ULA destinations too is what "prefer IPv4" means: no warning about it.
      assert.deepEqual(warnings(text), [], `${name}:\n${text}`);
      const { tables, effects } = analyze(text);
      for (const id of ['ula', 'global', 'ula-global'] as const)
        assert.equal(choice(effects, id, 'global'), 'ipv4', `${name}: ${id}`);
      for (const builtin of GLIBC_DEFAULT_PRECEDENCE) {
        const bytes = parseIpv6Bytes(builtin.prefix)!;
        const value = tables.precedence.rows.find(
          (r) => r.bits === builtin.bits && prefixContains(r.bytes, r.bits, bytes),
        )?.value;
        assert.equal(
          value,
          builtin.prefix === '::ffff:0:0' ? 100 : builtin.value,
          `${name}: ${builtin.prefix}/${builtin.bits}`,
        );
      }
    }
  });

  test('"RFC 6724 table" gives every RFC 6724 prefix its label and precedence, replacing nothing silently', () => {
    for (const [name, host] of Object.entries(HOSTS)) {
      const text = withSnippet(host, 'RFC 6724 table');
      const codes = analyze(text).findings.map((f) => f.code);
      assert.ok(!codes.includes('table-replaced') && !codes.includes('shadowed-row'), `${name}: ${codes.join(', ')}`);
      const { tables } = analyze(text);
      for (const row of RFC6724_POLICY) {
        const bytes = parseIpv6Bytes(row.prefix)!;
        const matching = (kind: 'label' | 'precedence') =>
          tables[kind].rows.find((r) => r.bits === row.bits && prefixContains(r.bytes, r.bits, bytes));
        assert.equal(matching('label')?.value, row.label, `${name}: label of ${row.prefix}/${row.bits}`);
        assert.equal(matching('precedence')?.value, row.precedence, `${name}: precedence of ${row.prefix}/${row.bits}`);
      }
    }
  });

  test('each intent gives the tables of the configuration the real-glibc oracles check under that name', () => {
    const picture = (text: string) => {
      const { tables } = analyze(text);
      return (['label', 'precedence', 'scopev4'] as const).map((kind) =>
        tables[kind].rows.map((r) => `${kind} ${r.bits} ${Buffer.from(r.bytes).toString('hex')} ${r.value}`).sort(),
      );
    };
    assert.deepEqual(picture(withSnippet('', 'prefer IPv6 from ULA hosts')), picture(RFC3484_LABEL_ROWS));
    assert.deepEqual(picture(withSnippet('', 'prefer IPv4')), picture(FULL_PREFER_IPV4));
    assert.deepEqual(picture(withSnippet('', 'RFC 6724 table')), picture(RFC6724_TABLE));
  });

  test('snippets are written as the formatter writes them', () => {
    for (const label of ['prefer IPv6 from ULA hosts', 'prefer IPv4', 'RFC 6724 table']) {
      const text = withSnippet('', label);
      assert.equal(applyEdits(text, formatEdits(analyze(text).parsed)), text, label);
    }
  });

  test('after label and precedence: well-known prefixes with name, RFC and their value in this file', () => {
    const { entries } = complete('label ‸');
    const ula = entries.find((e) => e.label === 'fc00::/7');
    assert.ok(ula);
    assert.match(ula.detail, /unique local addresses, ULA, RFC 4193/);
    assert.match(ula.documentation, /label 6 from glibc's built-in row fc00::\/7/);
    const changed = complete('label fc00::/7 1\nprecedence ::/0 40\nlabel ‸').entries.find(
      (e) => e.label === 'fc00::/7',
    )!;
    assert.match(changed.documentation, /label 1 from line 1/);
    assert.ok(labels('precedence 2‸').includes('2002::/16'));
  });

  test('after scopev4: v4-mapped networks that glibc accepts', () => {
    const mapped = labels('scopev4 ‸');
    assert.ok(mapped.includes('::ffff:169.254.0.0/112') && mapped.includes('::ffff:10.0.0.0/104'), mapped.join(', '));
    for (const prefix of mapped) {
      const line = analyze(`scopev4 ${prefix} 2\n`).parsed.lines[0];
      assert.equal(line.fate.kind, 'row', prefix);
    }
  });

  test('values: labels and precedences in use with what they mean, scopes, yes and no after reload', () => {
    const { entries } = complete('label fc00::/7 ‸');
    assert.deepEqual(
      entries.map((e) => e.label),
      ['0', '2', '3', '4', '5', '6', '7', '1'],
    );
    assert.match(entries.find((e) => e.label === '6')!.detail, /fc00::\/7/);
    assert.match(entries.find((e) => e.label === '4')!.documentation, /IPv4 addresses have label 4/);
    assert.deepEqual(labels('label ::1/128 0\nlabel ::/0 9\nlabel fd00::/8 ‸'), ['0', '9']);
    assert.deepEqual(labels('precedence ::/0 ‸'), ['50', '30', '20', '10', '40']);
    assert.deepEqual(labels('scopev4 10.0.0.0/8 ‸'), ['2', '5', '14']);
    assert.deepEqual(labels('reload ‸'), ['no', 'yes']);
    assert.deepEqual(labels('reload yes ‸'), []);
    assert.deepEqual(labels('Label ::1/128 ‸'), []);
    assert.deepEqual(labels('label ::1/128 0 ‸'), []);
  });

  test('in comments: diagnostic codes after "# gai-conf: ignore", nothing elsewhere', () => {
    const { text, entries } = complete('# gai-conf: ignore extra-fields, rel‸\nreload yes\n');
    assert.ok(entries.some((e) => e.label === 'reload-enabled'));
    assert.equal(text.slice(entries[0].start, entries[0].end), 'rel');
    assert.ok(labels('# gai-conf: ignore-file ‸').includes('ula-demoted'));
    assert.deepEqual(labels('# a comment ‸'), []);
    assert.deepEqual(labels('label ::1/128 0 # ‸'), []);
  });
});
