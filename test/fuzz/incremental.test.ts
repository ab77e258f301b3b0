/**
 * The incremental reading must never differ from a reading from scratch: over random files and
 * random sequences of edits (as an editor sends them, anywhere, of any size, across line ends),
 * each version read from the previous one's lines gives the same lines, issues, findings and
 * tables as the same text read alone, on a glibc whose reader carries state from line to line
 * (2.36) and on one whose reader does not (2.41).
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';

import fc from 'fast-check';

import { Analysis, analyzeGaiConf } from '../../server/src/analysis/analysis';
import { changedLines, comparedLines } from '../../server/src/glibc/lineChanges';
import { ParsedFile, ParsedLine, parseGaiConf } from '../../server/src/glibc/reader';
import { generateGaiConf } from '../support/generate';
import { GLIBC_2_36, GLIBC_2_41 } from '../support/glibc';
import { gaiConfText } from './arbitraries';
import { budget, testTimeout } from './budget';

/** What an edit inserts: words, line ends, the bytes glibc treats specially, whole rows. */
const INSERTS = [
  '',
  '\n',
  '\r\n',
  '#',
  ' ',
  '\t',
  '/',
  '\0',
  'L',
  'label ::1/128 5\n',
  'precedence ::ffff:0:0/96 100\n',
  'scopev4 ::ffff:10.0.0.0/104 2\n',
  'label fc00::/7 1',
  '#label fc00::/7 6\n',
  'label ::1 3\n',
  'scopev4 10.0.0.0 1\n',
  'reload yes\n',
  '# gai-conf: ignore\n',
  'lable ::/0 1\n',
  '\uFEFF',
];

interface Edit {
  readonly at: number;
  readonly remove: number;
  readonly insert: string;
}

const edit: fc.Arbitrary<Edit> = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  remove: fc.nat({ max: 40 }),
  insert: fc.oneof(fc.constantFrom(...INSERTS), fc.string({ maxLength: 6 })),
});

function applyEdit(text: string, change: Edit): string {
  const start = Math.min(text.length, Math.floor(change.at * (text.length + 1)));
  const end = Math.min(text.length, start + change.remove);
  return text.slice(0, start) + change.insert + text.slice(end);
}

/** A line as plain data, its comment included (the reader cuts it from the text when asked). */
function plainLine(line: ParsedLine) {
  return {
    index: line.index,
    start: line.start,
    end: line.end,
    reading: line.reading,
    comment: line.comment,
    fate: line.fate,
  };
}

function assertSameReading(incremental: ParsedFile, scratch: ParsedFile): void {
  assert.deepStrictEqual(incremental.lines.map(plainLine), scratch.lines.map(plainLine));
  assert.deepStrictEqual(incremental.issues, scratch.issues);
  assert.equal(incremental.reload, scratch.reload);
  assert.equal(incremental.text, scratch.text);
}

function assertSameAnalysis(incremental: Analysis, scratch: Analysis): void {
  assertSameReading(incremental.parsed, scratch.parsed);
  assert.deepStrictEqual(incremental.findings, scratch.findings);
  assert.deepStrictEqual(incremental.suppressed, scratch.suppressed);
  const rows = (a: Analysis) =>
    (['label', 'precedence', 'scopev4'] as const).map((kind) =>
      a.tables[kind].rows.map((row) => ({
        ...row,
        origin: row.origin.kind === 'file' ? row.origin.line.index : row.origin.kind,
      })),
    );
  assert.deepStrictEqual(rows(incremental), rows(scratch));
  assert.deepStrictEqual(
    incremental.effects.map((e) => [e.host.id, e.pair.id, e.file, e.builtin]),
    scratch.effects.map((e) => [e.host.id, e.pair.id, e.file, e.builtin]),
  );
}

/** Applies the edits one by one, reading each version from the previous one and from scratch. */
function replay<T>(
  start: string,
  edits: readonly Edit[],
  read: (text: string, previous?: T) => T,
  assertSame: (incremental: T, scratch: T) => void,
): void {
  let text = start;
  let previous = read(text);
  for (const change of edits) {
    text = applyEdit(text, change);
    const incremental = read(text, previous);
    assertSame(incremental, read(text));
    previous = incremental;
  }
}

for (const glibc of [GLIBC_2_36, GLIBC_2_41]) {
  test(
    `glibc ${glibc.major}.${glibc.minor}: reading each version from the previous one's lines equals reading it alone`,
    { timeout: testTimeout(0.5) },
    () => {
      fc.assert(
        fc.property(gaiConfText, fc.array(edit, { minLength: 1, maxLength: 12 }), (text, edits) =>
          replay(text, edits, (t, previous?: ParsedFile) => parseGaiConf(t, { glibc }, previous), assertSameReading),
        ),
        budget(0.5),
      );
    },
  );
}

for (const glibc of [GLIBC_2_36, GLIBC_2_41]) {
  test(
    `glibc ${glibc.major}.${glibc.minor}: the changed lines the reader remembers for an edit are those a comparison of the two versions finds`,
    { timeout: testTimeout(0.1) },
    () => {
      fc.assert(
        fc.property(gaiConfText, fc.array(edit, { minLength: 1, maxLength: 12 }), (text, edits) =>
          replay(
            text,
            edits,
            (t, previous?: ParsedFile) => {
              const parsed = parseGaiConf(t, { glibc }, previous);
              if (previous)
                assert.deepStrictEqual(
                  changedLines(previous.lines, parsed.lines),
                  comparedLines(previous.lines, parsed.lines),
                );
              return parsed;
            },
            () => undefined,
          ),
        ),
        budget(0.1),
      );
    },
  );
}

test('a long file edited line by line: every analysis equals the one from scratch', () => {
  const random = fc.sample(fc.array(edit, { minLength: 40, maxLength: 40 }), { numRuns: 1, seed: 22 })[0];
  for (const glibc of [GLIBC_2_36, GLIBC_2_41])
    replay(
      generateGaiConf(400, 22),
      random,
      (text, previous?: Analysis) => analyzeGaiConf(text, { glibc }, previous),
      assertSameAnalysis,
    );
});

test('an edit away from the lines that changed keeps them: the same objects, not a second reading', () => {
  const text = generateGaiConf(200, 5);
  const before = parseGaiConf(text, { glibc: GLIBC_2_41 });
  const row = before.lines.findIndex((line, i) => i >= 100 && text.startsWith('label', line.start));
  const at = before.lines[row].start;
  // "label" to "#abel", the same length: every other line stays where it was.
  const after = parseGaiConf(`${text.slice(0, at)}#${text.slice(at + 1)}`, { glibc: GLIBC_2_41 }, before);
  const kept = after.lines.filter((line, i) => line === before.lines[i]).length;
  assert.equal(kept, before.lines.length - 1);
  assert.notEqual(after.lines[row], before.lines[row]);
  assert.equal(after.lines[row].fate.kind, 'empty');
  // A longer edit moves the lines after it, and keeps those before it.
  const longer = parseGaiConf(`${text.slice(0, at)}# ${text.slice(at)}`, { glibc: GLIBC_2_41 }, before);
  assert.ok(longer.lines.slice(0, row).every((line, i) => line === before.lines[i]));
  assert.equal(longer.lines[row + 1].start, before.lines[row + 1].start + 2);
});

test('a file whose lines read what earlier lines left (a prefix without /bits, glibc 2.36) is read from scratch, and right', () => {
  const text = 'scopev4 ::ffff:10.0.0.0/104 2\nlabel ::1 3\nscopev4 10.0.0.0 1\n';
  const before = parseGaiConf(text, { glibc: GLIBC_2_36 });
  const changed = text.replace('/104 2', '/104 2 ');
  const after = parseGaiConf(changed, { glibc: GLIBC_2_36 }, before);
  assertSameReading(after, parseGaiConf(changed, { glibc: GLIBC_2_36 }));
  assert.notEqual(after.lines[1], before.lines[1]);
});
