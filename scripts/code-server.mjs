// What the runners that drive code-server in headless Chromium share (scripts/test-remote.mjs,
// test/ui/run.mjs): installing code-server, starting it isolated from this machine's own VS Code
// and code-server state on a free port of 127.0.0.1, launching Debian's Chromium through
// playwright-core, saving logs when something fails, and stopping all of it again.
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = dirname(dirname(fileURLToPath(import.meta.url)));
export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** A logger that prefixes each line with `[tag seconds-since-start]`. */
export function makeLog(tag, started = Date.now()) {
  return (message) => process.stdout.write(`[${tag} ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}\n`);
}

export function newestMtime(dir, suffix) {
  let newest = 0;
  for (const name of readdirSync(dir, { recursive: true })) {
    if (!String(name).endsWith(suffix)) continue;
    newest = Math.max(newest, statSync(join(dir, String(name))).mtimeMs);
  }
  return newest;
}

/** Runs scripts/install-code-server.sh (a no-op once done) and returns the code-server command. */
export function installCodeServer() {
  const script = join(repo, 'scripts/install-code-server.sh');
  const result = spawnSync('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const bin = result.stdout.trim().split('\n').at(-1);
  if (result.status !== 0 || !bin || !existsSync(bin)) {
    throw new Error(
      `code-server is not installed and ${relative(repo, script)} failed (exit ${result.status}); run it by hand to see why`,
    );
  }
  return bin;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns something truthy, which it returns; throws after `ms`. */
export async function waitFor(what, check, ms, intervalMs = 200) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The environment for code-server: this one without an outer VS Code's VSCODE_* variables. */
export function codeServerEnv(extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VSCODE_')));
  return { ...env, ...extra };
}

/**
 * Creates `<tmp>/user-data` (with settings that keep the workbench quiet and offline, plus
 * `settings`), `<tmp>/extensions` and `<tmp>/workspace`, and returns their paths.
 */
export function prepareDirs(tmp, settings = {}) {
  const userData = join(tmp, 'user-data');
  const extensions = join(tmp, 'extensions');
  const workspace = join(tmp, 'workspace');
  for (const d of [join(userData, 'User'), extensions, workspace]) mkdirSync(d, { recursive: true });
  writeFileSync(
    join(userData, 'User/settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'security.workspace.trust.enabled': false,
        ...settings,
      },
      null,
      2,
    ),
  );
  return { userData, extensions, workspace };
}

/** The flags that keep code-server's state inside `tmp`. */
function isolationFlags(tmp, userData, extensions) {
  return [
    '--user-data-dir',
    userData,
    '--extensions-dir',
    extensions,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--config',
    join(tmp, 'config.yaml'), // else it creates ~/.config/code-server/config.yaml
  ];
}

/**
 * `npm run package`, then a copy of the VSIX in `tmp` (so a later repackaging cannot touch it),
 * readable by every user (an ordinary user's code-server installs it too); returns the copy.
 */
export function packageVsix(tmp, log) {
  const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
  const run = spawnSync('npm', ['run', 'package', '--silent'], { cwd: repo, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`npm run package failed (exit ${run.status}):\n${run.stdout}${run.stderr}`);
  const vsix = join(repo, `gai-conf-${version}.vsix`);
  const copy = join(tmp, `gai-conf-${version}.vsix`);
  copyFileSync(vsix, copy);
  chmodSync(copy, 0o644);
  log?.(`packaged ${relative(repo, vsix)} (${(statSync(vsix).size / 1024).toFixed(0)} KB)`);
  return copy;
}

/** `code-server --install-extension vsix`, as a user installs a packaged extension. */
export function installExtension(bin, vsix, { tmp, userData, extensions, wrap = [] }) {
  const command = [...wrap, bin, ...isolationFlags(tmp, userData, extensions), '--install-extension', vsix];
  const result = spawnSync(command[0], command.slice(1), {
    env: codeServerEnv(),
    encoding: 'utf8',
    timeout: 120_000,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (result.status !== 0)
    throw new Error(
      `code-server --install-extension ${vsix} failed (exit ${result.status ?? result.signal}):\n${output}`,
    );
  return output;
}

/**
 * Starts code-server on a free port of 127.0.0.1 in its own process group, its output in
 * `<tmp>/code-server.log`, and waits until /healthz answers. Returns `{ server, port }`. `onSpawn`
 * gets the child process at once, so a caller's clean-up can stop it while this still waits.
 * `wrap`: a command line code-server runs under (`runuser -u USER --`, `unshare ...`). `socket`: a
 * path where code-server listens instead of a port (when `wrap` puts it in a network namespace of
 * its own), reached on the port through a proxy in this process.
 */
export async function startCodeServer(
  bin,
  { tmp, userData, extensions, folder, env = codeServerEnv(), log, onSpawn, wrap = [], socket },
) {
  const port = await freePort();
  const output = createWriteStream(join(tmp, 'code-server.log'));
  const listen = socket ? ['--socket', socket] : ['--bind-addr', `127.0.0.1:${port}`];
  const command = [...wrap, bin, '--auth', 'none', ...listen, ...isolationFlags(tmp, userData, extensions), folder];
  const server = spawn(command[0], command.slice(1), { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (socket) {
    // code-server in a network namespace of its own: the browser reaches it through its socket file.
    const proxy = createServer((client) => {
      const upstream = connect(socket);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    }).listen(port, '127.0.0.1');
    server.once('exit', () => proxy.close());
  }
  server.stdout.pipe(output);
  server.stderr.pipe(output);
  onSpawn?.(server);
  log?.(`code-server ${bin} on 127.0.0.1:${port} (pid ${server.pid}), temp ${tmp}`);
  await waitFor(
    'code-server to answer /healthz',
    async () => {
      const exited = serverExited(server, tmp);
      if (exited) throw new Error(exited);
      try {
        return (await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5000) })).ok;
      } catch {
        return false;
      }
    },
    60_000,
  );
  log?.('code-server is up');
  return { server, port };
}

/** A message when code-server has exited, else undefined. */
export function serverExited(server, tmp) {
  return server && server.exitCode !== null
    ? `code-server exited with ${server.exitCode} (see ${join(tmp, 'code-server.log')})`
    : undefined;
}

/** Debian's Chromium, headless, with its profile and cache inside `tmp` (not ~/.config/chromium). */
export async function launchChromium(tmp) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    env: { ...process.env, XDG_CONFIG_HOME: join(tmp, 'xdg-config'), XDG_CACHE_HOME: join(tmp, 'xdg-cache') },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A page of `browser` whose console and page errors go to `<tmp>/browser-console.log`. */
export async function newPage(browser, tmp, viewport = { width: 1400, height: 900 }) {
  const page = await browser.newPage({ viewport });
  const consoleLog = createWriteStream(join(tmp, 'browser-console.log'));
  page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.stack ?? e}\n`));
  return page;
}

/** The extension host's own log and the extension's output channel, under `dir`. */
export function exthostLogs(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((p) => /exthost/i.test(p) && /remoteexthost\.log$|gai-conf/.test(p) && statSync(join(dir, p)).isFile());
}

/**
 * Saves a screenshot of `page`, code-server's output, the browser console and code-server's logs
 * (the extension host's among them) into a new `.test-artifacts/<prefix>-<time>/`; returns it.
 */
export async function saveArtifacts({ prefix, reason, page, tmp, log, extra = [] }) {
  const dir = join(repo, '.test-artifacts', `${prefix}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
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
  for (const [from, to] of extra) if (existsSync(from)) cpSync(from, join(dir, to), { recursive: true });
  const logs = join(tmp, 'user-data/logs');
  if (existsSync(logs)) cpSync(logs, join(dir, 'code-server-logs'), { recursive: true });
  const exthost = exthostLogs(join(dir, 'code-server-logs'));
  log?.(`artifacts in ${relative(repo, dir)}/: ${readdirSync(dir).join(', ')}`);
  for (const file of exthost) log?.(`  extension host log: ${relative(repo, join(dir, 'code-server-logs', file))}`);
  return dir;
}

/** Stops code-server's whole process group: code-server, its extension host, the language server. */
export async function stopCodeServer(server) {
  if (!server) return;
  if (server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {}
    const killed = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 5000))]);
    if (!killed)
      try {
        process.kill(-server.pid, 'SIGKILL');
      } catch {}
  }
  // Children that outlive code-server still belong to its process group.
  try {
    process.kill(-server.pid, 'SIGKILL');
  } catch {}
}

/**
 * What a runner holds while it runs, and the one way to let go of it, on completion or on
 * SIGINT, SIGTERM or SIGHUP: close the browser, stop code-server, remove the temp folder (kept
 * with GAI_CONF_KEEP_TMP=1).
 */
export function runnerSession(log) {
  const session = {
    tmp: undefined,
    server: undefined,
    browser: undefined,
    exiting: false,
    async cleanUp() {
      if (session.browser) await session.browser.close().catch(() => {});
      session.browser = undefined;
      await stopCodeServer(session.server);
      session.server = undefined;
      if (session.tmp && !process.env.GAI_CONF_KEEP_TMP) rmSync(session.tmp, { recursive: true, force: true });
      else if (session.tmp) log(`kept ${session.tmp}`);
    },
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, async () => {
      if (session.exiting) return;
      session.exiting = true;
      log(`${signal}: stopping`);
      await session.cleanUp();
      process.exit(130);
    });
  }
  return session;
}
