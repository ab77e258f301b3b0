/**
 * `gai-conf explain NAME` run whole inside a network namespace with its own DNS server: the order
 * it predicts for the saved file must be the order the system's getaddrinfo() returns, and the
 * steps must name the rules that real glibc's order implies.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { applyEdits } from '../../server/src/features/codeActions/edits';
import { fixesFor } from '../../server/src/features/codeActions/quickFixes';
import { ExplainReport } from '../../server/src/features/explain';
import { analyze } from '../support/glibc';
import { OracleHost, OracleNamespace, orderOracleUnavailable } from '../support/namespaceResolver';
import { testNeeding } from '../support/prerequisites';
import { ULA_AND_IPV4_HOST, withTestDns, Zone } from '../support/testDns';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

const GLOBAL_HOST: OracleHost = {
  addresses: [
    { address: '2001:db8:2::2', prefixLength: 64 },
    { address: '10.0.0.2', prefixLength: 24 },
  ],
};
const ZONE: Zone = {
  'dual.test': { A: ['198.51.100.10', '198.51.100.11'], AAAA: ['2001:db8:1::10', '2001:db8:1::11'] },
  'v4only.test': { A: ['198.51.100.20'] },
  'v6only.test': { AAAA: ['2001:db8:1::20'] },
};

const STOCK = existsSync('/etc/gai.conf') ? readFileSync('/etc/gai.conf', 'utf8') : '';

function ulaFixed(text: string): string {
  const analysis = analyze(text);
  const finding = analysis.findings.find((f) => f.code === 'ula-demoted')!;
  return applyEdits(text, fixesFor(analysis, finding).find((fix) => fix.preferred)!.edits);
}

async function explainIn(ns: OracleNamespace, gaiConf: string, name: string): Promise<ExplainReport> {
  ns.writeEtc('gai.conf', gaiConf);
  const { stdout } = await ns.exec(process.execPath, [CLI, 'explain', name, '--json']);
  return JSON.parse(stdout) as ExplainReport;
}

function predicted(report: ExplainReport): string[] {
  return report.buffer.order.map((d) => d.text);
}

function systemOrder(report: ExplainReport): readonly string[] {
  assert.ok(
    report.system && 'order' in report.system,
    `the system resolver answered: ${JSON.stringify(report.system)}`,
  );
  return report.system.order;
}

const unavailable =
  orderOracleUnavailable() ??
  (existsSync('/etc/resolv.conf') ? null : 'no /etc/resolv.conf to mount a test resolver over');

testNeeding(
  unavailable,
  'explain on a ULA host: the stock file puts IPv4 first by rule 5, the quick fix IPv6 first, as getaddrinfo() does',
  { timeout: 120_000 },
  async () => {
    await withTestDns(ULA_AND_IPV4_HOST, ZONE, async (ns) => {
      const before = await explainIn(ns, STOCK, 'dual.test');
      assert.equal(before.origin, 'dns');
      assert.deepEqual(
        before.buffer.order.map((d) => d.family),
        [4, 4, 6, 6],
      );
      assert.deepEqual(predicted(before), systemOrder(before));
      assert.ok(before.system && 'matchesSaved' in before.system && before.system.matchesSaved);
      const crossFamily = before.buffer.steps.filter((s) => s.first.includes('.') !== s.second.includes('.'));
      assert.ok(crossFamily.length > 0 && crossFamily.every((s) => s.rule === 5), JSON.stringify(crossFamily));
      assert.match(
        crossFamily[0].reason,
        /label 4, the same as its source 10\.0\.0\.2; 2001:db8:1::1[01] has label 1 but its source fd42::2 has label 6/,
      );

      const after = await explainIn(ns, ulaFixed(STOCK), 'dual.test');
      assert.deepEqual(
        after.buffer.order.map((d) => d.family),
        [6, 6, 4, 4],
      );
      assert.deepEqual(predicted(after), systemOrder(after));
      const decided = after.buffer.steps.filter((s) => s.first.includes('.') !== s.second.includes('.'));
      assert.ok(
        decided.every((s) => s.rule === 6),
        JSON.stringify(decided),
      );
    });
  },
);

testNeeding(
  unavailable,
  'explain keeps the resolver order glibc sees, A answers before AAAA answers, where no rule decides',
  { timeout: 120_000 },
  async () => {
    await withTestDns(GLOBAL_HOST, ZONE, async (ns) => {
      const report = await explainIn(ns, 'label ::/0 1\nprecedence ::/0 1\n', 'dual.test');
      assert.deepEqual(predicted(report), systemOrder(report));
      assert.deepEqual(predicted(report), ['198.51.100.10', '198.51.100.11', '2001:db8:1::10', '2001:db8:1::11']);
      assert.ok(report.buffer.steps.some((s) => s.rule === 10 && /keeps the resolver's order/.test(s.reason)));
    });
  },
);

testNeeding(
  unavailable,
  'explain says why a family is unreachable and agrees with getaddrinfo() for single-family names',
  { timeout: 120_000 },
  async () => {
    await withTestDns({ addresses: [{ address: '10.0.0.2', prefixLength: 24 }] }, ZONE, async (ns) => {
      const dual = await explainIn(ns, STOCK, 'dual.test');
      assert.deepEqual(predicted(dual), systemOrder(dual));
      const v6 = dual.buffer.order.filter((d) => d.family === 6);
      assert.ok(
        v6.every((d) => d.unreachable === 'this host has no IPv6 address and no IPv6 route'),
        JSON.stringify(v6),
      );
      assert.ok(
        dual.buffer.steps.some((s) => s.rule === 1 && s.reason.includes('is not: this host has no IPv6 address')),
      );
      for (const name of ['v4only.test', 'v6only.test']) {
        const report = await explainIn(ns, STOCK, name);
        assert.deepEqual(predicted(report), systemOrder(report), name);
      }
    });
  },
);
