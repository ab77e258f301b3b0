/**
 * `gai-conf connections` judged with real programs and the real kernel. A "container" network +
 * mount namespace has a ULA and an IPv4 address (fd42::2/64, 10.0.0.2/24, as LXD gives); a second
 * namespace, joined to it by a veth pair, holds a dual-stacked server on the test's own addresses
 * (2001:db8:1::10 and 198.51.100.10, one listener on [::] for both families). No other address is
 * ever contacted. Real clients (curl, Python, Node, a glibc C program, Java without the property,
 * a Go program with its own resolver, a musl static program) each connect a known number of times
 * to a name with both addresses and hold their connections open, first under Debian's stock
 * /etc/gai.conf, then under the file with gai-conf's ULA quick fix applied. The census (the built
 * CLI, run as a user runs it) must count exactly what each did, by family, give each IPv4
 * connection the right reason, and --compare must show the followers move and the others stay.
 * Assertions are on this test's own processes and namespaces only: others run namespaces too.
 */
import assert from 'node:assert/strict';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { analyzeGaiConf } from '../../server/src/analysis/analysis';
import { applyEdits } from '../../server/src/features/codeActions/edits';
import { ulaFixes } from '../../server/src/features/codeActions/ulaFixes';
import type { Census, NamespaceCensus, ProcessCensus } from '../../server/src/features/connections/census';
import type { Comparison } from '../../server/src/features/connections/report';
import { FALLBACK_GLIBC } from '../../server/src/glibc/versions';
import { findExecutable } from '../support/executables';
import { OracleNamespace, orderOracleUnavailable, withOracleNamespace } from '../support/namespaceResolver';
import { lacks, testNeeding } from '../support/prerequisites';
import { repoRoot } from '../support/repository';
import { buildRuntimePrograms } from './runtimePrograms';

const NAME = 'dual.test';
const V4 = '198.51.100.10';
const V6 = '2001:db8:1::10';
const PORT = 8146;
const WATCH_PORT = 8147;
const CLI = path.join(repoRoot(), 'dist', 'cli.js');
const CHILD_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };

/** Debian's stock file, read at run time (every Debian machine has it); the built-in tables where there is none. */
function stockFile(): string {
  try {
    return fs.readFileSync('/etc/gai.conf', 'utf8');
  } catch {
    return '';
  }
}

/** The stock file with gai-conf's preferred ULA quick fix applied, exactly as the editor would. */
function fixedFile(stock: string): string {
  const fix = ulaFixes(analyzeGaiConf(stock, { glibc: FALLBACK_GLIBC })).find((f) => f.preferred);
  assert.ok(fix, 'the stock file gets the ULA quick fix');
  return applyEdits(stock, fix.edits);
}

const SERVER = `
const net = require('net');
const ports = JSON.parse(process.argv[1]);
let ready = 0;
for (const port of ports) {
  net.createServer((s) => { s.on('error', () => {}); s.on('data', () => {}); process.stdout.write('accepted ' + port + '\\n'); })
    .listen({ host: '::', port, ipv6Only: false }, () => { if (++ready === ports.length) process.stdout.write('ready\\n'); });
}`;

const PYTHON_HOLD =
  'import socket,sys,time\nh=[socket.create_connection((sys.argv[1],int(sys.argv[2]))) for _ in range(int(sys.argv[3]))]\nprint("held",flush=True)\ntime.sleep(3600)';
const NODE_HOLD = `const net = require('net'); const [host, port, count] = process.argv.slice(1); const held = [];
(function next() { if (held.length === +count) { console.log('held'); setInterval(() => {}, 1e9); return; }
  const s = net.connect({ host, port: +port }, () => { held.push(s); next(); }); s.on('error', (e) => { console.error(e.message); process.exit(3); }); })();`;
/** Sends a known amount over each family to the literal addresses, then holds both connections. */
const PYTHON_BYTES = `import socket,sys,time
a=socket.create_connection(("${V4}",int(sys.argv[1]))); a.sendall(b"4"*int(sys.argv[2]))
b=socket.create_connection(("${V6}",int(sys.argv[1]))); b.sendall(b"6"*int(sys.argv[3]))
print("held",flush=True)
time.sleep(3600)`;
/** Ends by naming its network namespace: read from outside, a child started through nsenter may not be in it yet. */
const PYTHON_SHORT = `import os,socket,sys,time
for i in range(int(sys.argv[2])):
  s=socket.create_connection(("${V4}",int(sys.argv[1]))); s.close(); time.sleep(0.1)
print("done", os.readlink("/proc/self/ns/net"), flush=True)`;

interface Client {
  label: string;
  argv: string[];
  count: number;
  follows: boolean;
  reasonWhenIpv4: string;
  runtime?: string | null;
}

/** The server's namespace: a bare network namespace held by a waiting process, the veth's other end moved into it. */
class ServerNamespace {
  private constructor(
    private readonly holder: ChildProcess,
    readonly pid: number,
  ) {}

  static async start(unshare: string): Promise<ServerNamespace> {
    const holder = spawn(unshare, ['--net', '--', '/bin/sh', '-c', 'echo ready; exec cat >/dev/null'], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: CHILD_ENV,
    });
    await waitForLine(holder, 'ready', 10_000);
    return new ServerNamespace(holder, holder.pid!);
  }

  async ip(...args: string[]): Promise<void> {
    await run(findExecutable('nsenter')!, ['-t', String(this.pid), '-n', findExecutable('ip')!, ...args]);
  }

  spawn(file: string, args: string[]): ChildProcess {
    return spawn(findExecutable('nsenter')!, ['-t', String(this.pid), '-n', file, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: CHILD_ENV,
    });
  }

  close(): void {
    this.holder.stdin!.end();
    this.holder.kill('SIGKILL');
  }
}

function run(file: string, args: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 28, env: CHILD_ENV },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${file} ${args.join(' ')}: ${error.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

/** Resolves with the line (the `times`-th one starting with `line`) once the child has printed it. */
function waitForLine(child: ChildProcess, line: string, timeoutMs: number, times = 1): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    let buffer = '';
    const timer = setTimeout(
      () => reject(new Error(`"${line}" seen ${seen} of ${times} times within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before "${line}"`));
    });
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buffer += d;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const printed = buffer.slice(0, nl);
        if (printed.startsWith(line) && ++seen === times) {
          clearTimeout(timer);
          resolve(printed);
        }
        buffer = buffer.slice(nl + 1);
      }
    });
  });
}

async function census(...args: string[]): Promise<Census> {
  return JSON.parse(await run(process.execPath, [CLI, 'connections', '--json', ...args])) as Census;
}

function namespaceOf(c: Census, pid: number): NamespaceCensus {
  const id = fs.readlinkSync(`/proc/${pid}/ns/net`);
  const ns = c.namespaces.find((n) => n.namespace === id);
  assert.ok(ns, `the census has the namespace ${id}`);
  return ns;
}

function processOf(ns: NamespaceCensus, pid: number): ProcessCensus {
  const p = ns.processes.find((x) => x.pid === pid);
  assert.ok(
    p,
    `the census has process ${pid} in ${ns.namespace}: ${ns.processes.map((x) => `${x.pid} ${x.exe}`).join(', ')}`,
  );
  return p;
}

/** The clients the census must count are all needed: a missing one would shrink the test silently. */
const missingClients = ['python3', 'curl', 'java'].filter((name) => !findExecutable(name)).join(', ');
const unavailable =
  orderOracleUnavailable() ??
  (findExecutable('ss') ? null : 'ss (Debian package iproute2)') ??
  (missingClients ? `the clients ${missingClients}` : null);

testNeeding(
  unavailable,
  'connections census: real clients in a ULA container, under the stock file and after the ULA fix',
  { timeout: 400_000 },
  async (t) => {
    const built = buildRuntimePrograms();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gai-census-'));
    const server = await ServerNamespace.start(findExecutable('unshare')!);
    const children: ChildProcess[] = [];
    try {
      await withOracleNamespace(
        {
          addresses: [
            { address: 'fd42::2', prefixLength: 64 },
            { address: '10.0.0.2', prefixLength: 24 },
          ],
        },
        async (ns: OracleNamespace) => {
          // The veth's other end becomes the server's link; routes back to the container's subnets.
          await ns.exec(findExecutable('ip')!, ['link', 'set', 'gaipeer0', 'netns', String(server.pid)]);
          for (const c of [
            ['link', 'set', 'lo', 'up'],
            ['link', 'set', 'gaipeer0', 'addrgenmode', 'none'],
            ['link', 'set', 'gaipeer0', 'up'],
            ['-6', 'addr', 'add', `${V6}/64`, 'dev', 'gaipeer0', 'nodad'],
            ['addr', 'add', `${V4}/24`, 'dev', 'gaipeer0'],
            ['route', 'add', '10.0.0.0/24', 'dev', 'gaipeer0'],
            ['-6', 'route', 'add', 'fd42::/64', 'dev', 'gaipeer0'],
            ['route', 'add', 'default', 'dev', 'gaipeer0'],
            ['-6', 'route', 'add', 'default', 'dev', 'gaipeer0'],
          ])
            await server.ip(...c);
          const listener = server.spawn(process.execPath, ['-e', SERVER, JSON.stringify([PORT, WATCH_PORT])]);
          children.push(listener);
          await waitForLine(listener, 'ready', 10_000);
          ns.writeEtc('hosts', `${V6} ${NAME}\n${V4} ${NAME}\n`);
          ns.writeEtc('nsswitch.conf', 'hosts: files\n');

          const bin = (file: string) => path.join(built.dir, file);
          const python = findExecutable('python3');
          const curl = findExecutable('curl');
          const java = findExecutable('java');
          const clients: Client[] = [
            {
              label: 'glibc C',
              argv: [bin('connect-glibc'), NAME, String(PORT), '2'],
              count: 2,
              follows: true,
              reasonWhenIpv4: 'file-prefers-ipv4',
            },
            {
              label: 'node',
              argv: [process.execPath, '-e', NODE_HOLD, NAME, String(PORT), '2'],
              count: 2,
              follows: true,
              reasonWhenIpv4: 'file-prefers-ipv4',
            },
            ...(python
              ? [
                  {
                    label: 'python',
                    argv: [python, '-I', '-S', '-c', PYTHON_HOLD, NAME, String(PORT), '3'],
                    count: 3,
                    follows: true,
                    reasonWhenIpv4: 'file-prefers-ipv4',
                  },
                ]
              : []),
            ...(curl
              ? [1, 2].map((i) => ({
                  label: `curl ${i}`,
                  argv: [curl, '-s', '-o', '/dev/null', `http://${NAME}:${PORT}/`],
                  count: 1,
                  follows: true,
                  reasonWhenIpv4: 'file-prefers-ipv4',
                }))
              : []),
            ...(built.missing.has('Client.class') || !java
              ? []
              : [
                  {
                    label: 'java',
                    argv: [java, '-cp', built.dir, 'Client', NAME, String(PORT), '2'],
                    count: 2,
                    follows: false,
                    reasonWhenIpv4: 'program-ignores-file',
                    runtime: 'java-default',
                  },
                ]),
            ...(built.missing.has('dial-cgo')
              ? []
              : [
                  {
                    label: 'go',
                    argv: [bin('dial-cgo'), NAME, String(PORT), '3'],
                    count: 3,
                    follows: false,
                    reasonWhenIpv4: 'program-ignores-file',
                    runtime: 'go-pure',
                  },
                ]),
            ...(built.missing.has('connect-musl')
              ? []
              : [
                  {
                    label: 'musl static',
                    argv: [bin('connect-musl'), NAME, String(PORT), '2'],
                    count: 2,
                    follows: false,
                    reasonWhenIpv4: 'program-ignores-file',
                    runtime: null,
                  },
                ]),
          ];
          const absent = [
            ...(
              [
                ['python3', python],
                ['curl', curl],
                ['java', java],
              ] as const
            )
              .filter(([, name]) => !name)
              .map(([what]) => what),
            ...[...built.missing].map(([file, why]) => `${file} (needs ${why})`),
          ];
          if (lacks(t, absent.length > 0 ? `clients ${absent.join(', ')}` : undefined)) return;
          assert.ok(
            clients.length >= 7,
            `at least seven real clients run here (${clients.map((c) => c.label).join(', ')})`,
          );
          const total = clients.reduce((n, c) => n + c.count, 0);

          /** Starts every client, waits until the server accepted all their connections. */
          const startClients = async (): Promise<Map<Client, number>> => {
            const accepted = waitForLine(listener, `accepted ${PORT}`, 60_000, total);
            const pids = new Map<Client, number>();
            for (const client of clients) {
              const child = ns.spawn(client.argv[0]!, client.argv.slice(1));
              child.stdout!.resume();
              children.push(child);
              pids.set(client, child.pid!);
            }
            await accepted;
            return pids;
          };
          const stopClients = (pids: Map<Client, number>) => {
            for (const pid of pids.values()) process.kill(pid, 'SIGKILL');
          };

          const stock = stockFile();
          const before = path.join(work, 'before.json');
          const phases: [string, string][] = [
            ['stock', stock],
            ['fixed', fixedFile(stock)],
          ];
          for (const [phase, file] of phases) {
            ns.writeEtc('gai.conf', file);
            const pids = await startClients();
            const result = await census(...(phase === 'stock' ? ['--save', before] : []));
            const container = namespaceOf(result, [...pids.values()][0]!);
            assert.notEqual(container.container, null, 'the container namespace is not the host');
            assert.ok(
              container.addresses.includes('fd42::2/64') && container.addresses.includes('10.0.0.2/24'),
              container.addresses.join(', '),
            );
            for (const client of clients) {
              const p = processOf(container, pids.get(client)!);
              const family = phase === 'fixed' && client.follows ? 'ipv6' : 'ipv4';
              t.diagnostic(
                `${phase}: ${client.label} (pid ${p.pid}, ${p.runtime}): IPv4 ${p.ipv4.connections}, IPv6 ${p.ipv6.connections}; ${p.connections.map((c) => c.reason?.code ?? c.family).join(', ')}`,
              );
              assert.equal(
                p[family].connections,
                client.count,
                `${phase}: ${client.label} made ${client.count} ${family} connections`,
              );
              assert.equal(
                p[family === 'ipv4' ? 'ipv6' : 'ipv4'].connections,
                0,
                `${phase}: ${client.label} made none of the other family`,
              );
              for (const c of p.connections) {
                assert.equal(c.peer, family === 'ipv4' ? `${V4}:${PORT}` : `[${V6}]:${PORT}`);
                assert.equal(c.state, 'ESTABLISHED');
                if (family === 'ipv6') {
                  assert.equal(c.reason, undefined, 'no reason on an IPv6 connection');
                  continue;
                }
                assert.equal(c.reason?.code, client.reasonWhenIpv4, `${phase}: ${client.label}: ${c.reason?.text}`);
                if (client.runtime !== undefined)
                  assert.equal(c.reason?.runtime ?? null, client.runtime, `${client.label}: ${c.reason?.text}`);
                if (c.reason?.code === 'file-prefers-ipv4') {
                  assert.equal(c.reason.finding, 'ula-demoted');
                  assert.match(c.reason.fix ?? '', /RFC 3484's label rows/);
                }
                if (client.label === 'java')
                  assert.match(c.reason?.fix ?? '', /-Djava\.net\.preferIPv6Addresses=system/);
                if (client.label === 'go') assert.match(c.reason?.fix ?? '', /GODEBUG=netdns=cgo/);
              }
            }
            // The server's side: a dual-stack listener on [::]; IPv4 clients arrive as ::ffff: peers and count as IPv4.
            const serverNs = namespaceOf(result, listener.pid!);
            const served = processOf(serverNs, listener.pid!);
            const followers = clients.filter((c) => c.follows).reduce((n, c) => n + c.count, 0);
            const expectedIpv4 = phase === 'stock' ? total : total - followers;
            assert.equal(served.ipv4.connections, expectedIpv4, `${phase}: the listener's IPv4 (v4-mapped) clients`);
            assert.equal(served.ipv6.connections, total - expectedIpv4, `${phase}: the listener's IPv6 clients`);
            assert.ok(
              served.connections
                .filter((c) => c.family === 'ipv4')
                .every((c) => c.reason?.code === 'inbound' && c.peer.startsWith('10.0.0.2:')),
            );

            if (phase === 'fixed') {
              const comparison = JSON.parse(
                await run(process.execPath, [CLI, 'connections', '--json', '--compare', before]),
              ) as Comparison;
              const row = (program: string | null) =>
                comparison.rows.find((r) => r.container === container.container && r.program === program);
              const containerRow = row(null);
              assert.ok(containerRow, 'a row for the container');
              assert.deepEqual(
                [containerRow.before.ipv6, containerRow.before.ipv4 + containerRow.before.ipv6],
                [0, total],
                'before: no IPv6',
              );
              assert.deepEqual(
                [containerRow.after.ipv6, containerRow.after.ipv4 + containerRow.after.ipv6],
                [followers, total],
                'after: the followers on IPv6',
              );
              assert.ok(Math.abs(containerRow.after.connections! - followers / total) < 1e-9);
              for (const client of clients) {
                const exe = processOf(container, pids.get(client)!).exe;
                const programRow = row(exe);
                assert.ok(programRow, `a row for ${exe}`);
                assert.equal(programRow.before.connections, 0, `${client.label} before`);
                if (!client.label.startsWith('curl'))
                  assert.equal(programRow.after.connections, client.follows ? 1 : 0, `${client.label} after`);
              }
              const remaining = comparison.remaining.filter((r) => r.container === container.container);
              assert.equal(
                remaining.length,
                total - followers,
                "the IPv4 connections that remain are the non-followers'",
              );
              assert.ok(remaining.every((r) => r.connection.reason?.code === 'program-ignores-file'));
              const text = await run(process.execPath, [CLI, 'connections', '--compare', before]);
              t.diagnostic(text);
              assert.match(text, new RegExp(`IPv4 connections that remain: \\d+`));
              assert.match(text, /program-ignores-file/);
            }
            stopClients(pids);
          }

          await t.test('bytes: a client sending a known amount over each family', async (st) => {
            if (lacks(st, python ? null : 'python3') || !python) return;
            const [ipv4Bytes, ipv6Bytes] = [100_000, 300_000];
            const child = ns.spawn(python, [
              '-I',
              '-S',
              '-c',
              PYTHON_BYTES,
              String(PORT),
              String(ipv4Bytes),
              String(ipv6Bytes),
            ]);
            children.push(child);
            await waitForLine(child, 'held', 20_000);
            let p: ProcessCensus | undefined;
            for (let attempt = 0; attempt < 20; attempt++) {
              p = processOf(namespaceOf(await census(), child.pid!), child.pid!);
              if ((p.ipv4.bytes ?? 0) >= ipv4Bytes && (p.ipv6.bytes ?? 0) >= ipv6Bytes) break;
              await new Promise((resolve) => setTimeout(resolve, 200));
            }
            t.diagnostic(`bytes: IPv4 ${p!.ipv4.bytes}, IPv6 ${p!.ipv6.bytes} (sent ${ipv4Bytes}, ${ipv6Bytes})`);
            // bytes_acked also counts the SYN's sequence number: one byte per connection at most.
            assert.ok(Math.abs(p!.ipv4.bytes! - ipv4Bytes) <= 1, `IPv4 bytes ${p!.ipv4.bytes}`);
            assert.ok(Math.abs(p!.ipv6.bytes! - ipv6Bytes) <= 1, `IPv6 bytes ${p!.ipv6.bytes}`);
            child.kill('SIGKILL');
          });

          await t.test('--watch: a client that connects and closes every 100 ms', async (st) => {
            if (lacks(st, python ? null : 'python3') || !python) return;
            const connections = 10;
            const watcher = spawn(process.execPath, [CLI, 'connections', '--json', '--watch', '8s'], {
              stdio: ['ignore', 'pipe', 'pipe'],
            });
            children.push(watcher);
            let output = '';
            watcher.stdout!.setEncoding('utf8').on('data', (d: string) => {
              output += d;
            });
            const watching = new Promise<string>((resolve) => watcher.on('exit', () => resolve(output)));
            await new Promise<void>((resolve) =>
              watcher.stderr!.setEncoding('utf8').on('data', (d: string) => {
                if (d.includes('Watching for')) resolve();
              }),
            );
            const child = ns.spawn(python, ['-I', '-S', '-c', PYTHON_SHORT, String(WATCH_PORT), String(connections)]);
            children.push(child);
            const childNs = (await waitForLine(child, 'done', 20_000)).slice('done '.length);
            const result = JSON.parse(await watching) as Census;
            assert.equal(result.window.kind, 'watch');
            const container = result.namespaces.find((n) => n.namespace === childNs);
            assert.ok(container);
            const seen = [
              ...container.processes.flatMap((p) => p.connections),
              ...container.unattributed.connections,
            ].filter((c) => c.peer === `${V4}:${WATCH_PORT}`);
            t.diagnostic(
              `--watch saw ${seen.length} of ${connections} short connections (${seen.map((c) => c.state).join(', ')})`,
            );
            assert.equal(seen.length, connections);
            assert.ok(seen.every((c) => c.family === 'ipv4' && c.reason !== undefined));
          });
        },
      );
    } finally {
      for (const child of children) child.kill('SIGKILL');
      server.close();
      fs.rmSync(work, { recursive: true, force: true });
      fs.rmSync(built.dir, { recursive: true, force: true });
    }
  },
);
