/**
 * `gai-conf containers` only looks: with a real bare-namespace container on the machine, the
 * built CLI, run with test/security/tripwire.ts preloaded, reads /proc and nothing else of note.
 * It starts no program (nothing inside a container, no sudo when --sudo was not given), opens no
 * socket, resolves no name, reads no interface list and opens no file for writing; the
 * container's gai.conf is byte-identical afterwards. The language server's Containers requests
 * likewise: a scan starts nothing and uses no sudo; a save writes the picked container's file
 * and its backup, nothing else.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  ContainersRequest,
  ContainersResult,
  ReadContainerFileRequest,
  StatusRequest,
  WriteContainerFileRequest,
  WriteContainerFileResult,
} from '../../server/src/lsp/protocol';
import { engineEndpoints } from '../../server/src/system/containers/engineApi';
import { LXD_ENDPOINTS } from '../../server/src/system/containers/lxdApi';
import { startBareContainers, ulaContainer, withBareContainers } from '../support/bareContainers';
import { orderOracleUnavailable } from '../support/namespaceResolver';
import { testNeeding } from '../support/prerequisites';
import { withWatchedServer } from './watchedServer';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const TRIPWIRE = join(__dirname, 'tripwire.js');

const unavailable = orderOracleUnavailable();

/**
 * A call that is neither a read of /proc nor a request to a container runtime's API on its local
 * unix socket (LXD's, Incus' or Podman's, where a daemon runs: another test of the suite may have started one).
 */
function notProcOrRuntimeApi(stderr: string): (trip: string) => boolean {
  const sockets = [...stderr.matchAll(/^TRIPWIRE-SOCKET (.*)$/gm)].map((m) => m[1]);
  const runtimeSockets = [...LXD_ENDPOINTS, ...engineEndpoints()].map((e) => e.socketPath);
  const onlyRuntimes = sockets.every((path) => runtimeSockets.includes(path));
  const apiCall = /^(http\.request|net\.(connect|createConnection))$/;
  return (trip) => !trip.endsWith('/proc/PID') && !(apiCall.test(trip) && onlyRuntimes && sockets.length > 0);
}

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
        assert.deepEqual(trips.filter(notProcOrRuntimeApi(run.stderr)), [], `${format}: ${run.stderr.slice(0, 4000)}`);
      }
      assert.equal(createHash('sha256').update(readFileSync(gaiConf)).digest('hex'), before);
    }),
);

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

testNeeding(
  unavailable,
  "the Containers view's requests: listing starts nothing and uses no sudo; a save writes the picked container's file and its backup alone",
  { timeout: 60_000 },
  async () => {
    const spec = {
      addresses: [
        { family: 6 as const, address: 'fd42:9::2', prefixLength: 64 },
        { family: 4 as const, address: '10.9.0.2', prefixLength: 24 },
      ],
      ipv4Route: true,
      ipv6Route: true,
      etc: { 'gai.conf': '#label fc00::/7 6\n' },
    };
    const [picked, other] = await startBareContainers([spec, spec]);
    const cache = mkdtempSync(join(tmpdir(), 'gai-conf-security-cache-'));
    const savedCache = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = cache;
    try {
      const otherBefore = sha(join(other!.etc, 'gai.conf'));
      let beforeScan = '';
      let afterScan = '';
      let saved: WriteContainerFileResult | undefined;
      const stderr = await withWatchedServer(async (client) => {
        await client.request(StatusRequest);
        beforeScan = client.stderr;
        const list = (await client.request(ContainersRequest, { mode: 'scan' })) as ContainersResult;
        const entry = list.containers.find((c) => c.pid === picked!.pid)!;
        assert.ok(entry, 'the container is listed');
        await client.request(ReadContainerFileRequest, { uri: entry.uri });
        afterScan = client.stderr;
        saved = (await client.request(WriteContainerFileRequest, {
          uri: entry.uri,
          text: 'label fc00::/7 1\n',
          expected: '#label fc00::/7 6\n',
        })) as WriteContainerFileResult;
      });
      assert.ok(!beforeScan.includes('TRIPWIRE'), `before the scan:\n${beforeScan}`);
      const scanTrips = [...afterScan.matchAll(/^TRIPWIRE (.*)$/gm)].map((m) => m[1]);
      assert.ok(
        scanTrips.some((t) => t.endsWith('/proc/PID')),
        'the tripwire saw the /proc reads',
      );
      // /proc, and a runtime's API (LXD, Incus, Podman, Docker) on its unix socket where a daemon runs: no program, no sudo, no write.
      assert.deepEqual(scanTrips.filter(notProcOrRuntimeApi(afterScan)), [], afterScan.slice(0, 4000));
      assert.ok(!stderr.includes('TRIPWIRE-EXEC'), `a program was started:\n${stderr.slice(0, 4000)}`);
      assert.equal(saved?.kind, 'written', JSON.stringify(saved));
      assert.equal(readFileSync(join(picked!.etc, 'gai.conf'), 'utf8'), 'label fc00::/7 1\n');
      assert.equal(sha(join(other!.etc, 'gai.conf')), otherBefore, 'the container not picked is untouched');
      const backups = readdirSync(join(cache, 'gai-conf', 'backups'));
      assert.equal(backups.length, 1, backups.join());
      assert.equal(readFileSync(join(cache, 'gai-conf', 'backups', backups[0]!), 'utf8'), '#label fc00::/7 6\n');
    } finally {
      if (savedCache === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = savedCache;
      rmSync(cache, { recursive: true, force: true });
      picked?.stop();
      other?.stop();
    }
  },
);
