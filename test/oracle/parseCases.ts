import { seededRandom } from '../support/generate';

/**
 * Hand-written gai.conf files, each aimed at one rule of how glibc reads the file. The expected
 * tables are never written here: the parse oracle asks the installed glibc for them.
 */

export interface ParseCase {
  readonly name: string;
  readonly content: string | Buffer;
}

const junk = Buffer.from([
  0x6c, 0x61, 0x62, 0x65, 0x6c, 0x20, 0xff, 0xfe, 0x00, 0x0a, 0xc3, 0x28, 0x0a, 0x70, 0x72, 0x65, 0x63, 0x65, 0x64,
  0x65, 0x6e, 0x63, 0x65, 0x20, 0x3a, 0x3a, 0x2f, 0x30, 0x20, 0x37, 0x80, 0x0a, 0x01, 0x02, 0x7f, 0x0a,
]);

export const PARSE_CASES: readonly ParseCase[] = [
  { name: 'empty file', content: '' },
  { name: 'comments and blank lines only', content: '# nothing\n\n   \t\n#label ::1/128 0\n' },
  { name: 'the prefer-IPv4 one-liner', content: 'precedence ::ffff:0:0/96 100\n' },
  {
    name: 'full prefer-IPv4 precedence table',
    content:
      'precedence ::1/128 50\nprecedence ::/0 40\nprecedence 2002::/16 30\nprecedence ::/96 20\nprecedence ::ffff:0:0/96 100\n',
  },
  {
    name: 'RFC 3484 label rows',
    content: 'label ::1/128 0\nlabel ::/0 1\nlabel 2002::/16 2\nlabel ::/96 3\nlabel ::ffff:0:0/96 4\n',
  },
  {
    name: 'RFC 6724 table written out',
    content:
      'precedence ::1/128 50\nprecedence ::/0 40\nprecedence ::ffff:0:0/96 35\nprecedence 2002::/16 30\nprecedence 2001::/32 5\nprecedence fc00::/7 3\nprecedence ::/96 1\nprecedence fec0::/10 1\nprecedence 3ffe::/16 1\nlabel ::1/128 0\nlabel ::/0 1\nlabel ::ffff:0:0/96 4\nlabel 2002::/16 2\nlabel 2001::/32 5\nlabel fc00::/7 13\nlabel ::/96 3\nlabel fec0::/10 11\nlabel 3ffe::/16 12\n',
  },
  { name: '# inside the prefix cuts the line there', content: 'label ::1/128#x 5\nlabel ::/0 1\n' },
  { name: '# glued after the value', content: 'label fc00::/7 1#ula is global here\n' },
  { name: 'CRLF line endings', content: 'label ::1/128 0\r\nlabel fc00::/7 1\r\nprecedence ::/0 41\r\n' },
  { name: 'VT and FF separate fields', content: 'label\v::1/128\f5\nprecedence\f\f::/0\v\v33\n' },
  { name: 'tabs and leading white space', content: '\t  label\t\t2002::/16\t 9\n   precedence   ::1/128   51   \n' },
  { name: 'UTF-8 BOM glues onto the first word', content: '\uFEFFlabel ::1/128 7\nlabel ::2/128 8\n' },
  { name: 'NUL ends the line', content: 'label ::1/128 5\0label ::3/128 9\nlabel ::2/128 6\n' },
  { name: 'NUL at the start of a line', content: '\0label ::1/128 5\nprecedence ::2/128 6\n' },
  {
    name: 'directives are case-sensitive',
    content: 'Label ::1/128 5\nLABEL ::1/128 5\nPrecedence ::/0 1\nScopev4 10.0.0.0/8 3\nReload yes\n',
  },
  {
    name: 'misspelt directives',
    content: 'lable ::1/128 5\nprefer ::ffff:0:0/96 100\nprecedance ::/0 3\nscope 10.0.0.0/8 3\n',
  },
  { name: 'fields after the third are ignored', content: 'label ::1/128 5 6 7\nprecedence ::/0 9 extra words here\n' },
  { name: 'leading plus signs', content: 'label ::1/+128 +5\nprecedence ::/+0 +7\n' },
  { name: 'leading zeros', content: 'label ::/000 0007\nlabel ::1/0128 09\n' },
  { name: 'minus zero', content: 'precedence ::1/-0 -0\nprecedence ::1/+0128 -0\n' },
  { name: 'hexadecimal numbers are refused', content: 'label ::1/0x80 5\nlabel ::1/128 0x5\nlabel ::2/128 5\n' },
  {
    name: 'overflowing numbers are refused',
    content:
      'label ::1/128 99999999999999999999\nlabel ::1/99999999999999999999 1\nlabel ::2/128 18446744073709551615\nlabel ::3/128 4\n',
  },
  {
    name: 'INT_MAX and one more',
    content: 'label ::1/128 2147483647\nlabel ::2/128 2147483648\nprecedence ::/0 2147483647\n',
  },
  {
    name: 'negative numbers wrap around',
    content:
      'label ::1/-18446744073709551615 5\nlabel ::2/-1 5\nlabel ::3/128 -2147483648\nlabel ::4/128 -18446744073709551614\n',
  },
  { name: 'prefix length bounds', content: 'label ::1/129 5\nlabel ::1/128 6\nlabel ::/0 3\n' },
  {
    name: 'host bits are stored as written',
    content: 'label fd00::/7 3\nprecedence 2001:db8::1/32 7\nlabel ::ffff:10.1.2.3/104 9\n',
  },
  { name: 'the same prefix twice keeps file order', content: 'label fc00::/7 6\nlabel fc00::/7 1\nlabel fd00::/7 2\n' },
  { name: 'two catch-all rows', content: 'label ::/0 5\nlabel ::/0 6\nlabel ::1/128 0\n' },
  { name: 'label without /bits on the first line', content: 'label ::1 5\nlabel ::2/128 6\n' },
  { name: 'precedence without /bits', content: 'precedence ::ffff:0:0 100\n' },
  { name: 'empty value counts as 0', content: 'label ::1/128\nprecedence ::1/128\n' },
  { name: 'empty prefix length', content: 'label ::/ 7\n' },
  { name: 'space after the slash', content: 'label ::1/ 128 5\n' },
  {
    name: 'scopev4 in v4-mapped form',
    content: 'scopev4 ::ffff:169.254.0.0/112 3\nscopev4 ::ffff:10.0.0.0/104 5\nscopev4 ::ffff:192.168.1.1/128 4\n',
  },
  { name: 'scopev4 in IPv4 form is masked', content: 'scopev4 10.1.2.3/8 5\nscopev4 172.16.99.1/12 6\n' },
  { name: 'scopev4 catch-all rows', content: 'scopev4 ::ffff:0.0.0.0/96 3\nscopev4 0.0.0.0/0 4\n' },
  {
    name: 'scopev4 bounds and forms',
    content:
      'scopev4 ::ffff:10.0.0.0/95 5\nscopev4 ::ffff:10.0.0.0/129 5\nscopev4 10.0.0.0/33 5\nscopev4 fe80::/112 5\nscopev4 10.0.0.0/8 2147483648\nscopev4 127.0.0.0/8 7\n',
  },
  { name: 'scopev4 without /bits first: crash', content: 'scopev4 10.0.0.0 5\n' },
  { name: 'scopev4 mapped without /bits first: crash', content: 'label ::1/128 0\nscopev4 ::ffff:10.0.0.0 5\n' },
  {
    name: 'scopev4 without /bits after a refused scopev4 line: crash',
    content: 'scopev4 junk 5\nscopev4 fe80::/112 3\nscopev4 10.0.0.0 5\n',
  },
  { name: 'reload yes', content: 'reload yes\n' },
  { name: 'reload values other than yes turn it off', content: 'reload yes\nreload YES\n' },
  { name: 'bare reload turns it off', content: 'reload yes\nreload\n' },
  { name: 'the last reload line wins', content: 'reload no\nreload true\nreload 1\nreload yes\n' },
  {
    name: 'IPv6 text glibc refuses',
    content:
      'label ::ffff:010.0.0.1/128 1\nlabel 1::2::3/64 2\nlabel fe80::%eth0/64 3\nlabel 12345::/16 4\nlabel :1/16 5\nlabel 1:/16 6\nlabel FC00::/7 7\nlabel ::ffff:10.0.0.0/104 8\n',
  },
  {
    name: 'plain IPv4 in label and precedence',
    content: 'label 10.0.0.0/8 4\nprecedence 192.168.0.0/16 100\nlabel ::1/128 0\n',
  },
  { name: 'directives without values', content: 'label\nprecedence\nscopev4\nlabel ::1/128 3\n' },
  {
    name: 'a lone CR joins lines',
    content: 'label ::1/128 5\rlabel ::2/128 6\nprecedence ::/0 45\rprecedence ::1/128 1\n',
  },
  { name: 'binary junk', content: junk },
  {
    name: 'same length rows keep file order',
    content: Array.from({ length: 10 }, (_, i) => `label 2001:db8:${i}::/48 ${i + 10}\n`).join(''),
  },
  { name: 'catch-all with another value', content: 'label ::/0 9\nprecedence ::/0 1\n' },
];

/**
 * Prefixes without /bits and empty numbers in the places where glibc up to 2.40 behaves
 * differently from build to build: a first line, a later line after each kind of line, a stale
 * end pointer that lands on a NUL and one that does not.
 */
export const UNDEFINED_BEHAVIOUR_CASES: readonly ParseCase[] = [
  { name: 'UB: first label line without /bits, alone', content: 'label ::1 5\n' },
  { name: 'UB: first precedence line without /bits, alone', content: 'precedence ::1 7\n' },
  { name: 'UB: label without /bits after a label line, pointer on a NUL', content: 'label ::1/128 5\nlabel ::2 6\n' },
  {
    name: 'UB: label without /bits after a label line with a longer value',
    content: 'label ::1/128 50\nlabel ::2 6\n',
  },
  {
    name: 'UB: label without /bits after a label line, pointer inside the address',
    content: 'label ::1/128 5\nlabel 2001:db8::1 6\n',
  },
  { name: 'UB: label without /bits after a precedence line', content: 'precedence ::1/128 5\nlabel ::2 6\n' },
  { name: 'UB: precedence without /bits after a label line', content: 'label ::1/128 5\nprecedence ::2 6\n' },
  {
    name: 'UB: scopev4 without /bits after a scopev4 line, pointer on a NUL',
    content: 'scopev4 10.0.0.0/8 5\nscopev4 10.0.0.0 5\n',
  },
  {
    name: 'UB: scopev4 without /bits after a scopev4 line, pointer on a digit',
    content: 'scopev4 10.0.0.0/8 5\nscopev4 192.168.0.0 5\n',
  },
  {
    name: 'UB: mapped scopev4 without /bits after a scopev4 line',
    content: 'scopev4 10.0.0.0/8 5\nscopev4 ::ffff:192.168.0.0 5\n',
  },
  { name: 'UB: scopev4 without /bits after a label line', content: 'label ::1/128 5\nscopev4 10.0.0.0 3\n' },
  { name: 'UB: label without /bits after a scopev4 line', content: 'scopev4 10.0.0.0/8 5\nlabel ::1 3\n' },
  { name: 'UB: label without /bits after a refused label line', content: 'label ::1/128 x\nlabel ::2 6\n' },
  { name: 'UB: two label lines without /bits after a row', content: 'label ::1/128 5\nlabel ::2 6\nlabel ::3 7\n' },
  { name: 'empty scopev4 prefix length', content: 'scopev4 10.0.0.0/ 5\n' },
  { name: 'empty scopev4 value', content: 'scopev4 10.0.0.0/8\n' },
];

/**
 * Generated files that mix lines without /bits with rows, comments, blank and refused lines of
 * varied lengths, so that stale end pointers land on every kind of byte. The same files every run.
 */
export function generatedUndefinedBehaviourCases(count: number, seed = 20261201): ParseCase[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const number = (): string => String(Math.floor(random() * 10 ** (1 + Math.floor(random() * 4))));
  const ipv6 = (): string =>
    pick(['::1', '::2', 'fd00::', '2001:db8::1', '2001:db8:1:2::', '::ffff:0:0', 'fec0::1:2:3']);
  const ipv4 = (): string => pick(['10.0.0.0', '192.168.0.0', '172.16.9.0', '1.2.3.4', '127.0.0.0']);
  const makers: Array<() => string> = [
    () => `${pick(['label', 'precedence'])} ${ipv6()}/${pick(['128', '64', '7', '0', '96'])} ${number()}`,
    () => `${pick(['label', 'precedence'])} ${ipv6()} ${number()}`,
    () => `scopev4 ${ipv4()}/${pick(['8', '16', '32', '0'])} ${number()}`,
    () => `scopev4 ::ffff:${ipv4()}/${pick(['104', '128', '96'])} ${number()}`,
    () => `scopev4 ${ipv4()} ${number()}`,
    () => `scopev4 ::ffff:${ipv4()} ${number()}`,
    () => `label ${ipv6()}/128 x${number()}`,
    () => `# ${'comment '.repeat(Math.floor(random() * 4))}`,
    () => '',
    () => `${pick(['label', 'precedence'])}\t${ipv6()}/128   ${number()} extra`,
  ];
  return Array.from({ length: count }, (_, i) => {
    const lines = Array.from({ length: 2 + Math.floor(random() * 4) }, () => pick(makers)());
    return { name: `generated #${i}: ${JSON.stringify(lines.join('\n'))}`, content: lines.join('\n') + '\n' };
  });
}
