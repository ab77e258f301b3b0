/**
 * The census's pure half: the kernel's socket tables as text, the ss byte counters, the join
 * with processes, the reasons, and the comparison of two censuses. The text below is what
 * /proc/net/tcp6 and ss print on x86-64 (the real kernel is judged in test/oracle/connections).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

import { renderMeasure } from '../../client/src/views/measureRender';
import {
  Census,
  CENSUS_FORMAT,
  NamespaceInput,
  ProcessInput,
  takeCensus,
} from '../../server/src/features/connections/census';
import { REASON_CODES } from '../../server/src/features/connections/reasons';
import {
  censusText,
  compareCensuses,
  comparisonText,
  parseSavedCensus,
} from '../../server/src/features/connections/report';
import { isConnected, parseSocketTable, parseSsBytes, peerFamily } from '../../server/src/features/connections/sockets';
import type { ElfFacts, ProcessFacts } from '../../server/src/features/whoFollows';
import { parseIpAddress } from '../../server/src/glibc/addresses';
import { FALLBACK_GLIBC } from '../../server/src/glibc/versions';
import { readNamespace } from '../../server/src/system/connections/read';
import { repoRoot } from '../support/repository';
import { RFC3484_LABEL_ROWS } from '../support/sampleFiles';

const HEADER =
  '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
// 10.0.0.2:40000 -> 198.51.100.10:443 established (inode 101); a listener on 0.0.0.0:22.
const TCP =
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n' +
  '   0: 0200000A:9C40 0A6433C6:01BB 01 00000000:00000000 00:00000000 00000000     0        0 101 1 0000000000000000 20 4 30 10 -1\n' +
  '   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 102 1 0000000000000000 100 0 0 10 0\n';
// [fd42::2]:40001 -> [2001:db8:1::10]:443 (inode 103); a dual-stack socket with a v4-mapped peer
// ::ffff:10.0.0.9:50000 accepted on port 22 (inode 104); a TIME_WAIT without inode.
const TCP6 =
  HEADER +
  '   0: 000042FD000000000000000002000000:9C41 B80D0120000001000000000010000000:01BB 01 00000000:00000000 00:00000000 00000000     0        0 103 1 0000000000000000 20 4 30 10 -1\n' +
  '   1: 0000000000000000FFFF00000200000A:0016 0000000000000000FFFF00000900000A:C350 01 00000000:00000000 00:00000000 00000000     0        0 104 1 0000000000000000 20 4 30 10 -1\n' +
  '   2: 000042FD000000000000000002000000:9C42 B80D0120000001000000000010000000:01BB 06 00000000:00000000 03:00001234 00000000     0        0 0 3 0000000000000000\n' +
  '   3: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 105 1 0000000000000000 100 0 0 10 0\n';
// A connected UDP socket to 127.0.0.53:53 (loopback), an unconnected one.
const UDP =
  '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n' +
  '  10: 0100007F:A000 3500007F:0035 01 00000000:00000000 00:00000000 00000000     0        0 106 2 0000000000000000 0\n' +
  '  11: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 107 2 0000000000000000 0\n';
const SS =
  'ESTAB 0 0 10.0.0.2:40000 198.51.100.10:443 ino:101 sk:1 <-> ts sack cubic wscale:7,7 bytes_sent:1200 bytes_acked:1201 bytes_received:5000 segs_out:10\n' +
  'ESTAB 0 0 [fd42::2]:40001 [2001:db8:1::10]:443 ino:103 sk:2 <-> bytes_acked:301 bytes_received:700\n' +
  'ESTAB 0 0 [::ffff:10.0.0.2]:22 [::ffff:10.0.0.9]:50000 ino:104 sk:3 <-> bytes_acked:1 bytes_received:99\n';

const rows = [...parseSocketTable(TCP, 'tcp'), ...parseSocketTable(TCP6, 'tcp6'), ...parseSocketTable(UDP, 'udp')];

function elf(over: Partial<ElfFacts> = {}): ElfFacts {
  return { interpreter: '/lib64/ld-linux-x86-64.so.2', go: null, readsGaiConf: null, ...over };
}

function proc(pid: number, executable: string, inodes: number[], over: Partial<ProcessFacts> = {}): ProcessInput {
  const facts: ProcessFacts = {
    pid,
    command: executable,
    executable,
    elf: elf(),
    options: [],
    resolverEnvironment: {},
    nsswitchHosts: 'files dns',
    otherMountNamespace: true,
    gaiConfPath: '/etc/gai.conf',
    startedAtMs: 0,
    ...over,
  };
  return { pid, namespace: 'net:[1]', inodes, facts, executable, command: executable };
}

function namespace(over: Partial<NamespaceInput> = {}): NamespaceInput {
  return {
    id: 'net:[1]',
    container: 'web',
    gaiConf: { path: '/proc/9/root/etc/gai.conf', text: '' },
    glibc: FALLBACK_GLIBC,
    rows,
    bytes: parseSsBytes(SS),
    host: {
      addresses: [
        { address: parseIpAddress('fd42::2')!, prefixLength: 64 },
        { address: parseIpAddress('10.0.0.2')!, prefixLength: 24 },
      ],
      defaultRoutes: { ipv4: true, ipv6: true },
    },
    ...over,
  };
}

function census(ns: NamespaceInput, processes: ProcessInput[]): Census {
  return takeCensus({
    namespaces: [ns],
    processes,
    takenAt: new Date(0),
    window: { kind: 'snapshot' },
    runningAsRoot: true,
  });
}

test('socket tables: addresses, ports, states and inodes as the kernel prints them; v4-mapped peers are IPv4', () => {
  assert.equal(rows.length, 8);
  const [v4, listen, v6, mapped, timeWait] = rows;
  assert.deepEqual([v4.local.port, v4.peer.port, v4.state, v4.inode], [40000, 443, 'ESTABLISHED', 101]);
  assert.equal(peerFamily(v4), 'ipv4');
  assert.equal(listen.state, 'LISTEN');
  assert.equal(peerFamily(v6), 'ipv6');
  assert.equal(peerFamily(mapped), 'ipv4', 'a dual-stack socket with a ::ffff: peer is IPv4');
  assert.deepEqual([timeWait.state, timeWait.inode], ['TIME_WAIT', 0]);
  assert.deepEqual(
    rows.map((r) => isConnected(r)),
    [true, false, true, true, false, false, true, false],
  );
  assert.equal(isConnected(timeWait, true), true, '--watch counts a connection closed between samples');
  assert.deepEqual(parseSocketTable('header only\n', 'tcp'), []);
  assert.deepEqual(parseSocketTable(`${HEADER}   0: garbage line\n`, 'tcp6'), [], 'a malformed line is skipped');
});

test('ss byte counters by inode', () => {
  const bytes = parseSsBytes(SS);
  assert.deepEqual(bytes.get(101), { sent: 1201, received: 5000 });
  assert.deepEqual(bytes.get(103), { sent: 301, received: 700 });
  assert.equal(parseSsBytes('').size, 0);
});

test('the census: per program by family, loopback apart, bytes, the IPv6 share, inbound and the stable JSON shape', () => {
  const c = census(namespace(), [
    proc(10, '/usr/bin/curl', [101, 103]),
    proc(11, '/usr/sbin/sshd', [104, 102, 105]),
    proc(12, '/usr/lib/systemd/systemd-resolved', [106]),
  ]);
  assert.equal(c.format, CENSUS_FORMAT);
  const ns = c.namespaces[0];
  assert.equal(ns.container, 'web');
  const curl = ns.processes.find((p) => p.pid === 10)!;
  assert.deepEqual(
    [curl.ipv4, curl.ipv6],
    [
      { connections: 1, bytes: 6201 },
      { connections: 1, bytes: 1001 },
    ],
  );
  assert.equal(curl.runtime, 'glibc-dynamic');
  const v4 = curl.connections.find((x) => x.family === 'ipv4')!;
  assert.deepEqual(
    [v4.local, v4.peer, v4.state, v4.protocol],
    ['10.0.0.2:40000', '198.51.100.10:443', 'ESTABLISHED', 'tcp'],
  );
  assert.equal(v4.reason?.code, 'file-prefers-ipv4', 'a ULA container under the built-in tables');
  assert.equal(v4.reason?.finding, 'ula-demoted');
  assert.match(
    v4.reason!.fix!,
    /^Quick fix on container web's \/etc\/gai\.conf \(\/proc\/9\/root\/etc\/gai\.conf\): /,
    'a container file is named by its container, the host path beside it',
  );
  assert.equal(curl.connections.find((x) => x.family === 'ipv6')!.reason, undefined);
  const sshd = ns.processes.find((p) => p.pid === 11)!;
  assert.equal(sshd.ipv4.connections, 1);
  assert.equal(sshd.connections[0].reason?.code, 'inbound');
  const resolved = ns.processes.find((p) => p.pid === 12)!;
  assert.deepEqual([resolved.loopback.connections, resolved.ipv4.connections], [1, 0]);
  assert.equal(resolved.connections[0].reason, undefined, 'no reason for loopback');
  assert.deepEqual([ns.ipv4.connections, ns.ipv6.connections, ns.loopback.connections], [2, 1, 1]);
  assert.equal(ns.share.connections, 1 / 3);
  assert.equal(c.share.bytes, 1001 / (1001 + 6201 + 100));
  for (const key of ['container', 'processes']) assert.ok(key in ns);
  for (const key of ['pid', 'exe', 'ipv4', 'ipv6', 'connections']) assert.ok(key in curl);
  for (const key of ['family', 'local', 'peer', 'state', 'reason']) assert.ok(key in v4);
  assert.match(censusText(c), /web \(net:\[1\]\): .* 33 % IPv6/);
});

test("reasons: no usable IPv6, programs that do not follow the file, pinned IPv4, a fixed file, unknown, the peer's name", () => {
  const reasonOf = (
    ns: NamespaceInput,
    p: ProcessInput,
    peerNames?: Map<string, { name: string | null; hasIpv6: boolean | null }>,
  ) =>
    takeCensus({
      namespaces: [ns],
      processes: [p],
      takenAt: new Date(0),
      window: { kind: 'snapshot' },
      runningAsRoot: true,
      ...(peerNames ? { peerNames } : {}),
    }).namespaces[0].processes[0].connections.find((x) => x.family === 'ipv4')!.reason!;
  const noV6 = namespace({
    host: {
      addresses: [{ address: parseIpAddress('10.0.0.2')!, prefixLength: 24 }],
      defaultRoutes: { ipv4: true, ipv6: false },
    },
  });
  assert.equal(reasonOf(noV6, proc(10, '/usr/bin/curl', [101])).code, 'no-usable-ipv6');
  const noRoute = namespace({ host: { ...namespace().host, defaultRoutes: { ipv4: true, ipv6: false } } });
  assert.match(reasonOf(noRoute, proc(10, '/usr/bin/curl', [101])).text, /no IPv6 default route/);
  const java = reasonOf(namespace(), proc(10, '/usr/lib/jvm/bin/java', [101]));
  assert.deepEqual([java.code, java.runtime], ['program-ignores-file', 'java-default']);
  assert.match(java.fix!, /preferIPv6Addresses=system/);
  const go = reasonOf(
    namespace(),
    proc(10, '/srv/app', [101], { elf: elf({ go: { version: 'go1.22', cgo: true, netcgoTag: false } }) }),
  );
  assert.deepEqual([go.code, go.runtime], ['program-ignores-file', 'go-pure']);
  assert.match(go.fix!, /GODEBUG=netdns=cgo/);
  const goGlobal = namespace({
    host: {
      addresses: [
        { address: parseIpAddress('2001:db8:2::2')!, prefixLength: 64 },
        { address: parseIpAddress('10.0.0.2')!, prefixLength: 24 },
      ],
      defaultRoutes: { ipv4: true, ipv6: true },
    },
  });
  assert.equal(
    reasonOf(
      goGlobal,
      proc(10, '/srv/app', [101], { elf: elf({ go: { version: 'go1.22', cgo: true, netcgoTag: false } }) }),
    ).code,
    'unknown',
    'Go prefers IPv6 from a global address: not its table',
  );
  const node4 = reasonOf(namespace(), proc(10, '/usr/bin/node', [101], { options: ['--dns-result-order=ipv4first'] }));
  assert.deepEqual([node4.code, node4.runtime], ['program-ignores-file', 'node-ipv4first']);
  assert.equal(
    reasonOf(namespace(), proc(10, '/usr/bin/curl', [101], { options: ['-4', 'https://x'] })).code,
    'program-pins-ipv4',
  );
  assert.equal(
    reasonOf(namespace(), proc(10, '/usr/bin/java', [101], { options: ['-Djava.net.preferIPv4Stack=true'] })).code,
    'program-pins-ipv4',
  );
  const fixed = namespace({ gaiConf: { path: '/etc/gai.conf', text: RFC3484_LABEL_ROWS } });
  assert.equal(reasonOf(fixed, proc(10, '/usr/bin/curl', [101])).code, 'unknown');
  assert.equal(
    reasonOf(
      fixed,
      proc(10, '/usr/bin/curl', [101]),
      new Map([['198.51.100.10', { name: 'v4only.example', hasIpv6: false }]]),
    ).code,
    'peer-has-no-ipv6',
  );
  for (const code of Object.keys(REASON_CODES)) assert.match(code, /^[a-z0-9-]+$/);
});

test('--compare: shares per container and program before and after, and the IPv4 connections that remain', () => {
  const before = census(namespace(), [proc(10, '/usr/bin/curl', [101]), proc(20, '/usr/bin/java', [104])]);
  const after = census(namespace({ gaiConf: { path: '/etc/gai.conf', text: RFC3484_LABEL_ROWS } }), [
    proc(30, '/usr/bin/curl', [103]),
    proc(40, '/usr/lib/jvm/bin/java', [101]),
  ]);
  const comparison = compareCensuses(before, after);
  const row = (program: string | null) => comparison.rows.find((r) => r.program === program)!;
  // The namespace counts every connection, those no process holds too (103 before, 104 after).
  assert.deepEqual([row(null).before.connections, row(null).after.connections], [1 / 3, 1 / 3]);
  assert.deepEqual([row('/usr/bin/curl').before.connections, row('/usr/bin/curl').after.connections], [0, 1]);
  assert.deepEqual(
    [row('/usr/lib/jvm/bin/java').before.connections, row('/usr/lib/jvm/bin/java').after.connections],
    [null, 0],
  );
  assert.deepEqual(
    comparison.remaining.map((r) => [r.pid, r.connection.reason?.code]),
    [
      [40, 'program-ignores-file'],
      [null, 'inbound'],
    ],
  );
  assert.deepEqual(comparison.reasons, { 'program-ignores-file': 1, inbound: 1 });
  // Rows and remaining connections carry the names people read, so that the text and the editor's view agree.
  assert.deepEqual(
    comparison.rows.map((r) => [r.program, r.name]),
    [
      [null, 'web'],
      ['/usr/bin/curl', 'curl'],
      ['/usr/bin/java', 'java'],
      ['/usr/lib/jvm/bin/java', 'java'],
    ],
  );
  assert.deepEqual(
    comparison.remaining.map((r) => r.name),
    ['java', '(no process)'],
  );
  const text = comparisonText(comparison);
  assert.match(text, /IPv6 share of connections: +33 % .* → +33 %/);
  assert.match(text, /IPv4 connections that remain: 2/);
  assert.equal(typeof parseSavedCensus(JSON.stringify(before)), 'object');
  assert.match(parseSavedCensus('{"format":"other"}') as string, /not a snapshot/);
  assert.match(parseSavedCensus('nope') as string, /not JSON/);
});

test('gai-conf connections: clear messages for wrong use, before any waiting', () => {
  const cli = join(repoRoot(), 'dist', 'cli.js');
  const runCli = (...args: string[]) =>
    spawnSync(process.execPath, [cli, 'connections', ...args], { encoding: 'utf8' });
  for (const [args, message] of [
    [['--watch', 'soon'], /--watch takes a duration such as 30s, 2m or 500ms, not "soon"/],
    [['--interval', '10ms'], /--interval goes with --watch/],
    [['--compare', '/nonexistent/before.json'], /cannot read \/nonexistent\/before.json: no such file/],
    [['/etc/gai.conf'], /connections takes no file/],
  ] as const) {
    const result = runCli(...args);
    assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
  }
});

test('the Measure view: an SVG chart within a 500 px column, before and after per container and program, and the reasons table', () => {
  const before = census(namespace(), [proc(10, '/usr/bin/curl', [101]), proc(20, '/usr/lib/jvm/bin/java', [104])]);
  const after = census(namespace({ gaiConf: { path: '/etc/gai.conf', text: RFC3484_LABEL_ROWS } }), [
    proc(30, '/usr/bin/curl', [103]),
    proc(40, '/usr/lib/jvm/bin/java', [101]),
  ]);
  const html = renderMeasure(
    compareCensuses(before, after),
    '<a href="command:gaiconf.measureIpv6Share">Measure again</a>',
  );
  const svg = /<svg[^>]*width="(\d+)"[^>]*>[^]*?<\/svg>/.exec(html);
  assert.ok(svg, 'an SVG chart');
  assert.ok(Number(svg[1]) <= 500, 'fits a 500 px column');
  for (const x of svg[0].matchAll(/<rect x="(\d+)"[^>]*width="(\d+)"/g))
    assert.ok(Number(x[1]) + Number(x[2]) <= 500, x[0]);
  assert.match(svg[0], />web</, 'the container row');
  assert.match(svg[0], />curl</, 'a program row');
  assert.match(svg[0], /<title>IPv6: 1 of 1<\/title>/, 'curl after the fix: all IPv6');
  assert.match(html, /IPv4 connections that remain: 2/);
  assert.match(html, /<code>program-ignores-file<\/code><div>Java without preferIPv6Addresses=system/);
  assert.match(html, /-Djava\.net\.preferIPv6Addresses=system/);
  assert.doesNotMatch(html, /<script/);
});

test("a container's namespace is judged with the container's glibc, the host's with the host's", () => {
  const hostNamespace = { id: 'net:[1]', pid: process.pid, container: null, otherMountNamespace: false };
  const container = {
    ...hostNamespace,
    container: 'old',
    discovered: {
      id: 'lxd:old',
      name: 'old',
      runtime: 'lxd',
      libc: { kind: 'glibc', path: '/lib/x86_64-linux-gnu/libc.so.6', version: '2.31' },
      gaiConf: { state: 'absent', path: '/etc/gai.conf', hostPath: '/proc/1/root/etc/gai.conf' },
      addresses: [],
      routes: { ipv4: true, ipv6: false },
      source: 'proc',
    },
  } as unknown as Parameters<typeof readNamespace>[0];
  const options = { bytes: false } as const;
  const judged = readNamespace(container, options, []).glibc;
  assert.deepEqual([judged.major, judged.minor, judged.origin], [2, 31, 'container']);
  assert.equal(
    readNamespace(container, { ...options, glibc: FALLBACK_GLIBC }, []).glibc,
    FALLBACK_GLIBC,
    '--glibc wins',
  );
  assert.notEqual(readNamespace(hostNamespace, options, []).glibc.origin, 'container');
});
