/**
 * Container discovery on this machine's real /proc, with a real bare-namespace container: it
 * reports progress and stops when cancelled; a container's gai.conf that links to /etc/shadow is
 * never read from the host's; and an ordinary user is told plainly what stayed unseen and how to
 * see it, without any sudo.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';

import { discoverContainers } from '../../server/src/system/containers/discovery';
import type { DiscoveryProgress } from '../../server/src/system/containers/model';
import { procSource } from '../../server/src/system/containers/procSource';
import { BareContainer, ulaContainer, withBareContainers } from '../support/bareContainers';
import { findExecutable } from '../support/executables';
import { orderOracleUnavailable } from '../support/namespaceResolver';
import { testNeeding } from '../support/prerequisites';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const unavailable = orderOracleUnavailable();

/** A ULA container without an IPv6 default route, stopped after `body`. */
function withContainer(body: (container: BareContainer) => Promise<void>): Promise<void> {
  return withBareContainers([ulaContainer({}, { ipv4: true, ipv6: false })], ([container]) => body(container!));
}

testNeeding(
  unavailable,
  'a scan reports progress to the end, and a cancelled one stops with an AbortError',
  {},
  async () => {
    await withContainer(async (container) => {
      const reports: DiscoveryProgress[] = [];
      const scan = await discoverContainers([procSource()], { onProgress: (p) => reports.push(p) });
      assert.ok(scan.containers.some((c) => c.pid === container.pid));
      assert.ok(reports.length >= 2 && reports.every((r) => r.source === 'proc'));
      const last = reports.at(-1)!;
      assert.equal(last.done, last.total);
      await assert.rejects(discoverContainers([procSource()], { signal: AbortSignal.abort() }), { name: 'AbortError' });
      const controller = new AbortController();
      const cancelled = discoverContainers([procSource()], {
        signal: controller.signal,
        onProgress: () => controller.abort(),
      });
      await assert.rejects(cancelled, { name: 'AbortError' });
    });
  },
);

testNeeding(
  unavailable,
  "a container whose gai.conf links to /etc/shadow is judged without the host's file",
  {},
  async () => {
    await withContainer(async (container) => {
      // The link names the container's own /etc/shadow (its /etc is its own folder), which it lacks.
      symlinkSync('/etc/shadow', join(container.etc, 'gai.conf'));
      const scan = await discoverContainers([procSource()]);
      const found = scan.containers.find((c) => c.pid === container.pid);
      assert.equal(found?.gaiConf.state, 'absent', JSON.stringify(found?.gaiConf));
    });
  },
);

testNeeding(
  unavailable ?? (findExecutable('setpriv') ? null : 'setpriv (Debian: util-linux)'),
  'an ordinary user is told what stayed unseen and how to see it, and no sudo runs',
  {},
  async () => {
    await withContainer(async (container) => {
      const asNobody = (...args: string[]) =>
        spawnSync(
          'setpriv',
          ['--reuid', 'nobody', '--regid', 'nogroup', '--clear-groups', process.execPath, CLI, 'containers', ...args],
          { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' } },
        );
      const json = asNobody('--json', '--fail-on', 'none');
      assert.equal(json.status, 0, json.stderr);
      const report = JSON.parse(json.stdout) as {
        containers: { pid: number }[];
        unreadable: { what: string; reason: string; remedy: string }[];
      };
      assert.ok(!report.containers.some((c) => c.pid === container.pid), "root's container is not readable by nobody");
      assert.ok(
        report.unreadable.some((u) => /permission denied/.test(u.reason) && /run as root/.test(u.remedy)),
        json.stdout,
      );
      const text = asNobody('--fail-on', 'none');
      assert.match(text.stdout, /run as root \(gai-conf containers --sudo\)/);
      assert.doesNotMatch(`${text.stdout}${text.stderr}`, /sudo:|password/i);
    });
  },
);
