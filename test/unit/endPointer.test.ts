import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  EndPointers,
  measuredBuild,
  MissingBitsReading,
  PrefixDirective,
  strtoulLength,
} from '../../server/src/glibc/endPointer';

/** Replays lines the way the reader does: rows with /bits and a value, then one line without /bits. */
function lastLine(
  minor: number,
  rows: Array<[PrefixDirective, string]>,
  last: [PrefixDirective, string],
): MissingBitsReading {
  const pointers = new EndPointers(measuredBuild(minor));
  rows.forEach(([directive, text], i) => {
    pointers.startLine(i, text, true);
    pointers.cutAtSlash();
    pointers.numberParsed(directive, 'bits');
    pointers.numberParsed(directive, 'value');
  });
  pointers.startLine(rows.length, last[1], true);
  return pointers.missingBits(last[0]);
}

test('2.31: a later line is read as full length when the stale end pointer lands on a NUL', () => {
  assert.deepEqual(lastLine(31, [['label', 'label ::1/128 5']], ['label', 'label ::2 6']), {
    basis: 'stale-pointer',
    outcome: 'full-length',
    build: "Debian 11's glibc 2.31",
    setByLine: 0,
  });
  // The pointer (offset 15) falls inside "2001:db8::1".
  assert.equal(
    (lastLine(31, [['label', 'label ::1/128 5']], ['label', 'label 2001:db8::1 6']) as { outcome: string }).outcome,
    'ignored',
  );
  // One pointer for all directives: a scopev4 line sets it for a label line.
  assert.equal(
    (lastLine(31, [['scopev4', 'scopev4 10.0.0.0/8 5']], ['label', 'label ::1 3']) as { outcome: string }).outcome,
    'full-length',
  );
});

test('2.31: a first line without /bits rests on leftover stack memory', () => {
  const first = lastLine(31, [], ['label', 'label ::1 5']);
  assert.equal(first.basis, 'leftover-memory');
  assert.deepEqual(first.basis === 'leftover-memory' && [...first.outcomes].sort(), [
    'crash',
    'full-length',
    'ignored',
  ]);
});

test('2.36: the first scopev4 line without /bits crashes; a later one follows its own pointer; label is left open', () => {
  assert.deepEqual(lastLine(36, [['label', 'label ::1/128 5']], ['scopev4', 'scopev4 10.0.0.0 3']), {
    basis: 'wild-pointer',
    outcome: 'crash',
    build: "Debian 12's glibc 2.36",
  });
  assert.equal(
    (lastLine(36, [['scopev4', 'scopev4 10.0.0.0/8 5']], ['scopev4', 'scopev4 10.0.0.0 5']) as { outcome: string })
      .outcome,
    'full-length',
  );
  assert.equal(
    (lastLine(36, [['scopev4', 'scopev4 10.0.0.0/8 5']], ['scopev4', 'scopev4 192.168.0.0 5']) as { outcome: string })
      .outcome,
    'ignored',
  );
  const label = lastLine(36, [['label', 'label ::1/128 5']], ['label', 'label ::2 6']);
  assert.deepEqual(label.basis === 'leftover-memory' && label.measured, {
    build: "Debian 12's glibc 2.36",
    outcome: 'ignored',
  });
});

test('unmeasured builds promise nothing', () => {
  const reading = lastLine(38, [['scopev4', 'scopev4 10.0.0.0/8 5']], ['scopev4', 'scopev4 10.0.0.0 5']);
  assert.deepEqual(reading, { basis: 'leftover-memory', outcomes: ['ignored', 'full-length'] });
  assert.equal(lastLine(38, [], ['label', 'label ::1 5']).basis, 'leftover-memory');
});

test('a line longer than the buffer moves it: the stale pointer is lost', () => {
  const pointers = new EndPointers(measuredBuild(31));
  pointers.startLine(0, 'label ::1/128 5', true);
  pointers.numberParsed('label', 'value');
  pointers.startLine(1, `label ::2/128 6 ${'x'.repeat(200)}`, true);
  pointers.startLine(2, 'label ::3 7', true);
  assert.deepEqual(pointers.missingBits('label'), { basis: 'leftover-memory', outcomes: ['ignored', 'full-length'] });
});

test('strtoul reads white space, a sign and digits, up to a NUL', () => {
  const length = (text: string, from = 0) => strtoulLength(new TextEncoder().encode(text), from);
  assert.equal(length('128'), 3);
  assert.equal(length('+5x'), 2);
  assert.equal(length('0x80'), 1);
  assert.equal(length(''), 0);
  assert.equal(length('-'), 0);
  assert.equal(length(' \t\v\f\r\n-7 '), 8);
  assert.equal(length('12\u00003'), 2);
  assert.equal(length('label ::1/128 5', 10), 3);
});
