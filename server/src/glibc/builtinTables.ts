/**
 * glibc's built-in tables (unchanged since 2.6), the kernel's default source-address labels, and
 * RFC 6724's table for comparison. Data only: every consumer reads these rows, none repeats them.
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

/** The RFC 3484 label rows: glibc's table without its site-local, ULA and Teredo departures. */
export const RFC3484_LABELS: readonly PrefixTableEntry[] = [
  { prefix: '::1', bits: 128, value: 0 },
  { prefix: '::', bits: 0, value: 1 },
  { prefix: '2002::', bits: 16, value: 2 },
  { prefix: '::', bits: 96, value: 3 },
  { prefix: '::ffff:0:0', bits: 96, value: 4 },
];

/** glibc's own label rows beyond RFC 3484: site-local, ULA and Teredo each get a label of their own. */
export const GLIBC_LABEL_DEPARTURES: readonly PrefixTableEntry[] = GLIBC_DEFAULT_LABELS.filter(
  (entry) => !RFC3484_LABELS.some((rfc) => rfc.prefix === entry.prefix && rfc.bits === entry.bits),
);

/** RFC 6724 section 2.1 policy table: precedence and label per prefix. */
export const RFC6724_POLICY: readonly { prefix: string; bits: number; precedence: number; label: number }[] = [
  { prefix: '::1', bits: 128, precedence: 50, label: 0 },
  { prefix: '::', bits: 0, precedence: 40, label: 1 },
  { prefix: '::ffff:0:0', bits: 96, precedence: 35, label: 4 },
  { prefix: '2002::', bits: 16, precedence: 30, label: 2 },
  { prefix: '2001::', bits: 32, precedence: 5, label: 5 },
  { prefix: 'fc00::', bits: 7, precedence: 3, label: 13 },
  { prefix: '::', bits: 96, precedence: 1, label: 3 },
  { prefix: 'fec0::', bits: 10, precedence: 1, label: 11 },
  { prefix: '3ffe::', bits: 16, precedence: 1, label: 12 },
];

/** RFC 6724 section 3.2: loopback and auto-configured IPv4 addresses are link-local, the rest global. */
export const RFC6724_IPV4_SCOPES: readonly Scopev4TableEntry[] = [
  { network: '169.254.0.0', bits: 16, value: 2 },
  { network: '127.0.0.0', bits: 8, value: 2 },
  { network: '0.0.0.0', bits: 0, value: 14 },
];

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

/** The scope values glibc compares (RFC 4291 multicast scope numbers), as scopev4 rows use them. */
export const SCOPE_VALUES: readonly { readonly value: number; readonly name: string }[] = [
  { value: 2, name: 'link-local' },
  { value: 5, name: 'site-local' },
  { value: 14, name: 'global' },
];
