/**
 * The parser and table builder against real glibc: each hand-written file goes to every glibc the
 * tools step set up (2.31, 2.36, 2.41, 2.43) as /etc/gai.conf and the tables it builds are read
 * from its memory under gdb. Where a line is undefined behaviour, glibc's reading must be one of
 * the outcomes the tool says can happen for that version.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

import { PRESETS } from '../../server/src/analysis/reference/presets';
import { presetFile } from '../../server/src/features/tablesFile';
import { LineFate, ParsedLine } from '../../server/src/glibc/reader';
import { GlibcVersion, parseGlibcVersion } from '../../server/src/glibc/versions';
import { corpus } from '../support/corpus';
import { analyze, GLIBC_2_36, GLIBC_2_41 } from '../support/glibc';
import { installedGlibcs, judgingGlibcs } from '../support/glibcVersions';
import { testNeeding, testPrerequisite } from '../support/prerequisites';
import {
  GlibcTables,
  glibcTablesOracleUnavailable,
  glibcTablesOracleUnavailableWith,
  readTablesWithGlibc,
} from './glibcTables';
import { ourReading } from './ourTables';
import { generatedUndefinedBehaviourCases, PARSE_CASES, ParseCase, UNDEFINED_BEHAVIOUR_CASES } from './parseCases';

function asText(content: string | Buffer): string {
  return typeof content === 'string' ? content : new TextDecoder('utf-8', { ignoreBOM: true }).decode(content);
}

function comparable(reading: GlibcTables): unknown {
  return reading.outcome === 'crash' ? 'crash' : reading;
}

const stock = existsSync('/etc/gai.conf')
  ? [{ name: "this machine's /etc/gai.conf", content: readFileSync('/etc/gai.conf') }]
  : [];
// The corpus too: the tables behind its effects and its "changes nothing" findings are glibc's.
const corpusCases = corpus().map((file) => ({ name: `corpus ${file.name}`, content: file.text }));
// The presets too: `gai-conf preset` writes files glibc must read as we say.
const presetCases = PRESETS.map((preset) => ({ name: `preset ${preset.id}`, content: presetFile(preset, GLIBC_2_36) }));
const CASES: ParseCase[] = [
  ...PARSE_CASES,
  ...presetCases,
  ...UNDEFINED_BEHAVIOUR_CASES,
  ...generatedUndefinedBehaviourCases(Number(process.env['GAI_CONF_GENERATED_PARSE_CASES'] ?? 80)),
  ...stock,
  ...corpusCases,
];
const { missing } = installedGlibcs();

/** The file with one undefined-behaviour line read one way: dropped, or with its full length written out. */
function rewritten(text: string, line: ParsedLine, outcome: 'ignored' | 'full-length'): string {
  const value1 = line.reading?.value1;
  const issue = line.fate.kind === 'undefined' ? line.fate.issue : undefined;
  if (outcome === 'ignored' || value1 === undefined || issue === undefined || !('fullBits' in issue))
    return text.slice(0, line.start) + text.slice(line.end);
  return text.slice(0, value1.end) + `/${issue.fullBits}` + text.slice(value1.end);
}

/**
 * Every reading the tool's statement allows for a file: its undefined-behaviour lines (last
 * first, so that earlier offsets stay valid) each take one of the outcomes the tool says can happen.
 */
function allowedReadings(text: string, version: GlibcVersion): unknown[] {
  const analysis = analyze(text, version);
  const open = analysis.parsed.lines.filter((l) => l.fate.kind === 'undefined').reverse();
  if (open.length === 0) return [comparable(ourReading(analysis.tables))];
  const readings: unknown[] = [];
  const walk = (texts: string[], lines: ParsedLine[]): void => {
    if (lines.length === 0) {
      for (const t of texts) readings.push(comparable(ourReading(analyze(t, version).tables)));
      return;
    }
    const [line, ...rest] = lines;
    const fate = line!.fate as Extract<LineFate, { kind: 'undefined' }>;
    if (fate.outcomes.includes('crash')) readings.push('crash');
    const next = fate.outcomes
      .filter((o): o is 'ignored' | 'full-length' => o !== 'crash')
      .flatMap((o) => texts.map((t) => rewritten(t, line!, o)));
    walk(next, rest);
  };
  walk([text], open);
  return readings;
}

for (const glibc of judgingGlibcs()) {
  const which =
    glibc === undefined
      ? "this machine's glibc"
      : `glibc ${glibc.version} (${glibc.suite === 'system' ? "this machine's" : `Debian ${glibc.suite}`}, ${glibc.debianVersion})`;
  const unavailable = glibc === undefined ? glibcTablesOracleUnavailable() : glibcTablesOracleUnavailableWith(glibc);
  testNeeding(
    unavailable,
    `tables agree with what real ${which} builds from each file`,
    { timeout: 300_000 },
    async () => {
      assert.ok(PARSE_CASES.length >= 40);
      const version = glibc === undefined ? GLIBC_2_36 : parseGlibcVersion(glibc.version)!;
      const started = Date.now();
      const real = await readTablesWithGlibc(
        CASES.map((c) => c.content),
        glibc,
      );
      const mismatches: string[] = [];
      let open = 0;
      CASES.forEach((c, i) => {
        const allowed = [...new Set(allowedReadings(asText(c.content), version).map((r) => JSON.stringify(r)))];
        if (allowed.length > 1) open++;
        const glibcReading = JSON.stringify(comparable(real[i]!));
        if (!allowed.includes(glibcReading))
          mismatches.push(`${c.name}:\n  glibc: ${glibcReading}\n  ours:  ${allowed.join('\n    or: ')}`);
      });
      process.stderr.write(
        `parse oracle, ${which}: ${CASES.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s, ${CASES.length - open} with one reading, ${open} with undefined behaviour the tool leaves open\n`,
      );
      assert.deepEqual(
        mismatches,
        [],
        `${mismatches.length} of ${CASES.length} files differ:\n${mismatches.join('\n')}`,
      );
    },
  );
}

testPrerequisite('parse oracle: every judging glibc', missing);

test('glibc 2.41 reading of the version-dependent cases (the newer parser, from its source)', () => {
  const tables = (text: string) => ourReading(analyze(text, GLIBC_2_41).tables);
  const label = (text: string) => {
    const t = tables(text);
    return t.outcome === 'tables' ? t.label : t.outcome;
  };
  const scopes = (text: string) => {
    const t = tables(text);
    return t.outcome === 'tables' ? t.scopev4 : t.outcome;
  };
  const one = '00000000000000000000000000000001';
  assert.deepEqual(label('label ::1 5\n'), [
    { bytes: one, bits: 128, value: 5 },
    { bytes: '0'.repeat(32), bits: 0, value: 1 },
  ]);
  assert.deepEqual(label('label ::1/128\nlabel ::/ 7\nlabel ::1/ 128 5\n'), 'builtin');
  assert.deepEqual(label('label ::1/128#x 5\n'), 'builtin');
  assert.deepEqual(scopes('scopev4 10.0.0.0 5\n'), [
    { bytes: '0a000000', bits: 32, value: 5 },
    { bytes: '00000000', bits: 0, value: 14 },
  ]);
  assert.deepEqual(scopes('scopev4 ::ffff:10.0.0.0 5\n'), [
    { bytes: '0a000000', bits: 32, value: 5 },
    { bytes: '00000000', bits: 0, value: 14 },
  ]);
});
