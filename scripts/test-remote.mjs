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
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printResult, readResult, succeeded } from './integration-results.mjs';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const timeoutMs = Number(process.env.GAI_CONF_REMOTE_TIMEOUT ?? 240) * 1000;
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const started = Date.now();
const log = (message) => process.stdout.write(`[test-remote ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}\n`);

let tmp;
let server;
let browser;
let page;
let exiting = false;


function newestMtime(dir, suffix) {
  let newest = 0;
  for (const name of readdirSync(dir, { recursive: true })) {
    if (!String(name).endsWith(suffix)) continue;
    newest = Math.max(newest, statSync(join(dir, String(name))).mtimeMs);
  }
  return newest;
}

/** dist/ and out/ must exist; say so when they are older than their sources. */
function checkBuilt() {
  const missing = ['dist/extension.js', 'dist/server.js', 'out/test/integration/index.js'].filter((f) => !existsSync(join(repo, f)));
  if (missing.length) {
    throw new Error(`missing ${missing.join(', ')}: run \`npm run build && node_modules/.bin/tsc -p tsconfig.json\` first`);
  }
  const dist = Math.min(statSync(join(repo, 'dist/extension.js')).mtimeMs, statSync(join(repo, 'dist/server.js')).mtimeMs);
  const sources = Math.max(newestMtime(join(repo, 'server/src'), '.ts'), newestMtime(join(repo, 'client/src'), '.ts'));
  if (sources > dist) log('WARNING: dist/ is older than server/src or client/src: run `npm run build`');
  if (newestMtime(join(repo, 'test/integration'), '.ts') > newestMtime(join(repo, 'out/test/integration'), '.js')) {
    log('WARNING: out/test/integration is older than test/integration: run `node_modules/.bin/tsc -p tsconfig.json`');
  }
}

function installCodeServer() {
  const script = join(repo, 'scripts/install-code-server.sh');
  const result = spawnSync('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const bin = result.stdout.trim().split('\n').at(-1);
  if (result.status !== 0 || !bin || !existsSync(bin)) {
    throw new Error(`code-server is not installed and ${relative(repo, script)} failed (exit ${result.status}); run it by hand to see why`);
  }
  return bin;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function waitFor(what, check, ms, intervalMs = 200) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function serverExited() {
  return server && server.exitCode !== null ? `code-server exited with ${server.exitCode} (see ${join(tmp, 'code-server.log')})` : undefined;
}

/** The extension host's own log and the extension's output channel, under `dir`. */
function exthostLogs(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true }).map(String)
    .filter((p) => /exthost/i.test(p) && /remoteexthost\.log$|gai-conf/.test(p) && statSync(join(dir, p)).isFile());
}

async function saveArtifacts(reason) {
  const dir = join(repo, '.test-artifacts', `remote-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'reason.txt'), `${reason}\n`);
  if (page) {
    try {
      await page.screenshot({ path: join(dir, 'screenshot.png'), fullPage: true, timeout: 10_000 });
    } catch (error) {
      writeFileSync(join(dir, 'screenshot-failed.txt'), String(error));
    }
  }
  for (const name of ['code-server.log', 'browser-console.log']) {
    if (existsSync(join(tmp, name))) cpSync(join(tmp, name), join(dir, name));
  }
  const result = join(tmp, 'workspace/.gai-conf-test-result.json');
  if (existsSync(result)) cpSync(result, join(dir, 'result.json'));
  const logs = join(tmp, 'user-data/logs');
  if (existsSync(logs)) cpSync(logs, join(dir, 'code-server-logs'), { recursive: true });
  const exthost = exthostLogs(join(dir, 'code-server-logs'));
  log(`artifacts in ${relative(repo, dir)}/: ${readdirSync(dir).join(', ')}`);
  for (const file of exthost) log(`  extension host log: ${relative(repo, join(dir, 'code-server-logs', file))}`);
}

async function cleanUp() {
  if (browser) await browser.close().catch(() => {});
  browser = undefined;
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    try {
      process.kill(-server.pid, 'SIGTERM'); // the whole group: code-server, its extension host, the language server
    } catch {}
    const killed = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 5000))]);
    if (!killed) try { process.kill(-server.pid, 'SIGKILL'); } catch {}
  }
  // Children that outlive code-server still belong to its process group.
  if (server) try { process.kill(-server.pid, 'SIGKILL'); } catch {}
  server = undefined;
  if (tmp && !process.env.GAI_CONF_KEEP_TMP) rmSync(tmp, { recursive: true, force: true });
  else if (tmp) log(`kept ${tmp}`);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, async () => {
    if (exiting) return;
    exiting = true;
    log(`${signal}: stopping`);
    await cleanUp();
    process.exit(130);
  });
}

async function main() {
  checkBuilt();
  const bin = installCodeServer();
  const { chromium } = await import('playwright-core');

  tmp = mkdtempSync(join(tmpdir(), 'gai-conf-remote-'));
  const userData = join(tmp, 'user-data');
  const extensions = join(tmp, 'extensions');
  const workspace = join(tmp, 'workspace');
  for (const d of [join(userData, 'User'), extensions, workspace]) mkdirSync(d, { recursive: true });
  writeFileSync(join(userData, 'User/settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'security.workspace.trust.enabled': false,
  }, null, 2));
  const resultFile = join(workspace, '.gai-conf-test-result.json');

  const port = await freePort();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VSCODE_'))); // not an outer VS Code's
  env.GAI_CONF_TEST_RESULT = resultFile;
  const output = createWriteStream(join(tmp, 'code-server.log'));
  server = spawn(bin, [
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userData, '--extensions-dir', extensions,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--config', join(tmp, 'config.yaml'), // else it creates ~/.config/code-server/config.yaml
    workspace,
  ], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.pipe(output);
  server.stderr.pipe(output);
  log(`code-server ${bin} on 127.0.0.1:${port} (pid ${server.pid}), temp ${tmp}`);

  await waitFor('code-server to answer /healthz', async () => {
    const exited = serverExited();
    if (exited) throw new Error(exited);
    try {
      return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
    } catch {
      return false;
    }
  }, 60_000);
  log('code-server is up');

  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    env: { ...process.env, XDG_CONFIG_HOME: join(tmp, 'xdg-config'), XDG_CACHE_HOME: join(tmp, 'xdg-cache') }, // not ~/.config/chromium
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const consoleLog = createWriteStream(join(tmp, 'browser-console.log'));
  page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.stack ?? e}\n`));

  const remote = `vscode-remote://127.0.0.1:${port}`;
  const payload = [
    ['extensionDevelopmentPath', `${remote}${repo}`],
    ['extensionTestsPath', `${remote}${join(repo, 'out/test/integration/index')}`],
  ];
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  log(`workbench loaded (Chromium ${browser.version()}); waiting for the suite's results`);

  let startedSeen = false;
  await waitFor(`${resultFile}`, () => {
    const exited = serverExited();
    if (exited) throw new Error(exited);
    if (!startedSeen && existsSync(`${resultFile}.started`)) {
      startedSeen = true;
      log('run() started in the extension host');
    }
    return existsSync(resultFile);
  }, timeoutMs).catch((error) => {
    error.message += existsSync(`${resultFile}.started`)
      ? ': the suite started in the extension host but did not finish'
      : ": the extension host never called the suite's run()";
    throw error;
  });
  const result = readResult(resultFile);
  printResult(result, log);
  const ok = succeeded(result);
  if (!ok) await saveArtifacts(`${result.failed} failed, ${result.passed} passed${result.error ? `; ${result.error}` : ''}`);
  return { passed: result.passed, failed: result.failed, code: ok ? 0 : 1 };
}

let outcome;
try {
  outcome = await main();
} catch (error) {
  console.error(`test-remote: ${error.stack ?? error}`);
  if (tmp) await saveArtifacts(String(error.stack ?? error)).catch((e) => console.error(`could not save artifacts: ${e}`));
  outcome = { passed: 0, failed: 1, code: 1 };
} finally {
  await cleanUp();
}
log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${outcome.passed} passed, ${outcome.failed} failed`); // the last line, for CI
process.exit(outcome.code);
