import assert from 'node:assert/strict';
import { test } from 'node:test';

import { analyzeGaiConf } from '../../server/src/analysis/analysis';
import { explainOrder, explainReport, firstAttemptNote, sameOrder, scopeText } from '../../server/src/features/explain';
import { Host } from '../../server/src/glibc/sourceSelection';
import { libcFromReport, runtimeLibc } from '../../server/src/system/cLibrary';
import { QueryError, splitQuery } from '../../server/src/system/resolve';
import { analyze, GLIBC_2_36, host } from '../support/glibc';

const builtin = analyze('').tables;
const ULA = host('fd42::2/64', '10.0.0.2/24');

function onlyStep(config: string, h: Host, destinations: string[]) {
  const explanation = explainOrder(analyze(config).tables, h, destinations);
  assert.equal(explanation.steps.length, 1, JSON.stringify(explanation.steps));
  return explanation.steps[0];
}

test('each rule is told with the values it compared', () => {
  const rule5 = onlyStep('', ULA, ['2001:db8:1::10', '198.51.100.10']);
  assert.deepEqual([rule5.first, rule5.rule, rule5.ruleName], ['198.51.100.10', 5, 'prefer matching label']);
  assert.equal(
    rule5.reason,
    '198.51.100.10 has label 4, the same as its source 10.0.0.2; 2001:db8:1::10 has label 1 but its source fd42::2 has label 6.',
  );
  assert.equal(
    onlyStep('', ULA, ['198.51.100.10', '::1']).reason,
    "::1 has precedence 50, higher than 198.51.100.10's 10.",
  );
  assert.match(
    onlyStep('', host('2001:db8:1::2/64,deprecated', '10.0.0.2/24'), ['2001:db8:1::10', '198.51.100.10']).reason,
    /2001:db8:1::10's source 2001:db8:1::2 is deprecated/,
  );
  assert.match(
    onlyStep('', host('2001:db8:1::2/64,home', '2001:db8:2::2/64'), ['2001:db8:3::10', '2001:db8:1::10']).reason,
    /home address/,
  );
  const rule7 = onlyStep(
    'label ::/0 1\nprecedence ::/0 1\n',
    host('2001:db8:1::2/64,dev=sit1,tunnel', '10.0.0.2/24,dev=eth0'),
    ['2001:db8:5::10', '198.51.100.10'],
  );
  assert.equal(rule7.rule, 7);
  assert.equal(rule7.reason, '198.51.100.10 is reached natively over eth0; 2001:db8:5::10 through the tunnel sit1.');
  const rule8 = onlyStep('', ULA, ['198.51.100.10', '127.0.0.1']);
  assert.equal(rule8.reason, '127.0.0.1 has the smaller scope, 2 (link-local) against 14 (global).');
  const rule9 = onlyStep('', host('2001:db8:1::2/64'), ['2001:db8:9::10', '2001:db8:1::10']);
  assert.equal(rule9.rule, 9);
  assert.match(
    rule9.reason,
    /^2001:db8:1::10 shares a longer prefix with its source 2001:db8:1::2 than 2001:db8:9::10 with 2001:db8:1::2 \(glibc counts 32 matching bits against 12, in the first 32-bit word where they differ\)\.$/,
  );
  const rule10 = onlyStep('', ULA, ['198.51.100.10', '198.51.100.11']);
  assert.equal(
    rule10.reason,
    "No rule tells them apart, so glibc keeps the resolver's order: 198.51.100.10 came 1st, 198.51.100.11 2nd.",
  );
});

test('rule 9 for IPv4 decides only on a host with an IPv6 address other than ::1, and the explanation says why not', () => {
  const destinations = ['192.0.2.77', '10.9.9.9', '10.0.0.99'];
  const orderOn = (h: Host) => explainOrder(builtin, h, destinations).order.map((d) => d.text);
  // Measured on glibc 2.31, 2.36, 2.41 and 2.43 (test/oracle/order.test.ts judges the same hosts).
  assert.deepEqual(orderOn(host('10.0.0.2/24')), destinations);
  assert.deepEqual(orderOn(host('10.0.0.2/24', 'fe80::2/64')), ['10.0.0.99', '192.0.2.77', '10.9.9.9']);
  assert.deepEqual(orderOn(host('10.0.0.2/24', 'fd42::2/64')), ['10.0.0.99', '192.0.2.77', '10.9.9.9']);
  const step = onlyStep('', host('10.0.0.2/24'), ['10.9.9.9', '10.0.0.99']);
  assert.equal(step.rule, 10);
  assert.equal(
    step.reason,
    "glibc does not know this host's IPv4 prefix lengths because the host has no IPv6 address, so rule 9 cannot decide, and glibc keeps the resolver's order: 10.9.9.9 came 1st, 10.0.0.99 2nd.",
  );
  // Where rule 9 would not have decided anyway, the plain sentence stays.
  assert.match(
    onlyStep('', host('10.0.0.2/24'), ['198.51.100.10', '198.51.100.11']).reason,
    /^No rule tells them apart/,
  );
});

test('unreachable, link-local, multicast and loopback destinations are explained, not hidden', () => {
  const explanation = explainOrder(builtin, host('10.0.0.2/24'), [
    '2001:db8::1',
    'fe80::1',
    'ff02::1',
    '::1',
    '198.51.100.10',
  ]);
  const byText = Object.fromEntries(explanation.order.map((d) => [d.text, d]));
  assert.equal(byText['2001:db8::1'].unreachable, 'this host has no IPv6 address and no IPv6 route');
  assert.match(byText['fe80::1'].unreachable!, /needs an interface \(zone\) named/);
  assert.match(byText['ff02::1'].unreachable!, /multicast/);
  assert.equal(byText['::1'].source?.interface, 'lo');
  assert.match(byText['::1'].note!, /^this host itself/);
  assert.equal(byText['198.51.100.10'].kind, 'public IPv4');
  assert.equal(byText['2001:db8::1'].kind, 'documentation');
  const noRoute = explainOrder(
    builtin,
    { addresses: host('2001:db8:1::2/64').addresses, defaultRoutes: { ipv4: false, ipv6: false } },
    ['2001:db8:7::1'],
  );
  assert.match(noRoute.order[0].unreachable!, /^no IPv6 route to it/);
  assert.equal(scopeText(5), '5 (site-local)');
});

test('the report compares the system resolver with the saved file only when that comparison means something', () => {
  const stock = analyze('').tables;
  const fixed = analyze('label ::1/128 0\nlabel ::/0 1\nlabel ::ffff:0:0/96 4\nlabel fc00::/7 1\n').tables;
  const base = {
    query: 'dual.test',
    origin: 'dns' as const,
    destinations: ['198.51.100.10', '2001:db8:1::10'],
    notes: [],
    host: ULA,
    hostIsThisMachine: true,
  };
  const system = { order: ['198.51.100.10', '2001:db8:1::10'] };
  const live = explainReport({ ...base, system, buffer: fixed, saved: stock, live: true });
  assert.equal(live.savedDiffers, true);
  assert.deepEqual(
    live.buffer.order.map((d) => d.text),
    ['2001:db8:1::10', '198.51.100.10'],
  );
  assert.deepEqual(
    live.saved?.order.map((d) => d.text),
    ['198.51.100.10', '2001:db8:1::10'],
  );
  assert.ok(live.system && 'matchesSaved' in live.system && live.system.comparedWithSaved && live.system.matchesSaved);
  const copy = explainReport({ ...base, system, buffer: stock, saved: stock, live: false });
  assert.equal(copy.saved, undefined);
  assert.ok(
    copy.system &&
      'comment' in copy.system &&
      !copy.system.comparedWithSaved &&
      /not the live \/etc\/gai\.conf/.test(copy.system.comment),
  );
  const described = explainReport({
    ...base,
    system,
    buffer: stock,
    saved: stock,
    live: true,
    hostIsThisMachine: false,
  });
  assert.ok(described.system && 'comment' in described.system && !described.system.comparedWithSaved);
  const disagreeing = explainReport({
    ...base,
    system: { order: [...system.order].reverse() },
    buffer: stock,
    saved: stock,
    live: true,
  });
  assert.ok(disagreeing.system && 'matchesSaved' in disagreeing.system && !disagreeing.system.matchesSaved);
});

test('orders compare by address, not by spelling; queries split into a name or addresses', () => {
  assert.ok(sameOrder(['2001:DB8::1', '10.0.0.1'], ['2001:db8:0::1', '10.0.0.1']));
  assert.ok(!sameOrder(['10.0.0.1', '2001:db8::1'], ['2001:db8::1', '10.0.0.1']));
  assert.ok(!sameOrder(['10.0.0.1'], ['::ffff:10.0.0.2']));
  assert.deepEqual(splitQuery('  example.org. '), { name: 'example.org' });
  assert.deepEqual(splitQuery('2001:db8::1, 192.0.2.1'), { addresses: ['2001:db8::1', '192.0.2.1'] });
  assert.throws(() => splitQuery('   '), QueryError);
  assert.throws(() => splitQuery('example.org 192.0.2.1'), /Not an IPv4 or IPv6 address: "example.org"/);
  assert.throws(() => splitQuery('exa mple$'), QueryError);
});

test('a Linux host without glibc is said to ignore the file; the libc is read from a Node report', () => {
  const text = 'label fc00::/7 1\nprecedence ::ffff:0:0/96 100\n';
  const musl = analyzeGaiConf(text, { glibc: GLIBC_2_36, hostLibc: 'musl' }).findings.find(
    (f) => f.code === 'not-glibc-host',
  );
  assert.ok(musl);
  assert.deepEqual([musl.start, musl.end], [0, text.indexOf('\n')]);
  assert.match(musl.message, /musl \(as on Alpine\), whose getaddrinfo\(\) never reads gai\.conf/);
  for (const hostLibc of ['glibc', 'not-linux', undefined] as const) {
    assert.ok(
      !analyzeGaiConf(text, { glibc: GLIBC_2_36, hostLibc }).findings.some((f) => f.code === 'not-glibc-host'),
      String(hostLibc),
    );
  }
  assert.equal(
    libcFromReport(
      { header: { glibcVersionRuntime: '2.36' }, sharedObjects: ['/lib/x86_64-linux-gnu/libc.so.6'] },
      'linux',
    ),
    'glibc',
  );
  assert.equal(
    libcFromReport({ header: {}, sharedObjects: ['/usr/bin/node', '/lib/ld-musl-x86_64.so.1'] }, 'linux'),
    'musl',
  );
  assert.equal(libcFromReport({ header: {}, sharedObjects: [] }, 'linux'), 'other-linux');
  assert.equal(libcFromReport({ header: {} }, 'darwin'), 'not-linux');
  assert.equal(runtimeLibc(), 'glibc', 'this test machine runs glibc');
});

test("the first attempt is the file's; Happy Eyeballs clients may race the other family", () => {
  const note = firstAttemptNote(['2001:db8:1::10', 'fd42::10', '198.51.100.10']);
  assert.match(
    note ?? '',
    /^gai\.conf decides the first attempt: a program that connects in getaddrinfo\(\)'s order tries 2001:db8:1::10 \(IPv6\) first/,
  );
  assert.match(note ?? '', /start 198\.51\.100\.10 \(IPv4\) 200 to 300 ms later/);
  // Chromium and curl 8.10+ put IPv6 first whatever the order (reference/runtimes.ts): not among the clients that take it.
  assert.match(note ?? '', /clients that take this order \([^)]*\) start/);
  assert.doesNotMatch(/clients that take this order \(([^)]*)\)/.exec(note ?? '')?.[1] ?? '', /Chromium|8\.10/);
  assert.match(
    firstAttemptNote(['198.51.100.10', '2001:db8:1::10']) ?? '',
    /tries 198\.51\.100\.10 \(IPv4\) first.*start 2001:db8:1::10 \(IPv6\)/,
  );
  assert.equal(firstAttemptNote(['2001:db8:1::10', 'fd42::10']), undefined, 'one family: nothing to race');
  assert.equal(firstAttemptNote([]), undefined);
});
