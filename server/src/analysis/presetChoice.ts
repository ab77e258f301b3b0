/**
 * `auto`: the preset for a host, from its addresses, as FreeBSD's AUTO policy is chosen. The
 * effects model decides: a host that tries IPv4 first for a dual-stacked global name under glibc's
 * built-in tables, and IPv6 first under "prefer IPv6 from ULA hosts" (a host whose IPv6 addresses
 * are ULAs), gets that preset; every other host is served by the built-in tables.
 */

import { parseGaiConf } from '../glibc/reader';
import { Host } from '../glibc/sourceSelection';
import { buildEffectiveTables, EffectiveTables } from '../glibc/tables';
import { GlibcVersion } from '../glibc/versions';
import { choosesFamily, familyChoice, hostAddressTexts, probeFor, thisMachineProbe } from './effects';
import { DESTINATION_PAIRS } from './reference/hostProfiles';
import { Preset, presetById } from './reference/presets';

export interface PresetChoice {
  readonly preset: Preset;
  /** Why, naming the host's addresses and what it tries first. */
  readonly reason: string;
}

/** The tables a preset's rows give (its file read by the given glibc). */
function presetTables(preset: Preset, glibc: GlibcVersion): EffectiveTables {
  const lines = (['label', 'precedence'] as const).flatMap((kind) =>
    (preset[kind] ?? []).map((e) => `${kind} ${e.prefix}/${e.bits} ${e.value}`),
  );
  return buildEffectiveTables(parseGaiConf(lines.join('\n'), { glibc }));
}

export function choosePreset(host: Host, glibc: GlibcVersion): PresetChoice {
  const glibcPreset = presetById('glibc')!;
  const preferIpv6 = presetById('prefer-ipv6')!;
  const addresses = hostAddressTexts(host).join(', ') || 'no address';
  if (!choosesFamily(thisMachineProbe(host))) {
    return {
      preset: glibcPreset,
      reason: `the host (${addresses}) lacks a global or ULA address in one of the two families, so there is no family to choose between.`,
    };
  }
  const builtin = presetTables(glibcPreset, glibc);
  const pair = DESTINATION_PAIRS.find((p) => p.id === 'global')!;
  const first = (tables: EffectiveTables) =>
    familyChoice(tables, host, probeFor(tables, pair.ipv6), probeFor(tables, pair.ipv4)).choice;
  if (first(builtin) === 'ipv6') {
    return {
      preset: glibcPreset,
      reason: `with glibc's built-in tables the host (${addresses}) already tries IPv6 first for dual-stacked global names.`,
    };
  }
  if (first(presetTables(preferIpv6, glibc)) === 'ipv6') {
    return {
      preset: preferIpv6,
      reason: `with glibc's built-in tables the host (${addresses}) tries IPv4 first for dual-stacked global names (its IPv6 source, a ULA, has a label of its own in glibc's table); with this preset it tries IPv6 first.`,
    };
  }
  return {
    preset: glibcPreset,
    reason: `no preset makes the host (${addresses}) try IPv6 first for dual-stacked global names, so glibc's built-in tables stay.`,
  };
}
