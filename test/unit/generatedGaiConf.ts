/** Generated gai.conf text for property tests: directives, typos, odd numbers, blanks, comments, CRLF. */

const WORDS = ['label', 'precedence', 'scopev4', 'reload', 'Label', 'lable', '\uFEFFlabel', 'prefer', ''];
const PREFIXES = ['::1/128', '::/0', 'fc00::/7', 'fd00::/8', '::ffff:0:0/96', '2002::/16', '10.0.0.0/8', '::ffff:10.0.0.0/104', '169.254.0.0/16', '::1', '::1/', 'fe80::1%eth0/64', 'zz::/3', '::/129', '2001:db8::/+032', '0.0.0.0/0', ''];
const VALUES = ['0', '1', '6', '40', '100', '', '+7', '007', '0x10', '-1', '2147483648', 'yes', 'no', 'YES', '5#c'];
const BLANKS = [' ', '  ', '\t', ' \t ', '\v', '\f', '\r'];
const COMMENTS = ['# a comment', '#label fc00::/7 6', '#  precedence ::ffff:0:0/96  100  ', '# gai-conf: ignore reload-enabled', '#', '#\t tabs \t'];

/** A file of random lines, valid and broken, with every kind of blank glibc and editors disagree on. */
export function generatedGaiConf(next: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const blank = () => (next() < 0.7 ? ' ' : pick(BLANKS));
  const eol = next() < 0.3 ? '\r\n' : '\n';
  const lines: string[] = [];
  const count = 1 + Math.floor(next() * 12);
  for (let i = 0; i < count; i++) {
    const kind = next();
    let line = '';
    if (kind < 0.15) line = next() < 0.5 ? '' : blank();
    else if (kind < 0.3) line = (next() < 0.3 ? blank() : '') + pick(COMMENTS);
    else {
      const fields = [pick(WORDS), pick(PREFIXES), pick(VALUES)];
      if (next() < 0.15) fields.push('extra');
      const used = fields.slice(0, 1 + Math.floor(next() * fields.length + 0.5));
      line = (next() < 0.3 ? blank() : '') + used.join(blank() + (next() < 0.05 ? '\0' : ''));
      if (next() < 0.2) line += blank();
      if (next() < 0.3) line += (next() < 0.8 ? blank() : '') + pick(COMMENTS);
    }
    lines.push(line);
  }
  return lines.join(eol) + (next() < 0.8 ? eol : '');
}
