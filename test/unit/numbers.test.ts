import assert from 'node:assert/strict';
import { test } from 'node:test';

import { INT_MAX, readNumberField, strtoul10 } from '../../server/src/glibc/numbers';

/** The reading as glibc checks a field, worked out the long way: strtoul10 on the field's text. */
function byStrtoul(text: string, min: number, max: number) {
  const parsed = strtoul10(text);
  if (parsed.consumed !== text.length) return { problem: 'not-decimal' };
  if (parsed.overflow) return { problem: 'overflow' };
  const unusualForm = /^[+-]|^0\d/.test(text);
  if (parsed.value < BigInt(min) || parsed.value > BigInt(max)) return { problem: 'out-of-range', unusualForm };
  return { value: Number(parsed.value), unusualForm };
}

test('a field of plain digits, read from its character codes within the text, reads as strtoul reads it', () => {
  let seed = 7;
  const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  const texts = ['0', '00', '09', '1', '128', '129', '96', String(INT_MAX), String(INT_MAX + 1), '999999999999999'];
  texts.push('9999999999999999', '18446744073709551615', '18446744073709551616', '+1', '-0', '1x', '٣');
  for (let i = 0; i < 3000; i++) {
    const length = 1 + random(20);
    texts.push(Array.from({ length }, () => '0123456789+-a'[random(i % 2 ? 10 : 13)]).join(''));
  }
  for (const text of texts)
    for (const [min, max] of [
      [0, 128],
      [96, 128],
      [0, 32],
      [0, INT_MAX],
    ]) {
      const reading = readNumberField(`ab ${text} cd`, min, max, true, 3, 3 + text.length);
      const expected = byStrtoul(text, min, max);
      const got =
        reading.problem === undefined
          ? { value: reading.value, unusualForm: reading.unusualForm }
          : reading.problem === 'out-of-range'
            ? { problem: reading.problem, unusualForm: reading.unusualForm }
            : { problem: reading.problem };
      assert.deepEqual(got, expected, `${text} in ${min}..${max}`);
    }
});

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
