import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { Analysis } from '../../server/src/analysis/analysis';
import { applyEdits } from '../../server/src/features/codeActions/edits';
import { formatEdits } from '../../server/src/features/formatting';
import { bytesToHex } from '../../server/src/glibc/addresses';
import { EffectiveTable } from '../../server/src/glibc/tables';
import { seededRandom } from '../support/generate';
import { generatedGaiConf } from '../support/generate';
import { analyze, fateOf, GLIBC_2_36, GLIBC_2_41 } from '../support/glibc';
import { repoRoot } from '../support/repository';

const ROOT = repoRoot();

function format(text: string, glibc = GLIBC_2_36, from?: number, to?: number): string {
  return applyEdits(text, formatEdits(analyze(text, glibc).parsed, from, to));
}

function tablePicture(table: EffectiveTable): string[] {
  return table.rows.map(
    (row) =>
      `${table.source} ${bytesToHex(row.bytes)}/${row.bits} ${row.value} ${row.origin.kind === 'file' ? `line ${row.origin.line.index}` : row.origin.kind}`,
  );
}

/** Everything glibc takes from the file (each line's fate, the three tables, reload, a crash), and what we report about it. */
function glibcReading(analysis: Analysis) {
  const { parsed, tables } = analysis;
  const lines = parsed.lines.map((line) => {
    const fate = line.fate;
    return fate.kind === 'row' ? `${fateOf(line)} ${bytesToHex(fate.row.bytes)}` : fateOf(line);
  });
  // Blanks after the last line break form a line of their own until formatting removes them.
  while (lines.at(-1) === 'empty') lines.pop();
  return {
    lines,
    label: tablePicture(tables.label),
    precedence: tablePicture(tables.precedence),
    scopev4: tablePicture(tables.scopev4),
    reload: tables.reload,
    crash: tables.crash?.index,
    findings: analysis.findings.map((f) => f.code).sort(),
  };
}

/** Formats and checks the properties every formatting must have; returns the formatted text. */
function assertSafeFormatting(text: string, name: string): string {
  let formatted = '';
  for (const glibc of [GLIBC_2_36, GLIBC_2_41]) {
    const before = analyze(text, glibc);
    const edits = formatEdits(before.parsed);
    formatted = applyEdits(text, edits);
    assert.deepEqual(
      glibcReading(analyze(formatted, glibc)),
      glibcReading(before),
      `${name}: glibc reads the formatted text differently\n${JSON.stringify(text)}\n${JSON.stringify(formatted)}`,
    );
    assert.equal(
      format(formatted, glibc),
      formatted,
      `${name}: formatting twice changes the text\n${JSON.stringify(formatted)}`,
    );
    for (const edit of edits) {
      assert.match(text.slice(edit.start, edit.end), /^[ \t\v\f]*$/, `${name}: an edit replaces more than blanks`);
      assert.match(edit.newText, /^ *$/, `${name}: an edit inserts more than spaces`);
    }
    assert.deepEqual(
      formatted.match(/\r\n|\r|\n/g) ?? [],
      text.match(/\r\n|\r|\n/g) ?? [],
      `${name}: line breaks changed`,
    );
    const comments = (t: string) =>
      analyze(t, glibc)
        .parsed.lines.map((l) => (l.comment ? `${l.index} ${l.comment.text}` : ''))
        .filter(Boolean);
    assert.deepEqual(comments(formatted), comments(text), `${name}: a comment changed`);
  }
  return formatted;
}

describe('formatting', () => {
  test('aligns the command and prefix columns of a run of directive lines, and keeps comments and line breaks', () => {
    const text =
      'label   ::1/128 0\nlabel\tfc00::/7\t\t1   # ULA as global\r\nprecedence ::ffff:0:0/96 100  \n\n  # kept   as is  \nreload yes\n';
    assert.equal(
      format(text),
      'label      ::1/128       0\nlabel      fc00::/7      1 # ULA as global\r\nprecedence ::ffff:0:0/96 100\n\n  # kept   as is  \nreload yes\n',
    );
  });

  test('edits only the white space that changes, never a whole line', () => {
    const text = 'label  ::1/128 0\nlabel fc00::/7   1 \n';
    const edits = formatEdits(analyze(text).parsed);
    assert.deepEqual(edits, [
      { start: 5, end: 7, newText: ' ' },
      { start: 14, end: 15, newText: '  ' },
      { start: 31, end: 34, newText: ' ' },
      { start: 35, end: 36, newText: '' },
    ]);
  });

  test('leaves lines alone where editors and glibc split differently', () => {
    for (const line of [
      'label ::1/128#x  5',
      'label  ::1/128\r  5',
      'label  ::1/128 5\0  x',
      '\uFEFFlabel  ::1/128 5',
      '   #  comment   ',
    ]) {
      const text = `${line}\nlabel  ::/0 1\n`;
      assert.ok(format(text).startsWith(`${line}\n`), JSON.stringify(line));
    }
  });

  test('a range formats only the lines it touches, aligned as the whole file would be', () => {
    const text = 'label ::1/128 0\nlabel  fc00::/7  1\nlabel  ::/0  1\n';
    const second = text.indexOf('label  fc00');
    const ranged = format(text, GLIBC_2_36, second, second + 3);
    assert.equal(ranged, 'label ::1/128 0\nlabel fc00::/7 1\nlabel  ::/0  1\n');
    const whole = format(text);
    assert.equal(ranged.split('\n')[1], whole.split('\n')[1]);
  });

  const files = [
    ...readdirSync(join(ROOT, 'test', 'grammar'))
      .filter((n) => n.endsWith('.gaiconf'))
      .map((n) => join(ROOT, 'test', 'grammar', n)),
    join(ROOT, 'samples', 'gai.conf'),
    join(ROOT, 'test', 'ui', 'stock-like-gai.conf'),
    ...(existsSync('/etc/gai.conf') ? ['/etc/gai.conf'] : []),
  ];
  for (const file of files) {
    test(`never changes what glibc reads, and is idempotent: ${file.slice(file.lastIndexOf('/', file.lastIndexOf('/') - 1) + 1)}`, () => {
      const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(readFileSync(file));
      assertSafeFormatting(text, file);
    });
  }

  test('never changes what glibc reads, and is idempotent: 3000 generated files', () => {
    const next = seededRandom(0x6a1c0f);
    let changed = 0;
    for (let i = 0; i < 3000; i++) {
      const text = generatedGaiConf(next);
      if (assertSafeFormatting(text, `generated #${i}`) !== text) changed++;
    }
    assert.ok(changed > 1000, `only ${changed} generated files needed formatting: the generator is too tame`);
  });
});

test('an empty range formats only the line it sits on, wherever it is', () => {
  const text = 'label ::1/128   0\nlabel  ::/0 1\nprecedence  ::/0   40\n';
  const parsed = analyze(text).parsed;
  const second = text.indexOf('label  ::/0');
  const edits = formatEdits(parsed, second + 3, second + 3);
  assert.ok(
    edits.length > 0 && edits.every((e) => e.start >= second && e.end <= text.indexOf('\nprecedence')),
    JSON.stringify(edits),
  );
  assert.deepEqual(formatEdits(parsed, text.length, text.length), []);
});
