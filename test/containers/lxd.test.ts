/**
 * Real LXD (Debian's package), real containers booted from a debootstrap image, real glibc inside
 * each as the judge. The containers are launched once for every test in this file:
 *   stock     Debian's own /etc/gai.conf: IPv4 first from its fd42: ULA
 *   fixed     the ULA quick fix applied: IPv6 first
 *   broken    a fix glibc ignores (a mis-cased directive): IPv4 first
 *   noroute6  the fix, but no IPv6 default route: IPv4 first again (rule 1)
 * Discovery goes through the LXD API as root here and as an ordinary user in the lxd group below;
 * each verdict is compared with `getent ahosts` run inside the container, on a name listing the
 * global IPv6 and the IPv4 address in both orders (both addresses on this run's own bridge).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';

import { analyzeGaiConf } from '../../server/src/analysis/analysis';
import { applyEdits } from '../../server/src/features/codeActions/edits';
import { ulaFixes } from '../../server/src/features/codeActions/ulaFixes';
import { judgeContainer } from '../../server/src/features/containerVerdict';
import { parseGlibcVersion } from '../../server/src/glibc/versions';
import {
  ContainerFileResult,
  ContainersRequest,
  ContainersResult,
  ReadContainerFileRequest,
  WriteContainerFileRequest,
  WriteContainerFileResult,
} from '../../server/src/lsp/protocol';
import { discoverContainers } from '../../server/src/system/containers/discovery';
import { lxdSource } from '../../server/src/system/containers/lxdSource';
import { DiscoveredContainer } from '../../server/src/system/containers/model';
import { procSource } from '../../server/src/system/containers/procSource';
import { serverPath, withServer } from '../support/lspClient';
import { LxdFixture, lxdUnavailable, run } from '../support/lxd';
import { testNeeding } from '../support/prerequisites';
import { readmeBlock } from '../support/readme';
import { cliBundleFiles, repoRoot } from '../support/repository';

const skip = lxdUnavailable();
const fixture = new LxdFixture();
const GLIBC = parseGlibcVersion('2.36')!;
const STOCK = skip ? '' : readFileSync('/etc/gai.conf', 'utf8');
const FIXED = skip ? '' : applyEdits(STOCK, ulaFixes(analyzeGaiConf(STOCK, { glibc: GLIBC }))[0]!.edits);
const BROKEN = `${STOCK}# the fix as it was typed: glibc's directives are lower case, so it ignores this line\nLabel fc00::/7 1\n`;
const FILES: Readonly<Record<string, string>> = { stock: STOCK, fixed: FIXED, broken: BROKEN, noroute6: FIXED };
const EXPECTED: Readonly<Record<string, 'ipv6' | 'ipv4'>> = {
  stock: 'ipv4',
  fixed: 'ipv6',
  broken: 'ipv4',
  noroute6: 'ipv4',
};
const NAMES = Object.keys(FILES);

let found: Map<string, DiscoveredContainer>;

before(
  async () => {
    if (skip) return;
    await fixture.start({ containers: NAMES });
    const hosts = fixture.dualStackHosts();
    await Promise.all(
      NAMES.map(async (short) => {
        await fixture.pushFile(short, '/etc/hosts', hosts);
        await fixture.pushFile(short, '/etc/gai.conf', FILES[short]!);
      }),
    );
    // noroute6 keeps its addresses but loses its IPv6 default route: its networkd (which takes router
    // advertisements itself, and re-adds the route from the next one) is stopped, then the route goes.
    const noroute = fixture.nameOf('noroute6');
    await fixture.exec(noroute, ['systemctl', 'stop', 'systemd-networkd.socket', 'systemd-networkd.service']);
    await fixture.exec(noroute, ['ip', '-6', 'route', 'del', 'default']);
    // Stopping networkd released the DHCP lease: the same IPv4 address and route again, by hand.
    const { ipv4 } = fixture.containers.get('noroute6')!;
    await fixture.exec(noroute, ['ip', 'addr', 'replace', `${ipv4}/24`, 'dev', 'eth0']);
    await fixture.exec(noroute, ['ip', 'route', 'replace', 'default', 'via', fixture.ipv4Destination]);
    for (let i = 0; ; i++) {
      const routes = (await fixture.exec(noroute, ['ip', '-6', 'route', 'show', 'default'])).stdout.trim();
      const ula = (await fixture.exec(noroute, ['ip', '-6', 'addr', 'show', 'scope', 'global'])).stdout;
      const ipv4Routes = (await fixture.exec(noroute, ['ip', '-4', 'route', 'show', 'default'])).stdout.trim();
      if (routes === '' && /inet6 fd/.test(ula) && ipv4Routes !== '') break;
      if (i > 60) throw new Error(`noroute6 still has an IPv6 default route (${routes}) or lost its ULA`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const discovered = await discoverContainers([lxdSource()]);
    found = new Map(discovered.containers.map((c) => [c.name, c]));
  },
  { timeout: 600_000 },
);

after(
  async () => {
    if (!skip) await fixture.teardown();
  },
  { timeout: 180_000 },
);

function container(name: string): DiscoveredContainer {
  return found.get(name)!;
}

/** The family real glibc inside the container puts first for a name, from `getent ahosts`. */
async function glibcFirst(container: string, name: string): Promise<'ipv6' | 'ipv4'> {
  const result = await fixture.exec(container, ['getent', 'ahosts', name]);
  assert.equal(result.status, 0, `getent ahosts ${name} in ${container}: ${result.stderr}`);
  const first = result.stdout.split(/\s+/)[0]!;
  return first.includes(':') ? 'ipv6' : 'ipv4';
}

testNeeding(
  skip,
  'the LXD API finds every container of this run with its PID, addresses, glibc and gai.conf',
  {},
  () => {
    for (const short of NAMES) {
      const made = fixture.containers.get(short)!;
      const container = found.get(made.name);
      assert.ok(container, `${made.name} found`);
      assert.equal(container.runtime, 'lxd');
      assert.equal(container.project, 'default');
      assert.equal(container.pid, made.pid);
      assert.match(container.image ?? '', /Debian 12/);
      const addresses = container.addresses.map((a) => `${a.address}/${a.prefixLength}`);
      assert.ok(addresses.includes(`${made.ipv4}/24`), addresses.join());
      assert.ok(
        addresses.some((a) => a.startsWith(`${made.ula.split(':').slice(0, 4).join(':')}:`) && a.endsWith('/64')),
        `the fd42: ULA by SLAAC, with its /64: ${addresses.join()}`,
      );
      assert.deepEqual(container.libc, { kind: 'glibc', version: '2.36', path: '/lib/x86_64-linux-gnu/libc.so.6' });
      assert.equal(container.gaiConf.state, 'present');
      assert.equal(container.gaiConf.state === 'present' && container.gaiConf.content, FILES[short]);
      assert.equal(container.gaiConf.hostPath, `lxd:${made.name}/etc/gai.conf`);
      assert.deepEqual(
        container.gaiConf.state === 'present' && container.gaiConf.owner,
        { uid: 100000, gid: 100000, mode: 0o644 },
        'as the host sees the owner',
      );
      assert.deepEqual(container.routes, { ipv4: true, ipv6: short !== 'noroute6' });
    }
  },
);

testNeeding(skip, 'as root, the /proc source reads the same files and addresses as the LXD API', {}, async () => {
  const { containers } = await discoverContainers([procSource()]);
  for (const short of NAMES) {
    const name = fixture.nameOf(short);
    const fromProc = containers.find((c) => c.name === name);
    assert.ok(fromProc, `${name} found in /proc`);
    const fromApi = found.get(name)!;
    assert.equal(fromProc.runtime, 'lxd');
    assert.equal(fromProc.pid, fromApi.pid);
    assert.deepEqual(
      fromProc.gaiConf.state === 'present' && { content: fromProc.gaiConf.content, owner: fromProc.gaiConf.owner },
      fromApi.gaiConf.state === 'present' && { content: fromApi.gaiConf.content, owner: fromApi.gaiConf.owner },
    );
    assert.deepEqual(fromProc.routes, fromApi.routes);
    assert.equal(judgeContainer(fromProc).globalFirst, judgeContainer(fromApi).globalFirst);
  }
});

for (const short of NAMES) {
  testNeeding(
    skip,
    `${short}: the verdict is what real glibc inside the container does, with both orders of the answers`,
    {},
    async () => {
      const name = fixture.nameOf(short);
      const container = found.get(name)!;
      const verdict = judgeContainer(container);
      const real = [await glibcFirst(name, 'dual-v6-listed-first'), await glibcFirst(name, 'dual-v4-listed-first')];
      const glibcSays = real[0] === real[1] ? real[0] : 'dns-order';
      assert.equal(
        verdict.globalFirst,
        glibcSays,
        `our verdict for ${short} against glibc inside it (${real.join(', ')})`,
      );
      assert.equal(glibcSays, EXPECTED[short], `the scenario ${short} itself`);
      const codes = verdict.findings.map((f) => f.code);
      if (short === 'stock') assert.ok(codes.includes('ula-demoted'), codes.join());
      if (short === 'broken')
        assert.ok(codes.includes('unknown-directive') && codes.includes('ula-demoted'), codes.join());
      if (short === 'fixed') assert.ok(!codes.includes('ula-demoted'), codes.join());
    },
  );
}

/** A user of this run (machine-wide: the name carries the PID), removed afterwards. */
function withUser(groups: string[], body: (user: string) => Promise<void>): Promise<void> {
  const user = `gaic${process.pid.toString(36)}${groups.length ? 'g' : 'n'}`;
  const added = spawnSync(
    'useradd',
    ['-M', '-s', '/bin/sh', ...(groups.length ? ['-G', groups.join(',')] : []), user],
    { encoding: 'utf8' },
  );
  assert.equal(added.status, 0, added.stderr);
  return body(user).finally(() => spawnSync('userdel', [user]));
}

/** Runs test/containers/lxdUser.js as that user (no root), with a command and arguments; returns its JSON. */
async function asUser(user: string, args: string[]): Promise<{ status: number; output: unknown; stderr: string }> {
  const script = join(repoRoot(), 'out', 'test', 'containers', 'lxdUser.js');
  const result = await run('/usr/sbin/runuser', ['-u', user, '--', process.execPath, script, ...args]);
  let output: unknown;
  try {
    output = JSON.parse(result.stdout);
  } catch {
    output = result.stdout;
  }
  return { status: result.status, output, stderr: result.stderr };
}

testNeeding(
  skip,
  'an ordinary user in the lxd group discovers, opens and saves a container file through the API, without root',
  {},
  async () => {
    const short = 'fixed';
    const made = fixture.containers.get(short)!;
    const onHost = `/proc/${made.pid}/root/etc/gai.conf`;
    const before = statSync(onHost);
    assert.equal(before.uid, 100000, 'container root is the shifted uid 100000 on the host');
    await withUser(['lxd'], async (user) => {
      const listed = await asUser(user, ['discover']);
      assert.equal(listed.status, 0, listed.stderr);
      const mine = (listed.output as { containers: { name: string; gaiConf: { state: string } }[] }).containers.filter(
        (c) => c.name.startsWith(fixture.runName),
      );
      assert.deepEqual(
        mine.map((c) => c.name).sort(),
        NAMES.map((n) => fixture.nameOf(n)).sort(),
        'the user sees every container of this run',
      );
      const edited = `${FIXED}# saved by ${user} through the LXD API\n`;
      const saved = await asUser(user, ['save', made.name, edited]);
      assert.equal(saved.status, 0, saved.stderr);
      assert.deepEqual(
        saved.output,
        { procRoot: 'EACCES' },
        'the user cannot read the container root under /proc, only through the API',
      );
      const after = statSync(onHost);
      assert.equal(readFileSync(onHost, 'utf8'), edited);
      assert.deepEqual(
        [after.uid, after.gid, after.mode & 0o7777, after.ino],
        [before.uid, before.gid, before.mode & 0o7777, before.ino],
        'owner, group, mode and inode kept',
      );
    });
    await fixture.pushFile(short, '/etc/gai.conf', FIXED);
  },
);

testNeeding(
  skip,
  "as an lxd-group user, the language server opens a container's gai.conf judged for that container and saves the ULA fix back through the API",
  { timeout: 120_000 },
  async () => {
    const short = 'stock';
    const made = fixture.containers.get(short)!;
    const onHost = `/proc/${made.pid}/root/etc/gai.conf`;
    const before = statSync(onHost);
    assert.equal(await glibcFirst(made.name, 'dual-v6-listed-first'), 'ipv4');
    const cache = mkdtempSync(join(tmpdir(), 'gai-conf-lxd-cache-'));
    let fixedText = '';
    try {
      await withUser(['lxd'], async (user) => {
        chownSync(cache, Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout), 0);
        const argv = [
          '/usr/sbin/runuser',
          '-u',
          user,
          '--',
          '/usr/bin/env',
          `XDG_CACHE_HOME=${cache}`,
          process.execPath,
          serverPath(),
          '--stdio',
        ] as const;
        await withServer({ command: { argv, cwd: repoRoot() }, timeoutMs: 60_000 }, async (client) => {
          const list = (await client.request(ContainersRequest, { mode: 'scan' })) as ContainersResult;
          assert.equal(list.asRoot, false);
          const entry = list.containers.find((c) => c.name === made.name);
          assert.ok(entry, `${made.name} listed for the lxd-group user`);
          assert.equal(entry.saveVia, 'api');
          assert.equal(entry.group, 'ipv4-first');
          assert.equal(entry.ulaFix, true);
          assert.equal(entry.libc, 'glibc 2.36');
          const file = (await client.request(ReadContainerFileRequest, { uri: entry.uri })) as ContainerFileResult;
          assert.equal(file.text, STOCK);
          fixedText = file.ulaFixed!;
          assert.ok(file.gaiConf.state === 'present' && file.gaiConf.owner.uid === 100000, 'the shifted owner');
          const published = await client.open(entry.uri, STOCK);
          const demoted = published.diagnostics.find((d) => d.code === 'ula-demoted');
          assert.ok(demoted, published.diagnostics.map((d) => d.code).join());
          const ula = container(made.name).addresses.find((a) => a.address.startsWith('fd'))!.address;
          assert.ok(String(demoted.message).includes(ula), `${demoted.message} names ${ula}`);
          const saved = (await client.request(WriteContainerFileRequest, {
            uri: entry.uri,
            text: file.ulaFixed!,
            expected: STOCK,
          })) as WriteContainerFileResult;
          assert.equal(saved.kind, 'written', JSON.stringify(saved));
          assert.ok(saved.kind === 'written' && saved.backup?.startsWith(cache), "the backup in the user's cache");
          assert.equal(readFileSync(saved.backup!, 'utf8'), STOCK);
          assert.equal(statSync(saved.backup!).uid, Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout));
        });
      });
      const after = statSync(onHost);
      assert.deepEqual(
        [after.uid, after.gid, after.mode & 0o7777, after.ino],
        [before.uid, before.gid, before.mode & 0o7777, before.ino],
        'owner (the shifted 100000), group, mode and inode kept',
      );
      assert.equal(after.uid, 100000);
      assert.equal(readFileSync(onHost, 'utf8'), fixedText);
      for (const name of ['dual-v6-listed-first', 'dual-v4-listed-first'])
        assert.equal(await glibcFirst(made.name, name), 'ipv6', `real glibc in ${made.name} for ${name}`);
      assert.equal(readFileSync(`/proc/${fixture.containers.get('broken')!.pid}/root/etc/gai.conf`, 'utf8'), BROKEN);
    } finally {
      rmSync(cache, { recursive: true, force: true });
      await fixture.pushFile(short, '/etc/gai.conf', STOCK);
    }
  },
);

testNeeding(skip, 'a user outside the lxd group is told what to do, and nothing is read', {}, async () => {
  await withUser([], async (user) => {
    const listed = await asUser(user, ['discover']);
    assert.equal(listed.status, 0, listed.stderr);
    const result = listed.output as { containers: unknown[]; unreadable: { runtime: string; remedy: string }[] };
    assert.deepEqual(result.containers, []);
    assert.ok(
      result.unreadable.some((u) => u.runtime === 'lxd' && /join the lxd group/.test(u.remedy)),
      JSON.stringify(result.unreadable),
    );
  });
});

testNeeding(
  skip,
  "a gai.conf symlinked to /etc/shadow is the container's own shadow, never the host's, and is not written through",
  {},
  async () => {
    const name = fixture.nameOf('broken');
    await fixture.exec(name, ['ln', '-sf', '/etc/shadow', '/etc/gai.conf']);
    try {
      const hostShadow = readFileSync('/etc/shadow', 'utf8');
      const containerShadow = (await fixture.exec(name, ['cat', '/etc/shadow'])).stdout;
      assert.notEqual(containerShadow, hostShadow);
      for (const source of [lxdSource(), procSource()]) {
        const { containers } = await discoverContainers([source]);
        const gaiConf = containers.find((c) => c.name === name)!.gaiConf;
        // What the container's own glibc would read through its link: its own file.
        assert.equal(
          gaiConf.state === 'present' && gaiConf.content,
          containerShadow,
          `${source.name}: ${gaiConf.state}`,
        );
      }
      await withUser(['lxd'], async (user) => {
        const saved = await asUser(user, ['save', name, 'label fc00::/7 1\n']);
        assert.notEqual(saved.status, 0);
        assert.match(saved.stderr, /is now a symlink: not written/);
      });
      assert.equal(readFileSync('/etc/shadow', 'utf8'), hostShadow);
      assert.equal((await fixture.exec(name, ['cat', '/etc/shadow'])).stdout, containerShadow);
      assert.equal(
        (await fixture.exec(name, ['readlink', '/etc/gai.conf'])).stdout.trim(),
        '/etc/shadow',
        'the link is left as it was',
      );
    } finally {
      await fixture.exec(name, ['rm', '-f', '/etc/gai.conf']);
      await fixture.pushFile('broken', '/etc/gai.conf', BROKEN);
    }
  },
);

const LXD_CONNECTION = '/usr/lib/python3/dist-packages/ansible_collections/community/general/plugins/connection/lxd.py';
const noAnsible =
  skip ??
  (spawnSync('ansible-playbook', ['--version']).status !== 0 || !statSync(LXD_CONNECTION, { throwIfNoEntry: false })
    ? "ansible-playbook with community.general.lxd is not installed (scripts/install-test-tools.sh installs Debian's ansible)"
    : undefined);

/** gai-conf installed in a container as a user would (Node and the CLI bundle), for the fleet recipe. */
async function installGaiConf(short: string): Promise<void> {
  const name = fixture.nameOf(short);
  const root = repoRoot();
  await fixture.lxc(
    ['file', 'push', '--create-dirs', '--mode', '0755', process.execPath, `${name}/usr/local/bin/node`],
    { timeoutMs: 300_000 },
  );
  // The command and its chunks (scripts/serverBundle.mjs), which it loads from beside it.
  for (const bundle of cliBundleFiles())
    await fixture.lxc([
      'file',
      'push',
      '--create-dirs',
      '--mode',
      '0755',
      join(root, 'dist', bundle),
      `${name}/usr/local/lib/gai-conf/dist/${bundle}`,
    ]);
  await fixture.lxc([
    'file',
    'push',
    '--create-dirs',
    join(root, 'package.json'),
    `${name}/usr/local/lib/gai-conf/package.json`,
  ]);
  await fixture.exec(name, ['ln', '-sf', '/usr/local/lib/gai-conf/dist/cli.js', '/usr/local/bin/gai-conf']);
}

testNeeding(
  noAnsible,
  "the README's fleet recipe, run by real ansible-playbook over LXD, reports each host's own verdict in one file",
  { timeout: 600_000 },
  async () => {
    const hosts = ['stock', 'fixed'];
    await Promise.all(hosts.map(installGaiConf));
    // A container inside the stock host (a process in namespaces of its own), for the recipe's containers scan.
    const nested = await fixture.exec(fixture.nameOf('stock'), [
      'sh',
      '-c',
      'unshare --mount --net --fork sleep 600 >/dev/null 2>&1 & echo $!',
    ]);
    assert.equal(nested.status, 0, nested.stderr);
    const scratch = mkdtempSync(join(tmpdir(), 'gai-conf-fleet-'));
    try {
      const report = join(scratch, 'report.json');
      writeFileSync(join(scratch, 'play.yml'), readmeBlock('Every host of an inventory in one report', 'yaml'));
      writeFileSync(
        join(scratch, 'inventory.ini'),
        `[containers]\n${hosts.map((h) => `${fixture.nameOf(h)} ansible_connection=community.general.lxd`).join('\n')}\n`,
      );
      const played = await run(
        '/usr/bin/ansible-playbook',
        [
          '-i',
          join(scratch, 'inventory.ini'),
          '-e',
          `gai_report=${report}`,
          '-e',
          'ansible_python_interpreter=auto_silent',
          join(scratch, 'play.yml'),
        ],
        {
          timeoutMs: 300_000,
          // Ansible insists on a UTF-8 locale; its temporary files go into the scratch folder.
          env: {
            LC_ALL: 'C.UTF-8',
            HOME: scratch,
            ANSIBLE_NOCOLOR: '1',
            ANSIBLE_RETRY_FILES_ENABLED: 'false',
            ANSIBLE_LOCAL_TEMP: join(scratch, 'tmp'),
          },
        },
      );
      assert.equal(played.status, 0, `${played.stdout}\n${played.stderr}`);
      const entries = JSON.parse(readFileSync(report, 'utf8')) as Record<
        string,
        {
          check: { effects: { host: string; pair: string; file: string; addresses: string[] }[] };
          containers: { containers: { name: string; runtime: string; globalFirst: string }[]; unreadable: unknown[] };
        }
      >;
      assert.deepEqual(Object.keys(entries).sort(), hosts.map((h) => fixture.nameOf(h)).sort());
      assert.deepEqual(
        entries[fixture.nameOf('stock')]!.containers.containers.map((c) => [c.name, c.runtime, c.globalFirst]),
        [[`unshare-${nested.stdout.trim()}`, 'namespace', 'no-addresses']],
        'the stock host scanned its own containers: the one namespace started in it, with loopback only',
      );
      assert.deepEqual(entries[fixture.nameOf('fixed')]!.containers.containers, []);
      for (const short of hosts) {
        const own = entries[fixture.nameOf(short)]!.check.effects.find(
          (e) => e.host === 'this-machine' && e.pair === 'global',
        );
        assert.ok(own, `${short} judged with its own addresses`);
        assert.ok(
          own.addresses.some((a) => a.startsWith(fixture.containers.get(short)!.ipv4)),
          own.addresses.join(),
        );
        assert.equal(own.file, EXPECTED[short], `${short}: the report agrees with glibc inside it`);
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
);
