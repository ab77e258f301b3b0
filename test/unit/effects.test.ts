import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

import { analyzeGaiConf } from '../../server/src/analysis/analysis';
import { computeEffects, hostAddressTexts } from '../../server/src/analysis/effects';
import { applyEdits } from '../../server/src/features/codeActions/edits';
import { fixesFor } from '../../server/src/features/codeActions/quickFixes';
import { summarizeEffects } from '../../server/src/features/effectsSummary';
import { analyze, GLIBC_2_36, host as hostOf } from '../support/glibc';
import { lacks, testNeeding } from '../support/prerequisites';

const summary = (text: string) => summarizeEffects(computeEffects(analyze(text).tables)).map((s) => s.text);
const STOCK_LIKE =
  '#label ::1/128       0\n#label ::/0          1\n#label 2002::/16     2\n#label ::/96         3\n#label ::ffff:0:0/96 4\n#label fec0::/10     5\n#label fc00::/7      6\n#label 2001:0::/32   7\n';

test('at a glance: the stock file makes ULA hosts prefer IPv4, the quick fix makes them prefer IPv6', () => {
  assert.deepEqual(summary(STOCK_LIKE), ['global IPv6 vs IPv4: ULA hosts: IPv4 first · global-IPv6 hosts: IPv6 first']);
  const analysis = analyze(STOCK_LIKE);
  const fixed = applyEdits(
    STOCK_LIKE,
    fixesFor(
      analysis,
      analysis.findings.find((f) => f.code === 'ula-demoted')!,
    )[0].edits,
  );
  const after = summary(fixed);
  assert.equal(
    after[0],
    'global IPv6 vs IPv4: ULA hosts: IPv6 first (built-in: IPv4 first) · global-IPv6 hosts: IPv6 first',
  );
  assert.ok(
    after.some((line) => /^ULA vs private IPv4: global-IPv6 hosts: IPv6 first \(built-in: IPv4 first\)/.test(line)),
    after.join('\n'),
  );
});

test('the prefer-IPv4 table shows as a change for every dual-stacked host', () => {
  const lines = summary(
    'precedence ::1/128 50\nprecedence ::/0 40\nprecedence 2002::/16 30\nprecedence ::/96 20\nprecedence ::ffff:0:0/96 100\n',
  );
  assert.match(lines[0], /global-IPv6 hosts: IPv4 first \(built-in: IPv6 first\)/);
});

testNeeding(
  existsSync('/etc/gai.conf') ? null : 'an /etc/gai.conf',
  "the machine's own file, when it changes no table (Debian's stock file), reads exactly as the built-in tables",
  {},
  (t) => {
    const text = readFileSync('/etc/gai.conf', 'utf8');
    const { tables } = analyze(text);
    if (tables.label.source === 'file' || tables.precedence.source === 'file' || tables.scopev4.source === 'file') {
      return void lacks(t, "an /etc/gai.conf that changes no table (Debian's stock file); this machine's replaces one");
    }
    assert.deepEqual(summary(text), ['global IPv6 vs IPv4: ULA hosts: IPv4 first · global-IPv6 hosts: IPv6 first']);
  },
);

function effect(text: string, host: string, pair: string, thisMachine?: ReturnType<typeof hostOf>) {
  return analyzeGaiConf(text, { glibc: GLIBC_2_36, ...(thisMachine ? { thisMachine } : {}) }).effects.find(
    (e) => e.host.id === host && e.pair.id === pair,
  )!;
}

test('both resolver orders: a tie is dns-order, not the order one list happened to give', () => {
  assert.equal(effect('precedence ::/0 100\n', 'global', 'global').file, 'dns-order');
  assert.equal(effect('precedence ::/0 100\n', 'global', 'global').builtin, 'ipv6');
  assert.equal(
    effect('precedence ::/0 100\n', 'ula', 'global').file,
    'ipv4',
    'rule 5 decides before precedence for ULA hosts',
  );
  assert.equal(
    effect('precedence ::ffff:0:0/96 40\n', 'global', 'global').file,
    'dns-order',
    'IPv4 raised to exactly the IPv6 precedence',
  );
});

test('probes stand for their kind: a file row for 2001:db8::/32 moves the global probe elsewhere', () => {
  const plain = effect('', 'global', 'global');
  assert.equal(plain.ipv6, '2001:db8:1::10');
  const docRow = effect('label 2001:db8::/32 8\n', 'global', 'global');
  assert.equal(docRow.ipv6, '2a00:1450:4001::10');
  assert.deepEqual(
    hostAddressTexts(docRow.host.host),
    ['2a01:4f8:10::2/64', '10.0.0.2/24'],
    "the global host's source too",
  );
  assert.equal(effect('label fd42::/16 1\n', 'ula', 'global').host.host.addresses.map((a) => a.prefixLength).length, 2);
  assert.equal(
    hostAddressTexts(effect('label fd42::/16 1\n', 'ula', 'global').host.host)[0],
    'fd00:a:b::2/64',
    'the ULA probe leaves fd42::/16 to the row about it',
  );
});

test('hosts without a choice of family, and this machine for the live file', () => {
  assert.equal(effect('', 'ipv4-only', 'global').file, 'ipv4');
  assert.equal(effect('', 'no-ipv6', 'global').file, 'ipv4');
  assert.equal(effect('', 'ipv6-only', 'global').file, 'ipv6');
  const machine = hostOf('fd42::9/64', '192.0.2.9/24');
  assert.equal(effect('', 'this-machine', 'global', machine).file, 'ipv4');
  assert.equal(effect('', 'this-machine', 'global'), undefined, 'no this-machine entries for another file');
});
