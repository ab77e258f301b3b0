/**
 * `gai-conf containers` only looks: with a real bare-namespace container on the machine, the
 * built CLI, run with test/security/tripwire.ts preloaded, reads /proc and nothing else of note.
 * It starts no program (nothing inside a container, no sudo when --sudo was not given), opens no
 * socket, resolves no name, reads no interface list and opens no file for writing; the
 * container's gai.conf is byte-identical afterwards.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ulaContainer, withBareContainers } from '../support/bareContainers';
import { orderOracleUnavailable } from '../support/namespaceResolver';
import { testNeeding } from '../support/prerequisites';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const TRIPWIRE = join(__dirname, 'tripwire.js');

const unavailable = orderOracleUnavailable();

testNeeding(
  unavailable,
  'a container scan reads /proc and starts, connects and writes nothing',
  { timeout: 60_000 },
  () =>
    withBareContainers([ulaContainer({ 'gai.conf': '#precedence ::ffff:0:0/96 100\n' })], async ([container]) => {
      const gaiConf = join(container!.etc, 'gai.conf');
      const before = createHash('sha256').update(readFileSync(gaiConf)).digest('hex');
      for (const format of ['json', 'text']) {
        const run = spawnSync(
          process.execPath,
          ['--require', TRIPWIRE, CLI, 'containers', '--format', format, '--fail-on', 'none'],
          { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
        );
        assert.equal(run.status, 0, run.stderr);
        if (format === 'json') {
          const report = JSON.parse(run.stdout) as { containers: { pid: number }[] };
          assert.ok(
            report.containers.some((c) => c.pid === container!.pid),
            'the container was scanned',
          );
        }
        const trips = [...run.stderr.matchAll(/^TRIPWIRE (.*)$/gm)].map((m) => m[1]);
        assert.ok(
          trips.some((t) => t.endsWith('/proc/PID')),
          'the tripwire saw the /proc reads (else it watched nothing)',
        );
        assert.deepEqual(
          trips.filter((t) => !t.endsWith('/proc/PID')),
          [],
          `${format}: ${run.stderr.slice(0, 4000)}`,
        );
      }
      assert.equal(createHash('sha256').update(readFileSync(gaiConf)).digest('hex'), before);
    }),
);
