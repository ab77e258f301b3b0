/**
 * The system-resolver comparison of "explain" starts `process.execPath` again. In desktop VS Code
 * the language server is forked by vscode-languageclient from Electron, so process.execPath is
 * Electron, which acts as Node only when ELECTRON_RUN_AS_NODE=1 is in its environment. No Electron
 * can be downloaded here, so a stand-in plays it: a script that refuses to act as Node without
 * that variable (as Electron would open a window instead), and otherwise runs Node.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const RESOLVE = join(__dirname, '..', '..', 'server', 'src', 'system', 'resolve.js');

test("explain's system resolver runs under Electron's environment as vscode-languageclient forks the server", () => {
  const folder = mkdtempSync(join(tmpdir(), 'gai-conf-electron-'));
  try {
    const electron = join(folder, 'electron');
    writeFileSync(
      electron,
      `#!/bin/sh\n[ "$ELECTRON_RUN_AS_NODE" = 1 ] || { echo "Electron: no ELECTRON_RUN_AS_NODE, would open a window" >&2; exit 9; }\nexec ${JSON.stringify(process.execPath)} "$@"\n`,
    );
    chmodSync(electron, 0o755);
    // As in the forked server: execPath is Electron, and the environment vscode-languageclient gives a fork.
    const script = `process.execPath = ${JSON.stringify(electron)};
      require(${JSON.stringify(RESOLVE)}).systemResolverOrder('localhost').then((r) => console.log(JSON.stringify(r)));`;
    const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1', ELECTRON_NO_ASAR: '1' };
    const run = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    assert.ok('order' in result, `the comparison failed: ${run.stdout}`);
    assert.ok(
      result.order.some((a: string) => a === '127.0.0.1' || a === '::1'),
      run.stdout,
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
