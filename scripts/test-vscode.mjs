// The integration suite (test/integration) in desktop VS Code through @vscode/test-electron: the
// same run() and results file as npm run test:remote, with a local extension host.
//
// VSCODE_EXECUTABLE: an installed VS Code binary (e.g. /usr/share/code/code). Without it
// test-electron downloads VS Code VSCODE_VERSION (default 1.100.3) into .vscode-test/, which needs
// the internet. On a machine without a display run it under `xvfb-run -a`.
// Needs `npm run build` and `tsc -p tsconfig.json` first. Last line: "N passed, M failed".
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { runTests } from '@vscode/test-electron';

import { printResult, readResult, succeeded } from './integration-results.mjs';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
for (const f of ['dist/extension.js', 'dist/server.js', 'out/test/integration/index.js']) {
  if (!existsSync(join(repo, f))) {
    console.error(`missing ${f}: run \`npm run build && node_modules/.bin/tsc -p tsconfig.json\` first`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'gai-conf-vscode-'));
const workspace = join(tmp, 'workspace');
mkdirSync(workspace);
const resultFile = join(workspace, '.gai-conf-test-result.json');

let launchError;
try {
  await runTests({
    ...(process.env.VSCODE_EXECUTABLE
      ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE }
      : { version: process.env.VSCODE_VERSION ?? '1.100.3' }),
    extensionDevelopmentPath: repo,
    extensionTestsPath: join(repo, 'out/test/integration/index'),
    extensionTestsEnv: { GAI_CONF_TEST_RESULT: resultFile },
    launchArgs: [
      workspace,
      '--disable-extensions', // every other extension; the one under development still loads
      '--disable-workspace-trust',
      '--skip-welcome',
      '--user-data-dir',
      join(tmp, 'user-data'),
      '--extensions-dir',
      join(tmp, 'extensions'),
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), // Electron refuses root otherwise
    ],
  });
} catch (error) {
  launchError = error; // runTests rejects when VS Code exits non-zero, which run() does on failures
}

const result = readResult(resultFile);
if (result) printResult(result);
else
  console.error(`VS Code ran no suite (no ${resultFile}): ${launchError?.stack ?? launchError ?? 'no error reported'}`);
rmSync(tmp, { recursive: true, force: true });
const ok = succeeded(result) && !launchError;
console.log(`${result?.passed ?? 0} passed, ${result ? result.failed : 1} failed`);
process.exit(ok ? 0 : 1);
