/**
 * Local addresses from documentation space (a VPN numbered in 2001:db8::/32 to dodge the ULA
 * problem): the finding on the live file, where it sits, what it recommends, and the ULA label
 * fixes it offers instead.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { analyzeGaiConf } from '../../server/src/analysis/analysis';
import { fixesFor } from '../../server/src/features/codeActions/quickFixes';
import { GLIBC_2_36, host } from '../support/glibc';

const STOCK_ROWS = '# stock\n#label ::1/128       0\n#label ::/0          1\n#label fc00::/7      6\n';
const VPN_HOST = host('2001:db8:5::2/64,dev=tun0', '10.0.0.2/24,dev=eth0');

test('a tunnel numbered from 2001:db8::/32 gets the finding on the fc00::/7 row, with the ULA fixes', () => {
  const analysis = analyzeGaiConf(STOCK_ROWS, { glibc: GLIBC_2_36, thisMachine: VPN_HOST });
  const finding = analysis.findings.find((f) => f.code === 'borrowed-address-space');
  assert.ok(finding, analysis.findings.map((f) => f.code).join(', '));
  assert.equal(STOCK_ROWS.slice(finding.start, finding.end), 'label fc00::/7      6');
  assert.match(finding.message, /2001:db8:5::2\/64 \(tun0\) is in 2001:db8::\/32, documentation space \(RFC 3849\)/);
  assert.match(finding.message, /Use a ULA \(fd00::\/8\) instead, and give fc00::\/7 the global label here/);
  assert.ok(finding.message.length <= 160, finding.message);
  const fixes = fixesFor(analysis, finding);
  assert.ok(
    fixes.some((f) => /give fc00::\/7 the global label 1/i.test(f.title)),
    fixes.map((f) => f.title).join('\n'),
  );
});

test('a file that already gives fc00::/7 the global label says so; hosts without such addresses get nothing', () => {
  const fixed =
    'label ::1/128 0\nlabel ::/0 1\nlabel 2002::/16 2\nlabel ::/96 3\nlabel ::ffff:0:0/96 4\nlabel fec0::/10 5\nlabel fc00::/7 1\nlabel 2001::/32 7\n';
  const finding = analyzeGaiConf(fixed, {
    glibc: GLIBC_2_36,
    thisMachine: host('3fff:1::9/64', '10.0.0.2/24'),
  }).findings.find((f) => f.code === 'borrowed-address-space');
  assert.ok(finding);
  assert.equal(fixed.slice(finding.start, finding.end), 'label fc00::/7 1');
  assert.match(finding.message, /3fff::\/20, documentation space \(RFC 9637\).*global label: this file already does/);
  const plain = analyzeGaiConf(STOCK_ROWS, {
    glibc: GLIBC_2_36,
    thisMachine: host('2001:4860::2/64', 'fd42::2/64', '10.0.0.2/24'),
  });
  assert.ok(!plain.findings.some((f) => f.code === 'borrowed-address-space'));
  assert.ok(
    !analyzeGaiConf(STOCK_ROWS, { glibc: GLIBC_2_36 }).findings.some((f) => f.code === 'borrowed-address-space'),
    'a file not on this machine',
  );
});
