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
      `export { HOST_PROFILES, ROLES } from './server/src/analysis/reference/hostProfiles';`,
    ].join('\n'),
    resolveDir: ROOT,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  write: false,
  logLevel: 'warning',
  // The model's answer is worked out without the record it replaces (which may be stale or absent).
  plugins: [
    {
      name: 'no-record',
      setup(build) {
        build.onLoad({ filter: /reference[\\/]builtinEffects\.ts$/ }, () => ({
          contents: 'export const BUILTIN_PROBES = {}; export const BUILTIN_CHOICES = {};',
          loader: 'js',
        }));
      },
    },
  ],
});
const model = { exports: {} };
new Function('module', 'exports', 'require', bundle.outputFiles[0].text)(model, model.exports, createRequire(OUT));
const { builtinEffectiveTables, probeFor, sortedModelEffects, HOST_PROFILES, ROLES } = model.exports;

const tables = builtinEffectiveTables();
const probes = Object.fromEntries(Object.keys(ROLES).map((role) => [role, probeFor(tables, role)]));
const choices = Object.fromEntries(HOST_PROFILES.map((profile) => [profile.id, {}]));
for (const effect of sortedModelEffects(tables)) choices[effect.host.id][effect.pair.id] = effect.file;

const text = `/**
 * What the effects model works out for the typical hosts under glibc's built-in tables, which no
 * glibc version changes: the probe address that stands for each role, and the family each host
 * profile tries first for each destination pair with either address listed first. The analysis of
 * a file that changes no table (Debian's stock file) reads these instead of running glibc's sort
 * 72 times at start-up. Written by scripts/builtinEffects.mjs from the model itself;
 * test/unit/builtinEffects.test.ts fails when the model's answer differs. Data only.
 */

import type { FamilyChoice } from '../effects';
import type { PairId, ProfileId, RoleName } from './hostProfiles';

export const BUILTIN_PROBES: Readonly<Record<RoleName, string>> = ${JSON.stringify(probes)};

export const BUILTIN_CHOICES: Readonly<Record<ProfileId, Readonly<Record<PairId, FamilyChoice>>>> = ${JSON.stringify(choices)};
`;
writeFileSync(OUT, await format(text, { ...(await resolveConfig(OUT)), filepath: OUT }));
console.log(`wrote ${OUT}`);
