/** The views' HTML from real analysis data: escaped, themed, scriptless, every part present. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  commandLink,
  isEditorProcess,
  readableTime,
  renderExplanation,
  renderPolicyTables,
  renderWhoFollows,
} from '../../client/src/views/render';
import { explainReport } from '../../server/src/features/explain';
import { policyTables } from '../../server/src/features/policyTables';
import { whoFollowsReport } from '../../server/src/features/whoFollows';
import { parseIpAddress } from '../../server/src/glibc/addresses';
import { ExplainResult } from '../../server/src/lsp/protocol';
import { analyze } from '../support/glibc';

const host = {
  addresses: [
    { address: parseIpAddress('fd42::2')!, prefixLength: 64 },
    { address: parseIpAddress('10.0.0.2')!, prefixLength: 24 },
  ],
};

function explainResult(live: boolean, bufferText: string, savedText: string): ExplainResult {
  const report = explainReport({
    query: 'dual.<test>',
    origin: 'dns',
    destinations: ['198.51.100.10', '2001:db8:1::10', 'fe80::1'],
    notes: ['DNS answered 1 A & 2 AAAA records.'],
    system: { order: ['198.51.100.10', '2001:db8:1::10', 'fe80::1'] },
    host,
    buffer: analyze(bufferText).tables,
    saved: analyze(savedText).tables,
    live,
    hostIsThisMachine: true,
  });
  return { ...report, glibc: 'glibc 2.36 (as requested)', fileName: '/etc/gai.conf', live };
}

test('the explain view: both orders when the buffer differs, every step, the system verdict, no script', () => {
  const html = renderExplanation(
    explainResult(true, 'label ::1/128 0\nlabel ::/0 1\nlabel ::ffff:0:0/96 4\nlabel fc00::/7 1\n', ''),
    commandLink('gaiconf.explainAddressOrder', ['file:///etc/gai.conf', 'dual.<test>'], 'Explain again'),
  );
  assert.match(html, /<h1>Address order for <span class="address">dual\.&lt;test&gt;<\/span><\/h1>/);
  assert.match(html, /Under the edited buffer \(unsaved changes\)/);
  assert.match(html, /Under the saved file/);
  assert.match(html, /rule 5, prefer matching label<\/span>\. 198\.51\.100\.10 has label 4/);
  assert.match(html, /unreachable: a link-local destination needs an interface/);
  assert.match(html, /✓ same order/);
  assert.match(html, /DNS answered 1 A &amp; 2 AAAA records\./);
  assert.match(
    html,
    /href="command:gaiconf\.explainAddressOrder\?%5B%22file%3A%2F%2F%2Fetc%2Fgai\.conf%22%2C%22dual\.%3Ctest%3E%22%5D"/,
  );
  assert.match(html, /default-src 'none'; style-src 'unsafe-inline'/);
  assert.doesNotMatch(html, /<script/i);
  assert.match(html, /var\(--vscode-editor-background\)/);
});

test('the explain view says first that a line may crash the program, and only then the order', () => {
  const risky = { ...explainResult(true, '', ''), mayCrashNote: 'Line 1 is undefined behaviour on this glibc <x>' };
  const html = renderExplanation(risky, '');
  assert.match(html, /<span class="warn">May crash\.<\/span> Line 1 is undefined behaviour on this glibc &lt;x&gt;/);
  assert.ok(html.indexOf('May crash.') < html.indexOf('Order under this file'));
  assert.doesNotMatch(renderExplanation(explainResult(true, '', ''), ''), /May crash/);
});

test('the explain view of the live file links to "Who follows this file?"; of a copy, not', () => {
  const link = commandLink('gaiconf.whoFollows', [], 'Who follows this file?');
  assert.match(
    renderExplanation(explainResult(true, '', ''), '', link),
    /some programs on this machine may not follow this file\. <a href="command:gaiconf\.whoFollows\?%5B%5D">Who follows this file\?<\/a>/,
  );
  assert.doesNotMatch(renderExplanation(explainResult(false, '', ''), '', link), /gaiconf\.whoFollows/);
});

test('the explain view of a copy says the system resolver does not read it, and shows one order when nothing is unsaved', () => {
  const html = renderExplanation(explainResult(false, '', ''), '');
  assert.match(html, /This file is not the live <code>\/etc\/gai\.conf<\/code>/);
  assert.doesNotMatch(html, /Under the saved file/);
  assert.match(html, /Order under this file/);
  assert.doesNotMatch(html, /✓ same order/);
});

test('the policy table view highlights rows that differ from glibc and greys rows not in effect', () => {
  const tables = policyTables(analyze('precedence ::ffff:0:0/96 100\n').tables);
  const html = renderPolicyTables({
    ...tables,
    glibcDescription: 'glibc 2.36 (as requested)',
    fileName: '/tmp/g<a>i.conf',
  });
  assert.match(html, /\/tmp\/g&lt;a&gt;i\.conf/);
  assert.match(
    html,
    /<tr class="differs"><td class="address">::ffff:0:0\/96<\/td><td>100<\/td><td>line 1<\/td><td>10<\/td><td>35 <span class="note" title="differs from RFC 6724">≠ RFC<\/span><\/td><\/tr>/,
  );
  assert.match(html, /<tr class="absent differs"><td class="address">::1\/128<\/td><td>not in effect<\/td>/);
  assert.match(html, /<h2>precedence <span class="meta">— replaced by this file<\/span><\/h2>/);
  assert.match(html, /<h2>label <span class="meta">— glibc&#39;s built-in table/);
});

test('the who-follows view: runtimes with what to change, processes that ignore the file, the restart list, escaped', () => {
  const elf = { interpreter: '/lib64/ld-linux-x86-64.so.2', go: null, readsGaiConf: null };
  const process = (pid: number, command: string, executable: string, startedAtMs: number) => ({
    pid,
    command,
    executable,
    elf,
    options: [],
    resolverEnvironment: {},
    nsswitchHosts: 'files dns',
    otherMountNamespace: false,
    gaiConfPath: '/etc/gai.conf',
    startedAtMs,
  });
  const report = whoFollowsReport({
    liveFile: { path: '/etc/gai.conf', modifiedAtMs: 1000, reload: false },
    installed: [
      { program: 'java', executable: '/usr/bin/java', version: '17.0.15' },
      { program: 'python3', executable: '/usr/bin/python3', version: '3.11.2' },
    ],
    scan: {
      processes: [
        process(7, 'java -jar <app>.jar', '/usr/bin/java', 2000),
        process(8, 'sshd: /usr/sbin/sshd', '/usr/sbin/sshd', 10),
      ],
      notInspected: 0,
      runningAsRoot: true,
    },
    modifiedAtMs: () => null,
  });
  const html = renderWhoFollows(report, commandLink('gaiconf.whoFollows', [], 'Look again'));
  assert.match(html, /<h1>Who follows <code>\/etc\/gai\.conf<\/code>\?<\/h1>/);
  // The verdict comes right after the program, so that a narrow column shows it without scrolling.
  assert.match(html, /<th>Program<\/th><th>gai\.conf<\/th><th>Executable<\/th>/);
  assert.match(
    html,
    /java<div class="note">17\.0\.15<\/div><\/td><td class="verdict"><span class="warn">does not follow the file<\/span>.*To follow the file: -Djava\.net\.preferIPv6Addresses=system.*<\/td><td class="address">\/usr\/bin\/java<\/td>/,
  );
  assert.match(
    html,
    /python3<div class="note">3\.11\.2<\/div><\/td><td class="verdict"><span class="ok">follows the file<\/span><\/td><td class="address">\/usr\/bin\/python3<\/td>/,
  );
  assert.match(html, /<title>Who follows \/etc\/gai\.conf\?<\/title>/);
  assert.match(html, /<tr><td>7<\/td><td class="address">java -jar &lt;app&gt;\.jar<\/td><td>Java without/);
  assert.match(
    html,
    /Restart these<\/h2>\s*<p class="meta">[^]*<tr><td>8<\/td><td class="address">sshd: \/usr\/sbin\/sshd<\/td><\/tr>/,
  );
  assert.match(html, /href="command:gaiconf\.whoFollows\?%5B%5D">Look again<\/a>/);
  assert.doesNotMatch(html, /<script/i);
});

test("who follows: a readable time of the last change, and VS Code's own server named as the editor itself", () => {
  const now = new Date('2026-12-03T10:30:00Z');
  assert.equal(readableTime('2026-12-03T08:25:00.000Z', now), '3 Dec 2026, 08:25 UTC (2 hours ago)');
  assert.equal(readableTime('2026-12-03T10:29:10.000Z', now), '3 Dec 2026, 10:29 UTC (just now)');
  assert.equal(readableTime('2026-11-20T10:30:00.000Z', now), '20 Nov 2026, 10:30 UTC (13 days ago)');
  assert.equal(readableTime('not a time', now), 'not a time');
  assert.ok(isEditorProcess('/usr/lib/code-server/lib/node /usr/lib/code-server/out/node/entry'));
  assert.ok(
    isEditorProcess(
      'node /home/u/.cache/gai-conf-tools/code-server-4.100.3-linux-amd64/lib/vscode/out/bootstrap-fork --type=extensionHost',
    ),
  );
  assert.ok(isEditorProcess('sh /home/u/.vscode-server/bin/abc/bin/code-server --start-server'));
  assert.ok(!isEditorProcess('node server.js'));
});
