/** The built language server with test/security/tripwire.ts preloaded, for the security tests. */
import { join } from 'node:path';

import { LspClient, StartOptions, withServer } from '../support/lspClient';

const TRIPWIRE = join(__dirname, 'tripwire.js');

/** Starts the server (by default `node dist/server.js --stdio`) with the tripwire preloaded (children inherit NODE_OPTIONS). */
export async function withWatchedServer(
  body: (client: LspClient) => Promise<void>,
  command?: StartOptions['command'],
): Promise<string> {
  const saved = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = `${saved ?? ''} --require ${TRIPWIRE}`.trim();
  let stderr = '';
  try {
    await withServer({ settings: { glibcVersion: 'auto' }, command }, async (client) => {
      try {
        await body(client);
      } finally {
        stderr = client.stderr;
      }
    });
  } finally {
    if (saved === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved;
  }
  return stderr;
}
