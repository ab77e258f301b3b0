import assert from 'node:assert/strict';
import { test } from 'node:test';

import { savedFileText } from '../../client/src/savedFile';
import { codes } from '../support/glibc';

const encode = (text: string) => new TextEncoder().encode(text);

test('a UTF-8 byte order mark stays, so the saved file loses its first line as it does for glibc', () => {
  const text = savedFileText(encode('\ufefflabel ::1/128 5\nprecedence ::/0 40\n'));
  assert.equal(text, '\ufefflabel ::1/128 5\nprecedence ::/0 40\n');
  assert.ok(codes(text).includes('byte-order-mark'));
});

test('CR, NUL and a non-UTF-8 byte each stay one character', () => {
  const bytes = Uint8Array.of(...encode('label ::1/128 5\r\0'), 0xff, 0x0a);
  const text = savedFileText(bytes);
  assert.equal(text.length, bytes.length);
  assert.deepEqual(
    [...text].map((c) => c.charCodeAt(0)),
    [...bytes],
  );
});
