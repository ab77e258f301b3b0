/**
 * Inputs for the fuzz suites: gai.conf-like lines built from the pieces glibc's parser cares
 * about (directives and their near misses, IPv6/IPv4 prefixes, numbers in every form, comments,
 * the separators and the bytes that change where lines and words end), mixed with arbitrary text
 * (any UTF-16 including lone surrogates, binary-looking bytes).
 */

import fc from 'fast-check';

const WORDS = [
  'label',
  'precedence',
  'scopev4',
  'reload',
  'Label',
  'lable',
  'PRECEDENCE',
  'scope',
  '\uFEFFlabel',
  'yes',
  'no',
  'YES',
  '',
];
const ADDRESSES = [
  '::',
  '::1',
  'fc00::',
  'fd42::',
  'fec0::',
  '2001:db8::',
  '2001:0::',
  '2002::',
  '::ffff:0:0',
  '::ffff:10.0.0.0',
  '64:ff9b::',
  'fe80::%eth0',
  '10.0.0.0',
  '169.254.0.0',
  '127.0.0.1',
  '1.2.3',
  '::ffff:1.2.3.4',
  'fc00::1::2',
  'g::',
  '12345::',
  ':1::',
  '1:2:3:4:5:6:7:8',
  'ff05::1',
  '',
];
const NUMBERS = [
  '0',
  '1',
  '6',
  '7',
  '14',
  '32',
  '64',
  '96',
  '100',
  '112',
  '128',
  '129',
  '+5',
  '-1',
  '007',
  '0x28',
  '2147483647',
  '2147483648',
  '99999999999999999999',
  '1.5',
  '5a',
  '',
];
const SEPARATORS = [' ', '  ', '\t', '\v', '\f', '\r', ' \r', '\u00a0'];
const ODD = ['#', '\0', '\r', '\uFEFF', '\uD800', '\uDC00', '\u{1F600}', '/', '%'];

const pick = (values: readonly string[]) => fc.constantFrom(...values);

const prefix = fc
  .tuple(pick(ADDRESSES), fc.option(pick(NUMBERS), { nil: undefined }))
  .map(([address, bits]) => (bits === undefined ? address : `${address}/${bits}`));

const directiveLine = fc
  .tuple(
    pick(WORDS),
    prefix,
    pick(NUMBERS),
    fc.array(fc.oneof(pick(NUMBERS), pick(WORDS)), { maxLength: 2 }),
    fc.array(pick(SEPARATORS), { minLength: 4, maxLength: 4 }),
    fc.boolean(),
    fc.option(pick(ODD), { nil: undefined }),
  )
  .map(([word, pre, value, extra, seps, commented, odd]) => {
    const fields = [word, pre, value, ...extra];
    let line = fields.map((f, i) => f + (i < fields.length - 1 ? seps[i % seps.length] : '')).join('');
    if (commented) line = `#${seps[3] === '\r' ? '' : seps[3]}${line}`;
    if (odd !== undefined) {
      const at = Math.floor(line.length / 2);
      line = line.slice(0, at) + odd + line.slice(at);
    }
    return line;
  });

const lonesurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));

const anyLine = fc.oneof(
  { weight: 6, arbitrary: directiveLine },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 3 }), lonesurrogate, pick(ODD)), { maxLength: 12 })
      .map((parts) => parts.join('')),
  },
);

const LINE_ENDS = ['\n', '\n', '\n', '\r\n', '\r'];

/** A small file: up to a dozen lines with mixed line ends, with or without a final one. */
export const gaiConfText: fc.Arbitrary<string> = fc
  .tuple(fc.array(fc.tuple(anyLine, pick(LINE_ENDS)), { maxLength: 12 }), fc.boolean())
  .map(([lines, finalBreak]) => {
    const text = lines.map(([line, end]) => line + end).join('');
    return finalBreak || lines.length === 0 ? text : text.slice(0, -lines[lines.length - 1][1].length);
  });

/** Bytes as an editor might decode a binary file: Latin-1 and UTF-8 (with replacement characters). */
export const binaryText: fc.Arbitrary<string> = fc
  .tuple(fc.uint8Array({ maxLength: 200 }), fc.boolean())
  .map(([bytes, utf8]) => (utf8 ? new TextDecoder('utf-8').decode(bytes) : Buffer.from(bytes).toString('latin1')));

/** Every kind of input, small enough to hover at every offset. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: gaiConfText },
  { weight: 1, arbitrary: binaryText },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
);

/** Well-formed rows only: small configurations that glibc reads, for the differential run. */
const GOOD_PREFIXES = [
  '::1/128',
  '::/0',
  '2002::/16',
  '::/96',
  '::ffff:0:0/96',
  'fec0::/10',
  'fc00::/7',
  'fd42::/16',
  'fd42::/64',
  '2001::/32',
  '2001:db8::/32',
  '2001:db8:1::/48',
  '2001:db8:2::/48',
  '64:ff9b::/96',
];
const GOOD_SCOPES = [
  '10.0.0.0/8',
  '169.254.0.0/16',
  '127.0.0.0/8',
  '198.51.100.0/24',
  '0.0.0.0/0',
  '::ffff:192.168.0.0/112',
];

export const validConfig: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc
        .tuple(fc.constantFrom('label', 'precedence'), pick(GOOD_PREFIXES), fc.integer({ min: 0, max: 100 }))
        .map(([d, p, v]) => `${d} ${p} ${v}`),
      fc.tuple(pick(GOOD_SCOPES), fc.integer({ min: 1, max: 15 })).map(([p, v]) => `scopev4 ${p} ${v}`),
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((lines) => `${lines.join('\n')}\n`);
