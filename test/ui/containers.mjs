// UI test of the Containers view on an LXD host, as our users meet it: code-server run by an
// ordinary user with sudo who is in the lxd group (scripts/sudo-test-user.sh, a user of this run),
// the packaged VSIX, headless Chromium (playwright-core), mouse and keyboard. Real LXD from
// Debian's package with containers of this run (test/support/lxd.ts): two with Debian's stock
// gai.conf (IPv4 first from their fd42: ULA), one with the ULA fix (IPv6 first); and one bare
// namespace started as root, which the user cannot read.
//
// Covers: nothing is listed before the user asks; the view groups the containers by what they try
// first; a click opens a container's gai.conf with ula-demoted naming that container's address;
// Ctrl+S saves into the container through LXD's API (the shifted owner 100000, mode and inode
// kept, a backup in the user's cache); the batch fix applies to the picked container only (its
// diff shown first), then real glibc inside it (`lxc exec … getent ahosts`) tries IPv6 first while
// the container not picked still tries IPv4 first; the view lists again; the Measure view is
// offered; no sudo ran until "Scan as root…" was clicked, which asks for the password and runs
// only the extension's own language server's `--containers-as-root scan`, listing the namespace the
// user could not see, whose file a Ctrl+S then saves through sudo (`--containers-as-root write`).
//
// Needs root (the user, LXD, the namespace), sudo, LXD, `npm run build` and tsc's out/. Fails when
// one is missing, naming it; skips only in a partial run (GAI_CONF_PARTIAL=1).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  launchChromium,
  makeLog,
  newPage,
  packageVsix,
  repo,
  runnerSession,
  waitFor,
} from '../../scripts/code-server.mjs';
import { commandsRunAsRoot, setSudo, startCodeServerAsUser } from './sudoUser.mjs';
import {
  assert,
  notification,
  openProblems,
  problemRows,
  runCommand,
  runSuite,
  timeout,
  typePassword,
  uiTestRunner,
} from './workbench.mjs';

const started = Date.now();
const log = makeLog('test-ui-containers', started);
const session = runnerSession(log);
let page;
const { test, results } = uiTestRunner(session, () => page);
// A user of this run alone: other suites use the default one at the same time.
process.env.GAI_CONF_SUDO_USER = `gaicui${process.pid.toString(36)}`;

const identity = (path) => {
  const s = statSync(path);
  return `${s.uid}:${s.gid} ${(s.mode & 0o7777).toString(8)} inode ${s.ino}`;
};

const out = (path) => join(repo, 'out', path);

/** The view's rows as the tree shows them, in order: group headers and containers. */
async function viewRows() {
  return page
    .locator('.pane')
    .filter({ has: page.locator('.pane-header', { hasText: 'gai.conf: Containers' }) })
    .locator('.monaco-list-row')
    .evaluateAll((rows) =>
      rows.map((r) => ({ label: r.getAttribute('aria-label') ?? r.textContent, level: r.getAttribute('aria-level') })),
    );
}

/** The group a container's row is under: the nearest level-1 row above it. */
async function groupOf(name) {
  const rows = await viewRows();
  const at = rows.findIndex((r) => r.level === '2' && r.label.startsWith(name));
  if (at < 0) return undefined;
  for (let i = at - 1; i >= 0; i--) if (rows[i].level === '1') return rows[i].label;
  return undefined;
}

/** Whether a row of a multiple-choice quick pick is picked: its checkbox, however this VS Code draws it. */
function isPicked(row) {
  return row.evaluate((element) => {
    const box = element.querySelector('input[type="checkbox"]');
    if (box) return box.checked;
    const toggle = element.querySelector('[role="checkbox"], .monaco-custom-toggle');
    if (toggle) return toggle.getAttribute('aria-checked') === 'true' || toggle.classList.contains('checked');
    return element.getAttribute('aria-checked') === 'true' || element.getAttribute('aria-selected') === 'true';
  });
}

async function toggle(row) {
  const box = row.locator('input[type="checkbox"], [role="checkbox"], .monaco-custom-toggle').first();
  if (await box.count()) await box.click();
  else await row.click();
}

function containerRow(name) {
  return page.locator('.pane .monaco-list-row[aria-level="2"]').filter({ hasText: name }).first();
}

async function main() {
  if (process.getuid?.() !== 0) return { missing: 'root, to create the ordinary user, LXD containers and a namespace' };
  if (spawnSync('sh', ['-c', 'command -v sudo']).status !== 0) return { missing: 'sudo (Debian: sudo)' };
  for (const f of [
    'dist/extension.js',
    'dist/server.js',
    'out/test/support/lxd.js',
    'out/server/src/analysis/analysis.js',
  ]) {
    if (!existsSync(join(repo, f)))
      throw new Error(`missing ${f}: run \`npm run build && npx tsc -p tsconfig.json\` first`);
  }
  const { LxdFixture, lxdUnavailable } = await import(out('test/support/lxd.js'));
  const unavailable = lxdUnavailable();
  if (unavailable) return { missing: unavailable };
  const { analyzeGaiConf } = await import(out('server/src/analysis/analysis.js'));
  const { ulaFixes } = await import(out('server/src/features/codeActions/ulaFixes.js'));
  const { applyEdits } = await import(out('server/src/features/codeActions/edits.js'));
  const { parseGlibcVersion } = await import(out('server/src/glibc/versions.js'));
  const { startBareContainer } = await import(out('test/support/bareContainers.js'));

  const stock = readFileSync('/etc/gai.conf', 'utf8');
  const fixed = applyEdits(stock, ulaFixes(analyzeGaiConf(stock, { glibc: parseGlibcVersion('2.36') }))[0].edits);
  session.tmp = mkdtempSync(join(tmpdir(), 'gai-conf-ui-containers-'));
  chmodSync(session.tmp, 0o755);
  const fixture = new LxdFixture();
  session.fixture = fixture;
  await fixture.start({ containers: ['pick', 'leave', 'fixed'] });
  const hosts = fixture.dualStackHosts();
  for (const [short, text] of [
    ['pick', stock],
    ['leave', stock],
    ['fixed', fixed],
  ]) {
    await fixture.pushFile(short, '/etc/hosts', hosts);
    await fixture.pushFile(short, '/etc/gai.conf', text);
  }
  const made = (short) => fixture.containers.get(short);
  const onHost = (short) => `/proc/${made(short).pid}/root/etc/gai.conf`;
  /** What real glibc inside the container tries first for a name listing both families, in both orders. */
  const glibcFirst = async (short) => {
    const firsts = [];
    for (const name of ['dual-v6-listed-first', 'dual-v4-listed-first']) {
      const result = await fixture.exec(made(short).name, ['getent', 'ahosts', name]);
      assert(result.status === 0, `getent in ${short}: ${result.stderr}`);
      firsts.push(result.stdout.split(/\s+/)[0].includes(':') ? 'ipv6' : 'ipv4');
    }
    return firsts[0] === firsts[1] ? firsts[0] : 'dns-order';
  };
  assert((await glibcFirst('pick')) === 'ipv4' && (await glibcFirst('fixed')) === 'ipv6', 'the scenarios themselves');

  // A namespace of root's that the user cannot read: "Scan as root…" is for it.
  const hidden = await startBareContainer({
    addresses: [
      { family: 6, address: 'fd42:5:5::5', prefixLength: 64 },
      { family: 4, address: '10.55.0.5', prefixLength: 24 },
    ],
    ipv4Route: true,
    ipv6Route: true,
    etc: { 'gai.conf': stock },
  });
  session.hidden = hidden;

  const sudoLog = join(session.tmp, 'sudo.log');
  const user = setSudo('password', sudoLog);
  session.user = user;
  const joined = spawnSync('usermod', ['-aG', 'lxd', user], { encoding: 'utf8' });
  assert(joined.status === 0, `usermod: ${joined.stderr}`);
  const workspace = join(session.tmp, 'workspace');
  spawnSync('install', ['-d', '-o', user, workspace]);
  const vsix = packageVsix(session.tmp);
  const { port, home } = await startCodeServerAsUser({ session, user, vsix, folder: workspace, log });
  session.browser = await launchChromium(session.tmp);
  page = await newPage(session.browser, session.tmp, { width: 1600, height: 1100 });
  await page.goto(`http://127.0.0.1:${port}/?folder=${workspace}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  log(
    `workbench loaded; user ${user} (lxd group); containers ${[...fixture.containers.values()].map((c) => c.name).join(', ')}`,
  );
  const pickBefore = identity(onHost('pick'));
  const leaveBefore = readFileSync(onHost('leave'), 'utf8');

  await test("the view lists nothing until asked; a scan groups this run's containers by what they try first", async () => {
    await runCommand(page, 'View: Show Explorer');
    // The workspace's folder tree away: the view gets the side bar's height.
    const folders = page
      .locator('.pane-header')
      .filter({ hasText: /^workspace$/i })
      .first();
    if ((await folders.getAttribute('aria-expanded')) === 'true') await folders.click();
    const header = page.locator('.pane-header').filter({ hasText: 'gai.conf: Containers' });
    await header.waitFor({ timeout });
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    const welcome = page
      .locator('.pane')
      .filter({ has: header })
      .locator('.welcome-view-content a, .welcome-view-content .monaco-button')
      .filter({ hasText: 'Scan the Containers' });
    await welcome.first().waitFor({ timeout });
    assert((await containerRow(made('pick').name).count()) === 0, 'listed before the user asked');
    await welcome.first().click();
    await containerRow(made('pick').name).waitFor({ timeout: 120_000 });
    for (const [short, group] of [
      ['pick', 'IPv4 first'],
      ['leave', 'IPv4 first'],
      ['fixed', 'IPv6 first'],
    ]) {
      const under = await waitFor(`${short} under its group`, async () => groupOf(made(short).name), timeout);
      assert(under.startsWith(group), `${short} is under "${under}", not "${group}"`);
    }
    const description = await containerRow(made('pick').name).innerText();
    assert(
      /lxd/.test(description) && /glibc 2\.36/.test(description) && description.includes(made('pick').ipv4),
      `the row: ${description}`,
    );
    assert(commandsRunAsRoot(sudoLog).length === 0, 'sudo ran for a scan nobody asked to run as root');
  });

  await test("a click opens the container's gai.conf, judged for the container: ula-demoted names its own address", async () => {
    await containerRow(made('pick').name).click();
    await page.locator('.tabs-container .tab.active').filter({ hasText: 'gai.conf' }).waitFor({ timeout });
    const panel = await openProblems(page);
    const row = problemRows(page, /ula-demoted/).first();
    await row.waitFor({ timeout });
    const text = await panel
      .locator('.monaco-list-row')
      .filter({ hasText: /ula-demoted/ })
      .first()
      .innerText();
    const ula = made('pick').ula;
    assert(text.includes(ula), `the finding names the container's ${ula}: ${text}`);
    await page.keyboard.press('Control+J');
  });

  await test("Ctrl+S saves into the container through LXD: owner 100000, mode and inode kept, a backup in the user's cache", async () => {
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('# edited in the Containers view\n');
    await page.locator('.tabs-container .tab.active.dirty').waitFor({ timeout });
    await page.keyboard.press('Control+S');
    await page.locator('.tabs-container .tab.active:not(.dirty)').waitFor({ timeout });
    const text = readFileSync(onHost('pick'), 'utf8');
    assert(text === `${stock}# edited in the Containers view\n`, `in the container:\n${text.slice(-200)}`);
    assert(identity(onHost('pick')) === pickBefore, `${pickBefore} before, ${identity(onHost('pick'))} after`);
    assert(pickBefore.startsWith('100000:100000 644'), `the shifted owner: ${pickBefore}`);
    const backups = readdirSync(join(home, '.cache/gai-conf/backups')).filter((n) =>
      n.startsWith(encodeURIComponent(`lxd:${made('pick').name}`)),
    );
    assert(backups.length === 1, `backups: ${backups}`);
    assert(
      readFileSync(join(home, '.cache/gai-conf/backups', backups[0]), 'utf8') === stock,
      'the backup holds the file before',
    );
  });

  await test('the batch fix: both ULA containers pre-selected; with one picked, its diff shown, only it is written', async () => {
    await runCommand(page, 'gai.conf: Apply the ULA Fix to Containers…', { opensQuickInput: true });
    const pick = page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: made('pick').name });
    const leave = page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: made('leave').name });
    await pick.waitFor({ timeout: 60_000 });
    log(`a row of the pick: ${(await pick.evaluate((row) => row.outerHTML)).slice(0, 1500)}`);
    for (const row of [pick, leave]) assert((await isPicked(row)) === true, 'pre-selected');
    assert(
      (await page
        .locator('.quick-input-widget .monaco-list-row')
        .filter({ hasText: made('fixed').name })
        .count()) === 0,
      'the fixed container is offered',
    );
    // Only the one to fix: every other container (of other users of this LXD too) is unpicked.
    for (const row of await page.locator('.quick-input-widget .monaco-list-row').all()) {
      const mine = (await row.innerText()).includes(made('pick').name);
      if ((await isPicked(row)) !== mine) await toggle(row);
    }
    assert((await isPicked(pick)) && !(await isPicked(leave)), 'only pick is picked');
    await page.keyboard.press('Enter');
    const confirm = page.locator('.monaco-dialog-box').filter({ hasText: /Apply the ULA fix to 1 container/ });
    await confirm.waitFor({ timeout });
    assert((await confirm.innerText()).includes(made('pick').name), 'the dialog names the container');
    await confirm.locator('.monaco-button').filter({ hasText: 'Show Diffs' }).click();
    await page
      .locator('.tabs-container .tab')
      .filter({ hasText: `${made('pick').name}: gai.conf ↔ with the ULA fix` })
      .waitFor({ timeout });
    await confirm.waitFor({ timeout });
    await confirm.locator('.monaco-button').filter({ hasText: 'Apply' }).click();
    const done = notification(page, /The ULA fix: 1 of 1 container fixed/).first();
    await done.waitFor({ timeout: 60_000 });
    assert(
      (await done.locator('.monaco-button').filter({ hasText: 'Measure IPv6 Share…' }).count()) === 1,
      'Measure is offered',
    );
    const text = readFileSync(onHost('pick'), 'utf8');
    assert(
      /^label ::\/0\s+1$/m.test(text) && text.includes('# edited in the Containers view'),
      `the fix, the edit kept:\n${text}`,
    );
    assert(identity(onHost('pick')) === pickBefore, `after the fix: ${identity(onHost('pick'))}`);
    assert(readFileSync(onHost('leave'), 'utf8') === leaveBefore, 'the container not picked changed');
    assert(readFileSync(onHost('fixed'), 'utf8') === fixed, 'the fixed container changed');
  });

  await test('real glibc inside: the fixed container now tries IPv6 first, the one not picked still IPv4 first', async () => {
    assert((await glibcFirst('pick')) === 'ipv6', 'pick');
    assert((await glibcFirst('leave')) === 'ipv4', 'leave');
  });

  await test('the view listed again: the fixed container is under IPv6 first', async () => {
    const under = await waitFor(
      'pick under IPv6 first',
      async () => {
        const group = await groupOf(made('pick').name);
        return group?.startsWith('IPv6 first') ? group : undefined;
      },
      timeout,
    );
    log(`pick now under ${under}`);
    assert(commandsRunAsRoot(sudoLog).length === 0, `sudo ran: ${commandsRunAsRoot(sudoLog)}`);
  });

  await test('"Scan as root…" asks for the password and runs only the extension\'s own scan as root; the hidden namespace is listed', async () => {
    // The view's unreadable group ends with a "Scan as root…" row; the same command is in the palette.
    await page.locator('.pane .monaco-list-row').filter({ hasText: 'not readable' }).first().waitFor({ timeout });
    await runCommand(page, 'gai.conf: Scan the Containers as Root…', { opensQuickInput: true }); // the password box follows at once
    await typePassword(page, 'secret');
    await waitFor(
      'the hidden namespace listed',
      async () =>
        (await viewRows()).some(
          (r) => r.label.includes(`unshare-${hidden.pid}`) || r.label.includes(String(hidden.pid)),
        ),
      120_000,
    ).catch(async () => {
      throw new Error(`rows: ${JSON.stringify(await viewRows())}`);
    });
    const ran = commandsRunAsRoot(sudoLog);
    log(`run as root: ${JSON.stringify(ran)}`);
    assert(ran.length === 1 && / \S+\/dist\/server\.js --containers-as-root scan$/.test(ran[0]), `sudo ran: ${ran}`);
  });

  await test('a container only root can reach: opened from the scan as root, Ctrl+S saves it through sudo in place, with a backup', async () => {
    const file = join(hidden.etc, 'gai.conf');
    const before = identity(file);
    await runCommand(page, 'View: Close All Editors');
    const row = page.locator('.pane .monaco-list-row[aria-level="2"]').filter({ hasText: 'fd42:5:5::5' }).first();
    await row.click();
    await page.locator('.tabs-container .tab.active').filter({ hasText: 'gai.conf' }).waitFor({ timeout });
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('# saved as root into a namespace\n');
    await page.keyboard.press('Control+S');
    // sudo may still hold the password given for the scan; else it is asked again.
    await waitFor(
      'the save as root',
      async () => {
        const box = page.locator('.quick-input-widget input[type="password"]');
        if (await box.isVisible()) await typePassword(page, 'secret');
        return readFileSync(file, 'utf8').endsWith('# saved as root into a namespace\n');
      },
      timeout,
    );
    await page.locator('.tabs-container .tab.active:not(.dirty)').waitFor({ timeout });
    assert(identity(file) === before, `${before} before, ${identity(file)} after`);
    const ran = commandsRunAsRoot(sudoLog);
    log(`run as root: ${JSON.stringify(ran)}`);
    assert(
      ran.length === 2 &&
        / \S+\/dist\/server\.js --containers-as-root write \S+ \/tmp\/gai-conf-save-\w+\/request\.json$/.test(ran[1]),
      `sudo ran: ${ran}`,
    );
    const backups = readdirSync(join(home, '.cache/gai-conf/backups')).filter((n) => n.startsWith('%2Fproc%2F'));
    assert(
      backups.length === 1 && readFileSync(join(home, '.cache/gai-conf/backups', backups[0]), 'utf8') === stock,
      `backups: ${backups}`,
    );
  });
}

await runSuite({
  tag: 'test-ui-containers',
  prefix: 'ui-containers',
  session,
  results,
  page: () => page,
  log,
  started,
  main,
  cleanUp: async () => {
    session.hidden?.stop();
    await session.fixture?.teardown().catch((error) => log(`LXD teardown: ${error.message}`));
    if (session.user) {
      setSudo('remove');
      spawnSync('userdel', ['-r', session.user], { stdio: 'ignore' });
    }
  },
});
