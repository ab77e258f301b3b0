/**
 * The corpus: gai.conf files in the styles people write (one-liners, deliberate prefer-IPv4
 * tables, prefer-IPv6 attempts that tie, restated built-in tables, config-management output with
 * tabs, aligned columns and CRLF, RFC 6724 tables, scopev4 recipes, UTF-16, binary), in
 * test/corpus/, plus lines appended to this machine's stock /etc/gai.conf, read at run time.
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { repoRoot } from './repository';

export interface CorpusFile {
  readonly name: string;
  /** Decoded as the CLI decodes a file: UTF-8, a byte order mark kept. */
  readonly text: string;
}

const STOCK_ADDITIONS: Readonly<Record<string, string>> = {
  stock: '',
  'stock+prefer-ipv6-tie': 'precedence ::/0 100\n',
  'stock+prefer-ipv4': 'precedence ::ffff:0:0/96 100\n',
  'stock+ula-label': 'label fc00::/7 1\n',
  'stock+reload': 'reload yes\n',
};

export function corpus(): CorpusFile[] {
  const dir = join(repoRoot(), 'test', 'corpus');
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.conf'))
    .sort()
    .map((name) => ({
      name,
      text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(readFileSync(join(dir, name))),
    }));
  if (!existsSync('/etc/gai.conf')) return files;
  const stock = readFileSync('/etc/gai.conf', 'utf8');
  return [...files, ...Object.entries(STOCK_ADDITIONS).map(([name, added]) => ({ name, text: stock + added }))];
}
