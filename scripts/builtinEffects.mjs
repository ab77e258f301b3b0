// Writes server/src/analysis/reference/builtinEffects.ts: what the effects model works out for the
// typical hosts under glibc's built-in tables, which the analysis of a file that changes no table
// then reads instead of running glibc's sort at start-up. Run it after changing the model, the
// host profiles or the built-in tables: test/unit/builtinEffects.test.ts fails until then.
//   node scripts/builtinEffects.mjs
import { build } from 'esbuild';
import { writeFileSync } from 'fs';
import { createRequire } from 'module';
import { join } from 'path';
import { format, resolveConfig } from 'prettier';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'server/src/analysis/reference/builtinEffects.ts');

const bundle = await build({
  stdin: {
    contents: [
      `export { builtinEffectiveTables, probeFor, sortedModelEffects } from './server/src/analysis/effects';`,
      `export { HOST_PROFILES } from './server/src/analysis/reference/hostProfiles';`,
    ].join('\n'),
    resolveDir: ROOT,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  write: false,
  logLevel: 'warning',
});
const model = { exports: {} };
new Function('module', 'exports', 'require', bundle.outputFiles[0].text)(model, model.exports, createRequire(OUT));
const { builtinEffectiveTables, probeFor, sortedModelEffects, HOST_PROFILES } = model.exports;

const tables = builtinEffectiveTables();
const recorded = Object.fromEntries(
  HOST_PROFILES.map((profile) => [
    profile.id,
    { addresses: profile.roles.map((role) => probeFor(tables, role)), pairs: {} },
  ]),
);
for (const effect of sortedModelEffects(tables))
  recorded[effect.host.id].pairs[effect.pair.id] = { ipv6: effect.ipv6, ipv4: effect.ipv4, choice: effect.file };

const text = `/**
 * What the effects model works out for the typical hosts under glibc's built-in tables, which no
 * glibc version changes: per host profile, the probe addresses that stand for its roles, and per
 * destination pair the two probes and the family glibc tries first with either listed first. The
 * analysis of a file that changes no table (Debian's stock file) reads these instead of running
 * glibc's sort 72 times at start-up. Written by scripts/builtinEffects.mjs from the model itself;
 * test/unit/builtinEffects.test.ts fails when the model's answer differs. Data only.
 */

import type { FamilyChoice } from '../effects';
import type { PairId, ProfileId } from './hostProfiles';

export interface RecordedPairEffect {
  readonly ipv6: string;
  readonly ipv4: string;
  readonly choice: FamilyChoice;
}

export interface RecordedProfileEffects {
  /** The probes for the profile's roles, in their order. */
  readonly addresses: readonly string[];
  readonly pairs: Readonly<Record<PairId, RecordedPairEffect>>;
}

export const BUILTIN_EFFECTS: Readonly<Record<ProfileId, RecordedProfileEffects>> = ${JSON.stringify(recorded)};
`;
writeFileSync(OUT, await format(text, { ...(await resolveConfig(OUT)), filepath: OUT }));
console.log(`wrote ${OUT}`);
