/** The shared start and end of two texts, found by halving the range that differs, equal what a loop over every character finds. */

import assert from 'node:assert/strict';
import { test } from 'node:test';

import fc from 'fast-check';

import { commonPrefixLength, commonSuffixLength } from '../../server/src/glibc/textChange';

function naivePrefix(a: string, b: string): number {
  let same = 0;
  while (same < Math.min(a.length, b.length) && a[same] === b[same]) same++;
  return same;
}

function naiveSuffix(a: string, b: string, limit: number): number {
  let same = 0;
  while (same < limit && a[a.length - 1 - same] === b[b.length - 1 - same]) same++;
  return same;
}

/** A long text and an edit of it anywhere: ranges of every length on either side of the change. */
const edited = fc
  .tuple(fc.string({ minLength: 0, maxLength: 2000 }), fc.nat(), fc.nat({ max: 300 }), fc.string({ maxLength: 300 }))
  .map(([text, at, removed, inserted]) => {
    const start = at % (text.length + 1);
    return [text, text.slice(0, start) + inserted + text.slice(start + removed)] as const;
  });

test('the shared start and end of a text and an edit of it are those a loop over every character finds', () => {
  fc.assert(
    fc.property(edited, ([a, b]) => {
      const prefix = commonPrefixLength(a, b);
      assert.equal(prefix, naivePrefix(a, b));
      const limit = Math.min(a.length, b.length) - prefix;
      assert.equal(commonSuffixLength(a, b, limit), naiveSuffix(a, b, limit));
    }),
    { seed: 22, numRuns: 2000 },
  );
});

test('a change at the middle of the range, and texts with no difference', () => {
  const a = 'x'.repeat(512);
  assert.equal(commonPrefixLength(a, `${'x'.repeat(256)}y${'x'.repeat(255)}`), 256);
  assert.equal(commonPrefixLength(a, a), 512);
  assert.equal(commonSuffixLength(a, a, 512), 512);
  assert.equal(commonSuffixLength(a, `${'x'.repeat(255)}y${'x'.repeat(256)}`, 300), 256);
  assert.equal(commonSuffixLength(a, a, 300), 300);
});
