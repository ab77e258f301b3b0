/**
 * The corpus analysed whole: every finding about connections agrees with the effects model, every
 * quick fix leaves no finding the file did not have, and the files that do what their authors
 * meant get no warning.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Analysis } from '../../server/src/analysis/analysis';
import { SEVERITY_RANK, severityOf } from '../../server/src/analysis/catalogue';
import { applyEdits } from '../../server/src/features/codeActions/edits';
import { fixesFor } from '../../server/src/features/codeActions/quickFixes';
import { corpus } from '../support/corpus';
import { analyze } from '../support/glibc';

const files = corpus();

function choice(analysis: Analysis, host: string, pair: string): string | undefined {
  return analysis.effects.find((e) => e.host.id === host && e.pair.id === pair)?.file;
}

function warnings(analysis: Analysis): string[] {
  return analysis.findings.filter((f) => SEVERITY_RANK[severityOf(f)] >= SEVERITY_RANK.warning).map((f) => f.code);
}

test('the corpus has at least 40 files', () => {
  assert.ok(files.length >= 40, `${files.length} files`);
});

test('every finding about connections says what the effects model says', () => {
  for (const file of files) {
    const analysis = analyze(file.text);
    const codes = new Set(analysis.findings.map((f) => f.code));
    if (analysis.tables.crash || codes.has('not-text')) continue;
    const ula = choice(analysis, 'ula', 'global');
    const global = choice(analysis, 'global', 'global');
    assert.equal(
      codes.has('ula-demoted'),
      ula === 'ipv4' && global !== 'ipv4',
      `${file.name}: ula-demoted, ULA ${ula}, global ${global}`,
    );
    assert.equal(codes.has('ipv4-preferred'), ula === 'ipv4' && global === 'ipv4', `${file.name}: ipv4-preferred`);
    const tie = analysis.effects.some(
      (e) => ['ula', 'global', 'ula-global'].includes(e.host.id) && e.file === 'dns-order' && e.builtin !== 'dns-order',
    );
    assert.equal(codes.has('families-tie'), tie, `${file.name}: families-tie`);
    const ulaFinding = analysis.findings.find((f) => f.code === 'ula-demoted');
    if (ulaFinding)
      assert.equal(
        /Hosts with global IPv6 prefer IPv6/.test(ulaFinding.detail ?? ''),
        global === 'ipv6',
        `${file.name}: what global hosts do`,
      );
  }
});

/** Rows glibc reads: a fix that repairs an ignored line makes one more, and what it then does is news. */
function rowCount(analysis: Analysis): number {
  return analysis.parsed.lines.filter((line) => line.fate.kind === 'row').length;
}

test('no quick fix leaves a finding the file did not have, unless it makes an ignored line take effect', () => {
  let fixes = 0;
  for (const file of files) {
    const analysis = analyze(file.text);
    const before = new Set(analysis.findings.map((f) => f.code));
    for (const finding of analysis.findings) {
      for (const fix of fixesFor(analysis, finding)) {
        const after = analyze(applyEdits(file.text, fix.edits));
        if (rowCount(after) > rowCount(analysis) && !['ula-demoted', 'table-replaced'].includes(finding.code)) continue;
        fixes++;
        const added = after.findings.filter((f) => !before.has(f.code)).map((f) => f.code);
        assert.deepEqual(added, [], `${file.name}: "${fix.title}" adds ${added.join(', ')}`);
      }
    }
  }
  assert.ok(fixes >= 15, `${fixes} fixes tried`);
});

test('files that do what their authors meant get no warning; files that fail at it do', () => {
  const byName = new Map(files.map((f) => [f.name, analyze(f.text)]));
  const expect = (name: string, expected: string[]) => {
    const analysis = byName.get(name);
    if (analysis) assert.deepEqual(warnings(analysis).sort(), expected.sort(), name);
  };
  expect('stock', []);
  expect('empty.conf', []);
  expect('comments-only.conf', []);
  expect('full-prefer-ipv4.conf', []);
  expect('prefer-ipv4-tabs.conf', []);
  expect('rfc3484-labels.conf', []);
  expect('rfc3484-labels-aligned.conf', []);
  expect('ula-global-label.conf', []);
  expect('reload-no.conf', []);
  expect('prefer-ipv6-tie.conf', ['families-tie', 'table-replaced']);
  expect('stock+prefer-ipv6-tie', ['families-tie', 'table-replaced']);
  expect('builtin-precedence-restated.conf', ['file-changes-nothing']);
  expect('builtin-labels-restated.conf', ['file-changes-nothing']);
  expect('builtin-all-restated.conf', ['file-changes-nothing']);
  expect('utf16.conf', ['not-text']);
  expect('binary.conf', ['not-text']);
  expect('shadowed-rows.conf', ['shadowed-row', 'table-replaced']);
});

test('ties, rows without effect, family-neutral files and scopev4 recipes are named', () => {
  const codesOf = (name: string) => analyze(files.find((f) => f.name === name)!.text).findings.map((f) => f.code);
  assert.ok(codesOf('label-swap.conf').includes('no-family-change'));
  assert.ok(codesOf('redundant-row.conf').includes('row-without-effect'));
  assert.ok(codesOf('duplicate-rows.conf').includes('duplicate-row'));
  assert.ok(codesOf('scopev4-rfc1918.conf').includes('scopev4-family-change'));
  assert.ok(
    !codesOf('scopev4-rfc1918.conf').includes('ula-demoted'),
    'private IPv4 at scope 5 makes ULA hosts prefer IPv6',
  );
  assert.ok(
    !codesOf('ula-global-label.conf').includes('site-local'),
    "glibc's own fec0::/10 row is copied, not chosen",
  );
  // The live machine is not known here: an untouched distribution file only informs.
  const stock = files.find((f) => f.name === 'stock');
  if (stock)
    assert.deepEqual(
      analyze(stock.text).findings.map((f) => [f.code, severityOf(f)]),
      [['ula-demoted', 'information']],
    );
});
