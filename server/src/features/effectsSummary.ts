/** The effects model in words: the CodeLens lines, the row hovers' list and the CLI's summary. */

import { choosesFamily, Effect, FamilyChoice, hostAddressTexts, LineEffect } from '../analysis/effects';
import { DESTINATION_PAIRS } from '../analysis/reference/hostProfiles';

export interface EffectSummary {
  /** One short line per destination pair worth showing. */
  readonly text: string;
  readonly changed: boolean;
}

export const CHOICE_TEXT: Readonly<Record<FamilyChoice, string>> = {
  ipv6: 'IPv6 first',
  ipv4: 'IPv4 first',
  'dns-order': 'DNS order (a tie)',
};

/**
 * Lines for the top of the file: the global pair always, for ULA and global hosts (and this
 * machine, for the live file); any other pair and host only where the file changes what the
 * built-in tables do. Hosts without a choice of family are left out.
 */
export function summarizeEffects(effects: readonly Effect[]): EffectSummary[] {
  return DESTINATION_PAIRS.flatMap((pair) => {
    const rows = effects.filter((e) => e.pair === pair && choosesFamily(e.host));
    const always = (e: Effect) =>
      pair.id === 'global' && (e.host.id === 'ula' || e.host.id === 'global' || e.host.id === 'this-machine');
    const shown = rows.filter((e) => e.file !== e.builtin || always(e));
    if (shown.length === 0) return [];
    const parts = shown.map(
      (e) =>
        `${e.host.shortName}: ${CHOICE_TEXT[e.file]}${e.file !== e.builtin ? ` (built-in: ${CHOICE_TEXT[e.builtin]})` : ''}`,
    );
    return [{ text: `${pair.name}: ${parts.join(' · ')}`, changed: shown.some((e) => e.file !== e.builtin) }];
  });
}

export interface LensSummary {
  /** The one difference that matters most for this file, or what ULA hosts do when nothing differs. */
  readonly headline: string;
  /** How many other host and destination pairs differ from the built-in tables. */
  readonly moreDifferences: number;
  /** Every line of summarizeEffects, for a tooltip. */
  readonly details: string;
}

const SHORT_CHOICE: Readonly<Record<FamilyChoice, string>> = {
  ipv6: 'IPv6 first',
  ipv4: 'IPv4 first',
  'dns-order': 'a tie',
};
const SHORT_BUILTIN: Readonly<Record<FamilyChoice, string>> = { ipv6: 'IPv6', ipv4: 'IPv4', 'dns-order': 'a tie' };

/** The first of `effects` that counts most: this machine's, then ULA hosts', then any; global destinations first. */
function mostTelling(effects: readonly Effect[]): Effect | undefined {
  const byPair = (pair: string) => effects.filter((e) => e.pair.id === pair);
  const ordered = [...byPair('global'), ...effects.filter((e) => e.pair.id !== 'global')];
  return ordered.find((e) => e.host.id === 'this-machine') ?? ordered.find((e) => e.host.id === 'ula') ?? ordered[0];
}

/**
 * A CodeLens-sized summary: one host and destination pair ("ULA hosts: IPv6 first (built-in: IPv4
 * first)"), and the count of the other differences, so that the lens row fits a narrow editor.
 */
export function lensSummary(effects: readonly Effect[]): LensSummary {
  const chooses = effects.filter((e) => choosesFamily(e.host));
  const changed = chooses.filter((e) => e.file !== e.builtin);
  const details = summarizeEffects(effects)
    .map((s) => s.text)
    .join('\n');
  const top = mostTelling(changed);
  if (!top) {
    const ula = chooses.find((e) => e.host.id === 'ula' && e.pair.id === 'global');
    return {
      headline: ula ? `ULA hosts: ${CHOICE_TEXT[ula.file]}, as built-in` : "As glibc's built-in tables",
      moreDifferences: 0,
      details,
    };
  }
  // "ULA hosts: IPv4 first to ULA (built-in: IPv6)": the pair by its IPv6 side, the rest in the tooltip.
  const pair = top.pair.id === 'global' ? '' : ` to ${top.pair.name.split(' vs ')[0]}`;
  return {
    headline: `${top.host.shortName}: ${SHORT_CHOICE[top.file]}${pair} (built-in: ${SHORT_BUILTIN[top.builtin]})`,
    moreDifferences: changed.length - 1,
    details,
  };
}

export function describeLineEffect(effect: LineEffect): string {
  return `${effect.host.shortName}, ${effect.pair.name}: ${CHOICE_TEXT[effect.withLine]} (without this line: ${CHOICE_TEXT[effect.withoutLine]})`;
}

/** The CLI's summary after the findings: what typical hosts (and this machine) try first, and what differs from the built-in tables. */
export function effectsInWords(effects: readonly Effect[], crashRisk?: string): string[] {
  if (effects.length === 0) return [];
  const lines = effects
    .filter((e) => e.pair.id === 'global' && choosesFamily(e.host))
    .map(
      (e) =>
        `  ${e.host.shortName} (${hostAddressTexts(e.host.host).join(', ')}): ${CHOICE_TEXT[e.file]} for global IPv6 vs IPv4`,
    );
  const loopback = effects.find((e) => e.pair.id === 'loopback' && e.host.id === 'ula');
  if (loopback)
    lines.push(
      `  loopback: ${loopback.file === 'ipv6' ? '::1 first' : loopback.file === 'ipv4' ? '127.0.0.1 first' : "the resolver's order (a tie)"}`,
    );
  const changed = effects.filter((e) => e.file !== e.builtin && choosesFamily(e.host));
  lines.push(
    changed.length === 0
      ? "  as glibc's built-in tables do, for every typical host and destination"
      : `  differs from glibc's built-in tables: ${changed.map((e) => `${e.host.shortName}, ${e.pair.name}: ${CHOICE_TEXT[e.file]} (built-in: ${CHOICE_TEXT[e.builtin]})`).join('; ')}`,
  );
  return ['What this file does to connections:', ...(crashRisk ? [`  ${crashRisk}`] : []), ...lines];
}

export interface EffectJson {
  readonly host: string;
  readonly addresses: readonly string[];
  readonly pair: string;
  readonly ipv6: string;
  readonly ipv4: string;
  readonly file: FamilyChoice;
  readonly builtin: FamilyChoice;
}

/** The `effects` array of `gai-conf check --json`: one entry per host and pair, with the exact probe addresses. */
export function effectsJson(effects: readonly Effect[]): EffectJson[] {
  return effects.map((e) => ({
    host: e.host.id,
    addresses: hostAddressTexts(e.host.host),
    pair: e.pair.id,
    ipv6: e.ipv6,
    ipv4: e.ipv4,
    file: e.file,
    builtin: e.builtin,
  }));
}
