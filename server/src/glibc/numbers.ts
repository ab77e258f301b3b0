/**
 * Decimal numbers as glibc's gai.conf parser reads them: strtoul(text, &end, 10) on a token
 * that holds no white space, on an unsigned long of 64 bits.
 */

const ULONG_MAX = (1n << 64n) - 1n;
export const INT_MAX = 2147483647;

export interface StrtoulResult {
  /** The value strtoul returns (ULONG_MAX on overflow; negatives wrap modulo 2^64). */
  readonly value: bigint;
  /** Characters consumed; 0 when no digit was read (strtoul then leaves end at the start). */
  readonly consumed: number;
  /** strtoul set errno to ERANGE. */
  readonly overflow: boolean;
}

export function strtoul10(text: string): StrtoulResult {
  let pos = 0;
  let negative = false;
  const sign = text.charCodeAt(0);
  if (sign === 0x2b || sign === 0x2d) {
    negative = sign === 0x2d;
    pos = 1;
  }
  const digitsStart = pos;
  while (pos < text.length && text.charCodeAt(pos) >= 0x30 && text.charCodeAt(pos) <= 0x39) pos++;
  if (pos === digitsStart) return { value: 0n, consumed: 0, overflow: false };
  const magnitude = BigInt(text.slice(digitsStart, pos));
  if (magnitude > ULONG_MAX) return { value: ULONG_MAX, consumed: pos, overflow: true };
  const value = negative ? (ULONG_MAX + 1n - magnitude) & ULONG_MAX : magnitude;
  return { value, consumed: pos, overflow: false };
}

/** Why a number field is not a value glibc keeps. */
export type NumberProblem = 'empty' | 'not-decimal' | 'overflow' | 'out-of-range';

export interface NumberReading {
  readonly problem?: NumberProblem;
  /** The value glibc stores when it accepts the field. */
  readonly value: number;
  /** The field was empty and, by the rules up to glibc 2.40, read as 0. */
  readonly emptyReadAsZero: boolean;
  /** The field relies on strtoul's leniency: a sign or leading zeros. */
  readonly unusualForm: boolean;
}

/** Up to this many plain digits a field's value is exact in a double and cannot overflow strtoul. */
const EXACT_DIGITS = 15;

/**
 * The value of `text` between `start` and `end` when it is the form nearly every field has, one
 * to 15 decimal digits without a leading zero (what strtoul reads as written), else -1: read from
 * the character codes, without cutting the field out of the text.
 */
export function plainDecimal(text: string, start: number, end: number): number {
  if (end <= start || end - start > EXACT_DIGITS) return -1;
  if (end - start > 1 && text.charCodeAt(start) === 0x30) return -1;
  let value = 0;
  for (let at = start; at < end; at++) {
    const digit = text.charCodeAt(at) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Reads a bits or value field the way glibc checks it: the whole field must be consumed, no
 * overflow, and the result within [min, max]. `emptyIsZero` is the behaviour up to glibc 2.40,
 * where an empty field passes the end-pointer check and counts as 0; from 2.41 it is refused.
 * The field is `text` between `start` and `end` (all of it by default).
 */
export function readNumberField(
  text: string,
  min: number,
  max: number,
  emptyIsZero: boolean,
  start = 0,
  end = text.length,
): NumberReading {
  if (start === end) {
    if (!emptyIsZero) return { problem: 'empty', value: 0, emptyReadAsZero: false, unusualForm: false };
    return min <= 0
      ? { value: 0, emptyReadAsZero: true, unusualForm: false }
      : { problem: 'out-of-range', value: 0, emptyReadAsZero: true, unusualForm: false };
  }
  const plain = plainDecimal(text, start, end);
  if (plain >= 0) {
    return plain < min || plain > max
      ? { problem: 'out-of-range', value: 0, emptyReadAsZero: false, unusualForm: false }
      : { value: plain, emptyReadAsZero: false, unusualForm: false };
  }
  return readSignedOrLongField(text.slice(start, end), min, max);
}

/** A field with a sign, another character or too many digits for a double: read through strtoul10. */
function readSignedOrLongField(text: string, min: number, max: number): NumberReading {
  const parsed = strtoul10(text);
  if (parsed.consumed !== text.length)
    return { problem: 'not-decimal', value: 0, emptyReadAsZero: false, unusualForm: false };
  if (parsed.overflow) return { problem: 'overflow', value: 0, emptyReadAsZero: false, unusualForm: false };
  const unusualForm = /^[+-]|^0\d/.test(text);
  if (parsed.value < BigInt(min) || parsed.value > BigInt(max)) {
    return { problem: 'out-of-range', value: 0, emptyReadAsZero: false, unusualForm };
  }
  return { value: Number(parsed.value), emptyReadAsZero: false, unusualForm };
}
