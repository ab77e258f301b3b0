/**
 * glibc's built-in tables (unchanged since 2.6) and the kernel's default source-address labels.
 * Data only: every consumer reads these rows, none repeats them.
 */

export type TableKind = 'label' | 'precedence' | 'scopev4';

export interface PrefixTableEntry {
  /** IPv6 prefix text as written in gai.conf. */
  readonly prefix: string;
  readonly bits: number;
  readonly value: number;
}

export interface Scopev4TableEntry {
  /** IPv4 network text. */
  readonly network: string;
  readonly bits: number;
  readonly value: number;
}

/** glibc's label table, in its lookup order. */
export const GLIBC_DEFAULT_LABELS: readonly PrefixTableEntry[] = [
  { prefix: '::1', bits: 128, value: 0 },
  { prefix: '2002::', bits: 16, value: 2 },
  { prefix: '::', bits: 96, value: 3 },
  { prefix: '::ffff:0:0', bits: 96, value: 4 },
  { prefix: 'fec0::', bits: 10, value: 5 },
  { prefix: 'fc00::', bits: 7, value: 6 },
  { prefix: '2001::', bits: 32, value: 7 },
  { prefix: '::', bits: 0, value: 1 },
];

/** glibc's precedence table, in its lookup order. */
export const GLIBC_DEFAULT_PRECEDENCE: readonly PrefixTableEntry[] = [
  { prefix: '::1', bits: 128, value: 50 },
  { prefix: '2002::', bits: 16, value: 30 },
  { prefix: '::', bits: 96, value: 20 },
  { prefix: '::ffff:0:0', bits: 96, value: 10 },
  { prefix: '::', bits: 0, value: 40 },
];

/** glibc's IPv4 scope table (since 2.17), in its lookup order. */
export const GLIBC_DEFAULT_SCOPEV4: readonly Scopev4TableEntry[] = [
  { network: '169.254.0.0', bits: 16, value: 2 },
  { network: '127.0.0.0', bits: 8, value: 2 },
  { network: '0.0.0.0', bits: 0, value: 14 },
];

/** The row glibc appends to a replaced table that has no zero-length prefix of its own. */
export const IMPLICIT_CATCH_ALL: Readonly<Record<TableKind, number>> = {
  label: 1,
  precedence: 40,
  scopev4: 14,
};

/** Linux's default `ip addrlabel` table, used by the kernel when it picks a source address. */
export const LINUX_DEFAULT_ADDRLABELS: readonly PrefixTableEntry[] = [
  { prefix: '::1', bits: 128, value: 0 },
  { prefix: '::', bits: 96, value: 3 },
  { prefix: '::ffff:0:0', bits: 96, value: 4 },
  { prefix: '2001::', bits: 32, value: 6 },
  { prefix: '2001:10::', bits: 28, value: 7 },
  { prefix: '3ffe::', bits: 16, value: 12 },
  { prefix: '2002::', bits: 16, value: 2 },
  { prefix: 'fec0::', bits: 10, value: 11 },
  { prefix: 'fc00::', bits: 7, value: 5 },
  { prefix: '::', bits: 0, value: 1 },
];
