/**
 * The two things the Containers view does as root, only when the user asks: "Scan as root…"
 * (`dist/server.js --containers-as-root scan`) and saving into a container found by that scan
 * (`... write ID FILE`), both the extension's own language server bundle run through sudo with
 * Save as Root's password prompt (server/src/system/containers/rootHelper.ts says what it does).
 * Nothing of a container's is run.
 */

import { mkdtemp, rm, writeFile } from 'fs/promises';
import { userInfo } from 'os';
import { tmpdir } from 'os';
import { join } from 'path';

import type { WriteContainerFileResult } from '../../server/src/lsp/protocol';
import { RootRunOutcome, runBundleAsRoot } from './rootWrite';
import { withSudoPassword } from './sudoPassword';

function prompt(purpose: string): (retry: boolean) => string {
  const user = userInfo().username;
  return (retry) =>
    retry ? `Wrong password for ${user}: try again (Escape to cancel)` : `Password of ${user} for sudo, to ${purpose}`;
}

function refusal(outcome: Exclude<RootRunOutcome, { kind: 'ran' }>): string {
  switch (outcome.kind) {
    case 'sudo-missing':
      return 'sudo is not installed on this machine (the one the extension runs on)';
    case 'not-allowed':
      return `sudo does not allow ${userInfo().username} to run it (${outcome.detail})`;
    case 'failed':
      return outcome.detail;
    default:
      return `sudo refused (${outcome.kind})`;
  }
}

/** The container scan made as root; undefined when the user cancelled the password. */
export async function scanAsRoot(server: string): Promise<unknown> {
  const outcome = await withSudoPassword(
    'gai.conf: Scan Containers as Root',
    prompt('scan the containers as root'),
    (password) => runBundleAsRoot(server, ['--containers-as-root', 'scan'], password),
  );
  if (!outcome) return undefined;
  if (outcome.kind !== 'ran') throw new Error(refusal(outcome));
  if (outcome.code !== 0)
    throw new Error(outcome.stderr.trim() || outcome.stdout.trim() || `the scan as root exited with ${outcome.code}`);
  return JSON.parse(outcome.stdout) as unknown;
}

/** Saves into a container as root; undefined when the user cancelled the password. */
export async function writeIntoAsRoot(
  server: string,
  id: string,
  text: string,
  expected: string | null,
): Promise<WriteContainerFileResult | undefined> {
  const folder = await mkdtemp(join(tmpdir(), 'gai-conf-save-')); // mode 0700
  try {
    const request = join(folder, 'request.json');
    await writeFile(request, JSON.stringify({ text, expected }), { mode: 0o600 });
    const outcome = await withSudoPassword(
      'gai.conf: Save into a Container as Root',
      prompt(`save the gai.conf of ${id} as root`),
      (password) => runBundleAsRoot(server, ['--containers-as-root', 'write', id, request], password),
    );
    if (!outcome) return undefined;
    if (outcome.kind !== 'ran') return { kind: 'refused', message: refusal(outcome) };
    try {
      return JSON.parse(outcome.stdout) as WriteContainerFileResult;
    } catch {
      return { kind: 'refused', message: outcome.stderr.trim() || `the save as root exited with ${outcome.code}` };
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
