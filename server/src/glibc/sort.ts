/**
 * glibc's destination ordering (rfc3484_sort) as it is implemented, not as RFC 3484 or RFC 6724
 * describe it: ten pairwise rules under the effective tables, sorted by glibc's merge sort so that
 * even a comparison that is not transitive yields glibc's order. Every comparison is recorded
 * with the rule that decided it and the values compared.
 */

import { Bytes16, IpAddress, ipv6Scope, parseIpAddress } from './addresses';
import { Host, HostAddress, interfaceOf, LOOPBACK_INTERFACE, selectSource } from './sourceSelection';
import { EffectiveTables, lookupRow } from './tables';

export type RuleNumber = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

export const RULE_NAMES: Readonly<Record<RuleNumber, string>> = {
  1: 'avoid unusable destinations',
  2: 'prefer matching scope',
  3: 'avoid deprecated sources',
  4: 'prefer home addresses',
  5: 'prefer matching label',
  6: 'prefer higher precedence',
  7: 'prefer native transport',
  8: 'prefer smaller scope',
  9: 'use longest matching prefix',
  10: 'keep the original order',
};

export interface DestinationFacts {
  /** Position in the original order. */
  readonly index: number;
  /** Exactly as given. */
  readonly text: string;
  readonly address: IpAddress;
  readonly source?: {
    readonly address: IpAddress;
    /** As the host has it. */
    readonly prefixLength: number;
    /**
     * Whether glibc knows that length. It learns source prefix lengths (and IPv6 source flags)
     * from the netlink address list of check_pf.c, which it keeps only when that list holds an
     * IPv6 address other than ::1; otherwise every length counts as 0.
     */
    readonly prefixLengthKnown: boolean;
    readonly deprecated: boolean;
    readonly homeAddress: boolean;
    readonly interface: string;
    readonly tunnel: boolean;
  };
  readonly scope: number;
  readonly sourceScope?: number;
  readonly label: number;
  readonly sourceLabel?: number;
  readonly precedence: number;
}

export interface Decision {
  /** Original indexes of the two destinations compared, in the order the sort compared them. */
  readonly a: number;
  readonly b: number;
  /** Original index of the destination placed first. */
  readonly winner: number;
  readonly rule: RuleNumber;
  /** The values the rule compared, for a and for b. */
  readonly values: Readonly<
    Record<string, readonly [number | string | boolean | null, number | string | boolean | null]>
  >;
}

export interface OrderResult {
  /** Destinations in glibc's order. */
  readonly order: readonly DestinationFacts[];
  /** Facts per destination in the original order. */
  readonly destinations: readonly DestinationFacts[];
  readonly decisions: readonly Decision[];
}

export function glibcScope(tables: EffectiveTables, address: IpAddress): number {
  return address.family === 4 ? lookupRow(tables.scopev4, address.bytes).value : ipv6Scope(address.bytes);
}

/** check_pf.c's seen_ipv6: any IPv6 address but the loopback one (a link-local address is enough). */
export function glibcKnowsPrefixLengths(host: Host): boolean {
  return host.addresses.some((a) => a.address.family === 6 && !isIpv6Loopback(a.address.bytes));
}

function isIpv6Loopback(bytes: Bytes16): boolean {
  return bytes.every((byte, i) => byte === (i === 15 ? 1 : 0));
}

/**
 * What a destination's comparison needs depends only on the tables, the host and the address; the
 * analysis sorts the same probes under the same tables many times, so each is worked out once.
 */
const factsCache = new WeakMap<EffectiveTables, WeakMap<Host, Map<string, DestinationFacts>>>();

function facts(tables: EffectiveTables, host: Host, text: string, index: number): DestinationFacts {
  let byHost = factsCache.get(tables);
  if (!byHost) factsCache.set(tables, (byHost = new WeakMap()));
  let byText = byHost.get(host);
  if (!byText) byHost.set(host, (byText = new Map()));
  let known = byText.get(text);
  if (!known) byText.set(text, (known = uncachedFacts(tables, host, text)));
  return known.index === index ? known : { ...known, index };
}

function uncachedFacts(tables: EffectiveTables, host: Host, text: string, index = 0): DestinationFacts {
  const address = parseIpAddress(text);
  if (!address) throw new Error(`"${text}" is not an IPv4 or IPv6 address`);
  const selected = selectSource(host, address);
  const label = lookupRow(tables.label, address.bytes).value;
  const precedence = lookupRow(tables.precedence, address.bytes).value;
  const scope = glibcScope(tables, address);
  if (!selected) return { index, text, address, scope, label, precedence };
  const origin: HostAddress = selected.host;
  return {
    index,
    text,
    address,
    scope,
    label,
    precedence,
    source: {
      address: selected.address,
      prefixLength: origin.prefixLength,
      prefixLengthKnown: glibcKnowsPrefixLengths(host),
      deprecated: origin.deprecated === true,
      homeAddress: origin.homeAddress === true,
      interface: interfaceOf(origin),
      tunnel: origin.tunnel === true && interfaceOf(origin) !== LOOPBACK_INTERFACE,
    },
    sourceScope: glibcScope(tables, selected.address),
    sourceLabel: lookupRow(tables.label, selected.address.bytes).value,
  };
}

/** glibc's fls(): the number of leading zero bits of a 32-bit word. */
function leadingZeros(word: number): number {
  return Math.clz32(word);
}

function word(bytes: Bytes16, i: number): number {
  return ((bytes[i * 4] << 24) | (bytes[i * 4 + 1] << 16) | (bytes[i * 4 + 2] << 8) | bytes[i * 4 + 3]) >>> 0;
}

/**
 * Rule 9's figures: IPv4 counts only inside the source's subnet, as far as glibc knows the
 * subnet (see prefixLengthKnown); IPv6 compares all 128 bits. `asHostHasThem` uses the host's
 * real IPv4 prefix lengths, to tell what rule 9 would have done had glibc known them.
 */
function matchingPrefixes(a: DestinationFacts, b: DestinationFacts, asHostHasThem = false): [number, number] {
  const sa = a.source!;
  const sb = b.source!;
  if (a.address.family === 4) {
    const ipv4Match = (dst: Bytes16, src: Bytes16, prefixLength: number): number => {
      // A zero prefix length shifts by 32, which x86 treats as a shift by 0: an all-ones mask.
      const mask = prefixLength === 0 ? 0xffffffff : (0xffffffff << (32 - prefixLength)) >>> 0;
      const d = word(dst, 3);
      const s = word(src, 3);
      return (d & mask) >>> 0 === (s & mask) >>> 0 ? leadingZeros((d ^ s) >>> 0) : 0;
    };
    const known = (s: NonNullable<DestinationFacts['source']>): number =>
      s.prefixLengthKnown || asHostHasThem ? s.prefixLength : 0;
    return [
      ipv4Match(a.address.bytes, sa.address.bytes, known(sa)),
      ipv4Match(b.address.bytes, sb.address.bytes, known(sb)),
    ];
  }
  for (let i = 0; i < 4; i++) {
    const da = (word(a.address.bytes, i) ^ word(sa.address.bytes, i)) >>> 0;
    const db = (word(b.address.bytes, i) ^ word(sb.address.bytes, i)) >>> 0;
    if (da !== 0 || db !== 0) return [leadingZeros(da), leadingZeros(db)];
  }
  return [0, 0];
}

type Comparison = Omit<Decision, 'a' | 'b' | 'winner'> & { readonly aFirst: boolean };

function decide(rule: RuleNumber, aFirst: boolean, values: Decision['values']): Comparison {
  return { rule, aFirst, values };
}

/** rfc3484_sort's comparison: true when a goes before b. */
export function compareDestinations(a: DestinationFacts, b: DestinationFacts): Comparison {
  const usable = (d: DestinationFacts) => d.source !== undefined;
  if (usable(a) !== usable(b)) return decide(1, usable(a), { usable: [usable(a), usable(b)] });
  const bothUsable = usable(a);
  if (bothUsable) {
    const scopeMatch = (d: DestinationFacts) => d.scope === d.sourceScope;
    if (scopeMatch(a) !== scopeMatch(b)) {
      return decide(2, scopeMatch(a), {
        destinationScope: [a.scope, b.scope],
        sourceScope: [a.sourceScope!, b.sourceScope!],
      });
    }
    if (a.source!.deprecated !== b.source!.deprecated) {
      return decide(3, !a.source!.deprecated, { sourceDeprecated: [a.source!.deprecated, b.source!.deprecated] });
    }
    if (a.source!.homeAddress !== b.source!.homeAddress) {
      return decide(4, a.source!.homeAddress, { sourceHomeAddress: [a.source!.homeAddress, b.source!.homeAddress] });
    }
    const labelMatch = (d: DestinationFacts) => d.label === d.sourceLabel;
    if (labelMatch(a) !== labelMatch(b)) {
      return decide(5, labelMatch(a), {
        destinationLabel: [a.label, b.label],
        sourceLabel: [a.sourceLabel!, b.sourceLabel!],
      });
    }
  }
  if (a.precedence !== b.precedence)
    return decide(6, a.precedence > b.precedence, { precedence: [a.precedence, b.precedence] });
  if (bothUsable && a.source!.interface !== b.source!.interface && a.source!.tunnel !== b.source!.tunnel) {
    return decide(7, !a.source!.tunnel, {
      sourceInterface: [a.source!.interface, b.source!.interface],
      tunnel: [a.source!.tunnel, b.source!.tunnel],
    });
  }
  if (a.scope !== b.scope) return decide(8, a.scope < b.scope, { destinationScope: [a.scope, b.scope] });
  if (bothUsable && a.address.family === b.address.family) {
    const [bitsA, bitsB] = matchingPrefixes(a, b);
    if (bitsA !== bitsB) return decide(9, bitsA > bitsB, { matchingPrefix: [bitsA, bitsB] });
    if (a.address.family === 4 && !a.source!.prefixLengthKnown) {
      // Recorded so that an explanation can say why rule 9 did not decide.
      const [realA, realB] = matchingPrefixes(a, b, true);
      if (realA !== realB)
        return decide(10, a.index < b.index, {
          originalPosition: [a.index + 1, b.index + 1],
          matchingPrefixIfKnown: [realA, realB],
        });
    }
  }
  return decide(10, a.index < b.index, { originalPosition: [a.index + 1, b.index + 1] });
}

/** glibc's qsort on small arrays: a top-down merge sort that takes from the left run on ties. */
function mergeSort<T>(items: T[], before: (a: T, b: T) => boolean): T[] {
  if (items.length <= 1) return items;
  const half = items.length >> 1;
  const left = mergeSort(items.slice(0, half), before);
  const right = mergeSort(items.slice(half), before);
  const merged: T[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) merged.push(before(left[i], right[j]) ? left[i++] : right[j++]);
  return merged.concat(left.slice(i), right.slice(j));
}

export function simulateOrder(tables: EffectiveTables, host: Host, destinations: readonly string[]): OrderResult {
  const all = destinations.map((text, index) => facts(tables, host, text, index));
  const decisions: Decision[] = [];
  const order = mergeSort(all, (a, b) => {
    const comparison = compareDestinations(a, b);
    decisions.push({
      a: a.index,
      b: b.index,
      winner: comparison.aFirst ? a.index : b.index,
      rule: comparison.rule,
      values: comparison.values,
    });
    return comparison.aFirst;
  });
  return { order, destinations: all, decisions };
}
