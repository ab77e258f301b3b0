import assert from 'node:assert/strict';
import { test } from 'node:test';

import { analyzeEdited } from '../../server/src/analysis/analysis';
import { analyze } from '../support/glibc';

const TEXT = [
  '# ordering for the lab network',
  '#label fc00::/7 6',
  'label 2001:db8::/32 7',
  '#precedence ::ffff:0:0/96 100',
  '# label <mask> <value>',
  '',
  '#scopev4 ::ffff:10.0.0.0/104 2',
  '#reload no',
  '#label fc00::/7 6',
].join('\n');

/** The commented-out rows by line number, with the words glibc would read. */
const picture = (commented: Iterable<[{ index: number }, { command: { text: string }; value1?: { text: string } }]>) =>
  [...commented].map(([line, reading]) => `${line.index + 1} ${reading.command.text} ${reading.value1?.text}`);

const EXPECTED = [
  '2 label fc00::/7',
  '4 precedence ::ffff:0:0/96',
  '7 scopev4 ::ffff:10.0.0.0/104',
  '8 reload no',
  '9 label fc00::/7',
];

test('the commented-out rows are found as far as they are asked for, and are the same however they are asked', () => {
  const { parsed, commented } = analyze(TEXT);
  // A first look stops early; everything after it is still found, in document order.
  for (const [line] of commented) {
    assert.equal(line.index, 1);
    break;
  }
  assert.deepEqual(picture(commented), EXPECTED);
  assert.equal(commented.size, EXPECTED.length);
  assert.deepEqual(
    [...commented.keys()].map((line) => line.index + 1),
    [2, 4, 7, 8, 9],
  );
  assert.deepEqual(
    [...commented.values()],
    [...commented.entries()].map(([, reading]) => reading),
  );
  // Asked line by line, in any order, the answers are those of the walk.
  const fresh = analyze(TEXT);
  for (const line of [...fresh.parsed.lines].reverse())
    assert.equal(
      fresh.commented.get(line)?.command.text,
      commented.get(parsed.lines[line.index])?.command.text,
      `line ${line.index + 1}`,
    );
  assert.deepEqual(picture(fresh.commented), EXPECTED);
});

test('a line of another reading has no commented-out row here, as in a map of the lines', () => {
  const first = analyze(TEXT);
  const other = analyze(TEXT);
  assert.equal(first.commented.get(other.parsed.lines[1]), undefined);
  assert.equal(first.commented.has(other.parsed.lines[1]), false);
  assert.ok(first.commented.has(first.parsed.lines[1]));
});

test('an edit that touches no commented-out row keeps them; one that does finds them anew', () => {
  const before = analyze(TEXT);
  const kept = analyzeEdited(before, TEXT.replace('label 2001:db8::/32 7', 'label 2001:db8::/32 8'));
  assert.equal(kept.commented, before.commented);
  assert.deepEqual(picture(kept.commented), EXPECTED);
  const changed = analyzeEdited(before, TEXT.replace('#reload no', '#reload yes'));
  assert.deepEqual(picture(changed.commented), [...EXPECTED.slice(0, 3), '8 reload yes', EXPECTED[4]]);
  const uncommented = analyzeEdited(before, TEXT.replace('#scopev4', 'scopev4'));
  assert.deepEqual(picture(uncommented.commented), [...EXPECTED.slice(0, 2), ...EXPECTED.slice(3)]);
});
