/**
 * The recorded effects of glibc's built-in tables (analysis/reference/builtinEffects.ts), which
 * the analysis of a file that changes no table reads instead of sorting: they must be exactly what
 * the model works out, for every glibc version and parser generation it knows, with and without a
 * machine of the file's own. When the model, the host profiles or the built-in tables change, this
 * fails until `node scripts/builtinEffects.mjs` records the new answer.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

import { analyzeGaiConf } from '../../server/src/analysis/analysis';
import { builtinEffectiveTables, Effect, probeFor, sortedModelEffects } from '../../server/src/analysis/effects';
import { BUILTIN_CHOICES, BUILTIN_PROBES } from '../../server/src/analysis/reference/builtinEffects';
import { DESTINATION_PAIRS, HOST_PROFILES, ROLES } from '../../server/src/analysis/reference/hostProfiles';
import { GlibcVersion, parseGlibcVersion, parserGeneration } from '../../server/src/glibc/versions';
import { host } from '../support/glibc';

const VERSIONS: readonly GlibcVersion[] = [
  parseGlibcVersion('2.31')!,
  parseGlibcVersion('2.36')!,
  // A 2.39 whose build records the backported fix for BZ #32465: the 2.41 parser on an older version.
  { ...parseGlibcVersion('2.39', 'runtime')!, prefixLengthFix: '/usr/share/doc/libc6/changelog.Debian.gz:1' },
  parseGlibcVersion('2.40')!,
  parseGlibcVersion('2.41')!,
  parseGlibcVersion('2.43')!,
];

/** Files whose every line leaves the built-in tables: empty, comments, Debian's stock rows commented out, reload. */
const KEEPING_BUILTIN: Readonly<Record<string, string>> = {
  empty: '',
  comments: '# nothing here\n\n#label fc00::/7 1\n#precedence ::ffff:0:0/96 100\n',
  reload: 'reload yes\n',
  ignored: 'label fc00::/7 six\nprecedence 2001:db8::/129 10\nscopev4 10.0.0.0/33 2\n',
  ...(existsSync('/etc/gai.conf') ? { '/etc/gai.conf': readFileSync('/etc/gai.conf', 'utf8') } : {}),
};

const MACHINES = {
  none: undefined,
  'a ULA and IPv4 machine': host('fd00::2/64', '192.0.2.2/24', 'fe80::fc:ff:fe00:1/64'),
  'a global IPv6 machine': host('2001:db8:9::2/64', '192.0.2.2/24'),
};

/** Every effect with its comparisons read, so that a recorded effect's sort runs and is compared too. */
function plain(effects: readonly Effect[]) {
  return effects.map((e) => ({ ...e, fileOrder: e.fileOrder }));
}

const recordedHostIds = (effects: readonly Effect[]) =>
  effects.filter((e) => Object.getOwnPropertyDescriptor(e, 'fileOrder')?.get !== undefined).map((e) => e.host.id);

test('the recording holds every role, typical host and destination pair', () => {
  assert.deepEqual(Object.keys(BUILTIN_PROBES), Object.keys(ROLES));
  assert.deepEqual(
    Object.keys(BUILTIN_CHOICES),
    HOST_PROFILES.map((p) => p.id),
  );
  for (const choices of Object.values(BUILTIN_CHOICES))
    assert.deepEqual(
      Object.keys(choices),
      DESTINATION_PAIRS.map((p) => p.id),
    );
});

for (const glibc of VERSIONS) {
  test(`glibc ${glibc.major}.${glibc.minor} (${parserGeneration(glibc)}): a file that leaves the built-in tables gets the recorded effects, which are what glibc's sort gives`, () => {
    for (const [name, text] of Object.entries(KEEPING_BUILTIN)) {
      for (const [machineName, thisMachine] of Object.entries(MACHINES)) {
        const analysis = analyzeGaiConf(text, { glibc, ...(thisMachine ? { thisMachine } : {}) });
        const what = `${name}, ${machineName}`;
        assert.ok(
          (['label', 'precedence', 'scopev4'] as const).every((kind) => analysis.tables[kind].source === 'builtin'),
          what,
        );
        assert.deepEqual(
          recordedHostIds(analysis.effects),
          HOST_PROFILES.flatMap((p) => DESTINATION_PAIRS.map(() => p.id)),
          `${what}: the typical hosts' effects come from the recording, this machine's from the sort`,
        );
        assert.deepEqual(plain(analysis.effects), plain(sortedModelEffects(analysis.tables, { thisMachine })), what);
      }
    }
  });
}

test('a file that changes a table is sorted, not read from the recording', () => {
  for (const text of ['label fc00::/7 1\n', 'precedence ::ffff:0:0/96 100\n', 'scopev4 ::ffff:10.0.0.0/104 14\n']) {
    const analysis = analyzeGaiConf(text, { glibc: parseGlibcVersion('2.36')! });
    assert.deepEqual(recordedHostIds(analysis.effects), [], text);
    assert.deepEqual(plain(analysis.effects), plain(sortedModelEffects(analysis.tables)), text);
  }
});

test("the recording's probes and choices are the built-in tables' own", () => {
  const tables = builtinEffectiveTables();
  for (const role of Object.keys(ROLES) as (keyof typeof ROLES)[])
    assert.equal(BUILTIN_PROBES[role], probeFor(tables, role), role);
  for (const effect of sortedModelEffects(tables))
    assert.equal(
      BUILTIN_CHOICES[effect.host.id as keyof typeof BUILTIN_CHOICES][effect.pair.id],
      effect.file,
      `${effect.host.id} ${effect.pair.id}`,
    );
});
