import assert from 'node:assert/strict';
import { test } from 'node:test';

import { TextLocator } from '../../server/src/features/positions';

test('a range is the positions of its two ends, also where its end is found from its start line', () => {
  for (const text of ['ab\r\ncd\n\nef', 'a\rb\r\r\nc', '', '\n\n', 'x\r\n']) {
    const locator = new TextLocator(text);
    for (let start = -1; start <= text.length + 1; start++)
      for (let end = -1; end <= text.length + 1; end++)
        assert.deepEqual(
          locator.rangeOf({ start, end }),
          { start: locator.positionAt(start), end: locator.positionAt(end) },
          JSON.stringify({ text, start, end }),
        );
  }
});

test('an offset between the CR and LF of a CRLF is the end of its line, a place editors can name (found by fuzzing)', () => {
  const locator = new TextLocator('ab\r\ncd');
  assert.deepEqual(locator.positionAt(3), { line: 0, character: 2 });
  assert.deepEqual(locator.positionAt(2), { line: 0, character: 2 });
  assert.deepEqual(locator.positionAt(4), { line: 1, character: 0 });
  // A lone CR is a line break for editors.
  assert.deepEqual(new TextLocator('ab\rcd').positionAt(3), { line: 1, character: 0 });
});
