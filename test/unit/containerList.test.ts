/**
 * The Containers view's entries (features/containerList.ts) and the scan as root handed back
 * (analysis/containerModel.ts scanFromReport): groups, the ULA fix per container, the documents'
 * uris. The verdicts themselves are judged by real glibc in test/oracle/containers.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { analyzeGaiConf } from '../../server/src/analysis/analysis';
import { DiscoveredContainer, scanFromReport } from '../../server/src/analysis/containerModel';
import {
  containerDocumentPath,
  containerDocumentPathOf,
  containerDocumentUri,
  containerEntry,
  ulaFixedText,
} from '../../server/src/features/containerList';
import { containerAnalysisOptions } from '../../server/src/features/containerVerdict';

const STOCK_LIKE = '# Configuration for getaddrinfo(3).\n#label ::1/128 0\n#label fc00::/7 6\n';

function container(overrides: Partial<DiscoveredContainer> = {}): DiscoveredContainer {
  return {
    id: 'lxd:default/web',
    name: 'web',
    runtime: 'lxd',
    project: 'default',
    pid: 4711,
    libc: { kind: 'glibc', version: '2.36', path: '/lib/x86_64-linux-gnu/libc.so.6' },
    gaiConf: {
      state: 'present',
      path: '/etc/gai.conf',
      hostPath: 'lxd:web/etc/gai.conf',
      content: STOCK_LIKE,
      owner: { uid: 100000, gid: 100000, mode: 0o644 },
    },
    addresses: [
      { family: 6, address: 'fd42:1:2:3::5', prefixLength: 64, interface: 'eth0' },
      { family: 6, address: 'fe80::5', prefixLength: 64, interface: 'eth0' },
      { family: 4, address: '10.0.3.5', prefixLength: 24, interface: 'eth0' },
    ],
    routes: { ipv4: true, ipv6: true },
    source: 'lxd',
    ...overrides,
  };
}

test('a ULA container with the stock file: IPv4 first, the ULA fix offered, link-local left out', () => {
  const entry = containerEntry(container(), STOCK_LIKE);
  assert.equal(entry.group, 'ipv4-first');
  assert.equal(entry.ulaFix, true);
  assert.deepEqual(entry.addresses, ['fd42:1:2:3::5/64', '10.0.3.5/24']);
  assert.equal(entry.libc, 'glibc 2.36');
  assert.match(entry.choice, /^IPv4 first for global IPv6 vs IPv4 \(a ULA only and glibc's built-in label table\)$/);
  assert.ok(entry.findings.includes('ula-demoted'));
});

test('the ULA fix, analysed again for the container, makes it try IPv6 first; a fixed file gets none', () => {
  const c = container();
  const fixed = ulaFixedText(c, STOCK_LIKE);
  assert.ok(fixed);
  assert.ok(fixed.startsWith('# Configuration for getaddrinfo(3).\n'), 'the text before is kept');
  const after = containerEntry(
    container({
      gaiConf: { ...(c.gaiConf as Extract<DiscoveredContainer['gaiConf'], { state: 'present' }>), content: fixed },
    }),
    STOCK_LIKE,
  );
  assert.equal(after.group, 'ipv6-first');
  assert.equal(after.ulaFix, false);
  assert.equal(ulaFixedText(c, fixed), undefined);
});

test('groups: global IPv6, one family, musl, no C library, a refused file', () => {
  const global = container({
    addresses: [
      { family: 6, address: '2001:db8::5', prefixLength: 64, interface: 'eth0' },
      { family: 4, address: '10.0.3.5', prefixLength: 24, interface: 'eth0' },
    ],
  });
  assert.equal(containerEntry(global, '').group, 'ipv6-first');
  assert.equal(containerEntry(global, '').ulaFix, false);
  const v4only = container({ addresses: [{ family: 4, address: '10.0.3.5', prefixLength: 24, interface: 'eth0' }] });
  assert.equal(containerEntry(v4only, '').group, 'one-family');
  assert.equal(
    containerEntry(container({ libc: { kind: 'musl', path: '/lib/ld-musl-x86_64.so.1' } }), '').group,
    'ignored',
  );
  assert.equal(containerEntry(container({ libc: { kind: 'none' } }), '').group, 'ignored');
  const refused = container({
    gaiConf: {
      state: 'refused',
      path: '/etc/gai.conf',
      hostPath: '/proc/1/root/etc/gai.conf',
      reason: 'a symlink out',
    },
  });
  const entry = containerEntry(refused, '');
  assert.equal(entry.group, 'unreadable');
  assert.equal(entry.fileProblem, 'a symlink out');
});

test('a container without a file: the fix creates one from the stock text', () => {
  const absent = container({ gaiConf: { state: 'absent', path: '/etc/gai.conf', hostPath: 'lxd:web/etc/gai.conf' } });
  const entry = containerEntry(absent, STOCK_LIKE);
  assert.equal(entry.file, 'absent');
  assert.equal(entry.group, 'ipv4-first');
  assert.equal(entry.ulaFix, true);
});

test("a container's document is analysed with its own glibc, libc and addresses: the finding names its ULA", () => {
  const options = containerAnalysisOptions(container());
  assert.equal(options.glibc.minor, 36);
  assert.equal(options.hostLibc, 'glibc');
  const demoted = analyzeGaiConf(STOCK_LIKE, options).findings.find((f) => f.code === 'ula-demoted');
  assert.ok(demoted);
  assert.match(demoted.message, /fd42:1:2:3::5/);
  assert.equal(containerAnalysisOptions(container({ libc: { kind: 'musl', path: '/x' } })).hostLibc, 'musl');
});

test('document uris: runtime, name, a project other than default after @, and back, however a client encodes them', () => {
  assert.equal(containerDocumentUri(container()), 'gai-conf-container:/lxd/web/etc/gai.conf');
  const other = container({ project: 'staging', name: 'db 1' });
  assert.equal(containerDocumentPath(other), '/lxd/db 1@staging/etc/gai.conf');
  assert.equal(containerDocumentPathOf(containerDocumentUri(other)), '/lxd/db 1@staging/etc/gai.conf');
  assert.equal(
    containerDocumentPathOf('gai-conf-container:/lxd/db%201%40staging/etc/gai.conf'),
    '/lxd/db 1@staging/etc/gai.conf',
  );
  assert.equal(containerDocumentPathOf('gai-conf-container:///lxd/web/etc/gai.conf'), '/lxd/web/etc/gai.conf');
  assert.equal(containerDocumentPathOf('file:///etc/gai.conf'), undefined);
  assert.equal(containerDocumentPathOf('gai-conf-container:/lxd/%E0%A4%A/etc/gai.conf'), undefined);
});

test('the scan as root comes back from gai-conf containers --json as the model; anything else is refused', () => {
  const c = container();
  const report = {
    containers: [{ ...c, namespaces: null, root: null, pid: null, effects: [], findings: [] }],
    unreadable: [],
  };
  const scan = scanFromReport(JSON.parse(JSON.stringify(report)));
  assert.equal(scan.asRoot, true);
  assert.equal(scan.containers[0]!.pid, undefined);
  assert.equal(scan.containers[0]!.root, undefined);
  assert.deepEqual(scan.containers[0]!.gaiConf, c.gaiConf);
  assert.throws(() => scanFromReport({ containers: 'no' }), /not the report/);
  assert.throws(() => scanFromReport({ containers: [{ name: 'x' }], unreadable: [] }), /lacks its id/);
});
