import assert from 'node:assert/strict';
import { test } from 'node:test';

import { INT_MAX, readNumberField, strtoul10 } from '../../server/src/glibc/numbers';

test('strtoul base 10 leniencies glibc inherits', () => {
  assert.equal(readNumberField('+5', 0, 128, true).value, 5);
  assert.equal(readNumberField('007', 0, 128, true).value, 7);
  assert.equal(readNumberField('-0', 0, 128, true).value, 0);
  assert.ok(readNumberField('+5', 0, 128, true).unusualForm);
});

test('negative numbers wrap modulo 2^64, so only -0 and huge negatives survive the bounds', () => {
  assert.equal(readNumberField('-1', 0, 128, true).problem, 'out-of-range');
  assert.equal(strtoul10('-18446744073709551615').value, 1n);
  assert.equal(readNumberField('-18446744073709551615', 0, 128, true).value, 1);
  assert.equal(readNumberField('-18446744073709551616', 0, 128, true).problem, 'overflow');
});

test('refused forms', () => {
  for (const text of ['0x10', '1e3', '5.0', '5a', '+', '-', ' 5', '٣'])
    assert.equal(readNumberField(text, 0, 128, true).problem, 'not-decimal', text);
  assert.equal(readNumberField('129', 0, 128, true).problem, 'out-of-range');
  assert.equal(readNumberField(String(INT_MAX), 0, INT_MAX, true).value, INT_MAX);
  assert.equal(readNumberField(String(INT_MAX + 1), 0, INT_MAX, true).problem, 'out-of-range');
  assert.equal(readNumberField('18446744073709551616', 0, INT_MAX, true).problem, 'overflow');
});

test('empty numbers: 0 up to glibc 2.40, refused from 2.41', () => {
  assert.deepEqual(readNumberField('', 0, 128, true), { value: 0, emptyReadAsZero: true, unusualForm: false });
  assert.equal(readNumberField('', 0, 128, false).problem, 'empty');
  assert.equal(readNumberField('', 96, 128, true).problem, 'out-of-range');
});
