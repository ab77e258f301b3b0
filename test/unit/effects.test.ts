import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { applyEdits } from '../../server/src/features/codeActions/edits';
import { fixesFor } from '../../server/src/features/codeActions/quickFixes';
import { computeEffects } from '../../server/src/analysis/effects';
import { summarizeEffects } from '../../server/src/features/effectsSummary';
import { analyze } from '../support/glibc';

const summary = (text: string) => summarizeEffects(computeEffects(analyze(text).tables)).map((s) => s.text);
const STOCK_LIKE = '#label ::1/128       0\n#label ::/0          1\n#label 2002::/16     2\n#label ::/96         3\n#label ::ffff:0:0/96 4\n#label fec0::/10     5\n#label fc00::/7      6\n#label 2001:0::/32   7\n';

test('at a glance: the stock file makes ULA hosts prefer IPv4, the quick fix makes them prefer IPv6', () => {
  assert.deepEqual(summary(STOCK_LIKE), ['global IPv6 vs IPv4: ULA hosts: IPv4 first · global-IPv6 hosts: IPv6 first']);
  const analysis = analyze(STOCK_LIKE);
  const fixed = applyEdits(STOCK_LIKE, fixesFor(analysis, analysis.findings.find((f) => f.code === 'ula-demoted')!)[0].edits);
  const after = summary(fixed);
  assert.equal(after[0], 'global IPv6 vs IPv4: ULA hosts: IPv6 first (built-in: IPv4 first) · global-IPv6 hosts: IPv6 first');
  assert.ok(after.some((line) => /^ULA vs private IPv4: global-IPv6 hosts: IPv6 first \(built-in: IPv4 first\)/.test(line)), after.join('\n'));
});

test('the prefer-IPv4 table shows as a change for every dual-stacked host', () => {
  const lines = summary('precedence ::1/128 50\nprecedence ::/0 40\nprecedence 2002::/16 30\nprecedence ::/96 20\nprecedence ::ffff:0:0/96 100\n');
  assert.match(lines[0], /global-IPv6 hosts: IPv4 first \(built-in: IPv6 first\)/);
});

test('the machine\'s own file, when there is one, gets a summary without throwing', { skip: !require('node:fs').existsSync('/etc/gai.conf') }, () => {
  assert.ok(summary(readFileSync('/etc/gai.conf', 'utf8')).length >= 1);
});
