import assert from 'node:assert/strict';
import { test } from 'node:test';

import { severityOf } from '../../server/src/analysis/catalogue';
import { analyze, codes } from '../support/glibc';

const BUILTIN_PRECEDENCE =
  'precedence ::1/128 50\nprecedence ::/0 40\nprecedence 2002::/16 30\nprecedence ::/96 20\nprecedence ::ffff:0:0/96 10\n';

test('a repeated row is a hint; a later row with another value is a warning that says it is never read', () => {
  const repeated = analyze('precedence ::ffff:0:0/96 100\nprecedence ::ffff:0:0/96 100\n').findings.find(
    (f) => f.code === 'duplicate-row',
  )!;
  assert.equal(severityOf(repeated), 'hint');
  const shadowed = analyze('precedence ::ffff:0:0/96 100\nprecedence ::ffff:0:0/96 10\n').findings.find(
    (f) => f.code === 'shadowed-row',
  )!;
  assert.equal(severityOf(shadowed), 'warning');
  assert.equal(
    shadowed.message,
    'Never used: line 1 already gives ::ffff:0:0/96 precedence 100. Put 10 there, or remove this row.',
  );
});

test('a row whose addresses get the same value without it has no effect; catch-alls and built-in prefixes are kept', () => {
  const finding = analyze('precedence ::ffff:0:0/96 100\nprecedence 2001:db8::/32 40\n').findings.find(
    (f) => f.code === 'row-without-effect',
  )!;
  assert.match(finding.message, /2001:db8::\/32 would get precedence 40 anyway, from the implicit catch-all row ::\/0/);
  assert.ok(
    !codes('label ::1/128 0\nlabel ::/0 1\nlabel fc00::/7 1\n').includes('row-without-effect'),
    "fc00::/7 1 says what glibc's fc00::/7 row becomes",
  );
  assert.ok(!codes('precedence ::ffff:0:0/96 100\nprecedence ::/0 40\n').includes('row-without-effect'));
});

test('restating a built-in table changes nothing, and says so; changing one value is a change', () => {
  const finding = analyze(BUILTIN_PRECEDENCE).findings.find((f) => f.code === 'file-changes-nothing')!;
  assert.equal(severityOf(finding), 'warning');
  assert.match(
    finding.message,
    /^The 5 active rows restate glibc's built-in precedence table: no address order changes\./,
  );
  assert.equal(finding.start, 0);
  assert.ok(
    !codes(BUILTIN_PRECEDENCE.replace('::ffff:0:0/96 10', '::ffff:0:0/96 100')).includes('file-changes-nothing'),
  );
  assert.ok(!codes('reload no\n').includes('file-changes-nothing'), 'no table row, nothing claimed');
});
