/**
 * `gai-conf connections` on a real LXD host: real containers booted from the debootstrap image,
 * each with its fd42: ULA and IPv4 address from this run's own bridge, real clients inside them,
 * the census run on the host as root. The server is a dual-stacked listener on this run's bridge
 * (its documentation-range global IPv6 and its IPv4 gateway, one port), so no other address is
 * ever contacted. The clients are the image's own bash, whose /dev/tcp connects to the first
 * address getaddrinfo() returns, so it follows the container's gai.conf:
 *   byname   connects to a name listing both addresses, and holds its connections;
 *   literal  connects to the IPv4 address itself, and holds them.
 * Container `stock` has Debian's own /etc/gai.conf, `fixed` the ULA quick fix. The census must
 * name each namespace by its LXD name, count what each program did by family, and give each IPv4
 * connection the reason the code defines: file-prefers-ipv4 (with its finding and fix) under the
 * stock file, and after the fix the program by name moves to IPv6 while the literal one stays on
 * IPv4 as unknown. Then `stock` is fixed and its programs restarted: --compare shows the move.
 */
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { createServer, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';

import { analyzeGaiConf } from '../../server/src/analysis/analysis';
import { applyEdits } from '../../server/src/features/codeActions/edits';
import { ulaFixes } from '../../server/src/features/codeActions/ulaFixes';
import type { Census, NamespaceCensus, ProcessCensus } from '../../server/src/features/connections/census';
import type { Comparison } from '../../server/src/features/connections/report';
import { parseGlibcVersion } from '../../server/src/glibc/versions';
import { LxdFixture, lxdUnavailable, run } from '../support/lxd';
import { testNeeding } from '../support/prerequisites';
import { repoRoot } from '../support/repository';

const skip = lxdUnavailable();
const fixture = new LxdFixture();
const GLIBC = parseGlibcVersion('2.36')!;
const STOCK = skip ? '' : readFileSync('/etc/gai.conf', 'utf8');
const FIXED = skip ? '' : applyEdits(STOCK, ulaFixes(analyzeGaiConf(STOCK, { glibc: GLIBC }))[0]!.edits);
const CLI = join(repoRoot(), 'dist', 'cli.js');
const NAME = 'dual.census.test';
/** Different counts per program and container, so that a count given to the wrong one shows. */
const COUNTS = { stock: { byname: 3, literal: 2 }, fixed: { byname: 4, literal: 1 } } as const;
type Short = keyof typeof COUNTS;
type Program = keyof (typeof COUNTS)['stock'];

/**
 * Opens $3 connections to $1 port $2 with bash's /dev/tcp, says "held", and holds them until its
 * standard input closes (the test ends it so). $0 is a marker by which the host finds its PID.
 */
const HOLD = [
  'for ((i = 0; i < $3; i++)); do exec {fd}<>"/dev/tcp/$1/$2" || exit 3; done',
  'echo held',
  'read -r -t 900 _ || true',
].join('\n');

let server: Server | undefined;
const accepted: Socket[] = [];
let port = 0;
const holders = new Map<string, ChildProcess>();
const scratch = mkdtempSync(join(tmpdir(), 'gai-census-lxd-'));

/** The host PID of the process in network namespace `net` whose command line carries `marker` (lxc's own client has it too). */
function pidOf(marker: string, net: string): number {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (
        readFileSync(`/proc/${name}/cmdline`, 'latin1').split('\0').includes(marker) &&
        readlinkSync(`/proc/${name}/ns/net`) === net
      )
        return Number(name);
    } catch {
      // exited, or not readable
    }
  }
  throw new Error(`no process has ${marker} in its command line`);
}

/** Starts (or restarts) one holding program in a container; resolves with its host PID once its connections are open. */
async function hold(short: Short, program: Program, count: number): Promise<number> {
  const key = `${short}/${program}`;
  holders.get(key)?.stdin?.end();
  const marker = `${fixture.runName}-${short}-${program}-${Date.now()}`;
  const destination = program === 'byname' ? NAME : fixture.ipv4Destination;
  const child = spawn(
    '/usr/bin/lxc',
    ['exec', fixture.nameOf(short), '--', '/bin/bash', '-c', HOLD, marker, destination, String(port), String(count)],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  holders.set(key, child);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${key} did not connect within 30 s: ${output}`)), 30_000);
    child.stdout!.on('data', () => {
      if (output.includes('held')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${key} exited (${code}) before holding its connections: ${output}`));
    });
  });
  return pidOf(marker, readlinkSync(`/proc/${fixture.containers.get(short)!.pid}/ns/net`));
}

async function census(...args: string[]): Promise<unknown> {
  const result = await run(process.execPath, [CLI, 'connections', '--json', ...args], { timeoutMs: 60_000 });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

function namespaceOf(c: Census, short: Short): NamespaceCensus {
  const name = fixture.nameOf(short);
  const ns = c.namespaces.find((n) => n.container === name);
  assert.ok(ns, `the census names ${name}: ${c.namespaces.map((n) => n.container).join(', ')}`);
  return ns;
}

function processOf(ns: NamespaceCensus, pid: number): ProcessCensus {
  const p = ns.processes.find((x) => x.pid === pid);
  assert.ok(p, `process ${pid} in ${ns.container}: ${ns.processes.map((x) => `${x.pid} ${x.exe}`).join(', ')}`);
  return p;
}

const pids = new Map<string, number>();

before(
  async () => {
    if (skip) return;
    await fixture.start({ containers: Object.keys(COUNTS) });
    server = createServer((socket) => {
      socket.on('error', () => undefined);
      accepted.push(socket);
    });
    // One port on both of the bridge's addresses: the dual-stacked server, on this run's own addresses only.
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen({ host: fixture.globalDestination, port: 0 }, () => resolve());
    });
    port = (server.address() as { port: number }).port;
    const second = createServer((socket) => server!.emit('connection', socket));
    await new Promise<void>((resolve, reject) => {
      second.once('error', reject);
      second.listen({ host: fixture.ipv4Destination, port }, () => resolve());
    });
    server.on('close', () => second.close());
    const hosts = `127.0.0.1\tlocalhost\n::1\tlocalhost\n${fixture.globalDestination}\t${NAME}\n${fixture.ipv4Destination}\t${NAME}\n`;
    for (const short of Object.keys(COUNTS) as Short[]) {
      await fixture.pushFile(short, '/etc/hosts', hosts);
      await fixture.pushFile(short, '/etc/gai.conf', short === 'stock' ? STOCK : FIXED);
      for (const program of ['byname', 'literal'] as const)
        pids.set(`${short}/${program}`, await hold(short, program, COUNTS[short][program]));
    }
  },
  { timeout: 600_000 },
);

after(
  async () => {
    for (const child of holders.values()) child.stdin?.end();
    for (const socket of accepted) socket.destroy();
    server?.close();
    if (!skip) await fixture.teardown();
    rmSync(scratch, { recursive: true, force: true });
  },
  { timeout: 180_000 },
);

testNeeding(
  skip,
  'the census on an LXD host counts each container program by family, with the reason glibc gives it',
  { timeout: 120_000 },
  async () => {
    const c = (await census()) as Census;
    const peer4 = `${fixture.ipv4Destination}:${port}`;
    const peer6 = `[${fixture.globalDestination}]:${port}`;

    const stock = namespaceOf(c, 'stock');
    assert.equal(stock.namespace, readlinkSync(`/proc/${fixture.containers.get('stock')!.pid}/ns/net`));
    // Read as the /proc source reads a container's file: through its init's root, never a host path.
    const stockFile = `/proc/${fixture.containers.get('stock')!.pid}/root/etc/gai.conf`;
    assert.equal(stock.gaiConf, stockFile);
    assert.ok(
      stock.addresses.some((a) => a.startsWith(fixture.containers.get('stock')!.ula)),
      stock.addresses.join(),
    );
    assert.deepEqual(stock.defaultRoutes, { ipv4: true, ipv6: true });
    assert.ok(stock.bytesMeasured, 'as root, ss entered the container to read the byte counters');
    for (const program of ['byname', 'literal'] as const) {
      const p = processOf(stock, pids.get(`stock/${program}`)!);
      assert.equal(p.exe, '/usr/bin/bash');
      assert.equal(p.followsFile, true, 'bash is linked against the container glibc, which reads its gai.conf');
      assert.deepEqual(
        [p.ipv4.connections, p.ipv6.connections],
        [COUNTS.stock[program], 0],
        `stock ${program}: IPv4 first under Debian's file`,
      );
      for (const connection of p.connections) {
        assert.equal(connection.peer, peer4);
        assert.equal(connection.reason?.code, 'file-prefers-ipv4', JSON.stringify(connection.reason));
        assert.equal(connection.reason?.finding, 'ula-demoted');
        assert.match(connection.reason!.text, new RegExp(`container ${fixture.nameOf('stock')}`));
        assert.ok(
          connection.reason!.fix?.startsWith(
            `Quick fix on container ${fixture.nameOf('stock')}'s /etc/gai.conf (${stockFile}): `,
          ),
          connection.reason!.fix ?? 'no fix',
        );
      }
    }
    assert.equal(stock.share.connections, 0);

    const fixed = namespaceOf(c, 'fixed');
    const byname = processOf(fixed, pids.get('fixed/byname')!);
    assert.deepEqual([byname.ipv4.connections, byname.ipv6.connections], [0, COUNTS.fixed.byname]);
    assert.ok(byname.connections.every((x) => x.peer === peer6 && x.family === 'ipv6' && !x.reason));
    const literal = processOf(fixed, pids.get('fixed/literal')!);
    assert.deepEqual([literal.ipv4.connections, literal.ipv6.connections], [COUNTS.fixed.literal, 0]);
    for (const connection of literal.connections) {
      assert.equal(connection.peer, peer4);
      // The file puts IPv6 first there: an IPv4 connection is the program's choice or a destination without IPv6.
      assert.equal(connection.reason?.code, 'unknown', JSON.stringify(connection.reason));
      assert.equal(connection.reason?.fix, null);
    }
    const share = COUNTS.fixed.byname / (COUNTS.fixed.byname + COUNTS.fixed.literal);
    assert.equal(fixed.share.connections, share);

    // The host sees the server's side: accepted connections, IPv4 ones marked inbound.
    const host = c.namespaces.find((n) => n.container === null)!;
    const serverSide = host.processes.find((p) => p.pid === process.pid);
    assert.ok(serverSide, 'the test itself holds the server side on the host');
    const acceptedOverIpv4 = serverSide.connections.filter((x) => x.family === 'ipv4' && x.local === peer4);
    assert.equal(acceptedOverIpv4.length, COUNTS.stock.byname + COUNTS.stock.literal + COUNTS.fixed.literal);
    assert.ok(acceptedOverIpv4.every((x) => x.inbound && x.reason?.code === 'inbound'));
  },
);

testNeeding(
  skip,
  '--compare after fixing a container and restarting its programs: the program by name moves, the literal stays',
  { timeout: 180_000 },
  async () => {
    const saved = join(scratch, 'before.json');
    await census('--save', saved);
    await fixture.pushFile('stock', '/etc/gai.conf', FIXED);
    // glibc reads gai.conf once per process: the programs are restarted, as the README says to.
    for (const program of ['byname', 'literal'] as const)
      pids.set(`stock/${program}`, await hold('stock', program, COUNTS.stock[program]));
    const comparison = (await census('--compare', saved)) as Comparison;
    const name = fixture.nameOf('stock');
    const containerRow = comparison.rows.find((r) => r.container === name && r.program === null);
    assert.ok(containerRow, JSON.stringify(comparison.rows));
    const total = COUNTS.stock.byname + COUNTS.stock.literal;
    const counts = (s: Comparison['rows'][number]['before']) => [s.connections, s.ipv4, s.ipv6];
    assert.deepEqual(counts(containerRow.before), [0, total, 0]);
    assert.deepEqual(counts(containerRow.after), [
      COUNTS.stock.byname / total,
      COUNTS.stock.literal,
      COUNTS.stock.byname,
    ]);
    const remaining = comparison.remaining.filter((r) => r.container === name);
    assert.equal(remaining.length, COUNTS.stock.literal);
    assert.ok(remaining.every((r) => r.pid === pids.get('stock/literal') && r.connection.reason?.code === 'unknown'));
    // The container that was fixed all along did not move.
    const fixedRow = comparison.rows.find((r) => r.container === fixture.nameOf('fixed') && r.program === null)!;
    assert.deepEqual([fixedRow.before.ipv6, fixedRow.after.ipv6], [COUNTS.fixed.byname, COUNTS.fixed.byname]);
  },
);
