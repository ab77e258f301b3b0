import assert from 'node:assert/strict';
import { test } from 'node:test';

import { PolicyTable, policyTables } from '../../server/src/features/policyTables';
import { analyze } from '../support/glibc';

function table(config: string, kind: PolicyTable['kind']): PolicyTable {
  return policyTables(analyze(config).tables).tables.find((t) => t.kind === kind)!;
}

test('the built-in tables: every row built-in, none differing from glibc, RFC 6724 departures marked', () => {
  const labels = table('', 'label');
  assert.equal(labels.source, 'builtin');
  assert.ok(
    labels.rows.filter((r) => r.effective !== undefined).every((r) => r.origin === 'built-in' && !r.differsFromBuiltin),
  );
  const ula = labels.rows.find((r) => r.prefix === 'fc00::/7')!;
  assert.deepEqual([ula.effective, ula.builtin, ula.rfc6724, ula.differsFromRfc6724], [6, 6, 13, true]);
  const siteLocal6bone = labels.rows.find((r) => r.prefix === '3ffe::/16')!;
  assert.deepEqual(
    [siteLocal6bone.effective, siteLocal6bone.builtin, siteLocal6bone.rfc6724],
    [undefined, undefined, 12],
  );
  const v4 = table('', 'precedence').rows.find((r) => r.prefix === '::ffff:0:0/96')!;
  assert.deepEqual([v4.effective, v4.rfc6724, v4.differsFromRfc6724], [10, 35, true]);
  assert.ok(table('', 'scopev4').rows.every((r) => !r.differsFromBuiltin && !r.differsFromRfc6724));
});

test('a replacing file: rows by line, the implicit catch-all, dropped built-in rows and shadowed duplicates', () => {
  const config = '# prefer IPv4\nprecedence ::ffff:0:0/96 100\nprecedence ::ffff:0:0/96 7\n';
  const rows = table(config, 'precedence').rows;
  assert.deepEqual(
    rows.map((r) => [r.prefix, r.effective, r.origin]),
    [
      ['::ffff:0:0/96', 100, 'line 2'],
      ['::ffff:0:0/96', 7, 'line 3 (never reached: an earlier row has this prefix)'],
      ['::/0', 40, 'implicit catch-all'],
      ['::1/128', undefined, undefined],
      ['2002::/16', undefined, undefined],
      ['::/96', undefined, undefined],
      ['2001::/32', undefined, undefined],
      ['fc00::/7', undefined, undefined],
      ['fec0::/10', undefined, undefined],
      ['3ffe::/16', undefined, undefined],
    ],
  );
  assert.deepEqual(
    rows.map((r) => r.differsFromBuiltin),
    [true, false, false, true, true, true, false, false, false, false],
  );
  assert.equal(policyTables(analyze(config).tables).glibc, '2.36');
});

test('rows after the first catch-all are shown as never reached, and compared with nothing', () => {
  const labels = table('label ::/0 5\nlabel ::/0 6\nlabel ::1/128 0\n', 'label');
  const rows = labels.rows
    .filter((r) => r.effective !== undefined)
    .map((r) => [r.prefix, r.effective, r.origin, r.neverReached]);
  assert.deepEqual(rows, [
    ['::1/128', 0, 'line 3', false],
    ['::/0', 5, 'line 1', false],
    ['::/0', 6, 'line 2 (never reached: lookups stop at the catch-all ::/0 (line 1))', true],
  ]);
});
