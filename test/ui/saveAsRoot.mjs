// UI tests of Save as Root, as our users meet it: code-server run by an ordinary user with sudo
// (scripts/sudo-test-user.sh), editing a root-owned gai.conf. The file is a scratch copy that a
// private mount namespace (code-server's only) bind-mounts over /etc/gai.conf, so the extension
// sees the live file and the machine's real /etc/gai.conf is never written. The packaged VSIX,
// headless Chromium (playwright-core), mouse and keyboard, as in test/ui/run.mjs.
//
// Covers: the CodeLens before a save, a failed Ctrl+S offering Save as Root (an offer that is gone
// once Save as Root has saved, whichever way it was started), a wrong password then the right
// one, the NOPASSWD path, owner/group/mode/inode kept (stat), the backup, the editor clean
// afterwards with no "changed on disk" dialog, the crash guard, the file changed on disk meanwhile
// (compare), the message after saving the live file, sudo's log showing that nothing but
// the write ran as root, real glibc ordering IPv6 first from a ULA host with the saved file, and a
// click on a diagnostic's documentation link opening that code's README section, rendered.
//
// Needs root (it creates the user and the files), sudo, `npm run build` and tsc's out/ (for the
// glibc oracle). Fails when not root or sudo is missing, naming it; skips only in a partial run
// (GAI_CONF_PARTIAL=1), ending "0 passed, 0 failed, 1 skipped".
// Environment: as test/ui/run.mjs, plus GAI_CONF_SUDO_USER (default gaiconf-tester).
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
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
import { commandsRunAsRoot, setSudo, startCodeServerAsUser, userFacts } from './sudoUser.mjs';
import {
  applyQuickFix,
  assert,
  editorLine,
  hoverUntil,
  mouseAway,
  notification as toast,
  openDocumentationFromProblems,
  runSuite,
  textInLine,
  timeout,
  typePassword,
  uiTestRunner,
} from './workbench.mjs';

const started = Date.now();
const log = makeLog('test-ui-root', started);
const session = runnerSession(log);
let page;
const { test, results } = uiTestRunner(session, () => page);

const SCRIPT = join(repo, 'scripts/sudo-test-user.sh');
const identity = (path) => {
  const s = statSync(path);
  return `${s.uid}:${s.gid} ${(s.mode & 0o7777).toString(8)} inode ${s.ino}`;
};

/** What real glibc returns first, in a namespace with a ULA-only host, under `config`. */
async function glibcOrderFromUlaHost(config) {
  const { resolveWithGlibc } = await import(join(repo, 'out/test/support/namespaceResolver.js'));
  const host = {
    addresses: [
      { address: 'fd42::2', prefixLength: 64 },
      { address: '10.0.0.2', prefixLength: 24 },
    ],
  };
  const [order] = await resolveWithGlibc([{ host, config, destinations: ['198.51.100.10', '2001:db8:1::10'] }]);
  return order;
}

const notification = (text) => toast(page, text);
const lens = (text) =>
  page.locator('.editor-group-container.active .monaco-editor .codelens-decoration a').filter({ hasText: text });
const activeTab = (state) => page.locator(`.tabs-container .tab.active${state}`);
const quickInput = (page) => page.locator('.quick-input-widget');

async function clickNotificationButton(text, button) {
  const toast = notification(text).first();
  await toast.waitFor({ timeout });
  await toast.locator('.monaco-button').filter({ hasText: button }).click();
}

/** The dialog a Ctrl+S that is about to fail opens: "… cannot write /etc/gai.conf, so this save fails. …" */
async function saveAsRootOffer() {
  const dialog = page
    .locator('.monaco-dialog-box')
    .filter({ hasText: /cannot write \/etc\/gai\.conf, so this save fails/ });
  await dialog.waitFor({ timeout });
  return dialog;
}

/**
 * An offer that has been acted on is gone: no dialog and no toast says "cannot write", nor, with
 * `center`, the notification center (opened and closed again: the toasts on screen go there too).
 */
async function assertOfferGone({ center = false } = {}) {
  const offer = /cannot write \/etc\/gai\.conf/;
  const dialogs = await page.locator('.monaco-dialog-box').filter({ hasText: offer }).count();
  const toasts = await page.locator('.notifications-toasts .notification-toast').filter({ hasText: offer }).count();
  let listed = 0;
  if (center) {
    await page.locator('[id="status.notifications"] a, [id="status.notifications"]').first().click();
    const list = page.locator('.notifications-center');
    await list.waitFor({ timeout });
    listed = await list.locator('.monaco-list-row').filter({ hasText: offer }).count();
    await page.keyboard.press('Escape');
    await list.waitFor({ state: 'hidden', timeout }).catch(() => {});
  }
  assert(
    dialogs + toasts + listed === 0,
    `the offer still stands: ${dialogs} dialogs, ${toasts} toasts, ${listed} in the notification center`,
  );
}

/** VS Code's own "Failed to save" after a Ctrl+S of a file the user cannot write: the one expected conflict, dismissed. */
async function dismissFailedSave() {
  for (const toast of await notification(/Failed to save/).all())
    await toast
      .locator('.codicon-notifications-clear')
      .click()
      .catch(() => {});
}

/** No "file is newer"/"changed on disk" conflict anywhere: no dialog, no such notification. */
async function assertNoConflict() {
  const dialogs = await page.locator('.monaco-dialog-box').count();
  const conflicts = await page
    .locator('.notifications-toasts .notification-toast')
    .filter({ hasText: /newer|changed on disk|Failed to save/ })
    .count();
  assert(dialogs === 0 && conflicts === 0, `a conflict shows: ${dialogs} dialogs, ${conflicts} notifications`);
}

async function main() {
  if (process.getuid?.() !== 0)
    return { missing: 'root, to create the ordinary user with sudo and the root-owned file' };
  if (spawnSync('sh', ['-c', 'command -v sudo']).status !== 0)
    return { missing: 'sudo (Debian: sudo; npm test installs it as root)' };
  if (!existsSync('/etc/gai.conf'))
    return { missing: 'an /etc/gai.conf to bind-mount the scratch copy over (in a private mount namespace)' };
  for (const f of ['dist/extension.js', 'out/test/support/namespaceResolver.js']) {
    if (!existsSync(join(repo, f)))
      throw new Error(`missing ${f}: run \`npm run build && npx tsc -p tsconfig.json\` first`);
  }
  session.tmp = mkdtempSync(join(tmpdir(), 'gai-conf-ui-root-'));
  chmodSync(session.tmp, 0o755);
  const sudoLog = join(session.tmp, 'sudo.log');
  const user = setSudo('password', sudoLog);
  const { home } = userFacts(user);
  rmSync(join(home, '.cache/gai-conf/backups'), { recursive: true, force: true }); // from earlier runs
  const vsix = packageVsix(session.tmp);

  // The root-owned scratch gai.conf: a stock-like file (every row commented), group daemon, mode 0644.
  const scratch = join(session.tmp, 'gai.conf');
  const original = readFileSync(join(repo, 'test/ui/stock-like-gai.conf'), 'utf8');
  writeFileSync(scratch, original);
  chownSync(scratch, 0, 1);
  chmodSync(scratch, 0o644);
  const before = identity(scratch);
  const copy = join(session.tmp, 'gai.conf.dpkg-dist');
  writeFileSync(copy, 'label ::1/128 0\n');
  const readOnly = join(session.tmp, 'read-only'); // read-only in code-server's mount namespace
  mkdirSync(readOnly);
  writeFileSync(join(readOnly, 'gai.conf'), 'label ::1/128 0\n');
  log(`scratch ${scratch} (${before}) bind-mounted over /etc/gai.conf for code-server only; user ${user}`);

  const { port } = await startCodeServerAsUser({
    session,
    user,
    vsix,
    folder: '/etc',
    log,
    outer: [
      'unshare',
      '-m',
      '--propagation',
      'private',
      'sh',
      '-c',
      'mount --bind "$0" /etc/gai.conf && mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"',
      scratch,
      readOnly,
    ],
  });
  session.browser = await launchChromium(session.tmp);
  page = await newPage(session.browser, session.tmp, { width: 1600, height: 1000 });
  await page.goto(`http://127.0.0.1:${port}/?folder=/etc`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  log(`workbench loaded (Chromium ${session.browser.version()})`);

  const ulaAddress = textInLine(editorLine(page, /^#label\s+fc00::\/7\s+6\s*$/), 'fc00::');

  await test('a root-owned /etc/gai.conf opened as the user shows "read-only for you: Save as Root…" before any save', async () => {
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('/etc/gai.conf');
    await page
      .locator('.quick-input-widget .monaco-list-row')
      .filter({ hasText: 'gai.conf' })
      .first()
      .waitFor({ timeout });
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active[aria-label^="gai.conf"]').waitFor({ timeout });
    await lens(/^read-only for you: Save as Root…$/).waitFor({ timeout });
    const first = await page
      .locator('.editor-group-container.active .monaco-editor .codelens-decoration > *')
      .first()
      .innerText();
    assert(
      first === 'read-only for you: Save as Root…',
      `the first lens is "${first}": Save as Root must come first, in view`,
    );
  });

  await test("a click on the diagnostic's code in its hover opens that code's README section, rendered", async () => {
    await ulaAddress.waitFor({ timeout });
    const hover = await hoverUntil(page, ulaAddress, /ula-demoted/);
    await hover.locator('a.code-link').filter({ hasText: 'ula-demoted' }).click();
    await page
      .locator('.tabs-container .tab.active')
      .filter({ hasText: /Preview gai-conf-documentation\.md/ })
      .waitFor({ timeout });
    const heading = page
      .frameLocator('iframe.webview.ready >> visible=true')
      .frameLocator('#active-frame')
      .locator('h3#ula-demoted');
    const where = await waitFor(
      'the preview scrolled to the ula-demoted heading',
      async () => {
        const at = await heading
          .evaluate(
            (h) => ({ top: h.getBoundingClientRect().top, scrollY: window.scrollY, text: h.textContent }),
            undefined,
            { timeout: 2000 },
          )
          .catch(() => undefined);
        return at && at.scrollY > 500 && at.top >= -5 && at.top < 200 ? at : undefined;
      },
      timeout,
    );
    log(
      `preview: heading "${where.text}" ${Math.round(where.top)} px from the top, scrolled ${Math.round(where.scrollY)} px`,
    );
    await page.keyboard.press('Control+W');
    await page.locator('.tabs-container .tab.active[aria-label^="gai.conf"]').waitFor({ timeout });
    await mouseAway(page);
  });

  await test("the code's link in the Problems panel opens the same section", async () => {
    await openDocumentationFromProblems(page, /ula-demoted/);
    await page
      .frameLocator('iframe.webview.ready >> visible=true')
      .frameLocator('#active-frame')
      .locator('h3#ula-demoted')
      .waitFor({ timeout });
    await page.keyboard.press('Control+W');
    await page.keyboard.press('Control+J'); // the panel away again
    await page.locator('.tabs-container .tab.active[aria-label^="gai.conf"]').waitFor({ timeout });
  });

  await test('the ULA quick fix, Ctrl+S fails as the user, "Save as Root…", a wrong password, then the right one: saved in place, editor clean', async () => {
    await ulaAddress.click();
    await page.keyboard.press('Control+.');
    await applyQuickFix(page, "Use RFC 3484's label rows");
    await activeTab('.dirty').waitFor({ timeout });
    await page.keyboard.press('Control+S');
    const offer = await saveAsRootOffer();
    await offer.locator('.monaco-button').filter({ hasText: 'Save as Root…' }).click();
    await typePassword(page, 'wrong');
    await quickInput(page)
      .filter({ hasText: /Wrong password/ })
      .waitFor({ timeout });
    await typePassword(page, 'secret');
    await notification(/Saved \/etc\/gai\.conf as root\. Programs already running keep the tables they read/)
      .first()
      .waitFor({ timeout });
    await activeTab(':not(.dirty)').waitFor({ timeout });
    await dismissFailedSave();
    await assertNoConflict();
    await assertOfferGone();
    const saved = readFileSync(scratch, 'utf8');
    assert(
      saved.split('\n').includes('label ::/0          1') && saved !== original,
      `the fix is not on disk:\n${saved}`,
    );
    assert(identity(scratch) === before, `owner/group/mode/inode: ${before} before, ${identity(scratch)} after`);
    const backups = readdirSync(join(home, '.cache/gai-conf/backups')).filter((n) =>
      n.startsWith('%2Fetc%2Fgai.conf.'),
    );
    assert(
      backups.length === 1 && readFileSync(join(home, '.cache/gai-conf/backups', backups[0]), 'utf8') === original,
      `backups: ${backups}`,
    );
    log(`saved; ${identity(scratch)}; backup ${backups[0]}`);
  });

  await test('real glibc, from a ULA host: IPv4 first with the file before, IPv6 first with the file saved as root', async () => {
    const orderBefore = await glibcOrderFromUlaHost(original);
    const orderAfter = await glibcOrderFromUlaHost(readFileSync(scratch, 'utf8'));
    log(`glibc order before: ${orderBefore.join(' ')}; after: ${orderAfter.join(' ')}`);
    assert(orderBefore[0] === '198.51.100.10', `before: ${orderBefore}`);
    assert(orderAfter[0] === '2001:db8:1::10', `after: ${orderAfter}`);
  });

  await test('"Explain Address Order" in the message after saving the live file opens the explanation', async () => {
    await clickNotificationButton(/Saved \/etc\/gai\.conf as root/, 'Explain Address Order');
    await quickInput(page)
      .filter({ hasText: /Explain Address Order/ })
      .waitFor({ timeout });
    await page.keyboard.press('Escape');
  });

  await test('with NOPASSWD the CodeLens saves at once, no password asked; the offer of the Ctrl+S before is gone', async () => {
    setSudo('nopasswd', sudoLog);
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('# saved without a password\n');
    await activeTab('.dirty').waitFor({ timeout });
    // Ctrl+S first: the offer comes; the user takes the CodeLens instead.
    await page.keyboard.press('Control+S');
    const offer = await saveAsRootOffer();
    await offer.locator('.monaco-button').filter({ hasText: 'Cancel' }).click();
    await offer.waitFor({ state: 'detached', timeout });
    await page.keyboard.press('Control+Home');
    await lens(/^read-only for you: Save as Root…$/).click();
    await activeTab(':not(.dirty)').waitFor({ timeout });
    assert(
      !(await page.locator('.quick-input-widget input[type="password"]').isVisible()),
      'a password box is showing',
    );
    assert(readFileSync(scratch, 'utf8').includes('# saved without a password\n'), 'the edit is not on disk');
    assert(identity(scratch) === before, `after: ${identity(scratch)}`);
    await notification(/Saved \/etc\/gai\.conf as root/)
      .first()
      .waitFor({ timeout });
    await dismissFailedSave();
    await assertNoConflict();
    await assertOfferGone({ center: true });
  });

  await test('a buffer that would crash getaddrinfo() is not written unless the user confirms', async () => {
    const onDisk = readFileSync(scratch, 'utf8');
    await page.keyboard.press('Control+Home');
    await page.keyboard.insertText('scopev4 ::ffff:169.254.0.0 2\n');
    await page.locator('.editor-group-container.active .squiggly-error').first().waitFor({ timeout });
    await lens(/^read-only for you: Save as Root…$/).click();
    const dialog = page.locator('.monaco-dialog-box').filter({ hasText: /would crash every program/ });
    await dialog.waitFor({ timeout });
    await dialog.locator('.monaco-button').filter({ hasText: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached', timeout });
    assert(readFileSync(scratch, 'utf8') === onDisk, 'the file changed');
    await activeTab('.dirty').waitFor({ timeout });
    await waitFor(
      'Ctrl+Z to bring the editor back to the saved text',
      async () => {
        await page.keyboard.press('Control+Z');
        return activeTab(':not(.dirty)')
          .waitFor({ timeout: 2000 })
          .then(
            () => true,
            () => false,
          );
      },
      timeout,
    );
  });

  await test('a file changed on disk since it was opened: Save as Root says so and offers a compare', async () => {
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('# mine\n');
    await activeTab('.dirty').waitFor({ timeout });
    writeFileSync(scratch, `${readFileSync(scratch, 'utf8')}# theirs\n`); // in place, as root: same inode
    await lens(/^read-only for you: Save as Root…$/).click();
    const dialog = page.locator('.monaco-dialog-box').filter({ hasText: /changed on disk since it was opened/ });
    await dialog.waitFor({ timeout });
    await dialog.locator('.monaco-button').filter({ hasText: 'Compare' }).click();
    await page
      .locator('.tabs-container .tab.active')
      .filter({ hasText: /on disk now ↔ your edits/ })
      .waitFor({ timeout });
    assert(readFileSync(scratch, 'utf8').endsWith('# theirs\n'), 'the file was overwritten');
  });

  await test('a root-owned copy under another name (gai.conf.dpkg-dist) gets the CodeLens too', async () => {
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill(copy);
    await page
      .locator('.quick-input-widget .monaco-list-row')
      .filter({ hasText: 'gai.conf.dpkg-dist' })
      .first()
      .waitFor({ timeout });
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active[aria-label^="gai.conf.dpkg-dist"]').waitFor({ timeout });
    await lens(/^read-only for you: Save as Root…$/).waitFor({ timeout });
  });

  await test('a file on a read-only mount: Save as Root says that not even root can write it', async () => {
    // A read-only bind mount: access(2) answers EACCES before EROFS for a user, so only the write can tell.
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill(join(readOnly, 'gai.conf'));
    await page
      .locator('.quick-input-widget .monaco-list-row.focused')
      .filter({ hasText: 'read-only' })
      .first()
      .waitFor({ timeout });
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active').filter({ hasText: 'read-only' }).first().waitFor({ timeout });
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('# an edit\n');
    await lens(/^read-only for you: Save as Root…$/).click();
    await notification(/is on a read-only file system; not even root can write it here/)
      .first()
      .waitFor({ timeout });
    await activeTab('.dirty').waitFor({ timeout });
  });

  await test("sudo's log: nothing but dd writing the file ran as root", async () => {
    const commands = commandsRunAsRoot(sudoLog);
    log(`run as root: ${JSON.stringify(commands)}`);
    const targets = ['/etc/gai.conf', '/etc/gai.conf', join(readOnly, 'gai.conf')]; // the last one refused by the kernel
    assert(commands.length === targets.length, `${commands.length} commands`);
    commands.forEach((c, i) =>
      assert(
        c.replace(/gai-conf-save-\w+/, 'gai-conf-save-X') ===
          `/usr/bin/dd if=/tmp/gai-conf-save-X/content of=${targets[i]} bs=1M conv=nocreat,fsync oflag=nofollow status=none`,
        c,
      ),
    );
  });
}

await runSuite({
  tag: 'test-ui-root',
  prefix: 'ui-root',
  session,
  results,
  page: () => page,
  log,
  started,
  main,
  cleanUp: async () => {
    if (process.getuid?.() === 0 && existsSync(SCRIPT)) spawnSync('bash', [SCRIPT, 'remove']);
  },
});
