import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEdits } from '../../server/src/features/codeActions/edits';
import { fixAllEdits } from '../../server/src/features/codeActions/fixAll';
import { fixesFor } from '../../server/src/features/codeActions/quickFixes';
import { parseIpAddress } from '../../server/src/glibc/addresses';
import { lookupRow } from '../../server/src/glibc/tables';
import { analyze, codes } from '../support/glibc';

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
  assert.equal(fixed('label fc00::/7 6\nlabel fc00::/7 1\nlabel ::/0 1\n', 'shadowed-row'), 'label fc00::/7 6\nlabel ::/0 1\n');
  assert.equal(fixed('label fc00::/7 6\r\nlabel fc00::/7 1', 'shadowed-row'), 'label fc00::/7 6');
});

test('restoring the rows a replaced table dropped, with the file\'s line endings', () => {
  const after = fixed('precedence ::ffff:0:0/96 100\r\n', 'table-replaced');
  assert.equal(after, 'precedence ::ffff:0:0/96 100\r\nprecedence ::1/128 50\r\nprecedence 2002::/16 30\r\nprecedence ::/96 20\r\n');
  assert.ok(!codes(after).includes('table-replaced'));
});

test('the ULA fixes uncomment the stock rows where they stand', () => {
  const stock = '#label ::1/128       0\n#label ::/0          1\n#label 2002::/16     2\n#label ::/96         3\n#label ::ffff:0:0/96 4\n#label fec0::/10     5\n#label fc00::/7      6\n#label 2001:0::/32   7\n';
  assert.equal(fixed(stock, 'ula-demoted', 0), 'label ::1/128       0\nlabel ::/0          1\nlabel 2002::/16     2\nlabel ::/96         3\nlabel ::ffff:0:0/96 4\n#label fec0::/10     5\n#label fc00::/7      6\n#label 2001:0::/32   7\n');
  assert.equal(fixed(stock, 'ula-demoted', 1), 'label ::1/128       0\nlabel ::/0          1\nlabel 2002::/16     2\nlabel ::/96         3\nlabel ::ffff:0:0/96 4\nlabel fec0::/10     5\nlabel fc00::/7      1\nlabel 2001:0::/32   7\n');
});

test('fix-all applies only fixes that keep what glibc reads', () => {
  const text = 'label ::1/+128 0\nlabel ::/0 1 extra\nlabel fd00::/7 1\nlabel fd00::/7 2\nreload YES\nLabel ::2/128 3\n';
  const before = analyze(text);
  const after = applyEdits(text, fixAllEdits(before));
  const probes = ['::1', '::', '2002::1', '::ffff:10.0.0.1', '::ffff:169.254.1.1', 'fd00::1', 'fc00::1', '2001:db8::1', 'fec0::1', '2001::1'].map((a) => parseIpAddress(a)!.bytes);
  const rows = (t: string) => {
    const tables = analyze(t).tables;
    return JSON.stringify((['label', 'precedence', 'scopev4'] as const).map((k) => probes.filter((p) => k !== 'scopev4' || p[10] === 0xff).map((p) => lookupRow(tables[k], p).value)));
  };
  assert.equal(rows(after), rows(text));
  assert.deepEqual(codes(after).filter((c) => ['unusual-number', 'extra-fields', 'host-bits', 'shadowed-row', 'reload-value'].includes(c)), []);
  assert.ok(codes(after).includes('unknown-directive'));
});

test('a byte order mark on a later line: the fix removes that mark, not the first character of the file (found by fuzzing)', () => {
  assert.equal(fixed('# top\n\uFEFFlabel ::1/128 5\n', 'byte-order-mark'), '# top\nlabel ::1/128 5\n');
});

test('two byte order marks in a row: the fix removes both (found by fuzzing)', () => {
  assert.equal(fixed('\uFEFF\uFEFFlabel ::1/128 5\n', 'byte-order-mark'), 'label ::1/128 5\n');
});
