/**
 * Generated gai.conf text, from a seeded generator so that every run tests the same inputs:
 * - generateGaiConf: files of any length for the benchmark and the stress tests, mostly comments
 *   and rows as real files are, with a share of the mistakes the diagnostics exist for, so that a
 *   large file exercises every stage (parse, tables, findings, positions);
 * - generatedGaiConf: short files for property tests, with every kind of blank, number and word
 *   glibc and editors disagree on.
 */

const LARGE_FILE_COMMENTS = [
  '# ordering for the lab network',
  '#label fc00::/7      6',
  '#precedence ::ffff:0:0/96  100',
  '#',
  '#    rows below are ours',
];
const MISTAKES = [
  'Label ::1/128 5',
  'label 10.0.0.0/8 4',
  'precedence fe80::%eth0/10 1',
  'label ::1/128 0 extra',
  'reload maybe',
  'lable ::/0 1',
  'precedence ::/0 0x28',
];

function hex(random: () => number): string {
  return Math.floor(random() * 0x10000).toString(16);
}

function row(random: () => number): string {
  const pick = random();
  if (pick < 0.45) return `label 2001:db8:${hex(random)}:${hex(random)}::/64 ${1 + Math.floor(random() * 20)}`;
  if (pick < 0.85)
    return `precedence fd${Math.floor(random() * 256)
      .toString(16)
      .padStart(2, '0')}:${hex(random)}::/32 ${Math.floor(random() * 100)}`;
  return `scopev4 10.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.0/24 ${1 + Math.floor(random() * 14)}`;
}

/** `lines` lines (each ending in LF) from `seed`: about 45% comments, 10% blank, 40% rows, 5% mistakes. */
export function generateGaiConf(lines: number, seed = 7): string {
  const random = seededRandom(seed);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const pick = random();
    if (pick < 0.45) out.push(LARGE_FILE_COMMENTS[Math.floor(random() * LARGE_FILE_COMMENTS.length)]);
    else if (pick < 0.55) out.push('');
    else if (pick < 0.95) out.push(row(random));
    else out.push(MISTAKES[Math.floor(random() * MISTAKES.length)]);
  }
  return `${out.join('\n')}\n`;
}

/** A small deterministic generator, so that every run tests the same scenarios. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['label', 'precedence', 'scopev4', 'reload', 'Label', 'lable', '\uFEFFlabel', 'prefer', ''];
const PREFIXES = [
  '::1/128',
  '::/0',
  'fc00::/7',
  'fd00::/8',
  '::ffff:0:0/96',
  '2002::/16',
  '10.0.0.0/8',
  '::ffff:10.0.0.0/104',
  '169.254.0.0/16',
  '::1',
  '::1/',
  'fe80::1%eth0/64',
  'zz::/3',
  '::/129',
  '2001:db8::/+032',
  '0.0.0.0/0',
  '',
];
const VALUES = ['0', '1', '6', '40', '100', '', '+7', '007', '0x10', '-1', '2147483648', 'yes', 'no', 'YES', '5#c'];
const BLANKS = [' ', '  ', '\t', ' \t ', '\v', '\f', '\r'];
const COMMENTS = [
  '# a comment',
  '#label fc00::/7 6',
  '#  precedence ::ffff:0:0/96  100  ',
  '# gai-conf: ignore reload-enabled',
  '#',
  '#\t tabs \t',
];

/** A file of random lines, valid and broken, with every kind of blank glibc and editors disagree on. */
export function generatedGaiConf(next: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const blank = () => (next() < 0.7 ? ' ' : pick(BLANKS));
  const eol = next() < 0.3 ? '\r\n' : '\n';
  const lines: string[] = [];
  const count = 1 + Math.floor(next() * 12);
  for (let i = 0; i < count; i++) {
    const kind = next();
    let line: string;
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

/**
 * `lines` label rows whose prefixes repeat after 65,535 rows (so every later row is shadowed or a
 * repeat): the scale probe of issue 22, a file with as many findings as rows.
 */
export function repeatingLabelRows(lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(`label 2001:db8:${(i % 65_535).toString(16)}::/48 ${i % 7}`);
  return `${out.join('\n')}\n`;
}
