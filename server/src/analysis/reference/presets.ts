/**
 * Whole policies for common intents, as FreeBSD's ip6addrctl and Windows' prefixpolicy offer
 * them: each preset gives every table it changes in full (never one row that silently drops the
 * rest of a built-in table) and leaves the others built-in. Data only; the completion offers the
 * same rows at the start of a line and `gai-conf preset` writes them as a file.
 */

import { GLIBC_DEFAULT_PRECEDENCE, PrefixTableEntry } from '../../glibc/builtinTables';
import { RFC3484_LABELS, RFC6724_POLICY } from './rfcTables';

export type PresetId = 'prefer-ipv6' | 'prefer-ipv4' | 'rfc6724' | 'glibc';

export interface Preset {
  readonly id: PresetId;
  /** As the completion list and the editor's picker show it. */
  readonly title: string;
  /** The comment line a file written with it starts its rows with. */
  readonly comment: string;
  /** What it does and at what cost, in a few sentences. */
  readonly description: string;
  /** The tables it writes in full; a kind it leaves out keeps glibc's built-in table. */
  readonly label?: readonly PrefixTableEntry[];
  readonly precedence?: readonly PrefixTableEntry[];
}

export const PRESETS: readonly Preset[] = [
  {
    id: 'prefer-ipv6',
    title: 'prefer IPv6 from ULA hosts',
    comment: 'RFC 3484 labels: ULA hosts prefer IPv6 too.',
    description:
      "The RFC 3484 label rows: glibc's label table without its own labels for ULA (fc00::/7), site-local and Teredo, so a host whose IPv6 addresses are ULAs (LXD, Docker) prefers IPv6 for global destinations, as hosts with global IPv6 do. Trade-off: hosts with global IPv6 also try ULA destinations before IPv4.",
    label: RFC3484_LABELS,
  },
  {
    id: 'prefer-ipv4',
    title: 'prefer IPv4',
    comment: 'Prefer IPv4: the built-in precedence table with IPv4 raised to 100.',
    description:
      "glibc's whole precedence table with IPv4 (::ffff:0:0/96) raised to 100, so every host tries IPv4 first. Unlike the one-liner `precedence ::ffff:0:0/96 100`, it keeps ::1, 6to4 and ::/96 at their built-in precedences. ULA destinations come after IPv4 too, which the ula-destinations-demoted warning points out.",
    precedence: GLIBC_DEFAULT_PRECEDENCE.map((e) => (e.prefix === '::ffff:0:0' ? { ...e, value: 100 } : e)),
  },
  {
    id: 'rfc6724',
    title: 'RFC 6724 table',
    comment: 'RFC 6724 section 2.1 policy table.',
    description:
      "RFC 6724's policy table (section 2.1) as label and precedence rows, which no glibc uses by default. Under it hosts whose IPv6 addresses are ULAs prefer IPv4 for global destinations, and ULA destinations rank below IPv4.",
    label: RFC6724_POLICY.map((e) => ({ prefix: e.prefix, bits: e.bits, value: e.label })),
    precedence: RFC6724_POLICY.map((e) => ({ prefix: e.prefix, bits: e.bits, value: e.precedence })),
  },
  {
    id: 'glibc',
    title: "glibc's built-in tables",
    comment: "glibc's built-in tables: no active line.",
    description:
      'No active line: glibc keeps its built-in label, precedence and scopev4 tables, listed as comments. Hosts with global IPv6 prefer IPv6 for dual-stacked names; hosts whose IPv6 addresses are ULAs prefer IPv4.',
  },
];

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((preset) => preset.id === id);
}
