/**
 * Container discovery and verdicts judged by real glibc inside real namespaces. Each scenario is a
 * bare-namespace "container" this test starts (`unshare --mount --net --pid --fork`), with its own
 * /etc (a temporary folder bind-mounted over /etc inside the namespace only), its own addresses and
 * routes. One /proc scan finds them (others on the machine are left alone: ours are picked by
 * PID); each verdict for global IPv6 vs IPv4 must match what `getent ahosts` run inside the
 * container (its glibc, its gai.conf, its addresses) does with a dual-stacked name in both
 * orders of the answers.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { applyEdits } from '../../server/src/features/codeActions/edits';
import { fixesFor } from '../../server/src/features/codeActions/quickFixes';
import { judgeContainer } from '../../server/src/features/containerVerdict';
import { discoverContainers } from '../../server/src/system/containers/discovery';
import { procSource } from '../../server/src/system/containers/procSource';
import type { DiscoveredContainer } from '../../server/src/system/containers/model';
import { analyze } from '../support/glibc';
import { orderOracleUnavailable } from '../support/namespaceResolver';

const run = promisify(execFile);
const ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };
const STOCK_PATH = '/etc/gai.conf';
const IPV6_FIRST_NAME = 'dual-v6first.test';
const IPV4_FIRST_NAME = 'dual-v4first.test';

interface Address { family: 4 | 6; address: string; prefixLength: number }
type FileKind = 'stock' | 'ula-fix' | 'prefer-ipv4' | 'none';
interface Scenario { kind: string; addresses: Address[]; ipv6Route: boolean; file: FileKind }

const IPV4: Address = { family: 4, address: '10.0.0.2', prefixLength: 24 };
const ULA: Address = { family: 6, address: 'fd42::2', prefixLength: 64 };
const GLOBAL: Address = { family: 6, address: '2001:db8:2::2', prefixLength: 64 };
const KINDS: Record<string, Address[]> = { 'ULA only': [ULA, IPV4], 'ULA and global': [ULA, GLOBAL, IPV4], global: [GLOBAL, IPV4], 'IPv4 only': [IPV4] };

function scenarios(): Scenario[] {
  const all: Scenario[] = [];
  for (const kind of ['ULA only', 'ULA and global', 'global']) {
    for (const file of ['stock', 'ula-fix', 'prefer-ipv4', 'none'] as const) all.push({ kind, addresses: KINDS[kind], ipv6Route: true, file });
    for (const file of ['stock', 'ula-fix'] as const) all.push({ kind, addresses: KINDS[kind], ipv6Route: false, file });
  }
  for (const file of ['stock', 'prefer-ipv4'] as const) all.push({ kind: 'IPv4 only', addresses: KINDS['IPv4 only'], ipv6Route: false, file });
  return all;
}

function fileText(kind: FileKind, stock: string): string | undefined {
  switch (kind) {
    case 'none': return undefined;
    case 'stock': return stock;
    case 'prefer-ipv4': return `${stock}${stock.endsWith('\n') ? '' : '\n'}precedence ::ffff:0:0/96 100\n`;
    case 'ula-fix': {
      // What the editor's quick fix writes: glibc's label rows with fc00::/7 given the global label.
      const analysis = analyze(stock);
      const finding = analysis.findings.find((f) => f.code === 'ula-demoted');
      assert.ok(finding, 'the stock file has the ula-demoted finding');
      const fix = fixesFor(analysis, finding).find((f) => f.title.includes('fc00::/7 the global label 1'));
      assert.ok(fix, 'the quick fix that keeps glibc\'s labels is offered for the stock file');
      return applyEdits(stock, fix.edits);
    }
  }
}

interface Started { scenario: Scenario; child: ChildProcess; pid: number; etc: string }

function waitForReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the namespace did not start: ${output}`)), 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the namespace exited (${code}): ${output}`));
    });
  });
}

async function start(scenario: Scenario, stock: string): Promise<Started> {
  const etc = mkdtempSync(join(tmpdir(), 'gai-container-etc-'));
  writeFileSync(join(etc, 'hosts'), `127.0.0.1 localhost\n2001:db8:1::10 ${IPV6_FIRST_NAME}\n198.51.100.10 ${IPV6_FIRST_NAME}\n198.51.100.10 ${IPV4_FIRST_NAME}\n2001:db8:1::10 ${IPV4_FIRST_NAME}\n`);
  // Without `multi on` glibc's files backend returns only the first line of a name.
  writeFileSync(join(etc, 'host.conf'), 'multi on\n');
  writeFileSync(join(etc, 'nsswitch.conf'), 'hosts: files\n');
  if (existsSync('/etc/ld.so.cache')) copyFileSync('/etc/ld.so.cache', join(etc, 'ld.so.cache'));
  const text = fileText(scenario.file, stock);
  if (text !== undefined) writeFileSync(join(etc, 'gai.conf'), text);
  const child = spawn('unshare', ['--mount', '--net', '--pid', '--fork', '--mount-proc', '--kill-child', 'sh', '-c', `mount --bind '${etc}' /etc && echo ready && exec sleep 600`], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  const started = { scenario, child, pid: child.pid!, etc };
  try {
    await waitForReady(child);
    const ip = (...args: string[]) => run('nsenter', ['-t', String(started.pid), '-n', 'ip', ...args], { env: ENV });
    await ip('link', 'set', 'lo', 'up');
    await ip('link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'p0');
    for (const dev of ['d0', 'p0']) await ip('link', 'set', dev, 'addrgenmode', 'none');
    for (const dev of ['d0', 'p0']) await ip('link', 'set', dev, 'up');
    for (const a of scenario.addresses) {
      if (a.family === 4) await ip('addr', 'add', `${a.address}/${a.prefixLength}`, 'dev', 'd0');
      else await ip('-6', 'addr', 'add', `${a.address}/${a.prefixLength}`, 'dev', 'd0', 'nodad');
    }
    await ip('route', 'add', 'default', 'dev', 'd0');
    if (scenario.ipv6Route) await ip('-6', 'route', 'add', 'default', 'dev', 'd0');
  } catch (error) {
    stop(started);
    throw error;
  }
  return started;
}

function stop(started: Started): void {
  started.child.kill('SIGKILL');
  rmSync(started.etc, { recursive: true, force: true });
}

/** The family real glibc lists first for `name`, inside the container. */
async function firstFamily(pid: number, name: string): Promise<4 | 6> {
  const { stdout } = await run('nsenter', ['-t', String(pid), '-m', '-n', 'getent', 'ahosts', name], { env: ENV });
  const first = stdout.split('\n')[0].split(/\s+/)[0];
  assert.ok(first, `getent ahosts ${name} printed nothing`);
  return first.includes(':') ? 6 : 4;
}

async function glibcChoice(pid: number): Promise<'ipv6' | 'ipv4' | 'dns-order'> {
  const [a, b] = await Promise.all([firstFamily(pid, IPV6_FIRST_NAME), firstFamily(pid, IPV4_FIRST_NAME)]);
  return a === 6 && b === 6 ? 'ipv6' : a === 4 && b === 4 ? 'ipv4' : 'dns-order';
}

function describe(s: Scenario): string {
  return `${s.kind}, ${s.ipv6Route ? 'an' : 'no'} IPv6 default route, ${s.file} file`;
}

const unavailable = orderOracleUnavailable();

test('every bare-namespace container is found with its addresses and routes, and judged as its glibc orders', { skip: unavailable ?? false, timeout: 120_000 }, async () => {
  const stock = readFileSync(STOCK_PATH, 'utf8');
  const started: Started[] = [];
  try {
    // A few at a time: two cores are shared.
    const all = scenarios();
    for (let i = 0; i < all.length; i += 4) {
      const batch = await Promise.allSettled(all.slice(i, i + 4).map((s) => start(s, stock)));
      for (const result of batch) if (result.status === 'fulfilled') started.push(result.value);
      const failed = batch.find((result) => result.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    }
    const scan = await discoverContainers([procSource()]);
    const failures: string[] = [];
    const seen = new Set<string>();
    for (const ours of started) {
      const where = describe(ours.scenario);
      const container: DiscoveredContainer | undefined = scan.containers.find((c) => c.pid === ours.pid);
      if (!container) {
        failures.push(`${where}: not found (PID ${ours.pid})`);
        continue;
      }
      assert.equal(container.runtime, 'namespace', where);
      const addresses = container.addresses.map((a) => `${a.family} ${a.address}/${a.prefixLength} ${a.interface}`).sort();
      assert.deepEqual(addresses, ours.scenario.addresses.map((a) => `${a.family} ${a.address}/${a.prefixLength} d0`).sort(), `${where}: addresses`);
      assert.deepEqual(container.routes, { ipv4: true, ipv6: ours.scenario.ipv6Route }, `${where}: default routes`);
      const expectedText = fileText(ours.scenario.file, stock);
      if (expectedText === undefined) assert.equal(container.gaiConf.state, 'absent', where);
      else assert.ok(container.gaiConf.state === 'present' && container.gaiConf.content === expectedText, `${where}: the container's own gai.conf is read`);
      assert.equal(container.libc.kind, 'glibc', where);
      const verdict = judgeContainer(container);
      const model = verdict.globalFirst === 'ipv4-only' ? 'ipv4' : verdict.globalFirst;
      const real = await glibcChoice(ours.pid);
      seen.add(`${ours.scenario.kind} ${ours.scenario.file} ${ours.scenario.ipv6Route}: ${real}`);
      if (model !== real) failures.push(`${where}: the verdict says ${verdict.globalFirst} (${verdict.reason ?? 'no reason'}), real glibc inside says ${real}`);
    }
    assert.deepEqual(failures, []);
    // The scenarios must make glibc choose both ways, or the comparison proves little.
    assert.ok([...seen].some((s) => s.endsWith(': ipv6')) && [...seen].some((s) => s.endsWith(': ipv4')), [...seen].join('\n'));
    assert.ok(seen.has('ULA only stock true: ipv4') && seen.has('ULA only ula-fix true: ipv6'), [...seen].join('\n'));
  } finally {
    for (const s of started) stop(s);
  }
});
