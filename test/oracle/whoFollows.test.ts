/**
 * "Who follows this file?" against processes this test starts itself: Go binaries with and without
 * cgo (and GODEBUG=netdns=cgo), musl static and dynamic, static and dynamic glibc, Java with and
 * without the property (on the command line and in JAVA_TOOL_OPTIONS), Node with ipv4first, and a
 * process started before the file changed next to one started after, through `gai-conf who-follows`
 * in a mount namespace whose /etc/gai.conf the test really changes.
 */
import assert from 'node:assert/strict';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { RuntimeId } from '../../server/src/analysis/reference/runtimes';
import { classifyProcess, whoFollowsReport } from '../../server/src/features/whoFollows';
import { installedPrograms } from '../../server/src/system/installedRuntimes';
import { modifiedAtMs, scanProcesses } from '../../server/src/system/processes';
import { findExecutable } from '../support/executables';
import { orderOracleUnavailable, withOracleNamespace } from '../support/namespaceResolver';
import { lacks, testNeeding } from '../support/prerequisites';
import { cliBundleFiles } from '../support/repository';
import { buildRuntimePrograms, Built } from './runtimePrograms';

interface Subject {
  label: string;
  product?: string;
  argv: (built: Built) => string[];
  env?: Record<string, string>;
  runtime: RuntimeId | null;
  follows: boolean;
}

const java = findExecutable('java');
const SUBJECTS: Subject[] = [
  {
    label: 'Go, cgo build',
    product: 'dial-cgo',
    argv: (b) => [path.join(b.dir, 'dial-cgo'), '-sleep'],
    runtime: 'go-pure',
    follows: false,
  },
  {
    label: 'Go, cgo build, GODEBUG=netdns=cgo',
    product: 'dial-cgo',
    argv: (b) => [path.join(b.dir, 'dial-cgo'), '-sleep'],
    env: { GODEBUG: 'netdns=cgo' },
    runtime: 'go-cgo',
    follows: true,
  },
  {
    label: 'Go, cgo build, LOCALDOMAIN set',
    product: 'dial-cgo',
    argv: (b) => [path.join(b.dir, 'dial-cgo'), '-sleep'],
    env: { LOCALDOMAIN: '' },
    runtime: 'go-cgo-fallback',
    follows: true,
  },
  {
    label: 'Go, cgo build, GODEBUG=netdns=go and LOCALDOMAIN set',
    product: 'dial-cgo',
    argv: (b) => [path.join(b.dir, 'dial-cgo'), '-sleep'],
    env: { GODEBUG: 'netdns=go', LOCALDOMAIN: '' },
    runtime: 'go-pure',
    follows: false,
  },
  {
    label: 'Go, CGO_ENABLED=0',
    product: 'dial-static',
    argv: (b) => [path.join(b.dir, 'dial-static'), '-sleep'],
    env: { GODEBUG: 'netdns=cgo' },
    runtime: 'go-static',
    follows: false,
  },
  {
    label: 'musl, static',
    product: 'connect-musl',
    argv: (b) => [path.join(b.dir, 'connect-musl'), '-sleep'],
    runtime: null,
    follows: false,
  },
  {
    label: 'musl, dynamic',
    product: 'connect-musl-dynamic',
    argv: (b) => [path.join(b.dir, 'connect-musl-dynamic'), '-sleep'],
    runtime: 'musl',
    follows: false,
  },
  {
    label: 'glibc, static',
    product: 'connect-glibc-static',
    argv: (b) => [path.join(b.dir, 'connect-glibc-static'), '-sleep'],
    runtime: 'glibc-static',
    follows: true,
  },
  {
    label: 'glibc, dynamic',
    product: 'connect-glibc',
    argv: (b) => [path.join(b.dir, 'connect-glibc'), '-sleep'],
    runtime: 'glibc-dynamic',
    follows: true,
  },
  {
    label: 'Java, no property',
    product: 'Client.class',
    argv: (b) => [java!, '-cp', b.dir, 'Client', '-sleep'],
    runtime: 'java-default',
    follows: false,
  },
  {
    label: 'Java, =system on the command line',
    product: 'Client.class',
    argv: (b) => [java!, '-Djava.net.preferIPv6Addresses=system', '-cp', b.dir, 'Client', '-sleep'],
    runtime: 'java-system',
    follows: true,
  },
  {
    label: 'Java, =system in JAVA_TOOL_OPTIONS',
    product: 'Client.class',
    argv: (b) => [java!, '-cp', b.dir, 'Client', '-sleep'],
    env: { JAVA_TOOL_OPTIONS: '-Djava.net.preferIPv6Addresses=system' },
    runtime: 'java-system',
    follows: true,
  },
  {
    label: 'Java, =true',
    product: 'Client.class',
    argv: (b) => [java!, '-Djava.net.preferIPv6Addresses=true', '-cp', b.dir, 'Client', '-sleep'],
    runtime: 'java-prefer-ipv6',
    follows: false,
  },
  {
    label: 'Node, --dns-result-order=ipv4first',
    argv: () => [process.execPath, '--dns-result-order=ipv4first', '-e', 'setTimeout(() => {}, 60000)'],
    runtime: 'node-ipv4first',
    follows: false,
  },
  {
    label: 'Node, ipv4first in NODE_OPTIONS',
    argv: () => [process.execPath, '-e', 'setTimeout(() => {}, 60000)'],
    env: { NODE_OPTIONS: '--dns-result-order=ipv4first' },
    runtime: 'node-ipv4first',
    follows: false,
  },
  {
    label: 'Node, default',
    argv: () => [process.execPath, '-e', 'setTimeout(() => {}, 60000)'],
    runtime: 'node',
    follows: true,
  },
];

function start(argv: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(argv[0]!, argv.slice(1), {
    stdio: 'ignore',
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env },
  });
  child.on('error', () => {});
  return child;
}

test(
  'who follows: each kind of process this test starts is classified as the runtime table says',
  { timeout: 240_000 },
  async (t) => {
    const built = buildRuntimePrograms();
    const children: ChildProcess[] = [];
    try {
      const started: { subject: Subject; pid: number }[] = [];
      for (const subject of SUBJECTS) {
        if (
          subject.product &&
          built.missing.has(subject.product) &&
          lacks(t, `${built.missing.get(subject.product)} (for ${subject.label})`)
        )
          continue;
        if (subject.argv(built)[0] === null && lacks(t, `java (for ${subject.label})`)) continue;
        const child = start(subject.argv(built), subject.env);
        children.push(child);
        started.push({ subject, pid: child.pid! });
      }
      await sleep(1500); // the JVMs have parsed their options, every exec has happened
      const installed = installedPrograms();
      const report = whoFollowsReport({
        liveFile: { path: '/etc/gai.conf', modifiedAtMs: 0, reload: false },
        installed,
        scan: scanProcesses(),
        modifiedAtMs,
      });
      for (const { subject, pid } of started) {
        const listed = report.processes.find((p) => p.pid === pid);
        if (subject.follows)
          assert.equal(
            listed,
            undefined,
            `${subject.label} (pid ${pid}) follows the file and started after it changed: not listed, got ${JSON.stringify(listed)}`,
          );
        else {
          assert.ok(listed, `${subject.label} (pid ${pid}) does not follow the file: listed`);
          assert.equal(listed.runtime, subject.runtime, subject.label);
          assert.equal(listed.followsFile, false, subject.label);
          t.diagnostic(`${subject.label}: ${listed.reason}`);
        }
      }
      // The followers, seen through the classification itself (they are not listed when current).
      const scan = scanProcesses();
      for (const { subject, pid } of started.filter((s) => s.subject.follows)) {
        const facts = scan.processes.find((p) => p.pid === pid);
        assert.ok(facts?.elf, `${subject.label} (pid ${pid}) inspected`);
        assert.equal(classifyProcess({ ...facts, elf: facts.elf }, installed).runtime, subject.runtime, subject.label);
      }
    } finally {
      for (const c of children) c.kill('SIGKILL');
      fs.rmSync(built.dir, { recursive: true, force: true });
    }
  },
);

test(
  'who follows: a glibc process started before the file changed is on the restart list, one started after is not, and reload yes empties the list',
  { timeout: 60_000 },
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gai-who-'));
    const file = path.join(dir, 'gai.conf');
    const sleeper = findExecutable('sleep')!;
    const before = start([sleeper, '60']);
    try {
      await sleep(100);
      fs.writeFileSync(file, 'precedence ::ffff:0:0/96 100\n');
      await sleep(100);
      const after = start([sleeper, '60']);
      try {
        await sleep(300);
        const changed = fs.statSync(file).mtimeMs;
        const scan = scanProcesses();
        const report = whoFollowsReport({
          liveFile: { path: '/etc/gai.conf', modifiedAtMs: changed, reload: false },
          installed: [],
          scan,
          modifiedAtMs,
        });
        assert.ok(
          report.restart.includes(before.pid!),
          `pid ${before.pid} started before the change: ${JSON.stringify(report.restart)}`,
        );
        assert.ok(!report.restart.includes(after.pid!), `pid ${after.pid} started after the change`);
        const listed = report.processes.find((p) => p.pid === before.pid);
        assert.equal(listed?.predatesFile, true);
        const reloading = whoFollowsReport({
          liveFile: { path: '/etc/gai.conf', modifiedAtMs: changed, reload: true },
          installed: [],
          scan,
          modifiedAtMs,
        });
        assert.deepEqual(reloading.restart, []);
      } finally {
        after.kill('SIGKILL');
      }
    } finally {
      before.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);

const CLI = path.join(__dirname, '..', '..', '..', 'dist', 'cli.js');

testNeeding(
  orderOracleUnavailable(),
  'gai-conf who-follows --json: after the live /etc/gai.conf changes, the process started before is on the restart list, the one after is not; reload yes empties it',
  { timeout: 60_000 },
  async () => {
    await withOracleNamespace({ addresses: [{ address: '10.0.0.2', prefixLength: 24 }] }, async (ns) => {
      const sleeper = findExecutable('sleep')!;
      ns.writeEtc('gai.conf', '# stock\n');
      const before = ns.spawn(sleeper, ['60']);
      try {
        await sleep(200);
        ns.writeEtc('gai.conf', 'precedence ::ffff:0:0/96 100\n'); // the same inode: the bind mount sees the change
        await sleep(200);
        const after = ns.spawn(sleeper, ['60']);
        try {
          await sleep(200);
          const report = JSON.parse(
            (await ns.exec(process.execPath, [CLI, 'who-follows', '--json'], 30_000)).stdout,
          ) as {
            restart: number[];
            liveFile: { reload: boolean };
            processes: { pid: number; predatesFile: boolean | null; followsFile: boolean; runtime: string }[];
          };
          assert.equal(report.liveFile.reload, false);
          assert.ok(
            report.restart.includes(before.pid!),
            `pid ${before.pid} started before the change: ${JSON.stringify(report.restart)}`,
          );
          assert.ok(!report.restart.includes(after.pid!), `pid ${after.pid} started after the change`);
          assert.deepEqual(
            report.processes.find((p) => p.pid === before.pid),
            {
              ...report.processes.find((p) => p.pid === before.pid)!,
              predatesFile: true,
              followsFile: true,
              runtime: 'glibc-dynamic',
            },
          );
          ns.writeEtc('gai.conf', 'precedence ::ffff:0:0/96 100\nreload yes\n');
          const reloading = JSON.parse(
            (await ns.exec(process.execPath, [CLI, 'who-follows', '--json'], 30_000)).stdout,
          ) as typeof report;
          assert.equal(reloading.liveFile.reload, true);
          assert.deepEqual(reloading.restart, []);
        } finally {
          after.kill('SIGKILL');
        }
      } finally {
        before.kill('SIGKILL');
      }
    });
  },
);

testNeeding(
  process.getuid?.() === 0 && findExecutable('runuser')
    ? null
    : 'root and runuser (util-linux) to run the CLI as nobody',
  'gai-conf who-follows as an ordinary user: sees its own processes, counts the others as not inspected, says root shows all',
  { timeout: 60_000 },
  async () => {
    const rootProcess = start([findExecutable('sleep')!, '60']);
    try {
      await sleep(100);
      // A copy of the bundle nobody can read, wherever the checkout is.
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gai-who-nobody-'));
      fs.chmodSync(dir, 0o755);
      for (const file of cliBundleFiles()) {
        fs.copyFileSync(path.join(path.dirname(CLI), file), path.join(dir, file));
        fs.chmodSync(path.join(dir, file), 0o644);
      }
      const run = spawnSync(
        findExecutable('runuser')!,
        ['-u', 'nobody', '--', process.execPath, path.join(dir, 'cli.js'), 'who-follows', '--json'],
        { encoding: 'utf8', timeout: 30_000 },
      );
      fs.rmSync(dir, { recursive: true, force: true });
      assert.equal(run.status, 0, run.stderr);
      const report = JSON.parse(run.stdout) as {
        runningAsRoot: boolean;
        notInspected: number;
        processes: { pid: number }[];
        notes: string[];
      };
      assert.equal(report.runningAsRoot, false);
      assert.ok(report.notInspected > 0);
      assert.ok(!report.processes.some((p) => p.pid === rootProcess.pid), "root's process is not inspected by nobody");
      assert.match(
        report.notes.join('\n'),
        /could not be inspected \(other users' processes; running as root shows all\)/,
      );
    } finally {
      rootProcess.kill('SIGKILL');
    }
  },
);
