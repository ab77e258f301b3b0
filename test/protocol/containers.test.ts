/**
 * The Containers view's requests in a real LSP conversation with the built server, as root, against
 * bare-namespace containers (test/support/bareContainers.ts): the list and its groups, a
 * container's file opened and analysed for that container's own addresses (not this machine's),
 * saved back in place with a backup, refused when it changed meanwhile, created where there was
 * none, and real glibc inside the saved container then trying IPv6 first. The root path of the
 * editor's "Scan as root…" (`gai-conf-language-server --containers-as-root scan`, then `write`) is run here too.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { CancellationTokenSource, LSPErrorCodes, ResponseError } from 'vscode-languageserver-protocol/node';

import {
  ContainerListEntry,
  ContainersProgressNotification,
  ContainersProgressParams,
  ContainersRequest,
  ContainersResult,
  ReadContainerFileRequest,
  WriteContainerFileRequest,
  WriteContainerFileResult,
} from '../../server/src/lsp/protocol';
import {
  BareContainer,
  buildLookupProgram,
  choiceFrom,
  dualStackHosts,
  lookupInside,
  startBareContainers,
} from '../support/bareContainers';
import { withServer } from '../support/lspClient';
import { orderOracleUnavailable } from '../support/namespaceResolver';
import { testNeeding } from '../support/prerequisites';
import { repoRoot } from '../support/repository';

const unavailable = orderOracleUnavailable();
const GLOBAL_PAIR = { ipv6: '2001:db8:1::10', ipv4: '198.51.100.10' };
const STOCK = unavailable ? '' : readFileSync('/etc/gai.conf', 'utf8');
const ETC = {
  hosts: dualStackHosts({ dual: GLOBAL_PAIR }),
  'host.conf': 'multi on\n',
  'nsswitch.conf': 'hosts: files\n',
};
const ULA_HOST = [
  { family: 6 as const, address: 'fd42:7:7::5', prefixLength: 64 },
  { family: 4 as const, address: '10.77.0.5', prefixLength: 24 },
];

let stock: BareContainer;
let absent: BareContainer;
let global: BareContainer;
let scratch: string;
let lookup: string;

before(
  async () => {
    if (unavailable) return;
    scratch = mkdtempSync(join(tmpdir(), 'gai-conf-container-protocol-'));
    // The server's backups go here, not into root's own cache.
    process.env.XDG_CACHE_HOME = join(scratch, 'cache');
    lookup = buildLookupProgram('gcc', scratch)!;
    [stock, absent, global] = await startBareContainers([
      { addresses: ULA_HOST, ipv4Route: true, ipv6Route: true, etc: { ...ETC, 'gai.conf': STOCK } },
      { addresses: ULA_HOST, ipv4Route: true, ipv6Route: true, etc: ETC },
      {
        addresses: [
          { family: 6, address: '2001:db8:7::5', prefixLength: 64 },
          { family: 4, address: '10.78.0.5', prefixLength: 24 },
        ],
        ipv4Route: true,
        ipv6Route: true,
        etc: { ...ETC, 'gai.conf': STOCK },
      },
    ]);
  },
  { timeout: 60_000 },
);

after(() => {
  for (const container of [stock, absent, global]) container?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function entryOf(result: ContainersResult, container: BareContainer): ContainerListEntry {
  const entry = result.containers.find((c) => c.pid === container.pid);
  assert.ok(entry, `container of pid ${container.pid} listed`);
  return entry;
}

async function glibcInside(container: BareContainer): Promise<'ipv6' | 'ipv4' | 'dns-order'> {
  const family = async (order: string) =>
    (await lookupInside(container.pid, lookup, `dual-${order}.test`))[0].includes(':') ? 6 : 4;
  return choiceFrom(await family('v6first'), await family('v4first'));
}

function identity(path: string): number[] {
  const s = statSync(path);
  return [s.ino, s.uid, s.gid, s.mode & 0o7777];
}

const NEED = unavailable ? `${unavailable} (root, unshare, nsenter, gcc)` : null;

testNeeding(
  NEED,
  "the list groups each container by what it tries first; its file opens judged for the container's own addresses",
  { timeout: 60_000 },
  async () => {
    await withServer({ settings: { glibcVersion: '2.36' } }, async (client) => {
      const result = (await client.request(ContainersRequest, { mode: 'scan' })) as ContainersResult;
      assert.equal(result.asRoot, true);
      const ula = entryOf(result, stock);
      assert.equal(ula.group, 'ipv4-first');
      assert.equal(ula.ulaFix, true);
      assert.equal(ula.runtime, 'namespace');
      assert.equal(ula.saveVia, 'proc');
      assert.deepEqual([...ula.addresses].sort(), ['10.77.0.5/24', 'fd42:7:7::5/64']);
      assert.match(ula.reason ?? '', /a ULA only and glibc's built-in label table/);
      assert.match(ula.uri, /^gai-conf-container:\/namespace\/[^/]+\/etc\/gai\.conf$/);
      assert.equal(entryOf(result, global).group, 'ipv6-first');
      assert.equal(entryOf(result, global).ulaFix, false);
      const none = entryOf(result, absent);
      assert.equal(none.file, 'absent');
      assert.equal(none.group, 'ipv4-first');
      assert.equal(none.ulaFix, true, 'a container without a file is fixed by creating one');
      assert.match(result.summary, /containers? tr(y|ies) IPv4 first/);
      // Each group is what real glibc inside that container does with a dual-stack name.
      const tried = { 'ipv4-first': 'ipv4', 'ipv6-first': 'ipv6' } as const;
      for (const container of [stock, global, absent]) {
        const entry = entryOf(result, container);
        const group = entry.group as keyof typeof tried;
        assert.equal(await glibcInside(container), tried[group], `${entry.name}: listed ${group}`);
      }

      const file = await client.request(ReadContainerFileRequest, { uri: ula.uri });
      assert.equal((file as { text: string }).text, STOCK);
      const published = await client.open(ula.uri, STOCK);
      const demoted = published.diagnostics.find((d) => d.code === 'ula-demoted');
      assert.ok(demoted, published.diagnostics.map((d) => d.code).join());
      assert.match(String(demoted.message), /fd42:7:7::5/, "the finding names the container's address");
      assert.ok(
        String(demoted.message).startsWith(`Container ${ula.name} `),
        `the finding names the container, not "this machine": ${demoted.message}`,
      );
      const hostAddresses = readFileSync('/proc/net/if_inet6', 'utf8');
      assert.ok(!/fd4207/.test(hostAddresses), 'the address is not one of this machine');
    });
  },
);

testNeeding(
  NEED,
  'saving writes into the picked container alone, in place with a backup; real glibc inside then tries IPv6 first',
  { timeout: 60_000 },
  async () => {
    await withServer({ settings: { glibcVersion: '2.36' } }, async (client) => {
      const result = (await client.request(ContainersRequest, { mode: 'scan' })) as ContainersResult;
      const ula = entryOf(result, stock);
      const onHost = join(stock.etc, 'gai.conf');
      const before = identity(onHost);
      const othersBefore = readFileSync(join(global.etc, 'gai.conf'), 'utf8');
      assert.equal(await glibcInside(stock), 'ipv4');
      const { ulaFixed } = (await client.request(ReadContainerFileRequest, { uri: ula.uri })) as {
        ulaFixed: string;
      };
      assert.ok(ulaFixed && ulaFixed !== STOCK);

      const stale = (await client.request(WriteContainerFileRequest, {
        uri: ula.uri,
        text: ulaFixed,
        expected: 'what the editor read earlier\n',
      })) as WriteContainerFileResult;
      assert.deepEqual(stale, { kind: 'changed', current: STOCK });
      assert.equal(readFileSync(onHost, 'utf8'), STOCK, 'a stale save writes nothing');

      const saved = (await client.request(WriteContainerFileRequest, {
        uri: ula.uri,
        text: ulaFixed,
        expected: STOCK,
      })) as WriteContainerFileResult;
      assert.equal(saved.kind, 'written', JSON.stringify(saved));
      assert.ok(saved.kind === 'written' && saved.backup);
      assert.equal(readFileSync(saved.backup, 'utf8'), STOCK, 'the backup holds the previous text');
      assert.equal(statSync(saved.backup).mode & 0o777, 0o600);
      assert.equal(readFileSync(onHost, 'utf8'), ulaFixed);
      assert.deepEqual(identity(onHost), before, 'inode, owner, group and mode kept');
      assert.equal(readFileSync(join(global.etc, 'gai.conf'), 'utf8'), othersBefore, 'no other container changed');
      assert.ok(!readdirSync(absent.etc).includes('gai.conf'));
      assert.equal(await glibcInside(stock), 'ipv6', 'real glibc in the saved container tries IPv6 first');

      const listed = (await client.request(ContainersRequest, { mode: 'known' })) as ContainersResult;
      assert.equal(entryOf(listed, stock).group, 'ipv6-first');
      await client.open(ula.uri, ulaFixed);
      const after = client.latest(ula.uri)!;
      assert.ok(!after.diagnostics.some((d) => d.code === 'ula-demoted'));
    });
  },
);

testNeeding(
  NEED,
  'a container without a gai.conf gets one created from the ULA fix, owned like its /etc, mode 0644',
  { timeout: 60_000 },
  async () => {
    await withServer({ settings: { glibcVersion: '2.36' } }, async (client) => {
      const result = (await client.request(ContainersRequest, { mode: 'scan' })) as ContainersResult;
      const none = entryOf(result, absent);
      const file = (await client.request(ReadContainerFileRequest, { uri: none.uri })) as {
        text: string | null;
        stock: string | null;
        ulaFixed: string | null;
      };
      assert.equal(file.text, null);
      assert.equal(file.stock, STOCK);
      assert.ok(file.ulaFixed);
      const created = (await client.request(WriteContainerFileRequest, {
        uri: none.uri,
        text: file.ulaFixed,
        expected: null,
      })) as WriteContainerFileResult;
      assert.equal(created.kind, 'written', JSON.stringify(created));
      assert.equal(created.kind === 'written' && created.backup, null);
      const onHost = join(absent.etc, 'gai.conf');
      assert.equal(readFileSync(onHost, 'utf8'), file.ulaFixed);
      assert.equal(statSync(onHost).mode & 0o777, 0o644);
      assert.equal(await glibcInside(absent), 'ipv6');
    });
  },
);

testNeeding(
  NEED,
  'a scan as root (--containers-as-root scan) handed over is listed to save through sudo; --containers-as-root write saves',
  { timeout: 60_000 },
  async () => {
    const server = join(repoRoot(), 'dist', 'server.js');
    const scan = spawnSync(process.execPath, [server, '--containers-as-root', 'scan'], { encoding: 'utf8' });
    assert.equal(scan.status, 0, scan.stderr);
    const report = JSON.parse(scan.stdout) as unknown;
    await withServer({ settings: { glibcVersion: '2.36' } }, async (client) => {
      const result = (await client.request(ContainersRequest, { mode: 'report', report })) as ContainersResult;
      const entry = entryOf(result, global);
      assert.equal(entry.saveVia, 'sudo');
      const answer = (await client.request(WriteContainerFileRequest, {
        uri: entry.uri,
        text: STOCK,
        expected: STOCK,
      })) as WriteContainerFileResult;
      assert.deepEqual(answer, { kind: 'needs-root', id: entry.id });
      const request = join(scratch, 'request.json');
      const text = `${STOCK}# saved as root by --containers-as-root write\n`;
      writeFileSync(request, JSON.stringify({ text, expected: STOCK }));
      const onHost = join(global.etc, 'gai.conf');
      const before = identity(onHost);
      const written = spawnSync(process.execPath, [server, '--containers-as-root', 'write', entry.id, request], {
        encoding: 'utf8',
      });
      assert.equal(written.status, 0, written.stdout + written.stderr);
      assert.equal((JSON.parse(written.stdout) as { kind: string }).kind, 'written');
      assert.equal(readFileSync(onHost, 'utf8'), text);
      assert.deepEqual(identity(onHost), before);
      const again = spawnSync(process.execPath, [server, '--containers-as-root', 'write', entry.id, request], {
        encoding: 'utf8',
      });
      assert.equal(again.status, 1, 'the file no longer holds what the request expects');
      assert.equal((JSON.parse(again.stdout) as { kind: string }).kind, 'changed');
      const cliReport = spawnSync(
        process.execPath,
        [join(repoRoot(), 'dist', 'cli.js'), 'containers', '--json', '--fail-on', 'none'],
        {
          encoding: 'utf8',
        },
      );
      const fromCli = (await client.request(ContainersRequest, {
        mode: 'report',
        report: JSON.parse(cliReport.stdout) as unknown,
      })) as ContainersResult;
      assert.equal(entryOf(fromCli, global).uri, entry.uri, "gai-conf containers --json's report is taken too");
      await client.request(ContainersRequest, { mode: 'report', report: { containers: 'no' } }).then(
        () => assert.fail('a report that is not one is refused'),
        (error: Error) => assert.match(error.message, /not the report of gai-conf containers --json/),
      );
    });
  },
);

testNeeding(
  NEED,
  'a scan reports its progress as it goes; the list of the last scan stays for the known mode',
  { timeout: 60_000 },
  async () => {
    await withServer({ settings: { glibcVersion: '2.36' } }, async (client) => {
      const progress: ContainersProgressParams[] = [];
      client.connection.onNotification(ContainersProgressNotification.method, (p: ContainersProgressParams) => {
        progress.push(p);
      });
      await client.request(ContainersRequest, { mode: 'scan' });
      assert.ok(
        progress.some((p) => p.source === 'proc' && p.total !== undefined && p.done === p.total),
        JSON.stringify(progress.slice(-3)),
      );
      const known = (await client.request(ContainersRequest, { mode: 'known' })) as ContainersResult;
      assert.ok(
        known.containers.some((c) => c.pid === stock.pid),
        'the last complete scan is kept',
      );
    });
  },
);

test('a scan waiting on a runtime that never answers ends when the client cancels it, and the server answers afterwards', async () => {
  // A Docker socket that accepts and then says nothing: the scan waits on it until cancelled.
  const dir = mkdtempSync(join(tmpdir(), `gai-conf-silent-${process.pid}-`));
  const socketPath = join(dir, 'docker.sock');
  const held: Socket[] = [];
  const silent = createServer((socket) => held.push(socket));
  const asked = new Promise<void>((resolve) => silent.once('connection', () => resolve()));
  await new Promise<void>((resolve) => silent.listen(socketPath, resolve));
  const saved = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = `unix://${socketPath}`;
  try {
    await withServer({}, async (client) => {
      const cancel = new CancellationTokenSource();
      const reply = client.connection.sendRequest(ContainersRequest, { mode: 'scan' }, cancel.token);
      await asked;
      cancel.cancel();
      await assert.rejects(reply, (error: ResponseError<unknown>) => {
        assert.equal(error.code, LSPErrorCodes.RequestCancelled, error.message);
        return true;
      });
      const known = await client.request(ContainersRequest, { mode: 'known' });
      assert.ok(Array.isArray(known.containers));
    });
  } finally {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
    for (const socket of held) socket.destroy();
    silent.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
