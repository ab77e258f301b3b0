// UI test of "gai.conf: Measure IPv6 Share…", as a user meets it on a ULA host: code-server (the
// packaged VSIX) runs in namespaces of its own, so that its census sees only this test's world:
// - a PID namespace with its own /proc (the census reads only its processes), a mount namespace
//   where a scratch stock-like file and a hosts file are bind-mounted over /etc/gai.conf and
//   /etc/hosts (the live files there; the machine's are never written), and a network namespace
//   with a ULA and an IPv4 address (fd42::2/64, 10.0.0.2/24), as an LXD container has;
// - a second network namespace, joined by a veth pair, holds a dual-stacked server on the test's
//   own addresses (2001:db8:1::10, 198.51.100.10, the name dual.test), which accepts and never
//   answers. No other address is ever contacted. Chromium reaches code-server through its socket.
// Two programs in the first namespace hold connections to dual.test: bash (/dev/tcp, which
// follows gai.conf; IPv4 first under the stock file) and `curl -4` (IPv4 whatever the file says).
// The ULA quick fix is applied and saved with the mouse and keyboard; then Measure is started,
// its countdown read and cancelled (no view); started again, bash is restarted during the wait,
// and the view must show the chart (0 % → 75 %, bash all IPv6 after) and the remaining IPv4
// connection with its reason code and fix. The picture of the view is docs/images/measure.png
// with GAI_CONF_UI_SCREENSHOTS=1 (else .test-artifacts/ui-screenshots/).
//
// Needs root (namespaces), `npm run build`; packages the VSIX itself. Environment: as run.mjs.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  installCodeServer,
  installExtension,
  launchChromium,
  makeLog,
  newPage,
  packageVsix,
  prepareDirs,
  repo,
  runnerSession,
  startCodeServer,
} from '../../scripts/code-server.mjs';
import {
  applyQuickFix,
  editorLine,
  runSuite,
  textInLine,
  timeout,
  uiTestRunner,
  webviewBox,
  webviewContent,
  WORKBENCH_SETTINGS,
} from './workbench.mjs';

const started = Date.now();
const log = makeLog('test-ui-measure', started);
const session = runnerSession(log);
let page;
const { test, results } = uiTestRunner(session, () => page);
const updateReadmeImages = process.env.GAI_CONF_UI_SCREENSHOTS === '1';
const images = join(repo, updateReadmeImages ? 'docs/images' : '.test-artifacts/ui-screenshots');

const PORT = 8149;
const HEADING = "IPv6 share of this machine's connections";
const SERVER = `const net = require('net'); const held = [];
net.createServer((s) => { held.push(s); s.on('error', () => {}); })
  .listen({ host: '::', port: ${PORT}, ipv6Only: false }, () => console.log('ready'));`;
/** Opens $1 connections to dual.test with /dev/tcp, says "held", and holds them until its standard input closes. */
const HOLD = `for ((i = 0; i < $1; i++)); do exec {fd}<>/dev/tcp/dual.test/${PORT} || exit 3; done; echo held; read -r _`;

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function must(file, args) {
  const run = spawnSync(file, args, { encoding: 'utf8', timeout: 30_000 });
  if (run.status !== 0) throw new Error(`${file} ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
  return run.stdout;
}

/** A child that prints `line` when it is ready; resolves once it has. */
function untilLine(child, line, what) {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what}: no "${line}" within 15 s: ${out}`)), 15_000);
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      if (out.includes(line)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (d) => (out += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before "${line}": ${out}`));
    });
  });
}

/** A process that holds a namespace open until its standard input closes. */
async function holder(flags) {
  const child = spawn('unshare', [...flags, '--', '/bin/sh', '-c', 'echo ready; exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  await untilLine(child, 'ready', `unshare ${flags.join(' ')}`);
  return child;
}

const holders = [];
const clients = new Map();

/** The namespaces, the server, the bind mounts; returns how to run a program in the editor's namespaces. */
async function setUpNamespaces(tmp) {
  // The editor's PID, mount and network namespaces; with --fork, the shell is unshare's child.
  const editorHolder = await holder([
    '--pid',
    '--fork',
    '--mount-proc',
    '--net',
    '--mount',
    '--propagation',
    'private',
  ]);
  holders.push(editorHolder);
  const editor = readFileSync(`/proc/${editorHolder.pid}/task/${editorHolder.pid}/children`, 'utf8').trim();
  const serverHolder = await holder(['--net']);
  holders.push(serverHolder);
  const server = String(serverHolder.pid);
  const inEditorNet = (args) => must('nsenter', ['-t', editor, '-n', ...args]);
  const inServerNet = (args) => must('nsenter', ['-t', server, '-n', ...args]);
  // The veth is made inside the editor's namespace and its end moved to the server's: no name on the host.
  inEditorNet(['ip', 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1', 'netns', server]);
  for (const [run, commands] of [
    [
      inEditorNet,
      [
        ['link', 'set', 'lo', 'up'],
        ['link', 'set', 'v0', 'up'],
        ['-6', 'addr', 'add', 'fd42::2/64', 'dev', 'v0', 'nodad'],
        ['addr', 'add', '10.0.0.2/24', 'dev', 'v0'],
        ['route', 'add', 'default', 'dev', 'v0'],
        ['-6', 'route', 'add', 'default', 'dev', 'v0'],
      ],
    ],
    [
      inServerNet,
      [
        ['link', 'set', 'lo', 'up'],
        ['link', 'set', 'v1', 'up'],
        ['-6', 'addr', 'add', '2001:db8:1::10/64', 'dev', 'v1', 'nodad'],
        ['addr', 'add', '198.51.100.10/24', 'dev', 'v1'],
        ['route', 'add', '10.0.0.0/24', 'dev', 'v1'],
        ['-6', 'route', 'add', 'fd42::/64', 'dev', 'v1'],
      ],
    ],
  ])
    for (const command of commands) run(['ip', ...command]);
  const listener = spawn('nsenter', ['-t', server, '-n', process.execPath, '-e', SERVER], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  holders.push(listener);
  await untilLine(listener, 'ready', 'the dual-stacked server');

  const gaiConf = join(tmp, 'gai.conf');
  copyFileSync(join(repo, 'test/ui/stock-like-gai.conf'), gaiConf);
  const hosts = join(tmp, 'hosts');
  writeFileSync(hosts, '127.0.0.1\tlocalhost\n::1\tlocalhost\n2001:db8:1::10\tdual.test\n198.51.100.10\tdual.test\n');
  for (const [file, over] of [
    [gaiConf, '/etc/gai.conf'],
    [hosts, '/etc/hosts'],
  ])
    must('nsenter', ['-t', editor, '-m', 'mount', '--bind', file, over]);
  const enter = ['nsenter', '-t', editor, '-p', '-n', '-m', '--'];
  const first = must(enter[0], [...enter.slice(1), 'getent', 'ahosts', 'dual.test']).split(/\s+/)[0];
  assert(first === '198.51.100.10', `real glibc in the namespace puts ${first} first under the stock file`);
  return { enter, gaiConf };
}

/** Starts (or restarts) bash holding `count` connections, in the editor's namespaces. */
async function holdWithBash(enter, count) {
  clients.get('bash')?.stdin.end();
  const child = spawn(enter[0], [...enter.slice(1), '/bin/bash', '-c', HOLD, 'hold', String(count)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  clients.set('bash', child);
  await untilLine(child, 'held', 'bash');
}

async function main() {
  if (process.getuid?.() !== 0) return { missing: 'root, to make the PID, mount and network namespaces' };
  if (!readdirSync(join(repo, 'dist')).includes('extension.js'))
    throw new Error('missing dist/extension.js: run `npm run build` first');
  const bin = installCodeServer();
  session.tmp = mkdtempSync(join(tmpdir(), 'gai-conf-ui-measure-'));
  mkdirSync(images, { recursive: true });
  const { enter, gaiConf } = await setUpNamespaces(session.tmp);

  const vsix = packageVsix(session.tmp, log);
  const state = join(session.tmp, 'state');
  mkdirSync(state);
  const dirs = prepareDirs(state, WORKBENCH_SETTINGS);
  installExtension(bin, vsix, { tmp: state, ...dirs });

  await holdWithBash(enter, 3);
  const curl = spawn(enter[0], [...enter.slice(1), 'curl', '-4', '-sS', '-m', '900', `http://dual.test:${PORT}/`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  clients.set('curl', curl);

  const { port } = await startCodeServer(bin, {
    tmp: state,
    ...dirs,
    folder: '/etc',
    log,
    wrap: enter,
    socket: join(session.tmp, 'code-server.sock'),
    onSpawn: (child) => {
      session.server = child;
    },
  });
  session.browser = await launchChromium(session.tmp);
  page = await newPage(session.browser, session.tmp, { width: 1400, height: 900 });
  await page.goto(`http://127.0.0.1:${port}/?folder=/etc`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  log(`workbench loaded (Chromium ${session.browser.version()})`);

  const notification = (text) => page.locator('.notifications-toasts .notification-toast').filter({ hasText: text });
  /** "gai.conf: Measure IPv6 Share…" from the command palette, then the wait `label` in its own quick pick. */
  const measure = async (label) => {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout });
    await input.fill('>gai.conf: Measure IPv6 Share');
    await page
      .locator('.quick-input-widget .monaco-list-row')
      .filter({ hasText: 'Measure IPv6 Share' })
      .first()
      .waitFor({ timeout });
    await page.keyboard.press('Enter');
    const row = page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: label }).first();
    await row.waitFor({ timeout });
    await row.click();
  };

  await test('the ULA quick fix saved on the live /etc/gai.conf of a ULA host', async () => {
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('/etc/gai.conf');
    await page
      .locator('.quick-input-widget .monaco-list-row')
      .filter({ hasText: 'gai.conf' })
      .first()
      .waitFor({ timeout });
    await page.keyboard.press('Enter');
    // The analysis is in once the CodeLens sums up the file: only then are there quick fixes to offer.
    const lens = (text) =>
      page.locator('.editor-group-container.active .monaco-editor .codelens-decoration').filter({ hasText: text });
    await lens(/ULA hosts: IPv4 first/).waitFor({ timeout });
    await textInLine(editorLine(page, /^#label\s+fc00::\/7\s+6\s*$/), 'fc00::').click();
    await page.keyboard.press('Control+.');
    await applyQuickFix(page, "Use RFC 3484's label rows");
    await page.locator('.tabs-container .tab.active.dirty').waitFor({ timeout });
    await page.keyboard.press('Control+S');
    await page.locator('.tabs-container .tab.active:not(.dirty)').waitFor({ timeout });
    await lens(/IPv6 first/).waitFor({ timeout });
    const first = must(enter[0], [...enter.slice(1), 'getent', 'ahosts', 'dual.test']).split(/\s+/)[0];
    assert(
      first === '2001:db8:1::10',
      `real glibc puts ${first} first with the saved file:\n${readFileSync(gaiConf, 'utf8')}`,
    );
  });

  await test('Measure IPv6 Share…: the wait counts down in a notification, and Cancel stops it without a view', async () => {
    await measure('30 seconds');
    const progress = notification('gai.conf: measuring the IPv6 share');
    await progress.filter({ hasText: /first census taken; the second in 30 s/ }).waitFor({ timeout });
    await progress.filter({ hasText: /the second census in 2\d s/ }).waitFor({ timeout });
    await progress.locator('.monaco-button').filter({ hasText: 'Cancel' }).click();
    await progress.waitFor({ state: 'hidden', timeout });
    // The second census would have come at the end of the 30 s: none does, and no view opens.
    await page.waitForTimeout(2000);
    assert((await page.locator('.tab').filter({ hasText: 'IPv6 share' }).count()) === 0, 'a view opened after Cancel');
  });

  await test('Measure again, bash restarted during the wait: the chart before and after, and why an IPv4 connection remains', async () => {
    await measure('30 seconds');
    const progress = notification('gai.conf: measuring the IPv6 share');
    await progress.filter({ hasText: /the second in 30 s/ }).waitFor({ timeout });
    // What the README tells people to do meanwhile: restart the programs that follow the fixed file.
    await holdWithBash(enter, 3);
    const view = webviewContent(page, HEADING);
    await view.waitFor({ timeout: 60_000 });
    const text = await view.innerText();
    assert(/0 % → 75 % of connections over IPv6/.test(text), `the shares: ${text.slice(0, 400)}`);
    const svg = view.locator('svg.chart');
    // Each row's label is its text element's own text (a <title> inside it holds the full name).
    const labels = await svg.locator('text').evaluateAll((texts) => texts.map((t) => t.firstChild?.textContent));
    for (const label of ['host', 'bash', 'curl']) assert(labels.includes(label), `no chart row ${label}: ${labels}`);
    const titles = await svg.locator('title').allTextContents();
    assert(titles.includes('IPv4: 3 of 3') && titles.includes('IPv6: 3 of 3'), `bash before and after: ${titles}`);
    const rows = view.locator('table tbody tr');
    assert((await rows.count()) === 1, `${await rows.count()} remaining IPv4 connections, not curl's one`);
    const row = await rows.first().innerText();
    assert(/curl/.test(row) && /198\.51\.100\.10:8149/.test(row), row);
    assert(/program-pins-ipv4/.test(row) && /The program runs with -4/.test(row) && /Drop -4\./.test(row), row);
    // The picture ends below the view's last paragraph, not at the bottom of the window.
    const box = await webviewBox(page, HEADING);
    const used = await view.evaluate((body) => body.scrollHeight);
    await page.screenshot({
      path: join(images, 'measure.png'),
      clip: { ...box, height: Math.min(box.height, used + 24) },
    });
    // The README's images ship in the VSIX, so they are kept small.
    if (updateReadmeImages)
      spawnSync('pngquant', [
        '--force',
        '--skip-if-larger',
        '--quality=60-85',
        '--ext',
        '.png',
        join(images, 'measure.png'),
      ]);
  });
}

await runSuite({
  tag: 'test-ui-measure',
  prefix: 'ui-measure',
  session,
  results,
  page: () => page,
  log,
  started,
  main,
  // Once code-server has stopped: closing the holders' input ends the namespaces, and with the PID
  // namespace's first process every process in it.
  cleanUp: async () => {
    for (const child of [...clients.values(), ...holders]) {
      child.stdin?.end();
      child.kill('SIGKILL');
    }
  },
});
