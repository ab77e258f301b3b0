/**
 * Seeded gai.conf files of any length for the benchmark and the stress tests: mostly comments and
 * rows, as real files are, with a share of the mistakes the diagnostics exist for, so that a large
 * file exercises every stage (parse, tables, findings, positions) rather than only the comment path.
 */

import { seededRandom } from '../oracle/scenarios';

const COMMENTS = ['# ordering for the lab network', '#label fc00::/7      6', '#precedence ::ffff:0:0/96  100', '#', '#    rows below are ours'];
const MISTAKES = ['Label ::1/128 5', 'label 10.0.0.0/8 4', 'precedence fe80::%eth0/10 1', 'label ::1/128 0 extra', 'reload maybe', 'lable ::/0 1', 'precedence ::/0 0x28'];

function hex(random: () => number): string {
  return Math.floor(random() * 0x10000).toString(16);
}

function row(random: () => number): string {
  const pick = random();
  if (pick < 0.45) return `label 2001:db8:${hex(random)}:${hex(random)}::/64 ${1 + Math.floor(random() * 20)}`;
  if (pick < 0.85) return `precedence fd${Math.floor(random() * 256).toString(16).padStart(2, '0')}:${hex(random)}::/32 ${Math.floor(random() * 100)}`;
  return `scopev4 10.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.0/24 ${1 + Math.floor(random() * 14)}`;
}

/** `lines` lines (each ending in LF) from `seed`: about 45% comments, 10% blank, 40% rows, 5% mistakes. */
export function generateGaiConf(lines: number, seed = 7): string {
  const random = seededRandom(seed);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const pick = random();
    if (pick < 0.45) out.push(COMMENTS[Math.floor(random() * COMMENTS.length)]);
    else if (pick < 0.55) out.push('');
    else if (pick < 0.95) out.push(row(random));
    else out.push(MISTAKES[Math.floor(random() * MISTAKES.length)]);
  }
  return `${out.join('\n')}\n`;
}
