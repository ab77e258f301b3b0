/**
 * musl's getaddrinfo() order (src/network/lookup_name.c): a subset of RFC 6724's destination
 * rules folded into one sort key per address, from a fixed policy table that no file changes
 * (musl never reads gai.conf). Per destination, from the highest bit down: usable (a UDP
 * connect() succeeds: rule 1), the source's scope matches (rule 2), the source's label matches
 * (rule 5), precedence (rule 6), smaller scope (rule 8), the common prefix of source and
 * destination over all 128 bits, IPv4 ones as v4-mapped (rule 9), then the resolver's order.
 * Rules 3, 4 and 7 are not there. Its scope of an IPv4 address is always global (14), even for
 * 127.0.0.1, because it asks the v4-mapped address.
 */

import {
  Bytes16,
  commonPrefixLength,
  IpAddress,
  parseIpAddress,
  parseIpv6Bytes,
  prefixContains,
} from '../glibc/addresses';
import { Host, selectSource } from '../glibc/sourceSelection';

export interface MuslPolicyRow {
  readonly prefix: string;
  readonly bits: number;
  readonly precedence: number;
  readonly label: number;
}

/** musl's table, in lookup order (the first match wins; the last row matches everything). */
export const MUSL_POLICY: readonly MuslPolicyRow[] = [
  { prefix: '::1', bits: 128, precedence: 50, label: 0 },
  { prefix: '::ffff:0:0', bits: 96, precedence: 35, label: 4 },
  { prefix: '2002::', bits: 16, precedence: 30, label: 2 },
  { prefix: '2001::', bits: 32, precedence: 5, label: 5 },
  { prefix: 'fc00::', bits: 7, precedence: 3, label: 13 },
  { prefix: '::', bits: 0, precedence: 40, label: 1 },
];

const POLICY = MUSL_POLICY.map((row) => ({ ...row, bytes: parseIpv6Bytes(row.prefix)! }));

export function muslPolicyOf(bytes: Bytes16): MuslPolicyRow {
  return POLICY.find((row) => prefixContains(row.bytes, row.bits, bytes))!;
}

/** musl's scopeof(), on the IPv6 (or v4-mapped) address. */
export function muslScope(bytes: Bytes16): number {
  if (bytes[0] === 0xff) return bytes[1] & 15;
  if (bytes[0] === 0xfe && (bytes[1] & 0xc0) === 0x80) return 2;
  if (bytes.every((b, i) => b === (i === 15 ? 1 : 0))) return 2;
  if (bytes[0] === 0xfe && (bytes[1] & 0xc0) === 0xc0) return 5;
  return 14;
}

export interface MuslKey {
  readonly destination: IpAddress;
  /** The source the kernel picks, v4-mapped for IPv4; undefined when the destination is unreachable. */
  readonly source?: Bytes16;
  readonly usable: boolean;
  readonly matchingScope: boolean;
  readonly matchingLabel: boolean;
  readonly precedence: number;
  readonly scope: number;
  readonly prefixLength: number;
  /** The position in the resolver's answer. */
  readonly index: number;
}

/** The fields of musl's key, in the order they count. */
export function muslKey(host: Host, destination: IpAddress, index: number): MuslKey {
  const bytes = destination.bytes; // IPv4 held v4-mapped, as musl asks about it
  const policy = muslPolicyOf(bytes);
  const scope = muslScope(bytes);
  const selected = selectSource(host, destination);
  const source = selected?.address.bytes;
  return {
    destination,
    ...(source ? { source } : {}),
    usable: source !== undefined,
    matchingScope: source !== undefined && muslScope(source) === scope,
    matchingLabel: source !== undefined && muslPolicyOf(source).label === policy.label,
    precedence: policy.precedence,
    scope,
    prefixLength: source ? commonPrefixLength(source, bytes) : 0,
    index,
  };
}

function keyValue(key: MuslKey): number[] {
  return [
    key.usable ? 1 : 0,
    key.matchingScope ? 1 : 0,
    key.matchingLabel ? 1 : 0,
    key.precedence,
    15 - key.scope,
    key.prefixLength,
    -key.index,
  ];
}

/** musl's order of the destinations (texts, as the resolver returned them), with each one's key. */
export function muslOrder(host: Host, destinations: readonly string[]): MuslKey[] {
  const keys = destinations.map((text, index) => {
    const address = parseIpAddress(text);
    if (!address) throw new Error(`not an address: ${text}`);
    return muslKey(host, address, index);
  });
  // musl sorts only when some answer is IPv6 (AF_UNSPEC): our pairs always have one.
  return keys.sort((a, b) => {
    const va = keyValue(a);
    const vb = keyValue(b);
    for (let i = 0; i < va.length; i++) if (va[i] !== vb[i]) return vb[i] - va[i];
    return 0;
  });
}
