import assert from 'node:assert/strict';
import { test } from 'node:test';

import { deadBehind, firstCatchAll, rowPrefixText } from '../../server/src/glibc/tables';
import { analyze } from '../support/glibc';

const rows = (text: string, kind: 'label' | 'precedence' | 'scopev4') => {
  const table = analyze(text).tables[kind];
  return {
    source: table.source,
    rows: table.rows.map(
      (r) =>
        `${rowPrefixText(r)} ${r.value} ${r.origin.kind === 'file' ? `L${r.origin.line.index + 1}` : r.origin.kind}`,
    ),
  };
};

test('a kind without valid lines keeps the built-in table', () => {
  assert.deepEqual(rows('label junk 5\n', 'label').source, 'builtin');
  assert.equal(rows('', 'precedence').rows.length, 5);
  assert.deepEqual(rows('', 'scopev4').rows, [
    '169.254.0.0/16 2 builtin',
    '127.0.0.0/8 2 builtin',
    '0.0.0.0/0 14 builtin',
  ]);
});

test('the one-liner replaces the precedence table and adds only the catch-all', () => {
  assert.deepEqual(rows('precedence ::ffff:0:0/96 100\n', 'precedence'), {
    source: 'file',
    rows: ['::ffff:0:0/96 100 L1', '::/0 40 implicit'],
  });
  const finding = analyze('precedence ::ffff:0:0/96 100\n').findings.find((f) => f.code === 'table-replaced')!;
  assert.equal(
    finding.message,
    "This precedence line replaces glibc's whole precedence table: ::1/128 now 40 (was 50) and 2 more. Add the built-in rows to keep them.",
  );
  assert.match(finding.detail ?? '', /::1\/128 now 40 \(was 50\), 2002::\/16 now 40 \(was 30\)/);
});

test('rows sort longest prefix first, file order among equals; no catch-all when a /0 row exists', () => {
  assert.deepEqual(rows('label ::/0 9\nlabel fd00::/7 3\nlabel fc00::/7 4\nlabel ::1/128 0\n', 'label').rows, [
    '::1/128 0 L4',
    'fd00::/7 3 L2',
    'fc00::/7 4 L3',
    '::/0 9 L1',
  ]);
});

test('scopev4 catch-all is 0.0.0.0/0; scopev4 rows are masked', () => {
  assert.deepEqual(rows('scopev4 10.1.2.3/8 5\n', 'scopev4').rows, ['10.0.0.0/8 5 L1', '0.0.0.0/0 14 implicit']);
  assert.deepEqual(rows('scopev4 ::ffff:0.0.0.0/96 3\n', 'scopev4').rows, ['0.0.0.0/0 3 L1']);
});

test('a later row with the same prefix bits has no effect', () => {
  const findings = analyze('label fc00::/7 6\nlabel fd00::/7 1\nlabel ::/0 1\n').findings.filter(
    (f) => f.code === 'shadowed-row',
  );
  assert.equal(findings.length, 1);
  assert.match(findings[0].message, /line 1/);
});

test('restoring every built-in row is not a replacement worth a warning', () => {
  const full =
    'label ::1/128 0\nlabel ::/0 1\nlabel 2002::/16 2\nlabel ::/96 3\nlabel ::ffff:0:0/96 4\nlabel fec0::/10 5\nlabel fc00::/7 6\nlabel 2001::/32 7\n';
  assert.ok(!analyze(full).findings.some((f) => f.code === 'table-replaced'));
});

test('the RFC 3484 label table written out on purpose is not reported as a silent replacement', () => {
  const rfc3484 = 'label ::1/128 0\nlabel ::/0 1\nlabel 2002::/16 2\nlabel ::/96 3\nlabel ::ffff:0:0/96 4\n';
  assert.ok(!analyze(rfc3484).findings.some((f) => f.code === 'table-replaced'));
  assert.ok(
    analyze('label ::1/128 0\nlabel ::/0 1\nlabel ::ffff:0:0/96 4\n').findings.some((f) => f.code === 'table-replaced'),
  );
});

test('rows after the first catch-all are dead: every lookup stops there', () => {
  const table = analyze('label ::/0 5\nlabel ::1/128 0\nlabel ::/0 6\nlabel ::1/0 7\n').tables.label;
  const dead = table.rows
    .filter((row) => deadBehind(table, row) !== undefined)
    .map((r) => `${rowPrefixText(r)} ${r.value}`);
  assert.deepEqual(dead, ['::/0 6', '::1/0 7']);
  assert.equal(firstCatchAll(table)!.value, 5);
  const scopes = analyze('scopev4 ::ffff:0.0.0.0/96 3\nscopev4 0.0.0.0/0 4\nscopev4 10.0.0.0/8 5\n').tables.scopev4;
  assert.deepEqual(
    scopes.rows.map((r) => deadBehind(scopes, r) !== undefined),
    [false, false, true],
  );
  const builtin = analyze('').tables.label;
  assert.ok(builtin.rows.every((r) => deadBehind(builtin, r) === undefined));
});

test('the finding on a row after the first catch-all says why it is dead', () => {
  const [finding] = analyze('label ::/0 5\nlabel ::1/128 0\nlabel ::1/0 6\n').findings.filter(
    (f) => f.code === 'shadowed-row',
  );
  assert.equal(
    finding!.message,
    'Never reached: line 1 (::/0 label 5) matches every address and glibc stops there. Remove this row.',
  );
});
