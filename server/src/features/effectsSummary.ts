/** The effects in words: the CodeLens lines at the top of the file and the row hovers' list. */

import { Effect, FamilyPreference, LineEffect, isDualStack } from '../analysis/effects';
import { DESTINATION_PAIRS, HostProfile } from '../analysis/reference/hostProfiles';

export interface EffectSummary {
  /** One short line per destination pair worth showing. */
  readonly text: string;
  readonly changed: boolean;
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
 * and host only where the file changes what the built-in tables do.
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

export function describeLineEffect(effect: LineEffect): string {
  return `${SHORT_PROFILE[effect.profile.id]}, ${effect.pair.name}: ${PREFERENCE_TEXT[effect.withLine]} (without this line: ${PREFERENCE_TEXT[effect.withoutLine]})`;
}
