import assert from 'node:assert/strict';
import { test } from 'node:test';

import { analyzeGaiConf } from '../../server/src/analysis/analysis';
import { severityOf } from '../../server/src/analysis/catalogue';
import { analyze, codes, GLIBC_2_36, host } from '../support/glibc';

const STOCK_LIKE = '# header\n#label ::1/128       0\n#label ::/0          1\n#label fc00::/7      6\nreload no\n';

function find(text: string, code: string, options = {}) {
  return analyzeGaiConf(text, { glibc: GLIBC_2_36, ...options }).findings.find((f) => f.code === code);
}

test("the stock file informs about ULA hosts on the commented fc00::/7 row; on a ULA machine's live file it warns and names it", () => {
  const elsewhere = find(STOCK_LIKE, 'ula-demoted')!;
  assert.equal(severityOf(elsewhere), 'information');
  assert.equal(STOCK_LIKE.slice(elsewhere.start, elsewhere.end), 'label fc00::/7      6');
  assert.match(
    elsewhere.message,
    /^ULA hosts \(e\.g\. containers\) try IPv4 before global IPv6 \(rule 5: source label 6, destination 1\)\. Write "label fc00::\/7 1"/,
  );
  assert.match(elsewhere.detail ?? '', /Hosts with global IPv6 prefer IPv6\.$/);
  const here = find(STOCK_LIKE, 'ula-demoted', { thisMachine: host('fd42::9/64', '192.0.2.9/24') })!;
  assert.equal(severityOf(here), 'warning');
  assert.match(here.message, /^ULA hosts like this machine \(fd42::9\) try IPv4/);
  assert.match(here.detail ?? '', /This machine \(fd42::9\/64, 192\.0\.2\.9\/24\) is such a host\./);
  assert.equal(
    severityOf(find(STOCK_LIKE, 'ula-demoted', { thisMachine: host('2001:db8:9::9/64', '192.0.2.9/24') })!),
    'information',
  );
});

test('a container judged from its host is named in the finding, not called "this machine"', () => {
  const named = (addresses: string[]) =>
    find(STOCK_LIKE, 'ula-demoted', { thisMachine: host(...addresses), thisMachineName: 'container web1' })!;
  const ulaOnly = named(['fd42::9/64', '192.0.2.9/24']);
  assert.equal(severityOf(ulaOnly), 'warning');
  assert.match(
    ulaOnly.message,
    /^Container web1 has only ULA IPv6 addresses \(fd42::9\), so it tries IPv4 before global IPv6 \(rule 5/,
  );
  assert.match(ulaOnly.detail ?? '', /Container web1 \(fd42::9\/64, 192\.0\.2\.9\/24\) is such a host\./);
  assert.doesNotMatch(`${ulaOnly.message} ${ulaOnly.detail}`, /this machine/i);
  const local = find('precedence fc00::/7 3\n', 'ula-destinations-demoted', {
    thisMachine: host('fd42::9/64', '192.0.2.9/24'),
    thisMachineName: 'container web1',
  })!;
  assert.match(local.message, /^From container web1 \(fd42::9\), ULA destinations lose to IPv4/);
  const withGlobal = named(['fd42::9/64', '2001:db8:9::9/64', '192.0.2.9/24']);
  assert.equal(severityOf(withGlobal), 'information', 'with global IPv6 it prefers IPv6: not about this container');
});

test('a finding about the whole file with no row to sit on says so, on the first line', () => {
  const finding = find('reload no\nprecedence 2001:db8::/32 45\n', 'ula-demoted')!;
  assert.equal(finding.start, 0);
  assert.match(finding.message, /^\(whole file\) ULA hosts/);
});

test('"precedence ::/0 100" to prefer IPv6 ties instead: the tie is a warning and the ULA finding no longer claims IPv6 wins', () => {
  const text = `${STOCK_LIKE}precedence ::/0 100\n`;
  const tie = find(text, 'families-tie')!;
  assert.equal(severityOf(tie), 'warning');
  assert.equal(text.slice(tie.start, tie.end), 'precedence ::/0 100');
  assert.match(
    tie.message,
    /^IPv6 and IPv4 tie for global-IPv6 hosts and \d+ more, so DNS order decides: IPv4 first\. Give ::ffff:0:0\/96 a precedence other than 100\.$/,
  );
  assert.match(tie.detail ?? '', /global IPv6 vs IPv4 for global-IPv6 hosts and ULA\+global hosts/);
  assert.match(tie.detail ?? '', /2001:db8:1::10 and 198\.51\.100\.10 both have precedence 100/);
  assert.match(tie.detail ?? '', /for a name in DNS the A record \(IPv4\) comes first/);
  assert.match(
    find(text, 'ula-demoted')!.detail ?? '',
    /Hosts with global IPv6 get the resolver's order \(IPv6 and IPv4 tie\)\.$/,
  );
});

test('prefer IPv4: every host, as meant; ULA destinations losing is part of it, not another finding', () => {
  const text =
    'precedence ::1/128 50\nprecedence ::/0 40\nprecedence 2002::/16 30\nprecedence ::/96 20\nprecedence ::ffff:0:0/96 100\n';
  assert.deepEqual(codes(text), ['ipv4-preferred']);
  assert.ok(codes('precedence fc00::/7 3\n').includes('ula-destinations-demoted'));
});

test('private IPv4 at scope 5 makes ULA hosts prefer IPv6 (rule 2); the scopev4 row says so', () => {
  const text = 'scopev4 ::ffff:10.0.0.0/104 5\n';
  const finding = find(text, 'scopev4-family-change')!;
  assert.match(
    finding.message,
    /^This scopev4 row makes ULA hosts try IPv6 first for global IPv6 vs IPv4 \(without it: IPv4 first\) and \d+ more/,
  );
  assert.match(finding.detail ?? '', /ULA hosts, global IPv6 vs IPv4: IPv6 first \(without this row: IPv4 first\)/);
  assert.equal(find(text, 'ula-demoted'), undefined);
});

test('changed ULA labels that still leave ULA hosts on IPv4 fail at their intent: a warning', () => {
  const finding = find('label fc00::/7 9\nlabel ::/0 1\nlabel ::ffff:0:0/96 4\n', 'ula-demoted')!;
  assert.equal(severityOf(finding), 'warning');
});

test('a label swap no typical host notices is information, not a warning', () => {
  const text =
    'label ::1/128 0\nlabel ::/0 1\nlabel 2002::/16 3\nlabel ::/96 2\nlabel ::ffff:0:0/96 4\nlabel fec0::/10 5\nlabel fc00::/7 6\nlabel 2001:0::/32 7\n';
  const finding = analyze(text).findings.find((f) => f.code === 'no-family-change')!;
  assert.equal(severityOf(finding), 'information');
});
