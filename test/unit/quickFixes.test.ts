import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Analysis, analyzeEdited, analyzeGaiConf } from '../../server/src/analysis/analysis';
import { applyEdits } from '../../server/src/features/codeActions/edits';
import { fixAllPlan, fixAllReport, fixAllTitle } from '../../server/src/features/codeActions/fixAll';
import { fixesFor } from '../../server/src/features/codeActions/quickFixes';
import { ensureRows, TargetRow } from '../../server/src/features/codeActions/tableRows';
import { anotherTableKeepsCode } from '../../server/src/features/codeActions/untouchedTables';
import { parseIpAddress } from '../../server/src/glibc/addresses';
import { lineAt } from '../../server/src/glibc/reader';
import { droppedBuiltinRows, rowPrefixText } from '../../server/src/glibc/tables';
import { seededRandom } from '../support/generate';
import { analyze, codes, GLIBC_2_36 } from '../support/glibc';

function fixed(text: string, code: string, index = 0): string {
  const analysis = analyze(text);
  const finding = analysis.findings.find((f) => f.code === code);
  assert.ok(finding, `finding ${code}`);
  const fix = fixesFor(analysis, finding)[index];
  assert.ok(fix, `fix ${index} for ${code}`);
  return applyEdits(text, fix.edits);
}

test('line-level fixes edit only their token', () => {
  assert.equal(fixed('# keep\nLabel ::1/128 5 # x\n', 'unknown-directive'), '# keep\nlabel ::1/128 5 # x\n');
  assert.equal(fixed('label 10.0.0.0/8 4\n', 'ipv4-prefix'), 'label ::ffff:10.0.0.0/104 4\n');
  assert.equal(fixed('label fe80::%eth0/64 4\n', 'zone-id'), 'label fe80::/64 4\n');
  assert.equal(fixed('label ::1 5\n', 'missing-prefix-length'), 'label ::1/128 5\n');
  assert.equal(fixed('scopev4 10.0.0.0 5\n', 'scopev4-crash'), 'scopev4 10.0.0.0/32 5\n');
  assert.equal(fixed('label ::1/128 5  6 7\n', 'extra-fields'), 'label ::1/128 5  # 6 7\n');
  assert.equal(fixed('label ::1/128 5  6 7\n', 'extra-fields', 1), 'label ::1/128 5\n');
  assert.equal(fixed('label fd00::/7 1\n', 'host-bits'), 'label fc00::/7 1\n');
  assert.equal(fixed('reload YES\n', 'reload-value'), 'reload no\n');
  assert.equal(fixed('label ::1/+128 007\n', 'unusual-number'), 'label ::1/128 007\n');
});

test('a shadowed row is removed with its line break, at the end of the file too', () => {
  assert.equal(
    fixed('label fc00::/7 6\nlabel fc00::/7 1\nlabel ::/0 1\n', 'shadowed-row'),
    'label fc00::/7 6\nlabel ::/0 1\n',
  );
  assert.equal(fixed('label fc00::/7 6\r\nlabel fc00::/7 1', 'shadowed-row'), 'label fc00::/7 6');
});

test("restoring the rows a replaced table dropped, with the file's line endings", () => {
  const after = fixed('precedence ::ffff:0:0/96 100\r\n', 'table-replaced');
  assert.equal(
    after,
    'precedence ::ffff:0:0/96 100\r\nprecedence ::1/128 50\r\nprecedence 2002::/16 30\r\nprecedence ::/96 20\r\n',
  );
  assert.ok(!codes(after).includes('table-replaced'));
});

test("a replaced table's fix is offered while another table's replacement is silenced on its line, and not while it is shown", () => {
  const silenced = 'precedence ::1/128 50\n# gai-conf: ignore table-replaced\nlabel ::1/128 0\n';
  const precedence = (text: string) => analyze(text).findings.find((f) => f.code === 'table-replaced')!;
  assert.equal(lineAt(analyze(silenced).parsed, precedence(silenced).start)?.index, 0);
  assert.deepEqual(
    fixesFor(analyze(silenced), precedence(silenced)).map((f) => f.title),
    ['Add the 3 built-in precedence rows this file drops'],
  );
  const shown = 'precedence ::1/128 50\n# reviewed\nlabel ::1/128 0\n';
  assert.deepEqual(fixesFor(analyze(shown), precedence(shown)), []);
});

test("the verdict on a table's fix without re-analysis (another table's finding stays) is the re-analysis' verdict", () => {
  const random = seededRandom(22);
  const pool = [
    'label ::1/128 0',
    'label ::1/128 5',
    'label fc00::/7 1',
    'label ::/0 1',
    '#label 2002::/16 2',
    '#label fc00::/7      6',
    'precedence ::ffff:0:0/96 100',
    'precedence ::1/128 50',
    '# precedence ::/96 20',
    'scopev4 ::ffff:169.254.0.0/112 2',
    '#scopev4 ::ffff:127.0.0.0/104 2',
    '# gai-conf: ignore table-replaced',
    '# gai-conf: ignore duplicate-row',
    '# gai-conf: ignore-file table-replaced',
    '# a comment',
    '',
    'reload no',
    'Label ::1/128 5',
    'precedence ::1 50',
    'label 2002:: 2',
  ];
  let decidedEarly = 0;
  for (let file = 0; file < 400; file++) {
    const lines = Array.from({ length: 2 + Math.floor(random() * 9) }, () => pool[Math.floor(random() * pool.length)]);
    const text = lines.join(random() < 0.2 ? '\r\n' : '\n') + (random() < 0.8 ? '\n' : '');
    const analysis = analyze(text);
    const before = new Set(analysis.findings.map((f) => f.code));
    for (const finding of analysis.findings.filter((f) => f.code === 'table-replaced')) {
      const fate = lineAt(analysis.parsed, finding.start)!.fate;
      assert.equal(fate.kind, 'row');
      const kind = fate.row.table;
      const targets = droppedBuiltinRows(analysis.tables[kind]).map((row): TargetRow => ({
        kind,
        prefixText: rowPrefixText(row),
        bytes: row.bytes,
        bits: row.bits,
        value: row.value,
      }));
      const edits = ensureRows(analysis, kind, targets);
      const after = analyze(applyEdits(text, edits));
      const reanalysed =
        edits.length > 0 && !after.findings.some((f) => f.code === 'table-replaced' || !before.has(f.code));
      if (anotherTableKeepsCode(analysis, 'table-replaced', kind, edits)) {
        decidedEarly++;
        assert.equal(reanalysed, false, JSON.stringify(text));
      }
      assert.equal(fixesFor(analysis, finding).length > 0, reanalysed, JSON.stringify(text));
    }
  }
  assert.ok(decidedEarly > 50, `decided early ${decidedEarly} times`);
});

test('an edit to a suppression comment is left to the re-analysis', () => {
  const check = (text: string, edits: { start: number; end: number; newText: string }[]) => {
    const analysis = analyze(text);
    assert.ok(analysis.findings.some((f) => f.code === 'table-replaced'));
    assert.ok(!codes(applyEdits(text, edits)).includes('table-replaced'));
    assert.equal(anotherTableKeepsCode(analysis, 'table-replaced', 'label', edits), false, JSON.stringify(text));
  };
  // The comment itself changed to silence every replaced table.
  const comment = 'precedence ::1/128 50\n# gai-conf: ignore-file duplicate-row\nlabel ::1/128 5\n';
  const code = comment.indexOf('duplicate-row');
  check(comment, [{ start: code, end: code + 'duplicate-row'.length, newText: 'table-replaced' }]);
});

test('a row the fix needs is uncommented from the first commented-out row that covers the same addresses, each used once', () => {
  const text =
    'label ::1/128 0\n#label fc00::/7 9\n#precedence fc00::/7 9\n#label fc00::/8 9\n#label fd00::/7 3\n#label fc00::/7 4\n';
  const target = (kind: 'label' | 'precedence', value: number): TargetRow => ({
    kind,
    prefixText: 'fc00::/7',
    bytes: parseIpAddress('fc00::')!.bytes,
    bits: 7,
    value,
  });
  const analysis = analyze(text);
  // The second label target takes the next row in file order: fd00::/7 covers what fc00::/7 does.
  assert.equal(
    applyEdits(text, ensureRows(analysis, 'label', [target('label', 1), target('label', 2), target('label', 4)])),
    'label ::1/128 0\nlabel fc00::/7 1\n#precedence fc00::/7 9\n#label fc00::/8 9\nlabel fd00::/7 2\nlabel fc00::/7 4\n',
  );
  assert.equal(
    applyEdits(text, ensureRows(analysis, 'precedence', [target('precedence', 9)])),
    'label ::1/128 0\n#label fc00::/7 9\nprecedence fc00::/7 9\n#label fc00::/8 9\n#label fd00::/7 3\n#label fc00::/7 4\n',
  );
});

test('the ULA fixes uncomment the stock rows where they stand', () => {
  const stock =
    '#label ::1/128       0\n#label ::/0          1\n#label 2002::/16     2\n#label ::/96         3\n#label ::ffff:0:0/96 4\n#label fec0::/10     5\n#label fc00::/7      6\n#label 2001:0::/32   7\n';
  assert.equal(
    fixed(stock, 'ula-demoted', 0),
    'label ::1/128       0\nlabel ::/0          1\nlabel 2002::/16     2\nlabel ::/96         3\nlabel ::ffff:0:0/96 4\n#label fec0::/10     5\n#label fc00::/7      6\n#label 2001:0::/32   7\n',
  );
  assert.equal(
    fixed(stock, 'ula-demoted', 1),
    'label ::1/128       0\nlabel ::/0          1\nlabel 2002::/16     2\nlabel ::/96         3\nlabel ::ffff:0:0/96 4\nlabel fec0::/10     5\nlabel fc00::/7      1\nlabel 2001:0::/32   7\n',
  );
});

test('fix-all applies every sure fix, the typos included, and says what it left', () => {
  const text =
    'label ::1/+128 0\nlabel ::/0 1 extra\nlabel fd00::/7 1\nlabel fd00::/7 2\nreload YES\nLabel ::2/128 3\nprecendence ::1/128 50\nlabel 10.0.0.0/8 4\n';
  const before = analyze(text);
  const plan = fixAllPlan(before);
  const after = applyEdits(text, plan.edits);
  assert.equal(
    after,
    'label ::1/128 0\nlabel ::/0 1 # extra\nlabel fc00::/7 1\nreload no\nlabel ::2/128 3\nprecedence ::1/128 50\nlabel ::ffff:10.0.0.0/104 4\n',
  );
  const sure = [
    'unusual-number',
    'extra-fields',
    'host-bits',
    'shadowed-row',
    'reload-value',
    'unknown-directive',
    'ipv4-prefix',
  ];
  assert.deepEqual(
    codes(after).filter((c) => sure.includes(c)),
    [],
  );
  assert.deepEqual(
    plan.left.map((f) => f.code),
    codes(after),
  );
  assert.equal(plan.fixed, before.findings.length - codes(after).length);
  assert.match(fixAllTitle(plan), /^Fix \d+ gai\.conf problems \(\d+ left to choose\)$/);
  assert.match(
    fixAllReport(plan),
    /^Fixed \d+ gai\.conf problems\. Left, without one sure fix: table-replaced \(lines 1, 6\), families-tie \(line 1\)\. Each one/,
  );
  assert.equal(fixAllReport({ fixed: 1, left: [] }), 'Fixed 1 gai.conf problem. Nothing is left.');
});

test('a byte order mark on a later line: the fix removes that mark, not the first character of the file (found by fuzzing)', () => {
  assert.equal(fixed('# top\n\uFEFFlabel ::1/128 5\n', 'byte-order-mark'), '# top\nlabel ::1/128 5\n');
});

test('two byte order marks in a row: the fix removes both (found by fuzzing)', () => {
  assert.equal(fixed('\uFEFF\uFEFFlabel ::1/128 5\n', 'byte-order-mark'), 'label ::1/128 5\n');
});

test("a fix is checked on the machine the file was judged for: an edit is read with the analysis's own options", () => {
  // A machine numbered in the documentation prefix: borrowed-address-space exists only for it.
  const thisMachine = {
    addresses: [
      { address: parseIpAddress('2001:db8:1::5')!, prefixLength: 64 },
      { address: parseIpAddress('10.0.0.5')!, prefixLength: 24 },
    ],
    defaultRoutes: { ipv4: true, ipv6: true },
  };
  const codesOf = (analysis: Analysis) => analysis.findings.map((f) => f.code);
  const text = '# nothing active\n';
  const judged = analyzeGaiConf(text, { glibc: GLIBC_2_36, thisMachine });
  assert.ok(codesOf(judged).includes('borrowed-address-space'));
  const edited = `${text}# still nothing\n`;
  assert.deepEqual(
    codesOf(analyzeEdited(judged, edited)),
    codesOf(analyzeGaiConf(edited, { glibc: GLIBC_2_36, thisMachine })),
  );
  assert.ok(codesOf(analyzeEdited(judged, edited)).includes('borrowed-address-space'), 'not re-read as any machine');
  const plain = analyzeGaiConf(text, { glibc: GLIBC_2_36 });
  assert.ok(!codesOf(analyzeEdited(plain, edited)).includes('borrowed-address-space'));
});
