/**
 * Address ranges people meet in gai.conf, with the RFC that defines each. Ordered from specific
 * to general so that the first containing range names an address best.
 */

import { Bytes16, ipv4ToMapped, parseIpv4Bytes, parseIpv6Bytes, prefixContains } from '../../glibc/addresses';

export interface WellKnownPrefix {
  readonly prefix: string;
  readonly bits: number;
  readonly name: string;
  readonly rfc: string;
  readonly note: string;
}

export const WELL_KNOWN_PREFIXES: readonly WellKnownPrefix[] = [
  { prefix: '::1', bits: 128, name: 'loopback', rfc: 'RFC 4291', note: 'This host. Treated as link-local scope.' },
  { prefix: '::', bits: 128, name: 'unspecified address', rfc: 'RFC 4291', note: 'Never a destination.' },
  {
    prefix: '::ffff:0:0',
    bits: 96,
    name: 'IPv4-mapped',
    rfc: 'RFC 4291',
    note: 'How glibc looks up every IPv4 address in label and precedence tables: a.b.c.d is ::ffff:a.b.c.d.',
  },
  {
    prefix: '::',
    bits: 96,
    name: 'IPv4-compatible (deprecated)',
    rfc: 'RFC 4291',
    note: 'Deprecated since 2006; not used by current stacks.',
  },
  {
    prefix: '64:ff9b::',
    bits: 96,
    name: 'NAT64 well-known prefix',
    rfc: 'RFC 6052',
    note: 'IPv6 addresses that a NAT64 gateway translates to IPv4.',
  },
  {
    prefix: '64:ff9b:1::',
    bits: 48,
    name: 'NAT64 local-use prefix',
    rfc: 'RFC 8215',
    note: 'Locally assigned NAT64 translation prefix.',
  },
  { prefix: '100::', bits: 64, name: 'discard-only', rfc: 'RFC 6666', note: 'Traffic to it is dropped.' },
  {
    prefix: '2001::',
    bits: 32,
    name: 'Teredo',
    rfc: 'RFC 4380',
    note: "IPv6 tunnelled over UDP/IPv4 through NATs; glibc's built-in table gives it a label of its own (7).",
  },
  { prefix: '2001:db8::', bits: 32, name: 'documentation', rfc: 'RFC 3849', note: 'For examples only; never routed.' },
  {
    prefix: '2001:10::',
    bits: 28,
    name: 'ORCHID (deprecated)',
    rfc: 'RFC 4843',
    note: 'Overlay identifiers; not routable.',
  },
  { prefix: '2001:20::', bits: 28, name: 'ORCHIDv2', rfc: 'RFC 7343', note: 'Overlay identifiers; not routable.' },
  { prefix: '2001::', bits: 23, name: 'IETF protocol assignments', rfc: 'RFC 2928', note: 'Special-purpose block.' },
  {
    prefix: '2002::',
    bits: 16,
    name: '6to4',
    rfc: 'RFC 3056',
    note: 'IPv6 tunnelled over IPv4 (deprecated by RFC 7526); the next 32 bits are the relay IPv4 address.',
  },
  { prefix: '3fff::', bits: 20, name: 'documentation', rfc: 'RFC 9637', note: 'For examples only; never routed.' },
  {
    prefix: '3ffe::',
    bits: 16,
    name: '6bone (returned)',
    rfc: 'RFC 3701',
    note: 'Former test network, returned in 2006.',
  },
  { prefix: '5f00::', bits: 16, name: 'segment routing SIDs', rfc: 'RFC 9602', note: 'Segment routing identifiers.' },
  { prefix: '2000::', bits: 3, name: 'global unicast', rfc: 'RFC 4291', note: 'The public IPv6 Internet.' },
  {
    prefix: 'fc00::',
    bits: 7,
    name: 'unique local addresses, ULA',
    rfc: 'RFC 4193',
    note: "Private IPv6, like 10.0.0.0/8 for IPv4 (LXD uses fd42::/64, Docker fd00::/8 ranges). glibc's built-in table gives it a label of its own (6), so ULA sources do not match global destinations.",
  },
  {
    prefix: 'fec0::',
    bits: 10,
    name: 'site-local (deprecated)',
    rfc: 'RFC 3879',
    note: "Deprecated in 2004; glibc's built-in tables still give it label 5 and scope 5.",
  },
  {
    prefix: 'fe80::',
    bits: 10,
    name: 'link-local',
    rfc: 'RFC 4291',
    note: 'Valid on one link only; needs a zone (interface) to be reached.',
  },
  { prefix: 'ff00::', bits: 8, name: 'multicast', rfc: 'RFC 4291', note: 'The fourth hex digit is the scope.' },
];

/** Unique local addresses, fc00::/7: what the ULA findings, effects and fixes are about. */
export const ULA_RANGE = { bytes: parseIpv6Bytes('fc00::')!, bits: 7 } as const;
/** Global unicast, 2000::/3. */
export const GLOBAL_UNICAST_RANGE = { bytes: parseIpv6Bytes('2000::')!, bits: 3 } as const;

const PARSED = WELL_KNOWN_PREFIXES.map((entry) => ({ entry, bytes: parseIpv6Bytes(entry.prefix)! }));

/** Well-known ranges that contain the whole prefix, most specific first. */
export function rangesContaining(bytes: Bytes16, bits: number): WellKnownPrefix[] {
  return PARSED.filter(
    ({ entry, bytes: rangeBytes }) => entry.bits <= bits && prefixContains(rangeBytes, entry.bits, bytes),
  )
    .map(({ entry }) => entry)
    .sort((a, b) => b.bits - a.bits);
}

export interface WellKnownIpv4Network {
  readonly network: string;
  readonly bits: number;
  readonly name: string;
  readonly rfc: string;
}

/** IPv4 ranges people give a scope in scopev4 rows. */
export const WELL_KNOWN_IPV4_NETWORKS: readonly WellKnownIpv4Network[] = [
  { network: '127.0.0.0', bits: 8, name: 'loopback', rfc: 'RFC 1122' },
  { network: '169.254.0.0', bits: 16, name: 'link-local', rfc: 'RFC 3927' },
  { network: '10.0.0.0', bits: 8, name: 'private', rfc: 'RFC 1918' },
  { network: '172.16.0.0', bits: 12, name: 'private', rfc: 'RFC 1918' },
  { network: '192.168.0.0', bits: 16, name: 'private', rfc: 'RFC 1918' },
  { network: '100.64.0.0', bits: 10, name: 'shared address space (carrier-grade NAT)', rfc: 'RFC 6598' },
  { network: '0.0.0.0', bits: 0, name: 'every IPv4 address', rfc: 'RFC 791' },
];

const PARSED_IPV4 = WELL_KNOWN_IPV4_NETWORKS.map((entry) => ({
  entry,
  bytes: ipv4ToMapped(parseIpv4Bytes(entry.network)!),
}));

/** The most specific well-known IPv4 network holding an address (given v4-mapped), if any but 0.0.0.0/0. */
export function ipv4NetworkContaining(mapped: Bytes16): WellKnownIpv4Network | undefined {
  return PARSED_IPV4.filter(
    ({ entry, bytes }) => entry.bits > 0 && prefixContains(bytes, entry.bits + 96, mapped),
  ).sort((a, b) => b.entry.bits - a.entry.bits)[0]?.entry;
}
