/**
 * `gai-conf connections --resolve` judged with a resolver the test controls. A "container" network
 * + mount namespace has a ULA and an IPv4 address and gai-conf's ULA fix in its /etc/gai.conf (so
 * that programs that follow the file put IPv6 first there); three more IPv4 addresses of its own
 * (documentation range) hold a listener, and the image's bash connects to each by address and
 * holds the connections. Its /etc/resolv.conf names the oracle's DNS server on the namespace's
 * 127.0.0.1, whose zone gives
 *   198.51.100.10  v4only.test, which has an A record only;
 *   198.51.100.11  dual.test, which has an AAAA record too;
 *   198.51.100.12  no name at all.
 * The census runs inside the namespace, as a user runs it there. With --resolve, the peer whose
 * name has no IPv6 address gets peer-has-no-ipv6; the one whose name has IPv6 stays unknown, and
 * says the program chose the address itself; the nameless one stays unknown. Without --resolve,
 * all three are unknown and the DNS server hears no question at all.
 */
import assert from 'node:assert/strict';
import { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { analyzeGaiConf } from '../../server/src/analysis/analysis';
import { applyEdits } from '../../server/src/features/codeActions/edits';
import { ulaFixes } from '../../server/src/features/codeActions/ulaFixes';
import type { Census, Connection } from '../../server/src/features/connections/census';
import { FALLBACK_GLIBC } from '../../server/src/glibc/versions';
import { findExecutable } from '../support/executables';
import { OracleNamespace, orderOracleUnavailable, withOracleNamespace } from '../support/namespaceResolver';
import { testNeeding } from '../support/prerequisites';
import { repoRoot } from '../support/repository';
import { startTestDns, TestDns } from '../support/testDns';

const CLI = join(repoRoot(), 'dist', 'cli.js');
const PORT = 8148;
const PEERS = { noIpv6: '198.51.100.10', dual: '198.51.100.11', nameless: '198.51.100.12' } as const;
const ZONE = {
  'v4only.test': { A: [PEERS.noIpv6] },
  'dual.test': { A: [PEERS.dual], AAAA: ['2001:db8:1::11'] },
  '10.100.51.198.in-addr.arpa': { PTR: ['v4only.test'] },
  '11.100.51.198.in-addr.arpa': { PTR: ['dual.test'] },
};
const SERVER = `const net = require('net'); const held = [];
net.createServer((s) => { held.push(s); s.on('error', () => {}); }).listen(${PORT}, '0.0.0.0', () => console.log('ready'));`;
/** Connects to each address given once with /dev/tcp, says "held", and holds them (a FIFO nobody writes to). */
const HOLD = [
  'for peer in "$@"; do exec {fd}<>"/dev/tcp/$peer/' + PORT + '" || exit 3; done',
  'echo held',
  'f=$(mktemp -u) && mkfifo "$f" && exec {w}<>"$f" && rm -f "$f" && read -r -u "$w" _',
].join('\n');

function stockFile(): string {
  try {
    return readFileSync('/etc/gai.conf', 'utf8');
  } catch {
    return '';
  }
}

function waitFor(child: ChildProcess, text: string, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what}: no "${text}" within 15 s: ${out}`)), 15_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}): ${out}`));
    });
  });
}

async function census(ns: OracleNamespace, ...args: string[]): Promise<Census> {
  const { stdout } = await ns.exec(process.execPath, [CLI, 'connections', '--json', ...args], 60_000);
  return JSON.parse(stdout) as Census;
}

/** The held connection to each peer, by peer address. */
function byPeer(c: Census, pid: number): Map<string, Connection> {
  const ns = c.namespaces.find((n) => n.container === null)!;
  const holder = ns.processes.find((p) => p.pid === pid);
  assert.ok(holder, `bash ${pid} in the census: ${ns.processes.map((p) => `${p.pid} ${p.exe}`).join(', ')}`);
  assert.equal(holder.followsFile, true, 'bash follows gai.conf: the reason is not the program');
  assert.equal(holder.ipv4.connections, 3);
  return new Map(holder.connections.map((x) => [x.peer.replace(/:\d+$/, ''), x]));
}

const unavailable = orderOracleUnavailable() ?? (findExecutable('bash') ? null : 'bash');

testNeeding(
  unavailable,
  'connections --resolve: a peer whose name has no IPv6 address is told apart, through the resolver of the namespace',
  { timeout: 180_000 },
  async () => {
    const stock = stockFile();
    const fix = ulaFixes(analyzeGaiConf(stock, { glibc: FALLBACK_GLIBC })).find((f) => f.preferred);
    assert.ok(fix, 'the stock file gets the ULA quick fix');
    const children: ChildProcess[] = [];
    let dns: TestDns | undefined;
    await withOracleNamespace(
      {
        addresses: [
          { address: 'fd42::2', prefixLength: 64 },
          { address: '10.0.0.2', prefixLength: 24 },
          ...Object.values(PEERS).map((address) => ({ address, prefixLength: 32 })),
        ],
      },
      async (ns) => {
        try {
          ns.writeEtc('gai.conf', applyEdits(stock, fix.edits));
          // Node's resolver (c-ares) takes the order of reverse lookups from nsswitch.conf, as glibc does.
          ns.writeEtc('nsswitch.conf', 'hosts: files dns\n');
          ns.writeEtc('resolv.conf', 'nameserver 127.0.0.1\noptions timeout:2 attempts:1\n');
          dns = await startTestDns(ns, ZONE);
          const server = ns.spawn(process.execPath, ['-e', SERVER]);
          children.push(server);
          await waitFor(server, 'ready', 'the server');
          const bash = ns.spawn(findExecutable('bash')!, ['-c', HOLD, 'hold', ...Object.values(PEERS)]);
          children.push(bash);
          await waitFor(bash, 'held', 'bash');

          const plain = byPeer(await census(ns), bash.pid!);
          for (const peer of Object.values(PEERS)) {
            const reason = plain.get(peer)?.reason;
            assert.equal(reason?.code, 'unknown', `${peer} without --resolve: ${JSON.stringify(reason)}`);
            assert.match(reason!.text, /the destination may have no IPv6 address \(--resolve looks it up\)/);
          }
          assert.doesNotMatch(dns.questions(), /query /, 'without --resolve the census asks the DNS server nothing');

          const resolved = byPeer(await census(ns, '--resolve'), bash.pid!);
          const noIpv6 = resolved.get(PEERS.noIpv6)!.reason!;
          assert.deepEqual(
            { code: noIpv6.code, fix: noIpv6.fix },
            { code: 'peer-has-no-ipv6', fix: null },
            JSON.stringify(noIpv6),
          );
          assert.equal(noIpv6.text, 'v4only.test has no IPv6 address.');
          const dual = resolved.get(PEERS.dual)!.reason!;
          assert.equal(dual.code, 'unknown');
          assert.match(dual.text, /dual\.test has IPv6 too, so the program chose the IPv4 address itself/);
          const nameless = resolved.get(PEERS.nameless)!.reason!;
          assert.equal(nameless.code, 'unknown');
          assert.match(nameless.text, /the peer has no name in DNS \(--resolve found none\)/);
          // The lookups were made, and only the ones --resolve promises: reverse names, then AAAA of those found.
          assert.match(dns.questions(), /query 10\.100\.51\.198\.in-addr\.arpa 12\n/);
          assert.match(dns.questions(), /query v4only\.test 28\n/);
          assert.match(dns.questions(), /query dual\.test 28\n/);
          assert.doesNotMatch(dns.questions(), /query \S+ 1\n/, 'no A question: the peers are already IPv4 addresses');
        } finally {
          for (const child of children) child.kill('SIGKILL');
          dns?.stop();
        }
      },
    );
  },
);
