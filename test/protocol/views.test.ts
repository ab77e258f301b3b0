/** The requests behind the views and the status item, over stdio, as VS Code and other clients send them. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

import { CodeLens } from 'vscode-languageserver-protocol/node';

import {
  CLIENT_COMMANDS,
  ExplainRequest,
  PolicyTablesRequest,
  SaveCheckRequest,
  StatusChangedNotification,
  StatusRequest,
  StatusResult,
  WhoFollowsRequest,
} from '../../server/src/lsp/protocol';
import { LspClient, serverPath, withServer } from '../support/lspClient';
import { OracleHost, OracleNamespace, orderOracleUnavailable } from '../support/namespaceResolver';
import { testNeeding } from '../support/prerequisites';
import { repoRoot } from '../support/repository';
import { DUAL_STACK_ZONE, ULA_AND_IPV4_HOST, withTestDns } from '../support/testDns';

const COPY_URI = 'file:///tmp/gai-conf-views/gai.conf';
const ULA_FIXED = 'label ::1/128 0\nlabel ::/0 1\nlabel ::ffff:0:0/96 4\nlabel fc00::/7 1\n';
const WITH_COMMANDS = { initializationOptions: { clientCommands: Object.values(CLIENT_COMMANDS) } };

test('explain: literal addresses are ordered with every step in words; a copy of the file is not compared with the system', async () => {
  await withServer({ settings: { glibcVersion: '2.36' } }, async (client) => {
    await client.open(COPY_URI, ULA_FIXED);
    const literal = await client.request(ExplainRequest, {
      uri: COPY_URI,
      query: '198.51.100.10 ::1 2001:db8::10',
      savedText: '',
    });
    assert.equal(literal.origin, 'addresses');
    assert.equal(literal.buffer.order[0].text, '::1');
    assert.ok(literal.buffer.steps.length >= 2 && literal.buffer.steps.every((s) => s.reason.length > 20));
    assert.equal(literal.live, false);
    assert.equal(literal.system, undefined);
    assert.equal(literal.glibc, 'glibc 2.36 (as requested)');
    assert.equal(literal.fileName, '/tmp/gai-conf-views/gai.conf');
    // Saved as empty (built-in tables) while the buffer has the fix: both orders are reported.
    assert.equal(literal.savedDiffers, literal.saved !== undefined);
    assert.deepEqual(literal.mayCrash, []);
    assert.equal(literal.mayCrashNote, undefined);
  });
});

test('explain: a line that may crash glibc 2.31 is said before the order, which holds only if the program survives', async () => {
  await withServer({ settings: { glibcVersion: '2.31' } }, async (client) => {
    await client.open(COPY_URI, 'label fc00:: 1\n');
    const report = await client.request(ExplainRequest, {
      uri: COPY_URI,
      query: '198.51.100.10 2001:db8::10',
      savedText: '',
    });
    assert.deepEqual(
      report.mayCrash.map((r) => r.line),
      [1],
    );
    assert.match(
      report.mayCrashNote ?? '',
      /^Line 1 is undefined behaviour .*may crash.*Debian 11's glibc 2\.31 crashed/,
    );
  });
});

/** The language server run inside a namespace set up as `host`, resolving names with the test's own DNS server. */
async function withServerInNamespace(
  host: OracleHost,
  body: (client: LspClient, ns: OracleNamespace) => Promise<void>,
): Promise<void> {
  await withTestDns(host, DUAL_STACK_ZONE, (ns) =>
    withServer(
      {
        settings: { glibcVersion: 'auto' },
        command: { argv: ns.commandLine(process.execPath, [serverPath(), '--stdio']), cwd: repoRoot() },
      },
      (client) => body(client, ns),
    ),
  );
}

testNeeding(
  orderOracleUnavailable(),
  'explain: a name is looked up in DNS and by getaddrinfo(), and a copy of the file is not compared with the system',
  { timeout: 60_000 },
  async () => {
    await withServerInNamespace(ULA_AND_IPV4_HOST, async (client) => {
      await client.open(COPY_URI, ULA_FIXED);
      const named = await client.request(ExplainRequest, { uri: COPY_URI, query: 'dual.test', savedText: ULA_FIXED });
      assert.equal(named.origin, 'dns');
      assert.deepEqual(named.buffer.order.map((d) => d.text).sort(), ['198.51.100.10', '2001:db8:1::10']);
      assert.ok(named.system && 'comparedWithSaved' in named.system && !named.system.comparedWithSaved);
      assert.match(named.system.comment, /not the live \/etc\/gai\.conf/);
    });
  },
);

testNeeding(
  orderOracleUnavailable() ?? (existsSync('/etc/gai.conf') ? null : 'an /etc/gai.conf'),
  'explain on the live /etc/gai.conf compares the saved file with what getaddrinfo() returns now',
  { timeout: 60_000 },
  async () => {
    await withServerInNamespace(ULA_AND_IPV4_HOST, async (client, ns) => {
      const uri = 'file:///etc/gai.conf';
      const text = readFileSync('/etc/gai.conf', 'utf8');
      ns.writeEtc('gai.conf', text);
      await client.open(uri, text);
      const report = await client.request(ExplainRequest, { uri, query: 'dual.test', savedText: text });
      assert.equal(report.live, true);
      assert.ok(report.system && 'matchesSaved' in report.system, JSON.stringify(report.system));
      assert.equal(report.system.comparedWithSaved, true);
      assert.equal(report.system.matchesSaved, true, report.system.comment);
      assert.deepEqual(
        report.system.order,
        report.buffer.order.map((d) => d.text),
      );
    });
  },
);

test('explain and the table refuse bad input with a message, and the server answers afterwards', async () => {
  await withServer({}, async (client) => {
    await client.open(COPY_URI, ULA_FIXED);
    await assert.rejects(
      client.request(ExplainRequest, { uri: COPY_URI, query: 'host!', savedText: null }),
      /neither a host name nor an IPv4\/IPv6 address/,
    );
    await assert.rejects(
      client.request(ExplainRequest, { uri: 'file:///nowhere/gai.conf', query: '::1', savedText: null }),
      /is not an open gai\.conf document/,
    );
    await assert.rejects(client.request(ExplainRequest.method, null), /not an open gai\.conf document/);
    await assert.rejects(client.request(ExplainRequest.method, { uri: COPY_URI, query: 42 }), /query must be/);
    await assert.rejects(client.request(PolicyTablesRequest.method, { uri: 7 }), /not an open gai\.conf document/);
    const tables = await client.request(PolicyTablesRequest, { uri: COPY_URI });
    assert.equal(tables.tables.length, 3);
  });
});

test('the policy table follows the buffer: rows with their lines, dropped built-in rows, differences', async () => {
  await withServer({ settings: { glibcVersion: '2.41' } }, async (client) => {
    await client.open(COPY_URI, '');
    const before = await client.request(PolicyTablesRequest, { uri: COPY_URI });
    assert.ok(before.tables.every((t) => t.source === 'builtin'));
    assert.equal(before.glibc, '2.41');
    await client.change(COPY_URI, 2, [{ text: ULA_FIXED }]);
    const after = await client.request(PolicyTablesRequest, { uri: COPY_URI });
    const label = after.tables.find((t) => t.kind === 'label')!;
    assert.equal(label.source, 'file');
    const ula = label.rows.find((r) => r.prefix === 'fc00::/7')!;
    assert.deepEqual([ula.effective, ula.origin, ula.builtin, ula.differsFromBuiltin], [1, 'line 4', 6, true]);
    assert.ok(label.rows.some((r) => r.prefix === '2002::/16' && r.effective === undefined && r.differsFromBuiltin));
  });
});

test('status names the glibc assumed and announces changes to clients with the commands', async () => {
  await withServer({ ...WITH_COMMANDS, configurationCapability: false }, async (client) => {
    const changed: StatusResult[] = [];
    client.connection.onNotification(StatusChangedNotification, (status: StatusResult) => {
      changed.push(status);
    });
    const first = await client.request(StatusRequest);
    assert.deepEqual([first.origin, first.hostLibc], ['runtime', 'glibc']);
    await client.changeConfiguration({ glibcVersion: '2.41' });
    const second = await client.request(StatusRequest);
    assert.deepEqual([second.glibc, second.origin], ['2.41', 'option']);
    assert.deepEqual(
      changed.map((s) => s.glibc),
      ['2.41'],
    );
  });
});

test('the CodeLens offers the views only to clients that have the commands', async () => {
  const lensCommands = async (options: Parameters<typeof withServer>[0]) =>
    withServer(options, async (client) => {
      await client.open(COPY_URI, ULA_FIXED);
      const lenses = (await client.request('textDocument/codeLens', { textDocument: { uri: COPY_URI } })) as CodeLens[];
      return lenses.map((l) => l.command?.command).filter((c) => c);
    });
  // The actions, then (after the summary, which is text) "+N more" (differences), which opens the policy table.
  assert.deepEqual(await lensCommands(WITH_COMMANDS), [
    CLIENT_COMMANDS.explain,
    CLIENT_COMMANDS.policyTables,
    CLIENT_COMMANDS.policyTables,
  ]);
  assert.deepEqual(await lensCommands({}), []);
});

test('who follows: the report of this machine, with the server itself among the processes that follow the file', async () => {
  await withServer({}, async (client) => {
    const report = await client.request(WhoFollowsRequest);
    assert.equal(report.liveFile.path, '/etc/gai.conf');
    assert.ok(
      report.runtimes.some((r) => r.program === 'node' && r.version === process.versions.node),
      JSON.stringify(report.runtimes.map((r) => [r.program, r.version])),
    );
    assert.ok(report.followingCurrent + report.processes.length > 0);
    for (const p of report.processes)
      assert.ok(
        Number.isInteger(p.pid) && typeof p.reason === 'string' && typeof p.followsFile === 'boolean',
        JSON.stringify(p),
      );
    assert.ok(
      report.restart.every((pid) => report.processes.some((p) => p.pid === pid && p.followsFile && p.predatesFile)),
    );
  });
});

testNeeding(
  existsSync('/etc/gai.conf') ? null : 'an /etc/gai.conf',
  'the live file gets a "Who follows this file?" lens; a copy does not',
  {},
  async () => {
    await withServer(WITH_COMMANDS, async (client) => {
      const titles = async (uri: string, text: string) => {
        await client.open(uri, text);
        return ((await client.request('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[]).map(
          (l) => l.command?.title,
        );
      };
      assert.ok((await titles('file:///etc/gai.conf', readFileSync('/etc/gai.conf', 'utf8'))).includes('Who follows?'));
      assert.ok(!(await titles(COPY_URI, ULA_FIXED)).includes('Who follows?'));
    });
  },
);

test("diagnostics link to the client's documentation command when it has one, else to the README's section", async () => {
  const hrefs = async (options: Parameters<typeof withServer>[0]) =>
    withServer(options, async (client) => {
      const publication = await client.open(COPY_URI, 'label fc00::/7 6\nscopev4 ::ffff:169.254.0.0 2\n');
      return publication.diagnostics.map((d) => [String(d.code), d.codeDescription?.href ?? '']);
    });
  const withCommands = await hrefs(WITH_COMMANDS);
  assert.ok(withCommands.length >= 2);
  for (const [code, href] of withCommands) {
    const url = new URL(href);
    assert.equal(`${url.protocol}${url.pathname}`, `command:${CLIENT_COMMANDS.documentation}`);
    assert.deepEqual(JSON.parse(decodeURIComponent(url.search.slice(1))), [code]);
  }
  for (const [code, href] of await hrefs({})) assert.match(href, new RegExp(`^file:.*README\\.md#${code}$`));
});

test('the save check names the crashing line whatever the severity settings and suppressions, and whether the file is live', async () => {
  await withServer(
    { ...WITH_COMMANDS, settings: { glibcVersion: '2.36', diagnostics: { severity: { 'scopev4-crash': 'off' } } } },
    async (client) => {
      await client.open(COPY_URI, 'label ::1/128 0\n');
      const crashing = '# gai-conf: ignore scopev4-crash\nscopev4 ::ffff:169.254.0.0 2\n';
      const result = await client.request(SaveCheckRequest, { uri: COPY_URI, text: crashing });
      assert.equal(result.crash?.line, 2);
      assert.match(result.crash?.message ?? '', /crashes/);
      assert.equal(result.live, false);
      assert.deepEqual(
        await client.request(SaveCheckRequest, { uri: COPY_URI, text: 'scopev4 ::ffff:169.254.0.0/112 2\n' }),
        { crash: null, live: false },
      );
    },
  );
  await withServer({ ...WITH_COMMANDS, settings: { glibcVersion: '2.41' } }, async (client) => {
    await client.open(COPY_URI, 'label ::1/128 0\n');
    assert.equal(
      (await client.request(SaveCheckRequest, { uri: COPY_URI, text: 'scopev4 ::ffff:169.254.0.0 2\n' })).crash,
      null,
      'glibc 2.41 reads it as /128',
    );
  });
});
