/**
 * The who-follows report from process facts: which table entry each kind of process falls under
 * (options on the command line and in the environment, Go's own fallback to cgo), the restart
 * list, the notes, the text; and the README's table, which must be the runtime table. The facts
 * themselves are read from real processes in test/oracle/whoFollows.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { RUNTIME_EVIDENCE, RuntimeEvidence } from '../../server/src/analysis/reference/runtimeEvidence';
import { RuntimeEntry, RUNTIMES } from '../../server/src/analysis/reference/runtimes';
import {
  classifyProcess,
  ElfFacts,
  ProcessFacts,
  whoFollowsReport,
  whoFollowsText,
} from '../../server/src/features/whoFollows';
import { repoRoot } from '../support/repository';

const GLIBC: ElfFacts = { interpreter: '/lib64/ld-linux-x86-64.so.2', go: null, readsGaiConf: null };
const GO_CGO: ElfFacts = {
  interpreter: '/lib64/ld-linux-x86-64.so.2',
  go: { version: 'go1.22.1', cgo: true, netcgoTag: false },
  readsGaiConf: null,
};

function facts(overrides: Partial<ProcessFacts>): ProcessFacts & { elf: ElfFacts } {
  return {
    pid: 100,
    command: 'prog',
    executable: '/usr/bin/prog',
    options: [],
    resolverEnvironment: {},
    nsswitchHosts: 'files dns',
    otherMountNamespace: false,
    gaiConfPath: '/etc/gai.conf',
    startedAtMs: 1000,
    ...overrides,
    elf: overrides.elf ?? GLIBC,
  };
}

const runtimeOf = (p: Partial<ProcessFacts>) => classifyProcess(facts(p), []).runtime;

test('Java: the last -Djava.net.preferIPv6Addresses wins, from the command line or JAVA_TOOL_OPTIONS', () => {
  const java = { executable: '/usr/lib/jvm/java-17-openjdk-amd64/bin/java' };
  assert.equal(runtimeOf({ ...java, options: ['-jar', 'app.jar'] }), 'java-default');
  assert.equal(runtimeOf({ ...java, options: ['-Djava.net.preferIPv6Addresses=system'] }), 'java-system');
  assert.equal(
    runtimeOf({ ...java, options: ['-Djava.net.preferIPv6Addresses=system', '-Djava.net.preferIPv6Addresses=true'] }),
    'java-prefer-ipv6',
  );
  assert.equal(runtimeOf({ ...java, options: ['-Djava.net.preferIPv6Addresses=false'] }), 'java-default');
});

test('Node: --dns-result-order with = or a separate value, and an old node on PATH', () => {
  assert.equal(
    runtimeOf({ executable: '/usr/bin/node', options: ['--dns-result-order', 'ipv4first', 'app.js'] }),
    'node-ipv4first',
  );
  assert.equal(runtimeOf({ executable: '/usr/bin/node', options: ['--dns-result-order=ipv6first'] }), 'node-ipv6first');
  assert.equal(
    runtimeOf({
      executable: '/usr/bin/node',
      options: ['--dns-result-order=ipv4first', '--dns-result-order=verbatim'],
    }),
    'node',
  );
  const old = classifyProcess(facts({ executable: '/opt/node16/bin/node' }), [
    { program: 'node', executable: '/opt/node16/bin/node', version: '16.20.2' },
  ]);
  assert.equal(old.runtime, 'node-ipv4first');
});

test("Go: GODEBUG first, then -tags netcgo, then Go's own reasons to hand lookups to getaddrinfo", () => {
  assert.equal(runtimeOf({ elf: GO_CGO }), 'go-pure');
  assert.equal(runtimeOf({ elf: GO_CGO, resolverEnvironment: { GODEBUG: 'http2client=0,netdns=cgo+1' } }), 'go-cgo');
  assert.equal(runtimeOf({ elf: GO_CGO, resolverEnvironment: { GODEBUG: 'netdns=go', LOCALDOMAIN: '' } }), 'go-pure');
  assert.equal(runtimeOf({ elf: GO_CGO, resolverEnvironment: { LOCALDOMAIN: '' } }), 'go-cgo-fallback');
  assert.equal(
    runtimeOf({ elf: GO_CGO, resolverEnvironment: { RES_OPTIONS: '' } }),
    'go-pure',
    'an empty RES_OPTIONS does not count',
  );
  assert.equal(
    runtimeOf({ elf: GO_CGO, nsswitchHosts: 'files mdns4_minimal [NOTFOUND=return] dns myhostname' }),
    'go-pure',
  );
  assert.equal(runtimeOf({ elf: GO_CGO, nsswitchHosts: 'files resolve [!UNAVAIL=return] dns' }), 'go-cgo-fallback');
  assert.equal(runtimeOf({ elf: GO_CGO, nsswitchHosts: 'files dns [NOTFOUND=return]' }), 'go-cgo-fallback');
  assert.equal(runtimeOf({ elf: { ...GO_CGO, go: { version: 'go1.22.1', cgo: true, netcgoTag: true } } }), 'go-cgo');
  assert.equal(
    runtimeOf({ elf: { ...GO_CGO, interpreter: null }, resolverEnvironment: { GODEBUG: 'netdns=cgo' } }),
    'go-static',
  );
  assert.equal(
    runtimeOf({
      elf: { ...GO_CGO, go: { version: 'go1.22.1', cgo: false, netcgoTag: false } },
      resolverEnvironment: { LOCALDOMAIN: '' },
    }),
    'go-static',
  );
});

test('Chromium browsers and Electron apps: their own entries; helpers are not listed', () => {
  const chromium = { executable: '/usr/lib/chromium/chromium' };
  assert.equal(runtimeOf({ ...chromium, options: ['--disable-features=AsyncDns'] }), 'chromium');
  assert.equal(runtimeOf({ executable: '/opt/google/chrome/chrome' }), 'chromium');
  assert.equal(runtimeOf({ executable: '/usr/share/code/code', electronApp: true }), 'electron');
  assert.equal(
    runtimeOf({ executable: '/usr/share/code/code' }),
    'glibc-dynamic',
    'without its resources/app beside it',
  );
  const report = whoFollowsReport({
    liveFile: { path: '/etc/gai.conf', modifiedAtMs: 500, reload: false },
    installed: [],
    scan: {
      processes: [
        facts({ pid: 10, ...chromium, command: '/usr/lib/chromium/chromium' }),
        facts({ pid: 11, ...chromium, command: 'chromium --type=renderer', options: ['--type=renderer'] }),
        facts({
          pid: 12,
          ...chromium,
          command: 'chromium --type=utility',
          options: ['--type=utility', '--utility-sub-type=network.mojom.NetworkService'],
        }),
      ],
      notInspected: 0,
      runningAsRoot: true,
    },
    modifiedAtMs: () => null,
  });
  assert.deepEqual(
    report.processes.map((p) => [p.pid, p.runtime, p.followsFile, p.toFollowFile]),
    [
      [10, 'chromium', false, null],
      [12, 'chromium', false, null],
    ],
  );
  assert.match(
    whoFollowsText(report),
    /10 \/usr\/lib\/chromium\/chromium: Chromium browser: tries IPv6 first whatever the order\n/,
  );
});

test("each process that does not follow the file carries its entry's switch", () => {
  const report = whoFollowsReport({
    liveFile: { path: '/etc/gai.conf', modifiedAtMs: 500, reload: false },
    installed: [],
    scan: {
      processes: [facts({ pid: 20, executable: '/usr/bin/java', command: 'java -jar app.jar' })],
      notInspected: 0,
      runningAsRoot: true,
    },
    modifiedAtMs: () => null,
  });
  assert.equal(
    report.processes[0].toFollowFile,
    '-Djava.net.preferIPv6Addresses=system, on the command line or in JAVA_TOOL_OPTIONS.',
  );
  assert.match(
    whoFollowsText(report),
    /20 java -jar app\.jar: Java without preferIPv6Addresses=system: IPv4 first\n {4}To follow the file: -Djava\.net\.preferIPv6Addresses=system/,
  );
});

test('static and musl binaries: glibc inside follows the file, anything else does not', () => {
  assert.equal(runtimeOf({ elf: { interpreter: '/lib/ld-musl-x86_64.so.1', go: null, readsGaiConf: null } }), 'musl');
  assert.equal(runtimeOf({ elf: { interpreter: null, go: null, readsGaiConf: true } }), 'glibc-static');
  const other = classifyProcess(facts({ elf: { interpreter: null, go: null, readsGaiConf: false } }), []);
  assert.equal(other.runtime, null);
  assert.match(other.reason, /statically linked without glibc's getaddrinfo/);
});

test('the report: non-followers listed, followers that predate the file on the restart list, others counted; reload yes lists none to restart', () => {
  const scan = {
    processes: [
      facts({ pid: 1, startedAtMs: 500 }),
      facts({ pid: 2, startedAtMs: 2000 }),
      facts({ pid: 3, startedAtMs: 500, executable: '/usr/bin/java' }),
      facts({ pid: 4, startedAtMs: 500, otherMountNamespace: true, gaiConfPath: '/proc/4/root/etc/gai.conf' }),
      { ...facts({ pid: 5 }), elf: null },
    ],
    notInspected: 2,
    runningAsRoot: false,
  };
  const input = {
    liveFile: { path: '/etc/gai.conf', modifiedAtMs: 1000, reload: false },
    installed: [],
    scan,
    modifiedAtMs: (path: string) => (path === '/proc/4/root/etc/gai.conf' ? 100 : null),
  };
  const report = whoFollowsReport(input);
  assert.deepEqual(
    report.processes.map((p) => [p.pid, p.followsFile, p.predatesFile]),
    [
      [3, false, true],
      [1, true, true],
    ],
  );
  assert.deepEqual(report.restart, [1]);
  assert.equal(report.followingCurrent, 2, 'pid 2 started after the change; pid 4 after its container file changed');
  assert.equal(report.notInspected, 3);
  assert.match(
    report.notes.join('\n'),
    /3 processes could not be inspected \(other users' processes; running as root shows all\)/,
  );
  const text = whoFollowsText(report);
  assert.match(
    text,
    /Running processes that do not follow the file: 1\n {2}3 prog: Java without preferIPv6Addresses=system: IPv4 first/,
  );
  assert.match(text, /Restart these \(started before the file last changed\): 1\n {2}1 prog\n/);
  const reloading = whoFollowsReport({ ...input, liveFile: { ...input.liveFile, reload: true } });
  assert.deepEqual(reloading.restart, []);
  assert.match(whoFollowsText(reloading), /Restart these: none \(reload yes\)/);
  const missing = whoFollowsReport({ ...input, liveFile: { ...input.liveFile, modifiedAtMs: null } });
  assert.deepEqual(missing.restart, []);
  assert.match(missing.notes.join('\n'), /does not exist: glibc callers use the built-in tables/);
});

test('installed runtimes: the entry for the default run, by version where the default changed', () => {
  const report = whoFollowsReport({
    liveFile: { path: '/etc/gai.conf', modifiedAtMs: 0, reload: false },
    installed: [
      { program: 'node', executable: '/usr/bin/node', version: '16.20.2' },
      { program: 'node', executable: '/usr/local/bin/node', version: '22.3.0' },
      { program: 'curl', executable: '/usr/bin/curl', version: '8.11.1' },
      { program: 'ruby', executable: '/usr/bin/ruby', version: '3.4.1' },
      { program: 'go', executable: '/usr/bin/go', version: '1.22.1' },
      { program: 'java', executable: '/usr/bin/java', version: null },
    ],
    scan: { processes: [], notInspected: 0, runningAsRoot: true },
    modifiedAtMs: () => null,
  });
  assert.deepEqual(
    report.runtimes.map((r) => [r.program, r.runtime, r.followsFile]),
    [
      ['node', 'node-ipv4first', 'no'],
      ['node', 'node', 'yes'],
      ['curl', 'curl-ipv6-first', 'no'],
      ['ruby', 'ruby-happy-eyeballs', 'no'],
      ['go', 'go-pure', 'no'],
      ['java', 'java-default', 'no'],
    ],
  );
});

/** The README's table, rendered from the typed tables. */
function runtimesMarkdown(entries: readonly RuntimeEntry[]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const follows = { yes: 'yes', no: '**no**', partly: 'partly' } as const;
  const family = (f: 4 | 6) => `IPv${f}`;
  const ula = (e: RuntimeEvidence['evidence']) =>
    e.kind === 'measured' && e.ulaHost
      ? `; ULA host: ${family(e.ulaHost.stockFile)} first with the stock file, ${family(e.ulaHost.ulaFixFile)} first with the ULA fix`
      : '';
  const evidence = (e: RuntimeEvidence['evidence']) => {
    if (e.kind === 'measured')
      return `measured here (${e.measuredWith})${ula(e)}${e.fallsBack ? '; falls back to the other family' : ''}`;
    if (e.kind === 'measuredServer') return `measured here (${e.measuredWith})`;
    return `documented: ${e.document}`;
  };
  const rows = entries.map(
    (e) =>
      `| ${cell(e.name)} | ${follows[e.followsFile]} | ${cell(e.behaviour)} | ${cell(e.toFollowFile ?? 'nothing can')} | ${cell(e.toPreferIPv6)} | ${cell(RUNTIME_EVIDENCE[e.id].versions)} | ${cell(evidence(RUNTIME_EVIDENCE[e.id].evidence))} |`,
  );
  return [
    '| Program | Follows gai.conf | What it does with the order | To follow the file | To prefer IPv6 | Holds for | Evidence |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

test("the README's table of programs is the runtime table", () => {
  const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');
  const start = readme.indexOf(
    '<!-- runtimes table: generated from server/src/analysis/reference/runtimes.ts and runtimeEvidence.ts -->',
  );
  const end = readme.indexOf('<!-- end of runtimes table -->');
  assert.ok(start >= 0 && end > start, 'README markers around the table');
  const inReadme = readme.slice(readme.indexOf('\n', start) + 1, end).trim();
  const expected = runtimesMarkdown(RUNTIMES);
  if (inReadme !== expected)
    assert.fail(`README.md differs from the typed tables; put this between the markers:\n${expected}`);
});
