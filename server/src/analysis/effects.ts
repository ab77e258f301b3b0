/**
 * What a file does to real connections at a glance: for typical hosts and destination pairs,
 * which family glibc tries first under the file's tables and under its built-in ones.
 */

import { Bytes16, addressText, isV4Mapped, parseIpAddress } from '../glibc/addresses';
import { GlibcVersion } from '../glibc/versions';
import { ParsedFile, ParsedLine, parseGaiConf } from '../glibc/reader';
import { DESTINATION_PAIRS, DestinationPair, FamilyPreference, HOST_PROFILES, HostProfile, familyPreference } from './hostProfiles';
import { EffectiveTables, buildEffectiveTables, lookupRow } from '../glibc/tables';

export interface Effect {
  readonly profile: HostProfile;
  readonly pair: DestinationPair;
  readonly file: FamilyPreference;
  readonly builtin: FamilyPreference;
}

export interface EffectSummary {
  /** One short line per destination pair worth showing. */
  readonly text: string;
  readonly changed: boolean;
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

const PREFERENCE_TEXT: Readonly<Record<FamilyPreference, string>> = { ipv6: 'IPv6 first', ipv4: 'IPv4 first', 'original-order': 'DNS order' };

const SHORT_PROFILE: Readonly<Record<HostProfile['id'], string>> = {
  ula: 'ULA hosts',
  global: 'global-IPv6 hosts',
  'ula-global': 'ULA+global hosts',
  'ipv4-only': 'IPv4-only hosts',
  'ipv6-only': 'IPv6-only hosts',
};

/**
 * Lines for the top of the file: the global pair always, for ULA and global hosts; any other pair
 * and host only where the file changes what the built-in tables do. A host that lacks one family
 * has nothing to choose, so it is left out.
 */
export function summarizeEffects(effects: readonly Effect[]): EffectSummary[] {
  return DESTINATION_PAIRS.flatMap((pair) => {
    const rows = effects.filter((e) => e.pair === pair && isDualStack(e.profile));
    const shown = rows.filter((e) => e.file !== e.builtin || (pair.id === 'global' && (e.profile.id === 'ula' || e.profile.id === 'global')));
    if (shown.length === 0) return [];
    const parts = shown.map((e) => `${SHORT_PROFILE[e.profile.id]}: ${PREFERENCE_TEXT[e.file]}${e.file !== e.builtin ? ` (built-in: ${PREFERENCE_TEXT[e.builtin]})` : ''}`);
    return [{ text: `${pair.name}: ${parts.join(' · ')}`, changed: shown.some((e) => e.file !== e.builtin) }];
  });
}

function isDualStack(profile: HostProfile): boolean {
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

/**
 * What one active line does for the standard hosts: the preferences with the file as it is,
 * against the same file without that line. Empty when the line changes none of them.
 */
export function lineEffects(parsed: ParsedFile, tables: EffectiveTables, line: ParsedLine): string[] {
  if (tables.crash || !lineCanMatter(tables, line)) return [];
  const without = buildEffectiveTables({ ...parsed, lines: parsed.lines.filter((l) => l !== line) });
  return HOST_PROFILES.filter(isDualStack).flatMap((profile) =>
    DESTINATION_PAIRS.flatMap((pair) => {
      const withLine = familyPreference(tables, profile.host, pair);
      const withoutLine = familyPreference(without, profile.host, pair);
      return withLine === withoutLine ? [] : [`${SHORT_PROFILE[profile.id]}, ${pair.name}: ${PREFERENCE_TEXT[withLine]} (without this line: ${PREFERENCE_TEXT[withoutLine]})`];
    }),
  );
}
