/**
 * What the editor runs as root through sudo, only when the user asks, as the language server's
 * own bundle (`gai-conf-language-server --containers-as-root ...`), never a program of a
 * container's:
 *   scan             prints the container scan (/proc and the runtimes' APIs) as JSON
 *   write ID FILE    FILE holds {"text", "expected"}: writes `text` as container ID's
 *                    /etc/gai.conf when it still holds `expected` (null: none), in place, never
 *                    through a symlink; prints the outcome as JSON. The backup is the editor's,
 *                    kept as its user.
 */

import { readFileSync } from 'fs';

import { saveContainerGaiConf } from './containerAccess';
import { discoverContainers } from './discovery';
import { isRoot } from './scanAsRoot';
import { hostContainerSources } from './sources';

/** The request file is the user's, a few bytes of JSON: a bigger one is not ours. */
const MAX_REQUEST_BYTES = 4 << 20;

function parseRequest(path: string): { text: string; expected: string | null } {
  const bytes = readFileSync(path);
  if (bytes.length > MAX_REQUEST_BYTES) throw new Error(`${path} is too large for a request`);
  const request = JSON.parse(bytes.toString('utf8')) as { text?: unknown; expected?: unknown };
  if (typeof request.text !== 'string' || (request.expected !== null && typeof request.expected !== 'string'))
    throw new Error(`${path}: needs {"text": TEXT, "expected": TEXT or null}`);
  return { text: request.text, expected: request.expected };
}

/** Runs `args` (after --containers-as-root); resolves to what to print and the exit status. */
export async function containersAsRoot(args: readonly string[]): Promise<{ output: string; code: number }> {
  if (!isRoot()) return { output: 'gai-conf: --containers-as-root is run as root, through sudo', code: 2 };
  const [command, id, file] = args;
  if (command === 'scan') return { output: JSON.stringify(await discoverContainers(hostContainerSources())), code: 0 };
  if (command !== 'write' || id === undefined || file === undefined)
    return { output: 'usage: --containers-as-root scan | write ID FILE', code: 2 };
  let request: { text: string; expected: string | null };
  try {
    request = parseRequest(file);
  } catch (error) {
    return { output: JSON.stringify({ kind: 'refused', message: (error as Error).message }), code: 2 };
  }
  // The ID names the container, not where it is now: found again by the same scan the editor's came from.
  const scan = await discoverContainers(hostContainerSources());
  const container = scan.containers.find((c) => c.id === id);
  if (!container)
    return { output: JSON.stringify({ kind: 'refused', message: `no container ${id} on this host now` }), code: 1 };
  const outcome = await saveContainerGaiConf(container, request.text, request.expected, { backup: false });
  return { output: JSON.stringify(outcome), code: outcome.kind === 'written' ? 0 : 1 };
}
