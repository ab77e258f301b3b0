/**
 * Real Podman (Debian's package, rootful, with runc), containers from the debootstrap image on an
 * IPv6-enabled Podman network with a ULA /64, real glibc inside each as the judge:
 *   stock     Debian's own /etc/gai.conf: IPv4 first from its ULA
 *   fixed     the ULA quick fix applied: IPv6 first
 *   noroute6  the fix, but no IPv6 default route: IPv4 first again (rule 1)
 * Discovery goes through Podman's API socket (the path of an ordinary user allowed on it, tested
 * below with `gai-conf containers --json` as such a user) and, as root, through /proc; each
 * verdict is compared with `getent ahosts` run inside the container by `podman exec`, on a name
 * listing a global IPv6 and an IPv4 address of this run's own bridge in both orders. Last, a
 * rootless container of an ordinary user, scanned by that user alone.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';

import { analyzeGaiConf } from '../../server/src/analysis/analysis';
import { applyEdits } from '../../server/src/features/codeActions/edits';
import { ulaFixes } from '../../server/src/features/codeActions/ulaFixes';
import { judgeContainer } from '../../server/src/features/containerVerdict';
import { parseGlibcVersion } from '../../server/src/glibc/versions';
import { discoverContainers } from '../../server/src/system/containers/discovery';
import { engineEndpoints } from '../../server/src/system/containers/engineApi';
import { dockerSource, podmanSource } from '../../server/src/system/containers/engineSource';
import { DiscoveredContainer } from '../../server/src/system/containers/model';
import { procSource } from '../../server/src/system/containers/procSource';
import { choiceFrom, dualStackHosts } from '../support/bareContainers';
import { hasTentativeAddress, run } from '../support/lxd';
import { PodmanFixture, podmanUnavailable, RootlessPodmanFixture } from '../support/podman';
import { testNeeding } from '../support/prerequisites';
import { repoRoot } from '../support/repository';

const skip = podmanUnavailable();
const fixture = skip ? undefined : new PodmanFixture();
const GLIBC = parseGlibcVersion('2.36')!;
const STOCK = skip ? '' : readFileSync('/etc/gai.conf', 'utf8');
const FIXED = skip ? '' : applyEdits(STOCK, ulaFixes(analyzeGaiConf(STOCK, { glibc: GLIBC }))[0]!.edits);
const FILES: Readonly<Record<string, string>> = { stock: STOCK, fixed: FIXED, noroute6: FIXED };
const EXPECTED: Readonly<Record<string, 'ipv6' | 'ipv4'>> = { stock: 'ipv4', fixed: 'ipv6', noroute6: 'ipv4' };
const NAMES = Object.keys(FILES);
const CLI = join(repoRoot(), 'dist', 'cli.js');
const TRIPWIRE = join(repoRoot(), 'out', 'test', 'security', 'tripwire.js');

let found: Map<string, DiscoveredContainer>;

before(
  async () => {
    if (!fixture) return;
    await fixture.start(NAMES);
    const hosts = dualStackHosts({ dual: { ipv6: fixture.globalDestination, ipv4: fixture.ipv4Destination } });
    for (const short of NAMES) {
      await fixture.writeFile(short, '/etc/hosts', hosts);
      await fixture.writeFile(short, '/etc/gai.conf', FILES[short]!);
    }
    // Podman's containers lack CAP_NET_ADMIN: the route goes from the host, in the container's namespace.
    const noroute = fixture.containers.get('noroute6')!;
    const deleted = await run('/usr/bin/nsenter', [
      '-t',
      String(noroute.pid),
      '-n',
      'ip',
      '-6',
      'route',
      'del',
      'default',
    ]);
    assert.equal(deleted.status, 0, deleted.stderr);
    for (const { pid } of fixture.containers.values()) {
      for (let i = 0; hasTentativeAddress(pid); i++) {
        if (i > 100) throw new Error(`an IPv6 address of ${pid} is still in duplicate address detection`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const discovered = await discoverContainers([
      podmanSource([{ runtime: 'podman', socketPath: fixture.socketPath }]),
    ]);
    found = new Map(discovered.containers.map((c) => [c.name, c]));
  },
  { timeout: 600_000 },
);

after(
  async () => {
    await fixture?.teardown();
  },
  { timeout: 180_000 },
);

/** The family real glibc inside the container puts first for a name, from `getent ahosts`. */
async function glibcFirst(short: string, name: string): Promise<4 | 6> {
  const result = await fixture!.exec(short, ['getent', 'ahosts', name]);
  assert.equal(result.status, 0, `getent ahosts ${name} in ${short}: ${result.stderr}`);
  return result.stdout.split(/\s+/)[0]!.includes(':') ? 6 : 4;
}

testNeeding(
  skip,
  "Podman's API finds every container of this run with its PID, image, addresses, glibc and gai.conf",
  {},
  () => {
    for (const short of NAMES) {
      const made = fixture!.containers.get(short)!;
      const container = found.get(made.name);
      assert.ok(container, `${made.name} found`);
      assert.equal(container.runtime, 'podman');
      assert.equal(container.source, 'podman');
      assert.equal(container.pid, made.pid);
      assert.equal(container.image, `${fixture!.image}:latest`);
      const addresses = container.addresses.map((a) => `${a.address}/${a.prefixLength}`);
      assert.ok(addresses.includes(`${made.ipv4}/24`), addresses.join());
      assert.ok(addresses.includes(`${made.ipv6}/64`), addresses.join());
      assert.deepEqual(container.libc, { kind: 'glibc', version: '2.36', path: '/lib/x86_64-linux-gnu/libc.so.6' });
      assert.equal(container.gaiConf.state === 'present' && container.gaiConf.content, FILES[short]);
      assert.equal(container.gaiConf.hostPath, `podman:${made.name}/etc/gai.conf`);
      assert.deepEqual(container.gaiConf.state === 'present' && container.gaiConf.owner, {
        uid: 0,
        gid: 0,
        mode: 0o644,
      });
      assert.deepEqual(container.routes, { ipv4: true, ipv6: short !== 'noroute6' });
    }
  },
);

testNeeding(
  skip,
  "Docker's API: the same calls to dockerd's socket find the same containers under Docker's name (Podman's service answers them here)",
  {},
  async () => {
    // No dockerd can run on this machine; Podman's service serves the Docker Engine API these calls use.
    const asDocker = await discoverContainers([dockerSource([{ runtime: 'docker', socketPath: fixture!.socketPath }])]);
    for (const short of NAMES) {
      const made = fixture!.containers.get(short)!;
      const container = asDocker.containers.find((c) => c.name === made.name);
      assert.ok(container, `${made.name} found through Docker's API`);
      assert.equal(container.runtime, 'docker');
      assert.equal(container.pid, made.pid);
      assert.equal(container.gaiConf.hostPath, `docker:${made.name}/etc/gai.conf`);
      assert.equal(container.gaiConf.state === 'present' && container.gaiConf.content, FILES[short]);
      assert.equal(judgeContainer(container).globalFirst, EXPECTED[short], short);
    }
    // Where each daemon's client looks: its own variable first, then the system's socket, then a rootless user's.
    assert.deepEqual(
      engineEndpoints({ DOCKER_HOST: 'unix:///srv/d.sock', XDG_RUNTIME_DIR: '/run/user/1000' })
        .filter((e) => e.runtime === 'docker')
        .map((e) => e.socketPath),
      ['/srv/d.sock', '/var/run/docker.sock', '/run/user/1000/docker.sock'],
    );
  },
);

testNeeding(
  skip,
  'as root, /proc finds the same Podman containers, named by conmon, with the same files',
  {},
  async () => {
    const { containers } = await discoverContainers([procSource()]);
    for (const short of NAMES) {
      const fromApi = found.get(fixture!.nameOf(short))!;
      const fromProc = containers.find((c) => c.pid === fromApi.pid);
      assert.ok(fromProc, `${fromApi.name} found in /proc`);
      assert.equal(fromProc.runtime, 'podman');
      assert.equal(fromProc.name, fromApi.name);
      assert.equal(fromProc.image, fromApi.image);
      assert.deepEqual(fromProc.libc.kind === 'glibc' && fromProc.libc.version, '2.36');
      assert.equal(fromProc.gaiConf.state === 'present' && fromProc.gaiConf.content, FILES[short]);
      assert.deepEqual(fromProc.addresses, fromApi.addresses);
      assert.deepEqual(fromProc.routes, fromApi.routes);
    }
  },
);

for (const short of NAMES) {
  testNeeding(
    skip,
    `${short}: the verdict is what real glibc inside the Podman container does, with both orders of the answers`,
    {},
    async () => {
      const verdict = judgeContainer(found.get(fixture!.nameOf(short))!);
      const glibcSays = choiceFrom(
        await glibcFirst(short, 'dual-v6first.test'),
        await glibcFirst(short, 'dual-v4first.test'),
      );
      assert.deepEqual([verdict.globalFirst, glibcSays], [EXPECTED[short], EXPECTED[short]], 'ours, then glibc inside');
      const codes = verdict.findings.map((f) => f.code);
      assert.equal(codes.includes('ula-demoted'), short === 'stock', codes.join());
    },
  );
}

interface CliReport {
  containers: {
    name: string;
    runtime: string;
    source: string;
    globalFirst: string;
    findings: { code: string; message: string }[];
  }[];
  unreadable: { what: string; reason: string; remedy: string }[];
}

/** `gai-conf containers --json` as an ordinary user, with Podman's client address pointing at this run's service. */
function cliAs(user: string, preload: string[] = []): { status: number | null; report: CliReport; stderr: string } {
  const result = spawnSync(
    '/usr/sbin/runuser',
    [
      '-u',
      user,
      '--',
      'env',
      `CONTAINER_HOST=unix://${fixture!.socketPath}`,
      process.execPath,
      ...preload,
      CLI,
      'containers',
      '--json',
      '--fail-on',
      'none',
    ],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  return { status: result.status, report: JSON.parse(result.stdout || '{}') as CliReport, stderr: result.stderr };
}

testNeeding(
  skip,
  "an ordinary user given Podman's socket sees every container and its findings with `gai-conf containers --json`; one not given it is told why",
  {},
  () => {
    const user = `gaicp${process.pid.toString(36)}u`;
    const added = spawnSync('useradd', ['-M', '-U', '-s', '/bin/sh', user], { encoding: 'utf8' });
    assert.equal(added.status, 0, added.stderr);
    try {
      const gid = Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim());
      chmodSync(fixture!.scratch, 0o711);
      chownSync(fixture!.socketPath, 0, gid);
      chmodSync(fixture!.socketPath, 0o660);
      // test/security/tripwire.ts watching: Podman's API and /proc are all it touches; nothing is started.
      const allowed = cliAs(user, ['--require', TRIPWIRE]);
      assert.equal(allowed.status, 0, allowed.stderr);
      const trips = [...allowed.stderr.matchAll(/^TRIPWIRE(?:-EXEC)? (.*)$/gm)].map((m) => m[1]!);
      assert.ok(trips.includes('http.request'), 'the tripwire saw the API calls (else it watched nothing)');
      assert.deepEqual(
        trips.filter((t) => t !== 'http.request' && !t.endsWith('/proc/PID')),
        [],
        allowed.stderr.slice(0, 3000),
      );
      const mine = allowed.report.containers.filter((c) => c.name.startsWith(fixture!.runName));
      assert.deepEqual(mine.map((c) => c.name).sort(), NAMES.map((n) => fixture!.nameOf(n)).sort());
      for (const container of mine) {
        const short = container.name.slice(fixture!.runName.length + 1);
        assert.equal(container.source, 'podman', 'read through the API: this user cannot read /proc/PID/root');
        assert.equal(container.globalFirst, EXPECTED[short]);
      }
      const stock = mine.find((c) => c.name === fixture!.nameOf('stock'))!;
      assert.ok(
        stock.findings.some((f) => f.code === 'ula-demoted'),
        JSON.stringify(stock.findings),
      );

      chmodSync(fixture!.socketPath, 0o600);
      const refused = cliAs(user);
      assert.equal(refused.status, 0, refused.stderr);
      assert.ok(!refused.report.containers.some((c) => c.name.startsWith(fixture!.runName)));
      const told = refused.report.unreadable.find((u) => u.what.includes(fixture!.socketPath));
      assert.ok(told, JSON.stringify(refused.report.unreadable));
      assert.match(told.reason, /may not use/);
      assert.match(told.remedy, /Podman's socket/);
    } finally {
      spawnSync('userdel', [user]);
    }
  },
);

testNeeding(
  skip,
  "rootless: an ordinary user's own Podman container, named by Podman's API beside /proc, judged as glibc inside it orders",
  { timeout: 300_000 },
  async () => {
    const rootless = new RootlessPodmanFixture();
    try {
      await rootless.start(() => ({
        'gai.conf': STOCK,
        hosts: dualStackHosts({ dual: { ipv6: rootless.globalDestination, ipv4: rootless.ipv4Destination } }),
      }));
      const [file, ...args] = rootless.asUser([process.execPath, CLI, 'containers', '--json', '--fail-on', 'none']);
      const scanned = spawnSync(file!, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
      assert.equal(scanned.status, 0, scanned.stderr);
      const report = JSON.parse(scanned.stdout) as {
        containers: {
          name: string;
          runtime: string;
          image?: string;
          pid: number;
          libc: { kind: string; version?: string };
          gaiConf: { state: string; content?: string };
          addresses: { address: string; prefixLength: number }[];
          globalFirst: string;
          findings: { code: string; message: string }[];
        }[];
      };
      const [mine, ...more] = report.containers.filter((c) => c.pid === rootless.pid);
      assert.ok(mine, `the user's container (PID ${rootless.pid}) is listed: ${scanned.stdout.slice(0, 2000)}`);
      assert.equal(more.length, 0, 'listed once, though /proc and the API both found it');
      assert.deepEqual(
        [mine.name, mine.runtime, mine.image],
        [rootless.name, 'podman', `${rootless.image}:latest`],
        JSON.stringify(report.containers.map((c) => [c.name, c.runtime, c.pid])),
      );
      assert.deepEqual([mine.libc.kind, mine.libc.version], ['glibc', '2.36']);
      assert.equal(mine.gaiConf.content, STOCK);
      const addresses = mine.addresses.map((a) => `${a.address}/${a.prefixLength}`);
      assert.ok(
        addresses.includes(`${rootless.ula}/64`) && addresses.includes(`${rootless.ipv4}/24`),
        addresses.join(),
      );
      const real: (4 | 6)[] = [];
      for (const name of ['dual-v6first.test', 'dual-v4first.test']) {
        const looked = await rootless.podman(['exec', rootless.name, 'getent', 'ahosts', name]);
        assert.equal(looked.status, 0, looked.stderr);
        real.push(looked.stdout.split(/\s+/)[0]!.includes(':') ? 6 : 4);
      }
      assert.deepEqual([mine.globalFirst, choiceFrom(real[0]!, real[1]!)], ['ipv4', 'ipv4'], 'ours, then glibc inside');
      const ula = mine.findings.find((f) => f.code === 'ula-demoted');
      assert.match(ula?.message ?? '', new RegExp(`^Container ${rootless.name} has only ULA IPv6 addresses`));
    } finally {
      await rootless.teardown();
    }
  },
);
