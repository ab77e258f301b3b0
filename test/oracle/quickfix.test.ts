/**
 * The ULA quick fixes judged by real glibc: after each fix, a ULA+IPv4 host must order global
 * IPv6 first, while loopback, ULA-to-ULA and global-to-global orders stay as they were. The
 * trade-off the fixes name (global hosts try ULA destinations before IPv4) is checked too.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

import { applyEdits } from '../../server/src/features/codeActions/edits';
import { fixesFor } from '../../server/src/features/codeActions/quickFixes';
import { analyze } from '../support/glibc';
import { OracleHost, OracleScenario, orderOracleUnavailable, resolveWithGlibc } from '../support/namespaceResolver';
import { testNeeding } from '../support/prerequisites';

const ULA_HOST: OracleHost = {
  addresses: [
    { address: 'fd42::2', prefixLength: 64 },
    { address: '10.0.0.2', prefixLength: 24 },
  ],
};
const GLOBAL_HOST: OracleHost = {
  addresses: [
    { address: '2001:db8:2::2', prefixLength: 64 },
    { address: '10.0.0.2', prefixLength: 24 },
  ],
};

const CHECKS = {
  ulaToGlobal: { host: ULA_HOST, destinations: ['198.51.100.10', '2001:db8:1::10'] },
  loopback: { host: ULA_HOST, destinations: ['127.0.0.1', '::1'] },
  ulaToUla: { host: ULA_HOST, destinations: ['10.0.1.10', 'fd42:0:0:1::10'] },
  globalToGlobal: { host: GLOBAL_HOST, destinations: ['198.51.100.10', '2001:db8:1::10'] },
  globalToUla: { host: GLOBAL_HOST, destinations: ['10.0.1.10', 'fd42:0:0:1::10'] },
} as const;

const commentedBuiltins =
  '# label ::1/128 0 and friends, all commented\n#label ::1/128       0\n#label ::/0          1\n#label 2002::/16     2\n#label ::/96         3\n#label ::ffff:0:0/96 4\n#label fec0::/10     5\n#label fc00::/7      6\n#label 2001:0::/32   7\n#precedence ::ffff:0:0/96  100\n';
const FILES: Record<string, string> = {
  ...(existsSync('/etc/gai.conf') ? { stock: readFileSync('/etc/gai.conf', 'utf8') } : {}),
  empty: '',
  commentedBuiltins,
  crlfWithoutNewlineAtEnd: 'reload no\r\n# ULA lose here\r\nscopev4 ::ffff:169.254.0.0/112 2',
  activeGlibcLabels:
    'label ::1/128 0\nlabel ::/0 1\nlabel 2002::/16 2\nlabel ::/96 3\nlabel ::ffff:0:0/96 4\nlabel fec0::/10 5\nlabel fc00::/7 6\nlabel 2001::/32 7\n',
  customUlaRow:
    'label ::1/128 0\nlabel ::/0 1\nlabel ::ffff:0:0/96 4\nlabel fd00::/8 9   # our containers\nlabel 2001:db8:99::/48 12\n',
};

type Orders = Record<keyof typeof CHECKS, string[]>;

async function ordersFor(configs: string[]): Promise<Orders[]> {
  const names = Object.keys(CHECKS) as (keyof typeof CHECKS)[];
  const scenarios: OracleScenario[] = configs.flatMap((config) =>
    names.map((name) => ({ config, host: CHECKS[name].host, destinations: [...CHECKS[name].destinations] })),
  );
  const real = await resolveWithGlibc(scenarios);
  return configs.map(
    (_, i) => Object.fromEntries(names.map((name, j) => [name, real[i * names.length + j]])) as Orders,
  );
}

const unavailable = orderOracleUnavailable();

testNeeding(
  unavailable,
  'each ULA quick fix makes real glibc prefer IPv6 from a ULA host and changes nothing else',
  { timeout: 300_000 },
  async () => {
    const cases: { name: string; title: string; note: string; before: string; after: string }[] = [];
    for (const [name, text] of Object.entries(FILES)) {
      const analysis = analyze(text);
      const finding = analysis.findings.find((f) => f.code === 'ula-demoted');
      assert.ok(finding, `${name}: the ULA warning`);
      const fixes = fixesFor(analysis, finding);
      assert.equal(fixes.length, 2, `${name}: two ULA fixes`);
      for (const fix of fixes)
        cases.push({ name, title: fix.title, note: fix.note ?? '', before: text, after: applyEdits(text, fix.edits) });
    }
    const before = await ordersFor(cases.map((c) => c.before));
    const after = await ordersFor(cases.map((c) => c.after));
    cases.forEach((c, i) => {
      const label = `${c.name} / ${c.title}`;
      assert.equal(before[i].ulaToGlobal[0], '198.51.100.10', `${label}: IPv4 first before the fix`);
      assert.equal(after[i].ulaToGlobal[0], '2001:db8:1::10', `${label}: IPv6 first after the fix`);
      for (const unchanged of ['loopback', 'ulaToUla', 'globalToGlobal'] as const) {
        assert.deepEqual(after[i][unchanged], before[i][unchanged], `${label}: ${unchanged} unchanged`);
      }
      assert.equal(
        after[i].globalToUla[0],
        'fd42:0:0:1::10',
        `${label}: the named trade-off, global hosts now try ULA first`,
      );
      assert.ok(c.note.includes('ULA destinations before IPv4'), `${label}: the fix's preview names the trade-off`);
      assert.ok(c.title.length <= 60, `${label}: a title short enough for the menu`);
    });
  },
);

test('the ULA fixes touch nothing outside the lines they mean to change', () => {
  for (const [name, text] of Object.entries(FILES)) {
    const analysis = analyze(text);
    for (const fix of fixesFor(
      analysis,
      analysis.findings.find((f) => f.code === 'ula-demoted')!,
    )) {
      const touched = new Set<number>();
      for (const edit of fix.edits) {
        for (const line of analysis.parsed.lines)
          if (line.end >= edit.start && line.start <= edit.end) touched.add(line.index);
      }
      const keptBefore = analysis.parsed.lines
        .filter((l) => !touched.has(l.index))
        .map((l) => text.slice(l.start, l.end));
      const afterLines = applyEdits(text, fix.edits)
        .split('\n')
        .map((l) => l);
      for (const line of keptBefore) assert.ok(afterLines.includes(line), `${name}: kept "${line}"`);
    }
  }
});
