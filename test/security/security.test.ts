/**
 * The README's security promises, held to: during normal editing the language server starts no
 * program, opens no socket, resolves no name, reads no interface address and writes no file.
 * The built server runs with test/security/tripwire.ts preloaded, which reports any such call.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

import { CodeAction, CodeActionKind } from 'vscode-languageserver-protocol/node';

import {
  ExplainRequest,
  PolicyTablesRequest,
  SaveCheckRequest,
  StatusRequest,
  WhoFollowsRequest,
} from '../../server/src/lsp/protocol';
import { generateGaiConf } from '../support/generate';
import { editsAsContentChanges, editsFor, serverPath } from '../support/lspClient';
import { orderOracleUnavailable } from '../support/namespaceResolver';
import { testNeeding } from '../support/prerequisites';
import { repoRoot } from '../support/repository';
import { DUAL_STACK_ZONE, ULA_AND_IPV4_HOST, withTestDns } from '../support/testDns';
import { withWatchedServer } from './watchedServer';

const TRIPWIRE = join(__dirname, 'tripwire.js');
const STOCK_LIKE =
  '# gai.conf\n#label ::1/128       0\n#label fc00::/7      6\nLabel ::1/128 5\nlabel 10.0.0.0/8 4\nprecedence ::ffff:0:0/96 100 extra\nreload maybe\n';

test('the tripwire catches what it watches (else the test below could not fail)', () => {
  const probe =
    "require('child_process').spawnSync('true'); require('dns').lookup('127.0.0.1', () => {}); require('os').networkInterfaces(); require('fs').writeFileSync('/dev/null', 'x'); require('fs').readdirSync('/proc'); require('fs').readlinkSync('/proc/self/exe'); require('fs').readFileSync('/proc/net/route')";
  const result = spawnSync(process.execPath, ['--require', TRIPWIRE, '-e', probe], { encoding: 'utf8' });
  for (const name of [
    'child_process.spawnSync',
    'dns.lookup',
    'os.networkInterfaces',
    'fs.writeFileSync',
    'fs.readdirSync /proc/PID',
    'fs.readlinkSync /proc/PID',
  ])
    assert.match(result.stderr, new RegExp(`TRIPWIRE ${name.replace('.', '\\.')}`), name);
  assert.doesNotMatch(result.stderr, /TRIPWIRE fs\.readFileSync/, 'the routing table is not the process table');
});

test(
  'a normal editing session touches no process, network, DNS, interface address or file write',
  { timeout: 120_000 },
  async () => {
    const stderr = await withWatchedServer(async (client) => {
      for (const [name, text] of Object.entries({ small: STOCK_LIKE, large: generateGaiConf(2_000) })) {
        const uri = `file:///tmp/gai-conf-security/${name}/gai.conf`;
        const opened = await client.open(uri, text);
        await client.change(uri, 2, [
          { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' },
        ]);
        const changed = await client.diagnostics(uri, { version: 2 });
        assert.ok(opened.diagnostics.length > 0 && changed.diagnostics.length > 0);
        for (let line = 0; line < 8; line++) await client.hover(uri, { line, character: 2 });
        await client.request('textDocument/codeLens', { textDocument: { uri } });
        const whole = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
        await client.codeActions(uri, whole, [], [CodeActionKind.SourceFixAll]);
        for (const diagnostic of changed.diagnostics.slice(0, 20)) {
          const actions = (await client.codeActions(uri, diagnostic.range, [diagnostic])) as CodeAction[];
          const edits = editsFor(actions[0]?.edit, uri);
          if (edits.length > 0 && diagnostic === changed.diagnostics[0])
            await client.change(uri, 3, editsAsContentChanges(edits));
        }
        await client.changeConfiguration({ glibcVersion: '2.41' });
        await client.close(uri);
      }
      // A Dockerfile is read for the gai.conf it writes, from the stock file: read, never run.
      const dockerfile = 'file:///tmp/gai-conf-security/image/Dockerfile';
      const built = 'FROM debian:12\nRUN echo "precendence ::ffff:0:0/96 100" >> /etc/gai.conf\n';
      assert.ok((await client.open(dockerfile, built, 1, 'dockerfile')).diagnostics.length > 0);
      await client.hover(dockerfile, { line: 1, character: 12 });
      await client.close(dockerfile);
    });
    assert.ok(!stderr.includes('TRIPWIRE'), `the server called what it must not:\n${stderr}`);
  },
);

testNeeding(
  orderOracleUnavailable(),
  'names are resolved, interfaces read and a program started only for an explanation the user asked for',
  { timeout: 120_000 },
  async () => {
    let beforeExplain = '';
    let questions = '';
    // In a namespace whose resolver is the test's own DNS server: the explanation's lookups stay there.
    const stderr = await withTestDns(ULA_AND_IPV4_HOST, DUAL_STACK_ZONE, async (ns, dns) => {
      const inNamespace = { argv: ns.commandLine(process.execPath, [serverPath(), '--stdio']), cwd: repoRoot() };
      const watched = await withWatchedServer(async (client) => {
        const uri = 'file:///tmp/gai-conf-security/explain/gai.conf';
        await client.open(uri, STOCK_LIKE);
        await client.hover(uri, { line: 2, character: 9 });
        await client.request(PolicyTablesRequest, { uri });
        await client.request(StatusRequest);
        await client.request(SaveCheckRequest, { uri, text: STOCK_LIKE }); // Save as Root asks it first: the server itself writes nothing
        beforeExplain = client.stderr;
        await client.request(ExplainRequest, { uri, query: 'dual.test', savedText: null });
      }, inNamespace);
      questions = dns.questions();
      return watched;
    });
    assert.match(questions, /query dual\.test 1\n/);
    assert.match(questions, /query dual\.test 28\n/);
    assert.ok(!beforeExplain.includes('TRIPWIRE'), `before the explain request:\n${beforeExplain}`);
    // What the explanation needs, and only that: DNS answers, interface addresses, getaddrinfo() in a
    // fresh process started without a shell, and the kernel's address labels (`ip -6 addrlabel list`).
    for (const name of [
      'dns.promises.Resolver.resolve4',
      'dns.promises.Resolver.resolve6',
      'os.networkInterfaces',
      'child_process.execFile',
      'child_process.spawnSync',
    ]) {
      assert.match(stderr, new RegExp(`TRIPWIRE ${name.replace(/\./g, '\\.')}\n`), name);
    }
    const calls = [...stderr.matchAll(/^TRIPWIRE (\S+)/gm)].map((m) => m[1]);
    assert.deepEqual([...new Set(calls)].sort(), [
      'child_process.execFile',
      'child_process.spawnSync',
      'dns.promises.Resolver.resolve4',
      'dns.promises.Resolver.resolve6',
      'os.networkInterfaces',
    ]);
    const programs = [...stderr.matchAll(/^TRIPWIRE-EXEC (.*)$/gm)].map((m) => m[1].trim());
    assert.ok(
      programs.some((p) => /(^|\/)ip -6 addrlabel list$/.test(p)),
      programs.join('\n'),
    );
    assert.ok(
      programs.every((p) => /(^|\/)ip -6 addrlabel list$/.test(p) || p.startsWith(process.execPath)),
      programs.join('\n'),
    );
  },
);

test(
  'the process table is read, and runtimes started to ask their versions, only for a "who follows" the user asked for; nothing written, no network',
  { timeout: 120_000 },
  async () => {
    let beforeRequest = '';
    let report: { runtimes: unknown[]; processes: { pid: number }[]; followingCurrent: number } | undefined;
    const stderr = await withWatchedServer(async (client) => {
      const uri = 'file:///tmp/gai-conf-security/who/gai.conf';
      await client.open(uri, STOCK_LIKE);
      await client.hover(uri, { line: 2, character: 9 });
      await client.request('textDocument/codeLens', { textDocument: { uri } });
      await client.request(StatusRequest);
      beforeRequest = client.stderr;
      report = await client.request(WhoFollowsRequest);
    });
    assert.ok(!beforeRequest.includes('TRIPWIRE'), `before the request:\n${beforeRequest}`);
    assert.ok(
      report && report.processes.length + report.followingCurrent > 0,
      'the scan saw processes (at least the server itself)',
    );
    const calls = new Set([...stderr.matchAll(/^TRIPWIRE (.+)$/gm)].map((m) => m[1]));
    assert.ok(calls.has('fs.readdirSync /proc/PID') && calls.has('fs.readlinkSync /proc/PID'), [...calls].join(', '));
    const allowed = new Set([
      'fs.readdirSync /proc/PID',
      'fs.readFileSync /proc/PID',
      'fs.readlinkSync /proc/PID',
      'fs.openSync /proc/PID',
      'fs.statSync /proc/PID',
      'child_process.spawnSync',
    ]);
    assert.deepEqual(
      [...calls].filter((c) => !allowed.has(c)),
      [],
      'only reads of /proc and version queries',
    );
    if (report!.runtimes.length > 0)
      assert.ok(calls.has('child_process.spawnSync'), 'each installed runtime was asked its version');
  },
);

test(
  "the live /etc/gai.conf: the machine's interface addresses are read to judge it, and nothing else is touched",
  { timeout: 120_000 },
  async () => {
    const stderr = await withWatchedServer(async (client) => {
      const uri = 'file:///etc/gai.conf';
      await client.open(uri, STOCK_LIKE);
      await client.diagnostics(uri);
      await client.hover(uri, { line: 2, character: 9 });
      await client.request('textDocument/codeLens', { textDocument: { uri } });
      await client.close(uri);
    });
    const calls = [...stderr.matchAll(/^TRIPWIRE (\S+)/gm)].map((m) => m[1]);
    // On a machine without /proc the IPv6 addresses come from os.networkInterfaces too; on Linux
    // the IPv4 ones always do. No DNS, no socket, no program, no write.
    assert.deepEqual([...new Set(calls)], ['os.networkInterfaces'], stderr);
  },
);

test(
  "a connections census reads /proc and runs only the host's ss (through nsenter for another namespace): no lookup, no socket, nothing written",
  { timeout: 120_000 },
  () => {
    const cli = join(repoRoot(), 'dist', 'cli.js');
    const result = spawnSync(process.execPath, ['--require', TRIPWIRE, cli, 'connections', '--json'], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    assert.equal(result.status, 0, result.stderr);
    const calls = new Set([...result.stderr.matchAll(/^TRIPWIRE (\S+(?: \/proc\/PID)?)/gm)].map((m) => m[1]));
    const allowed = new Set([
      'fs.readdirSync /proc/PID',
      'fs.readFileSync /proc/PID',
      'fs.readlinkSync /proc/PID',
      'fs.openSync /proc/PID',
      'fs.statSync /proc/PID',
      'child_process.execFileSync',
    ]);
    assert.ok(calls.has('fs.readFileSync /proc/PID') && calls.has('fs.readlinkSync /proc/PID'), [...calls].join(', '));
    assert.deepEqual(
      [...calls].filter((c) => !allowed.has(c)),
      [],
      'only reads of /proc, and ss',
    );
    const programs = [...result.stderr.matchAll(/^TRIPWIRE-EXEC (\S+) (.*)$/gm)].map((m) => [m[1], m[2]] as const);
    assert.ok(programs.length > 0, 'ss read the byte counters');
    for (const [file, args] of programs) {
      assert.ok(/^\/(usr\/)?s?bin\/(ss|nsenter)$/.test(file), `only the host's ss or nsenter: ${file}`);
      if (file.endsWith('nsenter'))
        assert.match(
          args,
          /^--net=\/proc\/\d+\/ns\/net -- \/(usr\/)?s?bin\/ss /,
          "nsenter enters only the network namespace, to run the host's ss",
        );
    }
    // The census itself names no peer: no DNS unless --resolve.
    assert.doesNotMatch(result.stderr, /TRIPWIRE dns/);
  },
);
