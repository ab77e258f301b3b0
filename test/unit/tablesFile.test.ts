/**
 * Exported tables and preset files, read back by the model: the export of every test file gives
 * the same tables for every parser generation, built-in tables stay built-in, the formatter
 * leaves both kinds of file as they are. (test/oracle/export.test.ts has real glibc read them.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { PRESETS } from '../../server/src/analysis/reference/presets';
import { formatEdits } from '../../server/src/features/formatting';
import { exportRefusal, exportTables, presetFile } from '../../server/src/features/tablesFile';
import { bytesToHex } from '../../server/src/glibc/addresses';
import { EffectiveTables } from '../../server/src/glibc/tables';
import { parseGlibcVersion } from '../../server/src/glibc/versions';
import { corpus } from '../support/corpus';
import { analyze, GLIBC_2_36, parse } from '../support/glibc';

const VERSIONS = ['2.31', '2.36', '2.41', '2.43'].map((v) => parseGlibcVersion(v)!);
// The parse cases are exported and read by real glibc in test/oracle/export.test.ts.
const FILES = corpus();

function picture(tables: EffectiveTables) {
  const kind = (k: 'label' | 'precedence' | 'scopev4') =>
    tables[k].source === 'builtin'
      ? 'builtin'
      : tables[k].rows.map((r) => `${bytesToHex(r.bytes)}/${r.bits}=${r.value}`);
  return { label: kind('label'), precedence: kind('precedence'), scopev4: kind('scopev4'), reload: tables.reload };
}

test('every export reads back into the tables of its original, for every parser generation', () => {
  let exported = 0;
  for (const version of VERSIONS) {
    for (const file of FILES) {
      const analysis = analyze(file.text, version);
      if (exportRefusal(analysis)) continue;
      const { text } = exportTables(analysis, file.name, 'glibc');
      assert.deepEqual(
        picture(analyze(text, version).tables),
        picture(analysis.tables),
        `${file.name} on ${version.major}.${version.minor}:\n${text}`,
      );
      assert.equal(
        analyze(text, version).parsed.lines.filter((l) => l.fate.kind === 'undefined' || l.fate.kind === 'ignored')
          .length,
        0,
        'every line of an export is read as written',
      );
      exported++;
    }
  }
  assert.ok(exported > 150, `${exported} exports`);
});

test('an export marks where each row came from, keeps built-in tables as comments, and formatting leaves it as it is', () => {
  const analysis = analyze(
    'label ::1/128 0 # mine\nprecedence ::ffff:0:0/96 100\nprecedence ::/0 40\nprecedence ::/0 50\nreload yes\n',
  );
  const { text, warnings } = exportTables(analysis, 'gai.conf', 'glibc 2.36');
  assert.deepEqual(warnings, []);
  assert.match(text, /^label ::1\/128 +0 # gai\.conf line 1$/m);
  assert.match(text, /^label ::\/0 +1 # implicit: the catch-all glibc appends to a replaced table$/m);
  assert.match(text, /^precedence ::\/0 +50 # gai\.conf line 4; never reached: lookups stop at ::\/0$/m);
  assert.match(text, /^#scopev4 169\.254\.0\.0\/16 2$/m, 'the built-in scopev4 table as comments');
  assert.match(text, /^reload yes$/m);
  assert.deepEqual(formatEdits(parse(text)), []);
});

test('a file that crashes glibc has no tables to export; an undefined line is named', () => {
  const v231 = parseGlibcVersion('2.31')!;
  assert.match(exportRefusal(analyze('scopev4 10.0.0.0 5\n', GLIBC_2_36)) ?? '', /line 1 makes every program crash/);
  // Debian's 2.31 reads a first prefix without /bits through a pointer nothing has set yet.
  const open = analyze('precedence ::1/128 50\nlabel fc00:: 1\n'.split('\n').reverse().join('\n'), v231);
  assert.equal(exportRefusal(open), null);
  const { text, warnings } = exportTables(open, 'f', 'glibc 2.31');
  assert.match(warnings.join(), /line 2 of f is undefined behaviour/);
  assert.match(text, /^# Warning: line 2 of f is undefined behaviour/m);
});

test('every preset is a complete file of whole tables that the formatter leaves alone and glibc reads as written', () => {
  for (const preset of PRESETS) {
    const text = presetFile(preset, GLIBC_2_36);
    const analysis = analyze(text);
    assert.deepEqual(formatEdits(parse(text)), [], preset.id);
    assert.deepEqual(
      analysis.findings.filter((f) => f.severity === 'error' || f.code === 'table-replaced'),
      [],
      `${preset.id}: no table dropped silently`,
    );
    for (const kind of ['label', 'precedence'] as const) {
      const rows = preset[kind];
      assert.equal(analysis.tables[kind].source, rows ? 'file' : 'builtin', `${preset.id} ${kind}`);
      if (rows)
        assert.equal(
          analysis.tables[kind].rows.length,
          rows.length,
          `${preset.id} ${kind}: every row, no implicit catch-all needed`,
        );
    }
    assert.equal(analysis.tables.scopev4.source, 'builtin');
  }
});
