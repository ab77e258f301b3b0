/**
 * The incremental analysis must never differ from an analysis from scratch. Each version of a
 * random file under random edits is analysed from the previous version's analysis (as the editor's
 * document store does) and alone, and everything the editor features read is compared: findings,
 * silenced findings, commented-out rows, the tables, the crash line and the effects model. The
 * files are made of rows the probes of the effects model find (so that an edit changes what a
 * typical host prefers), rows none of them reaches, commented-out rows, suppression comments and
 * mistakes; most edits change one character in place, which keeps every other line as the same
 * object and so exercises every reuse rule (a kept table and its findings, kept effects, the
 * findings of kept lines), and some move the lines after them. On glibc 2.36 and 2.41, with and
 * without a machine of its own (the live file). The diagnostics converted from each version reusing
 * the previous version's (as the server publishes them) equal those converted afresh, also when an
 * edit writes a CR, which breaks editor lines but not glibc's.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';

import fc from 'fast-check';

import { Analysis, AnalysisOptions, analyzeGaiConf } from '../../server/src/analysis/analysis';
import { ConvertedDiagnostics, convertedDiagnostics } from '../../server/src/features/diagnostics';
import { TextLocator } from '../../server/src/features/positions';
import { GLIBC_2_36, GLIBC_2_41, host } from '../support/glibc';
import { budget, testTimeout } from './budget';

const LINES = [
  // Rows the probes find: what typical hosts prefer turns on them.
  'label ::1/128 0',
  'label ::/0 1',
  'label ::/0 1',
  'label fc00::/7 1',
  'label fc00::/7 6',
  'label fd42::/64 1',
  'label 2002::/16 2',
  'label ::ffff:0:0/96 4',
  'label 2001::/32 7',
  'precedence ::1/128 50',
  'precedence ::/0 40',
  'precedence ::ffff:0:0/96 100',
  'precedence ::ffff:0:0/96 10',
  'precedence fc00::/7 45',
  'precedence 2001:db8:1::/48 60',
  'scopev4 ::ffff:169.254.0.0/112 2',
  'scopev4 ::ffff:0.0.0.0/96 14',
  'scopev4 10.0.0.0/8 5',
  'scopev4 10.0.1.0/24 2',
  'scopev4 198.51.100.0/24 2',
  // Rows only the machine's own addresses reach.
  'label 2001:db8:5::/48 1',
  'precedence 2001:db8:5::/48 5',
  'label fd42::9/128 5',
  'scopev4 10.0.1.7/32 14',
  // Rows no probe reaches.
  'label 2001:db8:77::/64 9',
  'precedence fd99:1::/32 20',
  'scopev4 10.9.9.0/24 3',
  'label fec0::/10 5',
  'label 2001:db8::1/64 3',
  // Comments the analysis reads.
  '#label fc00::/7 6',
  '#precedence ::ffff:0:0/96 100',
  '# gai-conf: ignore ula-demoted',
  '# gai-conf: ignore shadowed-row, duplicate-row, host-bits',
  '# gai-conf: ignore-file table-replaced',
  '# gai-conf: ignore nothing-here',
  '# a comment',
  '',
  // Mistakes, and lines whose reading can depend on earlier ones (up to 2.40).
  'Label ::1/128 5',
  'label ::1 3',
  'scopev4 10.0.0.0 1',
  'reload yes',
  'precedence fe80::%eth0/10 1',
];

/** Characters an in-place edit writes: values, directives turned into comments and back, prefixes broken. */
const REPLACEMENTS = ['0', '1', '5', '9', '#', 'L', 'l', ' ', 'x', ':', '/', '\r'];

type Edit =
  | { readonly kind: 'replace'; readonly at: number; readonly char: string }
  | { readonly kind: 'insert-line'; readonly at: number; readonly line: string }
  | { readonly kind: 'delete-line'; readonly at: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('replace' as const),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      char: fc.constantFrom(...REPLACEMENTS),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('insert-line' as const),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      line: fc.constantFrom(...LINES),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('delete-line' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  },
);

function applyEdit(text: string, change: Edit): string {
  if (change.kind === 'replace') {
    if (text.length === 0) return text;
    const at = Math.min(text.length - 1, Math.floor(change.at * text.length));
    // A line end stays one: the edit changes a line, it does not join two.
    if (text[at] === '\n') return text;
    return text.slice(0, at) + change.char + text.slice(at + 1);
  }
  const lines = text.split('\n');
  const at = Math.min(lines.length - 1, Math.floor(change.at * lines.length));
  if (change.kind === 'insert-line') lines.splice(at, 0, change.line);
  else lines.splice(at, 1);
  return lines.join('\n');
}

/** Everything the editor features read of an analysis, as plain data (lines by index). */
function plainAnalysis(analysis: Analysis) {
  const tables = analysis.tables;
  return {
    findings: analysis.findings,
    suppressed: analysis.suppressed,
    commented: [...analysis.commented].map(([line, reading]) => [line.index, reading]),
    tables: (['label', 'precedence', 'scopev4'] as const).map((kind) => ({
      source: tables[kind].source,
      rows: tables[kind].rows.map((row) => ({
        ...row,
        origin: row.origin.kind === 'file' ? row.origin.line.index : row.origin.kind,
      })),
    })),
    crash: tables.crash?.index,
    reload: tables.reload,
    effects: analysis.effects,
  };
}

const OVERRIDES = {};

function convert(analysis: Analysis, text: string, previous?: ConvertedDiagnostics): ConvertedDiagnostics {
  return convertedDiagnostics(analysis, new TextLocator(text), OVERRIDES, (code) => `#${code}`, previous);
}

const MACHINES = [
  undefined,
  host('fd42::9/64', '10.0.0.2/24'),
  host('3fff:1::9/64', '2001:db8:5::9/64', '10.0.1.7/24'),
];

for (const glibc of [GLIBC_2_36, GLIBC_2_41]) {
  test(
    `glibc ${glibc.major}.${glibc.minor}: every version analysed from the previous one's analysis equals its analysis from scratch`,
    { timeout: testTimeout(0.5) },
    () => {
      fc.assert(
        fc.property(
          fc.array(fc.constantFrom(...LINES), { minLength: 1, maxLength: 30 }),
          fc.array(edit, { minLength: 1, maxLength: 25 }),
          fc.constantFrom(...MACHINES.keys()),
          (lines, edits, machine) => {
            const options: AnalysisOptions = { glibc, thisMachine: MACHINES[machine] };
            let text = `${lines.join('\n')}\n`;
            let previous = analyzeGaiConf(text, options);
            let converted = convert(previous, text);
            for (const change of edits) {
              text = applyEdit(text, change);
              const incremental = analyzeGaiConf(text, options, previous);
              const scratch = analyzeGaiConf(text, options);
              assert.deepStrictEqual(plainAnalysis(incremental), plainAnalysis(scratch));
              // The diagnostics converted reusing the previous version's, as the server publishes them.
              converted = convert(incremental, text, converted);
              assert.deepStrictEqual(converted.diagnostics, convert(scratch, text).diagnostics);
              previous = incremental;
            }
          },
        ),
        budget(0.5),
      );
    },
  );
}

test('a probe that finds another row with the same value stands for its range differently: the effects are worked out again', () => {
  // fd42::2 finds fd42::/64, which does not cover all ULA space, so fd00:a:b::2 stands for ULA
  // hosts; with the row commented out, fd42::2 finds ::/0, with the same label.
  const options: AnalysisOptions = { glibc: GLIBC_2_41 };
  const before = analyzeGaiConf('label ::/0 1\nlabel fd42::/64 1\n', options);
  const text = 'label ::/0 1\n#abel fd42::/64 1\n';
  const after = analyzeGaiConf(text, options, before);
  assert.notDeepStrictEqual(
    after.effects.map((e) => e.host.host),
    before.effects.map((e) => e.host.host),
  );
  assert.deepStrictEqual(plainAnalysis(after), plainAnalysis(analyzeGaiConf(text, options)));
});

test('a finding anchored on a commented-out row follows the row when an edit moves it', () => {
  const options: AnalysisOptions = { glibc: GLIBC_2_41 };
  const ulaAnchor = (analysis: Analysis) => analysis.findings.find((f) => f.code === 'ula-demoted')?.start;
  let text = '# the stock rows\n#label fc00::/7 6\n';
  let previous = analyzeGaiConf(text, options);
  assert.equal(ulaAnchor(previous), text.indexOf('label fc00'));
  for (const inserted of ['\n', '# more\n', '#\n']) {
    text = inserted + text;
    const incremental = analyzeGaiConf(text, options, previous);
    assert.equal(ulaAnchor(incremental), text.indexOf('label fc00'));
    assert.equal(ulaAnchor(analyzeGaiConf(text, options)), text.indexOf('label fc00'));
    previous = incremental;
  }
});
