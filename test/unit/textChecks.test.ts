import assert from 'node:assert/strict';
import { test } from 'node:test';

import { analyze } from '../support/glibc';

function utf16le(text: string): string {
  // As the CLI decodes such a file: its bytes read as UTF-8.
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
  );
}

test('a UTF-16 file gets one finding that says so, and nothing per line', () => {
  const analysis = analyze(utf16le('label ::1/128 0\nlabel ::/0 1\nprecedence ::ffff:0:0/96 100\n'));
  assert.deepEqual(
    analysis.findings.map((f) => f.code),
    ['not-text'],
  );
  assert.match(analysis.findings[0].message, /UTF-16.*Save it as UTF-8 or ASCII/);
  assert.equal(analysis.tables.precedence.source, 'builtin', 'glibc reads no row of it');
});

test('binary data is not text; a NUL or an odd byte in a text file is not enough', () => {
  const binary = Array.from({ length: 600 }, (_, i) =>
    String.fromCharCode((i * 37) % 32 === 9 ? 1 : (i * 37) % 32),
  ).join('');
  assert.deepEqual(
    analyze(binary).findings.map((f) => f.code),
    ['not-text'],
  );
  assert.ok(!analyze('label ::1/128 5\0junk\nlabel ::/0 3\n').findings.some((f) => f.code === 'not-text'));
  assert.ok(!analyze('# caf\uFFFD menu\nlabel ::1/128 0\n').findings.some((f) => f.code === 'not-text'));
});
