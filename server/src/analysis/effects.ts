/**
 * What a file does to real connections: for typical hosts and destination pairs, which family
 * glibc tries first under the file's tables and under its built-in ones, and what one line changes.
 */

import { Bytes16, addressText, isV4Mapped, parseIpAddress } from '../glibc/addresses';
import { ParsedFile, ParsedLine, parseGaiConf } from '../glibc/reader';
import { OrderResult, simulateOrder } from '../glibc/sort';
import { Host } from '../glibc/sourceSelection';
import { EffectiveTables, buildEffectiveTables, lookupRow } from '../glibc/tables';
import { GlibcVersion } from '../glibc/versions';
import { DESTINATION_PAIRS, DestinationPair, HOST_PROFILES, HostProfile } from './reference/hostProfiles';

export type FamilyPreference = 'ipv6' | 'ipv4' | 'original-order';

export function firstIsIpv6(result: OrderResult): boolean {
  return result.order[0].address.family === 6;
}

/** Which family a host tries first for a pair, whichever of the two DNS lists first. */
export function familyPreference(tables: EffectiveTables, host: Host, destinations: DestinationPair): FamilyPreference {
  const ipv6Listed = simulateOrder(tables, host, [destinations.ipv6, destinations.ipv4]);
  const ipv4Listed = simulateOrder(tables, host, [destinations.ipv4, destinations.ipv6]);
  if (firstIsIpv6(ipv6Listed) && firstIsIpv6(ipv4Listed)) return 'ipv6';
  if (!firstIsIpv6(ipv6Listed) && !firstIsIpv6(ipv4Listed)) return 'ipv4';
  return 'original-order';
}

export interface Effect {
  readonly profile: HostProfile;
  readonly pair: DestinationPair;
  readonly file: FamilyPreference;
  readonly builtin: FamilyPreference;
}

/** What the built-in tables do never changes, so it is worked out once, on first use. */
let builtinPreferences: Map<string, FamilyPreference> | undefined;

function builtinPreference(glibc: GlibcVersion, profile: HostProfile, pair: DestinationPair): FamilyPreference {
  if (!builtinPreferences) {
    const builtin = buildEffectiveTables(parseGaiConf('', { glibc }));
    builtinPreferences = new Map(HOST_PROFILES.flatMap((p) => DESTINATION_PAIRS.map((d) => [`${p.id}/${d.id}`, familyPreference(builtin, p.host, d)] as const)));
  }
  return builtinPreferences.get(`${profile.id}/${pair.id}`)!;
}

export function computeEffects(tables: EffectiveTables): Effect[] {
  return HOST_PROFILES.flatMap((profile) =>
    DESTINATION_PAIRS.map((pair) => ({
      profile,
      pair,
      file: familyPreference(tables, profile.host, pair),
      builtin: builtinPreference(tables.glibc, profile, pair),
    })),
  );
}

/** A host that lacks one family has nothing to choose between. */
export function isDualStack(profile: HostProfile): boolean {
  return profile.id !== 'ipv4-only' && profile.id !== 'ipv6-only';
}

/** Every address the effects look up: the pairs' destinations, the hosts' sources, loopback. */
const PROBES: readonly Bytes16[] = [
  ...DESTINATION_PAIRS.flatMap((pair) => [pair.ipv6, pair.ipv4]),
  ...HOST_PROFILES.flatMap((profile) => profile.host.addresses.map((a) => addressText(a.address))),
].map((text) => parseIpAddress(text)!.bytes);

/**
 * Whether dropping the line can change what any probe address finds in the tables: only if its
 * row is the first match for one of them, or the only row that keeps its table replaced.
 */
function lineCanMatter(tables: EffectiveTables, line: ParsedLine): boolean {
  if (line.fate.kind !== 'row') return false;
  const table = tables[line.fate.row.table];
  const row = table.rows.find((r) => r.origin.kind === 'file' && r.origin.line === line);
  if (!row) return false;
  if (table.rows.filter((r) => r.origin.kind === 'file').length === 1) return true;
  // The scopev4 table covers IPv4 (v4-mapped) addresses only.
  const probes = table.kind === 'scopev4' ? PROBES.filter(isV4Mapped) : PROBES;
  return probes.some((bytes) => lookupRow(table, bytes) === row);
}

export interface LineEffect {
  readonly profile: HostProfile;
  readonly pair: DestinationPair;
  readonly withLine: FamilyPreference;
  readonly withoutLine: FamilyPreference;
}

/**
 * What one active line does for the dual-stacked typical hosts: the preferences with the file as
 * it is, against the same file without that line. Empty when the line changes none of them.
 */
export function lineEffects(parsed: ParsedFile, tables: EffectiveTables, line: ParsedLine): LineEffect[] {
  if (tables.crash || !lineCanMatter(tables, line)) return [];
  const without = buildEffectiveTables({ ...parsed, lines: parsed.lines.filter((l) => l !== line) });
  return HOST_PROFILES.filter(isDualStack).flatMap((profile) =>
    DESTINATION_PAIRS.flatMap((pair) => {
      const withLine = familyPreference(tables, profile.host, pair);
      const withoutLine = familyPreference(without, profile.host, pair);
      return withLine === withoutLine ? [] : [{ profile, pair, withLine, withoutLine }];
    }),
  );
}
