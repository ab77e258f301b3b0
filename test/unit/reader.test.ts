import assert from 'node:assert/strict';
import { test } from 'node:test';

import { TextLocator } from '../../server/src/features/positions';
import { DirectiveReading, readWords, WordsReader } from '../../server/src/glibc/reader';
import { parseGlibcVersion } from '../../server/src/glibc/versions';
import { analyze, codes, fateOf, GLIBC_2_36, GLIBC_2_41, parse } from '../support/glibc';

const fates = (text: string, glibc = GLIBC_2_36) => parse(text, glibc).lines.map(fateOf);

test('the first # anywhere ends the line, even inside a word', () => {
  assert.deepEqual(fates('label ::1/128#x 5\n'), ['row label /128 0']);
  assert.deepEqual(fates('label ::1/128#x 5\n', GLIBC_2_41), ['ignored']);
  assert.ok(codes('label ::1/128#x 5\n').includes('comment-in-token'));
  assert.deepEqual(fates('# label ::1/128 5\n   # x\n'), ['empty', 'empty']);
});

test('fields are split at every C isspace character; CRLF works', () => {
  assert.deepEqual(fates('label\t::1/128\v5\r\nprecedence\f::/0 7\r\n'), ['row label /128 5', 'row precedence /0 7']);
  assert.deepEqual(codes('label\t::1/128\v5\r\n'), ['table-replaced']);
});

test('a lone CR is not a line break for glibc', () => {
  const parsed = parse('label ::1/128 5\rlabel ::/0 3\n');
  assert.equal(parsed.lines.length, 1);
  assert.deepEqual(parsed.lines.map(fateOf), ['row label /128 5']);
  assert.deepEqual(
    parsed.issues.map((issue) => issue.code),
    ['carriage-return', 'extra-fields'],
  );
});

test('a NUL byte ends the line; the next line is read as usual', () => {
  assert.deepEqual(fates('label ::1/128 5\0junk\nlabel ::/0 3\n'), ['row label /128 5', 'row label /0 3']);
  assert.deepEqual(fates('label ::1/1\u00002 5\n'), ['row label /1 0']);
  assert.ok(codes('label ::1/128 5\0junk\n').includes('nul-byte'));
});

test('a BOM glues onto the first word', () => {
  assert.deepEqual(fates('\uFEFFlabel ::1/128 5\nlabel ::/0 3\n'), ['ignored', 'row label /0 3']);
  assert.ok(codes('\uFEFFlabel ::1/128 5\n').includes('byte-order-mark'));
});

test('commands are exact and case-sensitive, with a suggestion', () => {
  assert.deepEqual(fates('Label ::1/128 5\nlable ::1/128 5\nprefer ::1/128 5\n'), ['ignored', 'ignored', 'ignored']);
  const messages = analyze('Label ::1/128 5\nPRECEDENCE ::/0 5\n')
    .findings.filter((f) => f.code === 'unknown-directive')
    .map((f) => f.message);
  assert.match(messages[0], /Did you mean "label"/);
  assert.match(messages[1], /Did you mean "precedence"/);
});

test('only three fields are read; the rest is reported and ignored', () => {
  assert.deepEqual(fates('label ::1/128 5 6 7\n'), ['row label /128 5']);
  assert.ok(codes('label ::1/128 5 6 7\n').includes('extra-fields'));
});

test('a directive without values still runs with empty strings', () => {
  assert.deepEqual(fates('label\nreload yes\nreload\n'), ['ignored', 'reload yes', 'reload no']);
  assert.equal(parse('reload yes\nreload\n').reload, false);
  assert.equal(parse('reload no\nreload yes\n').reload, true);
  assert.ok(codes('reload YES\n').includes('reload-value'));
  assert.ok(codes('reload yes\n').includes('reload-enabled'));
});

test('prefix text follows inet_pton: no plain IPv4, no zone, no bad groups', () => {
  assert.deepEqual(
    fates('label 10.0.0.0/8 5\nlabel fe80::%eth0/64 5\nlabel ::ffff:010.0.0.1/128 5\nlabel 1::2::3/64 5\n'),
    ['ignored', 'ignored', 'ignored', 'ignored'],
  );
  assert.deepEqual(
    codes('label 10.0.0.0/8 5\nlabel fe80::%eth0/64 5\nlabel g::/64 5\n').filter((c) => c !== 'ula-demoted'),
    ['ipv4-prefix', 'zone-id', 'invalid-address'],
  );
  assert.match(
    analyze('label 10.0.0.0/8 5\n').findings.find((f) => f.code === 'ipv4-prefix')!.message,
    /::ffff:10\.0\.0\.0\/104/,
  );
});

test('numbers: strtoul leniency in, hex and tails out, bounds enforced', () => {
  assert.deepEqual(
    fates(
      'label ::1/+128 +5\nlabel ::/000 0007\nlabel ::1/-0 -0\nlabel ::1/0x80 5\nlabel ::1/128 5x\nlabel ::1/129 5\nlabel ::1/128 2147483647\nlabel ::1/128 2147483648\n',
    ),
    [
      'row label /128 5',
      'row label /0 7',
      'row label /0 0',
      'ignored',
      'ignored',
      'ignored',
      'row label /128 2147483647',
      'ignored',
    ],
  );
});

test('missing /bits: ignored (undefined behaviour) up to 2.40, /128 from 2.41', () => {
  assert.deepEqual(fates('label ::1 5\nprecedence ::1 7\n'), ['undefined', 'undefined']);
  assert.deepEqual(fates('label ::1 5\nprecedence ::1 7\n', GLIBC_2_41), ['row label /128 5', 'row precedence /128 7']);
});

test('empty numbers: 0 up to 2.40, refused from 2.41', () => {
  assert.deepEqual(fates('label ::1/128\nlabel ::/ 7\nlabel ::1/ 128 5\n'), [
    'row label /128 0',
    'row label /0 7',
    'row label /0 128',
  ]);
  assert.deepEqual(fates('label ::1/128\nlabel ::/ 7\nlabel ::1/ 128 5\n', GLIBC_2_41), [
    'ignored',
    'ignored',
    'ignored',
  ]);
});

test('scopev4: two forms, masked, bounds per form', () => {
  const parsed = parse(
    'scopev4 ::ffff:169.254.0.0/112 2\nscopev4 10.1.2.3/8 5\nscopev4 ::ffff:10.0.0.0/95 5\nscopev4 10.0.0.0/33 5\nscopev4 fe80::/112 5\nscopev4 ::ffff:0.0.0.0/96 3\n',
  );
  assert.deepEqual(parsed.lines.map(fateOf), [
    'row scopev4 /112 2',
    'row scopev4 /104 5',
    'ignored',
    'ignored',
    'ignored',
    'row scopev4 /96 3',
  ]);
  const row = parsed.lines[1].fate.kind === 'row' ? parsed.lines[1].fate.row : undefined;
  assert.deepEqual(Array.from(row!.bytes.slice(12)), [10, 0, 0, 0]);
  assert.ok(codes('scopev4 10.1.2.3/8 5\n').includes('host-bits'));
  assert.ok(codes('scopev4 fe80::/112 5\n').includes('scopev4-not-mapped'));
});

test('scopev4 without /bits: what each measured build does up to 2.40, open elsewhere; /32 or /128 from 2.41', () => {
  // Debian 12's 2.36: the first crashes every program; a later one follows the stale pointer.
  assert.deepEqual(fates('scopev4 10.0.0.0 5\n'), ['crash']);
  assert.deepEqual(fates('scopev4 junk 5\nscopev4 ::ffff:10.0.0.0 5\n'), ['ignored', 'crash']);
  assert.deepEqual(fates('scopev4 10.0.0.0/8 5\nscopev4 10.0.0.0 5\n'), ['row scopev4 /104 5', 'row scopev4 /128 5']);
  assert.deepEqual(fates('scopev4 10.0.0.0/8 5\nscopev4 192.168.0.0 5\n'), ['row scopev4 /104 5', 'ignored']);
  // Debian 11's 2.31: one pointer for every kind of line; the first line is left open.
  const v231 = parseGlibcVersion('2.31')!;
  assert.deepEqual(fates('scopev4 10.0.0.0 5\n', v231), ['undefined']);
  assert.deepEqual(fates('label ::1/128 5\nlabel ::2 6\n', v231), ['row label /128 5', 'row label /128 6']);
  assert.deepEqual(fates('label ::1/128 5\nscopev4 10.0.0.0 3\n', v231), ['row label /128 5', 'ignored']);
  // An unmeasured build: nothing is promised.
  assert.deepEqual(fates('scopev4 10.0.0.0/8 5\nscopev4 10.0.0.0 5\n', parseGlibcVersion('2.38')!), [
    'row scopev4 /104 5',
    'undefined',
  ]);
  assert.deepEqual(fates('scopev4 10.0.0.0 5\nscopev4 ::ffff:10.0.0.0 5\n', GLIBC_2_41), [
    'row scopev4 /128 5',
    'row scopev4 /128 5',
  ]);
  assert.ok(codes('scopev4 10.0.0.0 5\n').includes('scopev4-crash'));
});

test('commented-out directives are recognised, prose is not', () => {
  const { parsed, commented } = analyze(
    '#label fc00::/7 6\n#precedence  ::1/128       50\n# label   <mask>   <value>\n#    If set to yes, each getaddrinfo(3) call\n#scopev4 ::ffff:127.0.0.0/104    2\n',
  );
  assert.deepEqual(
    parsed.lines.map((l) => {
      const reading = commented.get(l);
      return reading ? fateOf({ ...l, fate: reading.fate }) : '-';
    }),
    ['row label /7 6', 'row precedence /128 50', '-', '-', 'row scopev4 /104 2'],
  );
  assert.deepEqual(parsed.lines.map(fateOf), ['empty', 'empty', 'empty', 'empty', 'empty']);
});

test('a comment is passed over by its first character only when no directive can start there', () => {
  // Any C white space may come between the '#' and the directive, and lines may end in CR LF.
  const rows = [
    '#label ::1/128 5',
    '#\tlabel ::1/128 5',
    '# \v\flabel ::1/128 5',
    '#\rprecedence ::/0 40',
    '#  reload no',
  ];
  const text = `${rows.join('\r\n')}\r\n#scopev4 ::ffff:10.0.0.0/104 3\n# labels below\n#Label ::1/128 5\n#\n#  \n`;
  const { parsed, commented } = analyze(text);
  assert.deepEqual(
    parsed.lines.map((l) => commented.get(l)?.directive ?? '-'),
    ['label', 'label', 'label', 'precedence', 'reload', 'scopev4', '-', '-', '-', '-'],
  );
});

test('a line without /bits far down a file reads the line buffer that the lines before it left', () => {
  const rows = Array.from({ length: 300 }, (_, i) => (i % 3 ? `# comment ${i}` : `label 2001:db8:${i}::/48 ${i}`));
  const last = (text: string, glibc = parseGlibcVersion('2.31')!) => {
    const parsed = parse(text, glibc);
    return [fateOf(parsed.lines.at(-1)!), (parsed.issues.at(-1) as { reading?: unknown }).reading];
  };
  const stale = (outcome: string, build: string, setByLine: number) => ({
    basis: 'stale-pointer',
    outcome,
    build,
    setByLine,
  });
  // The number of line 298 ("... 297") ended at offset 27, where the last line has a NUL or not.
  const debian11 = "Debian 11's glibc 2.31";
  assert.deepEqual(last(`${rows.join('\n')}\nlabel ::2 6\n`), [
    'row label /128 6',
    stale('full-length', debian11, 297),
  ]);
  assert.deepEqual(last(`${rows.join('\n')}\nlabel 2001:db8:ffff:ffff:ffff::1 6\n`), [
    'ignored',
    stale('ignored', debian11, 297),
  ]);
  // 2.36 follows scopev4 lines only: the pointer is where line 1's number ended (offset 20), which
  // the label line 298 cut at its "/", and which a long enough last line covers.
  const debian12 = "Debian 12's glibc 2.36";
  const scoped = (lastLine: string) => last(`scopev4 10.0.0.0/8 5\n${rows.join('\n')}\n${lastLine}\n`, GLIBC_2_36);
  assert.deepEqual(scoped('scopev4 10.1.0.0 6'), ['row scopev4 /128 6', stale('full-length', debian12, 0)]);
  assert.deepEqual(scoped('scopev4 100.100.200.0 6'), ['ignored', stale('ignored', debian12, 0)]);
});

test('words read again where they repeat are the reading of their own place', () => {
  const stretches = [
    'label ::1/128 5',
    '  precedence ::ffff:0:0/96  100',
    'label ::1/128 005',
    'label ::1 5',
    'scopev4 10.0.0.0 5',
    'precedence ::/0 x',
    'label ::1/128 5 and more',
    'reload yes',
    'lable ::1/128 5',
  ];
  // Each stretch three times: the second time as the first, the third after one more space.
  const text = ['#', '#', '# '].map((hash) => `${hash}${stretches.join(`\n${hash}`)}\n`).join('');
  const plain = (reading: DirectiveReading | undefined) =>
    reading && {
      words: [reading.command, reading.value1, reading.value2, ...reading.extra].map(
        (w) => w && { text: w.text, start: w.start, end: w.end },
      ),
      directive: reading.directive,
      fate: reading.fate,
      issues: reading.issues,
    };
  for (const generation of ['up-to-2.40', 'from-2.41'] as const) {
    const words = new WordsReader(text, generation);
    const lines = parse(text).lines;
    for (const line of lines) {
      const reading = words.read(line.start + 1, line.end);
      assert.deepEqual(
        plain(reading),
        plain(readWords(text, line.start + 1, line.end, generation)),
        `${generation} ${text.slice(line.start, line.end)}`,
      );
      if (reading?.fate.kind === 'ignored' || reading?.fate.kind === 'undefined')
        assert.ok(reading.issues.includes(reading.fate.issue), 'the fate holds one of the listed issues');
    }
  }
});

test('token offsets map to editor lines and UTF-16 columns', () => {
  const text = '# é😀\r\nlabel  ::1/128 x\n';
  const finding = analyze(text).findings.find((f) => f.code === 'invalid-number')!;
  const range = new TextLocator(text).rangeOf(finding);
  assert.deepEqual(range, { start: { line: 1, character: 15 }, end: { line: 1, character: 16 } });
});

test('never throws on arbitrary input', () => {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const alphabet = [
    'label',
    'precedence',
    'scopev4',
    'reload',
    ' ',
    '\t',
    '\n',
    '\r',
    '#',
    '/',
    ':',
    '::',
    '.',
    '0',
    '1',
    '9',
    'f',
    'ffff',
    '\0',
    '\uFEFF',
    '\uD800',
    '+',
    '-',
    'yes',
    '%',
  ];
  for (let i = 0; i < 2000; i++) {
    let text = '';
    const length = Math.floor(random() * 40);
    for (let j = 0; j < length; j++) text += alphabet[Math.floor(random() * alphabet.length)];
    for (const glibc of [GLIBC_2_36, GLIBC_2_41]) {
      const analysis = codes(text, glibc);
      assert.ok(Array.isArray(analysis));
    }
  }
});
