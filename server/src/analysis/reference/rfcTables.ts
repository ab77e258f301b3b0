/**
 * The RFCs' tables, for comparison with glibc's and for the rows fixes and completions write.
 * Data only.
 */

import {
  GLIBC_DEFAULT_LABELS,
  GLIBC_DEFAULT_SCOPEV4,
  PrefixTableEntry,
  Scopev4TableEntry,
} from '../../glibc/builtinTables';

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

/**
 * RFC 6724 section 3.2: loopback and auto-configured IPv4 addresses are link-local, the rest
 * global: exactly glibc's scopev4 table since 2.17 (before, RFC 1918 ranges had scope 5).
 */
export const RFC6724_IPV4_SCOPES: readonly Scopev4TableEntry[] = GLIBC_DEFAULT_SCOPEV4;

/** The scope values glibc compares (RFC 4291 multicast scope numbers), as scopev4 rows use them. */
export const SCOPE_VALUES: readonly { readonly value: number; readonly name: string }[] = [
  { value: 2, name: 'link-local' },
  { value: 5, name: 'site-local' },
  { value: 14, name: 'global' },
];
