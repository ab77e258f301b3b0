/**
 * gaiConf/connections over a real LSP conversation: the census of the server's machine, then a
 * second one compared with the first, as the Measure IPv6 Share view asks for them. The test holds
 * a connection of its own open (loopback and, where the machine has one, a non-loopback address
 * of its own) so that the census has something of this process to find.
 */
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { test } from 'node:test';

import { ConnectionsRequest } from '../../server/src/lsp/protocol';
import { withServer } from '../support/lspClient';

test('gaiConf/connections: a census, then a comparison with it', { timeout: 60_000 }, async () => {
  const server = net.createServer((s) => s.on('error', () => {}));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise((resolve) => socket.on('connect', resolve));
  try {
    await withServer({}, async (client) => {
      const first = await client.request(ConnectionsRequest, { before: null });
      assert.equal(first.comparison, null);
      assert.equal(first.census.format, 'gai-conf-connections/1');
      const host = first.census.namespaces.find((n) => n.container === null);
      assert.ok(host, 'the host namespace');
      const mine = host.processes.find((p) => p.pid === process.pid);
      assert.ok(mine, `this test's process holds a connection: ${host.processes.map((p) => p.pid).join(', ')}`);
      assert.ok(mine.loopback.connections >= 1);
      const second = await client.request(ConnectionsRequest, { before: first.census });
      assert.ok(second.comparison);
      assert.equal(second.comparison.before.takenAt, first.census.takenAt);
      assert.ok(Array.isArray(second.comparison.rows) && Array.isArray(second.comparison.remaining));
    });
  } finally {
    socket.destroy();
    server.close();
  }
});
