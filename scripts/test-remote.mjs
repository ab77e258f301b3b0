// The integration suite (test/integration) in a real VS Code with a remote extension host, as under
// Remote-SSH: code-server on 127.0.0.1, its web workbench opened in headless Debian Chromium
// (playwright-core) with a `payload` that loads this repository as the extension under development
// and calls out/test/integration/index.js's run() in the server-side extension host.
//
// Needs `npm run build` (dist/) and `tsc -p tsconfig.json` (out/) first; installs code-server and
// Chromium through scripts/install-code-server.sh when they are missing (a no-op once done).
// The last line of output is always "N passed, M failed". On failure, a screenshot, the browser
// console, code-server's output and its logs (the extension host's among them) are saved under
// .test-artifacts/. Environment: GAI_CONF_REMOTE_TIMEOUT (seconds, default 240), CHROMIUM
// (default /usr/bin/chromium), GAI_CONF_TOOLS (see the install script), GAI_CONF_KEEP_TMP=1.
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  codeServerEnv,
  installCodeServer,
  launchChromium,
  makeLog,
  newestMtime,
  newPage,
  prepareDirs,
  repo,
  runnerSession,
  saveArtifacts as saveRunArtifacts,
  serverExited as exitedMessage,
  startCodeServer,
  waitFor,
} from './code-server.mjs';
import { printResult, readResult, succeeded } from './integration-results.mjs';

const timeoutMs = Number(process.env.GAI_CONF_REMOTE_TIMEOUT ?? 240) * 1000;
const started = Date.now();
const log = makeLog('test-remote', started);

const session = runnerSession(log);
let page;

/** dist/ and out/ must exist; say so when they are older than their sources. */
function checkBuilt() {
  const missing = ['dist/extension.js', 'dist/server.js', 'out/test/integration/index.js'].filter(
    (f) => !existsSync(join(repo, f)),
  );
  if (missing.length) {
    throw new Error(
      `missing ${missing.join(', ')}: run \`npm run build && node_modules/.bin/tsc -p tsconfig.json\` first`,
    );
  }
  const dist = Math.min(
    statSync(join(repo, 'dist/extension.js')).mtimeMs,
    statSync(join(repo, 'dist/server.js')).mtimeMs,
  );
  const sources = Math.max(newestMtime(join(repo, 'server/src'), '.ts'), newestMtime(join(repo, 'client/src'), '.ts'));
  if (sources > dist) log('WARNING: dist/ is older than server/src or client/src: run `npm run build`');
  if (newestMtime(join(repo, 'test/integration'), '.ts') > newestMtime(join(repo, 'out/test/integration'), '.js')) {
    log('WARNING: out/test/integration is older than test/integration: run `node_modules/.bin/tsc -p tsconfig.json`');
  }
}

const serverExited = () => exitedMessage(session.server, session.tmp);

async function saveArtifacts(reason) {
  await saveRunArtifacts({
    prefix: 'remote',
    reason,
    page,
    tmp: session.tmp,
    log,
    extra: [[join(session.tmp, 'workspace/.gai-conf-test-result.json'), 'result.json']],
  });
}

async function main() {
  checkBuilt();
  const bin = installCodeServer();

  session.tmp = mkdtempSync(join(tmpdir(), 'gai-conf-remote-'));
  const { userData, extensions, workspace } = prepareDirs(session.tmp);
  const resultFile = join(workspace, '.gai-conf-test-result.json');

  const { port } = await startCodeServer(bin, {
    tmp: session.tmp,
    userData,
    extensions,
    folder: workspace,
    log,
    env: codeServerEnv({ GAI_CONF_TEST_RESULT: resultFile }),
    onSpawn: (child) => {
      session.server = child;
    },
  });

  session.browser = await launchChromium(session.tmp);
  page = await newPage(session.browser, session.tmp);

  const remote = `vscode-remote://127.0.0.1:${port}`;
  const payload = [
    ['extensionDevelopmentPath', `${remote}${repo}`],
    ['extensionTestsPath', `${remote}${join(repo, 'out/test/integration/index')}`],
  ];
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  log(`workbench loaded (Chromium ${session.browser.version()}); waiting for the suite's results`);

  let startedSeen = false;
  await waitFor(
    `${resultFile}`,
    () => {
      const exited = serverExited();
      if (exited) throw new Error(exited);
      if (!startedSeen && existsSync(`${resultFile}.started`)) {
        startedSeen = true;
        log('run() started in the extension host');
      }
      return existsSync(resultFile);
    },
    timeoutMs,
  ).catch((error) => {
    error.message += existsSync(`${resultFile}.started`)
      ? ': the suite started in the extension host but did not finish'
      : ": the extension host never called the suite's run()";
    throw error;
  });
  const result = readResult(resultFile);
  printResult(result, log);
  const ok = succeeded(result);
  if (!ok)
    await saveArtifacts(`${result.failed} failed, ${result.passed} passed${result.error ? `; ${result.error}` : ''}`);
  return { passed: result.passed, failed: result.failed, skipped: result.pending ?? 0, code: ok ? 0 : 1 };
}

let outcome;
try {
  outcome = await main();
} catch (error) {
  console.error(`test-remote: ${error.stack ?? error}`);
  if (session.tmp)
    await saveArtifacts(String(error.stack ?? error)).catch((e) => console.error(`could not save artifacts: ${e}`));
  outcome = { passed: 0, failed: 1, code: 1 };
} finally {
  await session.cleanUp();
}
log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(
  `${outcome.passed} passed, ${outcome.failed} failed${outcome.skipped ? `, ${outcome.skipped} skipped` : ''}`,
); // the last line, for CI
process.exit(outcome.code);
