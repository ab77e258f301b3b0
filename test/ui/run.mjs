// UI tests, as a user uses the product, at 1,000 x 800: the packaged VSIX installed with
// `code-server --install-extension` into a fresh extensions folder, code-server on 127.0.0.1, its
// web workbench in headless Debian Chromium (playwright-core), a workspace holding etc/gai.conf, a
// copy of this machine's /etc/gai.conf. Then, with the mouse and keyboard: open the file from the
// explorer, read the language mode and the token colours, hover fc00::/7, open the Problems panel,
// apply the first ULA quick fix, save, and check the file on disk.
//
// Every wait is on a condition with a timeout. Screenshots of the hover, the warning and the
// quick-fix menu go to .test-artifacts/ui-screenshots/, or to docs/images/ (the README's, shrunk
// with pngquant where it is installed) with GAI_CONF_UI_SCREENSHOTS=1. The last line of output is always "N passed, M failed"; on
// failure a screenshot per failed test, the final screen, the browser console, code-server's
// output and its logs (the extension host's among them) are saved under .test-artifacts/ui-*/.
//
// Needs `npm run build` (dist/); packages the VSIX itself (`npm run package`). Environment:
// GAI_CONF_UI_TIMEOUT (seconds per wait, default 30), CHROMIUM (default /usr/bin/chromium),
// GAI_CONF_TOOLS (see scripts/install-code-server.sh), GAI_CONF_KEEP_TMP=1,
// GAI_CONF_UI_SCREENSHOTS=1 (rewrite docs/images/).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import {
  installCodeServer,
  installExtension,
  launchChromium,
  makeLog,
  newestMtime,
  newPage,
  packageVsix,
  prepareDirs,
  repo,
  runnerSession,
  saveArtifacts,
  startCodeServer,
  waitFor,
} from '../../scripts/code-server.mjs';
import {
  applyQuickFix,
  assert,
  clipAround,
  colourAt,
  editorLine,
  escapeRegExp,
  goToLine,
  hoverUntil,
  lineColours,
  mouseAway,
  openDocumentationFromProblems,
  openFromExplorer,
  openProblems,
  problemRows,
  runCommand,
  textInLine,
  timeout,
  uiTestRunner,
  waitForLanguageMode,
  webviewBox,
  webviewContent,
  WORKBENCH_SETTINGS,
} from './workbench.mjs';

const started = Date.now();
const log = makeLog('test-ui', started);
const updateReadmeImages = process.env.GAI_CONF_UI_SCREENSHOTS === '1';
const images = join(repo, updateReadmeImages ? 'docs/images' : '.test-artifacts/ui-screenshots');

const session = runnerSession(log);
let page;
const { test, results, failureShots } = uiTestRunner(session, () => page);

function assertEqual(actual, expected, what) {
  if (actual !== expected)
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

async function screenshot(name, clip) {
  mkdirSync(images, { recursive: true });
  await page.screenshot({ path: join(images, name), clip, timeout: 10_000 });
  // The README's images ship in the VSIX, so they are kept small.
  if (updateReadmeImages)
    spawnSync('pngquant', ['--force', '--skip-if-larger', '--quality=60-85', '--ext', '.png', join(images, name)]);
  log(`saved ${relative(repo, join(images, name))} (${Math.round(clip.width)}x${Math.round(clip.height)})`);
}

function checkBuilt() {
  const missing = ['dist/extension.js', 'dist/server.js', 'dist/cli.js'].filter((f) => !existsSync(join(repo, f)));
  if (missing.length) throw new Error(`missing ${missing.join(', ')}: run \`npm run build\` first`);
  const dist = Math.min(
    statSync(join(repo, 'dist/extension.js')).mtimeMs,
    statSync(join(repo, 'dist/server.js')).mtimeMs,
  );
  const sources = Math.max(newestMtime(join(repo, 'server/src'), '.ts'), newestMtime(join(repo, 'client/src'), '.ts'));
  if (sources > dist) log('WARNING: dist/ is older than server/src or client/src: run `npm run build`');
}

const ULA_LINE = /^#?label\s+fc00::\/7\s+6\s*$/;
/** Literal addresses: the explanation needs no DNS, so the test is the same on any machine. */
const EXPLAIN_QUERY = '2001:db8:1::10 198.51.100.10 fd42:0:0:1::10 10.0.1.10 ::1';
const STOCK_COPY = join(repo, 'test/ui/stock-like-gai.conf');

/** What `gai-conf check --json` finds in `file`. */
function findings(file) {
  const run = spawnSync(process.execPath, [join(repo, 'dist/cli.js'), 'check', '--json', file], { encoding: 'utf8' });
  try {
    return JSON.parse(run.stdout).findings;
  } catch {
    return [];
  }
}

/**
 * The gai.conf to open: this machine's /etc/gai.conf, read now, when it shows the scenario (the
 * ULA warning on a `label fc00::/7 6` line); else a stock-like file of our own in test/ui/.
 */
function chooseGaiConf() {
  const stock = '/etc/gai.conf';
  if (!existsSync(stock)) {
    log(
      `NOTE: ${stock} is absent: using ${relative(repo, STOCK_COPY)} (every row commented, as Debian ships it) instead`,
    );
    return { source: STOCK_COPY, text: readFileSync(STOCK_COPY, 'utf8') };
  }
  const text = readFileSync(stock, 'utf8');
  const lines = text.split('\n');
  const ula = findings(stock).find((f) => f.code === 'ula-demoted');
  if (!ula || !ULA_LINE.test(lines[ula.line - 1] ?? '')) {
    log(
      `NOTE: ${stock} has no ULA warning on a "label fc00::/7 6" line (not the stock file?): using ${relative(repo, STOCK_COPY)} (every row commented, as Debian ships it) instead`,
    );
    return { source: STOCK_COPY, text: readFileSync(STOCK_COPY, 'utf8') };
  }
  return { source: stock, text };
}

/** The test corpus (test/corpus and this machine's stock file with lines added), from the compiled test support. */
function corpusForLenses() {
  const compiled = join(repo, 'out/test/support/corpus.js');
  if (!existsSync(compiled))
    throw new Error(
      'out/test/support/corpus.js is missing: run `node scripts/test.mjs` or `npx tsc -p tsconfig.json` first',
    );
  return createRequire(import.meta.url)(compiled).corpus();
}

/** A corpus file's name in the workspace: ending in .gai.conf, so that it opens as gai.conf. */
function lensFileName(name) {
  return `${name.replace(/\.conf$/, '')}.gai.conf`;
}

/** The visible webview with `heading` scrolls not sideways: its tables fit the column. */
async function assertFitsColumn(page, heading) {
  const view = webviewContent(page, heading);
  const widths = await view.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  const box = await webviewBox(page, heading);
  log(`"${heading}" view: ${Math.round(box.width)} px wide, content ${widths.scroll} px`);
  assert(
    widths.scroll <= widths.client + 1,
    `"${heading}" scrolls sideways: content ${widths.scroll} px in ${widths.client} px`,
  );
}

/** Runs a command from the command palette (F1) by its label. */
/** Opens a workspace file with Quick Open (F1, then the path without ">"). */
async function quickOpen(page, path) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout });
  await input.fill(path);
  await page
    .locator('.quick-input-widget .monaco-list-row')
    .filter({ hasText: path.split('/').at(-1) })
    .first()
    .waitFor({ timeout });
  await page.keyboard.press('Enter');
}

/** The RFC 3484 label rows the first ULA fix uncomments where they stand. */
const RFC3484_ROWS = ['::1/128', '::/0', '2002::/16', '::/96', '::ffff:0:0/96'];
function afterFirstFix(text) {
  return text
    .split('\n')
    .map((line) => {
      const m = /^#(label\s+(\S+)\s+\d+\s*)$/.exec(line);
      return m && RFC3484_ROWS.includes(m[2]) ? m[1] : line;
    })
    .join('\n');
}

async function main() {
  checkBuilt();
  const bin = installCodeServer();
  session.tmp = mkdtempSync(join(tmpdir(), 'gai-conf-ui-'));
  const vsix = packageVsix(session.tmp, log);
  const dirs = prepareDirs(session.tmp, WORKBENCH_SETTINGS);
  const installed = installExtension(bin, vsix, { tmp: session.tmp, ...dirs });
  log(
    installed
      .split('\n')
      .filter((l) => /install/i.test(l))
      .join(' | '),
  );

  const gaiConf = chooseGaiConf();
  const etc = join(dirs.workspace, 'etc');
  const file = join(etc, 'gai.conf');
  mkdirSync(etc);
  writeFileSync(file, gaiConf.text);
  writeFileSync(
    join(etc, 'gai.conf.dpkg-dist'),
    "# A package's proposed copy\nlabel ::1/128 0\nprecedence ::ffff:0:0/96 100\n",
  );
  const corpusFiles = corpusForLenses();
  mkdirSync(join(dirs.workspace, 'corpus'));
  for (const { name, text } of corpusFiles) writeFileSync(join(dirs.workspace, 'corpus', lensFileName(name)), text);
  const lines = gaiConf.text.split('\n');
  const ulaLine = lines.findIndex((l) => ULA_LINE.test(l)) + 1;
  log(
    `workspace etc/gai.conf: a copy of ${gaiConf.source} (${lines.length - 1} lines; fc00::/7 row on line ${ulaLine})`,
  );

  const { port } = await startCodeServer(bin, {
    tmp: session.tmp,
    ...dirs,
    folder: dirs.workspace,
    log,
    onSpawn: (child) => {
      session.server = child;
    },
  });
  session.browser = await launchChromium(session.tmp);
  // The window the users had: 1,000 x 800, views beside the file in a ~500 px column.
  page = await newPage(session.browser, session.tmp, { width: 1000, height: 800 });
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.workspace)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  // The workbench starts in the browser's colour scheme and switches once it has read the settings.
  await page.locator('.monaco-workbench.vscode-theme-defaults-themes-dark_modern-json').waitFor({ timeout });
  log(`workbench loaded (Chromium ${session.browser.version()}), theme Dark Modern`);

  const ulaRow = editorLine(page, /^#?label\s+fc00::\/7\s+6\s*$/);
  const ulaAddress = textInLine(ulaRow, 'fc00::');
  // A copy of the stock file affects other machines, not this one: information, not a warning.
  const squiggle = page.locator('.editor-group-container.active .monaco-editor .squiggly-info');

  await test('opening etc/gai.conf from the explorer shows language mode gai.conf', async () => {
    await openFromExplorer(page, 'etc', 'gai.conf');
    assertEqual(await waitForLanguageMode(page, 'gai.conf'), 'gai.conf', 'language mode');
    // Once the language server answers, its CodeLens takes a line above line 1 and moves every
    // line down: wait for it (and the squiggle) before pointing at anything.
    const lens = page
      .locator('.editor-group-container.active .monaco-editor .codelens-decoration')
      .filter({ hasText: /\S/ });
    await lens.first().waitFor({ timeout });
    await squiggle.first().waitFor({ timeout });
    log(`CodeLens: ${JSON.stringify(await lens.first().innerText())}`);
  });

  let commentedRowColours;
  await test('a commented-out row is coloured as the comment it is, all of it', async () => {
    const row = lines[ulaLine - 1]; // #label fc00::/7      6
    const spans = await lineColours(page, `^${escapeRegExp(row)}$`, 1);
    // Read after the row: tokenising goes from the top, so this prose comment is done by now.
    const comment = lines.find((l) => /^#\s+\w/.test(l));
    const commentColour = colourAt(await lineColours(page, `^${escapeRegExp(comment)}$`, 1), 2);
    const colours = {
      comment: commentColour,
      hash: colourAt(spans, row.indexOf('#')),
      directive: colourAt(spans, row.indexOf('label')),
      address: colourAt(spans, row.indexOf('fc00::')),
      'prefix length': colourAt(spans, row.indexOf('/7') + 1),
      value: colourAt(spans, row.lastIndexOf('6')),
    };
    log(`colours on line ${ulaLine}: ${JSON.stringify(colours)}`);
    for (const part of ['hash', 'directive', 'address', 'prefix length', 'value'])
      assertEqual(colours[part], colours.comment, `the commented row's ${part} (comment colour)`);
    commentedRowColours = colours;
  });

  await test('hovering fc00::/7 on the commented-out ULA row names RFC 4193', async () => {
    await ulaAddress.waitFor({ timeout });
    const hover = await hoverUntil(page, ulaAddress, /RFC 4193/);
    const text = await hover.innerText();
    assert(/fc00::\/7: unique local addresses, ULA \(RFC 4193\)/.test(text), `hover text: ${text}`);
    const hoverBox = await hover.boundingBox();
    await screenshot(
      'hover.png',
      clipAround(page, [hoverBox, await ulaRow.boundingBox()], {
        left: Math.min(
          hoverBox.x,
          (await page.locator('.editor-group-container.active .monaco-editor').boundingBox()).x,
        ),
        pad: 16,
      }),
    );
    await mouseAway(page);
  });

  await test('the Problems panel lists the ULA finding (information for a copy) and the row is squiggled', async () => {
    await page.keyboard.press('Escape');
    await openProblems(page);
    const rows = problemRows(page, /ula-demoted/);
    await rows.first().waitFor({ timeout });
    assertEqual(await rows.count(), 1, 'ula-demoted rows in the Problems panel');
    const label = await rows.first().getAttribute('aria-label');
    assert(
      /^Info(rmation)?: ULA hosts \(e\.g\. containers\) try IPv4 before global IPv6/.test(label) &&
        label.includes(`at line ${ulaLine} `),
      `Problems row: ${label}`,
    );
    // The editor got shorter: bring the row back into view, the cursor on the row above, so that
    // the squiggle shows unobstructed in the screenshot.
    await goToLine(page, ulaLine - 1);
    await ulaRow.waitFor({ timeout });
    await mouseAway(page);
    const line = await ulaRow.boundingBox();
    const squiggled = await squiggle.evaluateAll(
      (els, y) =>
        els.some((e) => {
          const r = e.getBoundingClientRect();
          return r.top <= y && y <= r.bottom;
        }),
      line.y + line.height / 2,
    );
    assert(squiggled, `no information squiggle on line ${ulaLine}`);
    const editor = await page.locator('.editor-group-container.active .monaco-editor').boundingBox();
    const row = await rows.first().boundingBox();
    await screenshot(
      'ula-warning.png',
      clipAround(page, [line, row], {
        left: editor.x,
        right: page.viewportSize().width,
        top: Math.max(editor.y, line.y - 8 * line.height),
        bottom: row.y + row.height + 12,
      }),
    );
  });

  let menu;
  await test('Ctrl+. on the warning offers the two ULA fixes', async () => {
    await ulaAddress.click(); // the cursor into the warning's range
    await mouseAway(page);
    await page.keyboard.press('Control+.');
    menu = page.locator('.action-widget');
    await menu.waitFor({ state: 'visible', timeout });
    const actions = menu.locator('.monaco-list-row.action');
    await actions.first().waitFor({ timeout });
    const titles = await actions.evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label')));
    log(`quick fixes: ${JSON.stringify(titles)}`);
    for (const prefix of ["Use RFC 3484's label rows", 'Give fc00::/7 the global label 1']) {
      assert(
        titles.some((t) => t.startsWith(prefix)),
        `no quick fix starting "${prefix}" in ${JSON.stringify(titles)}`,
      );
    }
    const line = await ulaRow.boundingBox();
    const editor = await page.locator('.editor-group-container.active .monaco-editor').boundingBox();
    await screenshot(
      'quick-fix.png',
      clipAround(page, [line, await menu.boundingBox()], {
        left: editor.x,
        top: Math.max(editor.y, line.y - 6 * line.height),
        pad: 16,
      }),
    );
  });

  await test('applying "Use RFC 3484\'s label rows" and saving writes the rows and clears the warning', async () => {
    assert(menu && (await menu.isVisible()), 'the quick-fix menu is not open');
    await applyQuickFix(page, "Use RFC 3484's label rows");
    await menu.waitFor({ state: 'hidden', timeout });
    await editorLine(page, /^label\s+::\/0\s+1$/).waitFor({ timeout }); // (the spaces are NBSPs)
    await page.locator('.tabs-container .tab.active.dirty').waitFor({ timeout });
    assertEqual(readFileSync(file, 'utf8'), gaiConf.text, 'etc/gai.conf on disk before Ctrl+S');
    await page.keyboard.press('Control+S');
    await page.locator('.tabs-container .tab.active:not(.dirty)').waitFor({ timeout });
    const expected = afterFirstFix(gaiConf.text);
    const onDisk = await waitFor(
      'the fix on disk',
      () => {
        const t = readFileSync(file, 'utf8');
        return t === expected && t;
      },
      timeout,
    ).catch(() => {
      throw new Error(
        `etc/gai.conf on disk is not the stock file with the RFC 3484 label rows uncommented:\n${readFileSync(file, 'utf8')}`,
      );
    });
    assert(onDisk.split('\n').includes('label ::/0          1'), 'no "label ::/0          1" line on disk');
    assert(onDisk.split('\n').includes(lines[ulaLine - 1]), 'the commented-out fc00::/7 row changed');
    await openProblems(page);
    await problemRows(page, /ula-demoted/)
      .first()
      .waitFor({ state: 'detached', timeout });
    const left = await page
      .locator('.markers-panel .monaco-list-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label')));
    log(`Problems panel after the fix: ${JSON.stringify(left)}`);
    assert(!left.some((l) => /ULAs/.test(l ?? '')), 'the ULA warning is still listed');
  });

  const lensLink = (title) =>
    page.locator('.editor-group-container.active .monaco-editor .codelens-decoration a').filter({ hasText: title });

  await test('after the fix the CodeLens says ULA hosts prefer IPv6, where the built-in tables prefer IPv4', async () => {
    // The lens sits above line 1, out of view after the fix; the views below want the panel's room.
    if (await page.locator('.markers-panel').isVisible()) await page.keyboard.press('Control+J');
    await goToLine(page, 1);
    await page
      .locator('.monaco-editor .codelens-decoration')
      .filter({ hasText: /ULA hosts: IPv6 first \(built-in: IPv4\)/ })
      .first()
      .waitFor({ timeout });
  });

  await test('"Explain address order…" in the CodeLens asks for addresses and explains each step beside the file', async () => {
    // The views open beside the file: without the side bar, each group is about 480 px wide.
    await runCommand(page, 'View: Close Primary Side Bar');
    await lensLink(/^Explain…$/).click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout });
    await input.fill(EXPLAIN_QUERY);
    await page.keyboard.press('Enter');
    await page
      .locator('.tabs-container .tab')
      .filter({ hasText: `Address order: ${EXPLAIN_QUERY}` })
      .waitFor({ timeout });
    const view = webviewContent(page, 'Address order for');
    await view.locator('h1').waitFor({ timeout });
    const steps = await view.locator('ol.steps li').allInnerTexts();
    log(`explain view: ${steps.length} steps; first: ${JSON.stringify(steps[0])}`);
    assert(
      steps.length > 0 && steps.every((s) => /before .*: rule \d+, [a-z ]+\. \S/.test(s)),
      `steps: ${JSON.stringify(steps)}`,
    );
    const rows = await view.locator('table').nth(1).locator('tbody tr td:nth-child(2)').allInnerTexts();
    assertEqual(rows.length, EXPLAIN_QUERY.split(' ').length, 'destinations in the order table');
    await assertFitsColumn(page, 'Address order for');
    await screenshot('explain.png', await webviewBox(page, 'Address order for'));
  });

  await test('a second explanation reuses the explain tab', async () => {
    await lensLink(/^Explain…$/).click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout });
    await input.fill('::1 127.0.0.1');
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab').filter({ hasText: 'Address order: ::1 127.0.0.1' }).waitFor({ timeout });
    assertEqual(
      await page
        .locator('.tabs-container .tab')
        .filter({ hasText: /^Address order:/ })
        .count(),
      1,
      'explain tabs',
    );
  });

  await test('"Effective policy table" shows the rows glibc holds, with their lines, beside the built-in and RFC 6724 values', async () => {
    await lensLink(/^Policy table$/).click();
    await page.locator('.tabs-container .tab').filter({ hasText: 'Policy table: gai.conf' }).waitFor({ timeout });
    const view = webviewContent(page, 'Effective policy table');
    const ula = view.locator('tr.differs').filter({ hasText: 'fc00::/7' });
    await view
      .locator('h2')
      .filter({ hasText: /^label/ })
      .waitFor({ timeout });
    assert(
      (await view
        .locator('tr')
        .filter({ hasText: /line \d+/ })
        .count()) > 0,
      'no row names its line',
    );
    log(`policy view: fc00::/7 highlighted rows: ${await ula.count()}`);
    await assertFitsColumn(page, 'Effective policy table');
    await screenshot('policy-table.png', await webviewBox(page, 'Effective policy table'));
  });

  await test('the policy view shows an edited value after one edit, with no further keystroke', async () => {
    const view = webviewContent(page, 'Effective policy table');
    const catchAll = lines.findIndex((l) => /^#?label\s+::\/0\s+1\s*$/.test(l)) + 1;
    await page
      .locator('.tabs-container .tab')
      .filter({ hasText: /^gai\.conf$/ })
      .first()
      .click();
    await goToLine(page, catchAll);
    await page.keyboard.press('End');
    await page.keyboard.type('0'); // label ::/0 1 -> label ::/0 10: one edit, then nothing
    await view
      .locator('tr')
      .filter({ hasText: /::\/0\s*10\s*line \d+/ })
      .first()
      .waitFor({ timeout })
      .catch(async () => {
        throw new Error(
          `the view still shows: ${await view.locator('tr').filter({ hasText: '::/0' }).allInnerTexts()}`,
        );
      });
    await page.keyboard.press('Control+Z');
  });

  await test('who follows: titled for /etc/gai.conf, its verdict column in sight in the side column without scrolling', async () => {
    await runCommand(page, 'gai.conf: Who Follows /etc/gai.conf?');
    await page
      .locator('.tabs-container .tab')
      .filter({ hasText: 'Who follows /etc/gai.conf?' })
      .waitFor({ timeout: timeout * 2 });
    const view = webviewContent(page, 'Who follows');
    await view.locator('td.verdict').first().waitFor({ timeout });
    await assertFitsColumn(page, 'Who follows');
    const verdicts = await view
      .locator('td.verdict')
      .evaluateAll((cells) => cells.map((c) => c.getBoundingClientRect().right - window.innerWidth));
    assert(
      verdicts.every((overflow) => overflow <= 1),
      `verdict cells past the view's right edge by ${JSON.stringify(verdicts)} px`,
    );
    log(`who-follows view: ${verdicts.length} verdicts, all in sight`);
  });

  await test("a documentation link adds no Problems entry but gai-conf's own", async () => {
    // The package's copy has findings whatever the edits above left in gai.conf.
    await quickOpen(page, 'etc/gai.conf.dpkg-dist');
    await openDocumentationFromProblems(page, /gai-conf/);
    // VS Code's checks of a packaged readme report a few seconds after the file opens.
    await new Promise((r) => setTimeout(r, 4000));
    await openProblems(page);
    const rows = await page
      .locator('.markers-panel .monaco-list-row')
      .evaluateAll((list) => list.map((r) => r.getAttribute('aria-label') ?? r.textContent ?? ''));
    const foreign = rows.filter(
      (r) => /Relative image|repository|\.md\b/i.test(r) || (/^(Error|Warning|Info)/.test(r) && !/gai-conf/.test(r)),
    );
    assert(foreign.length === 0, `Problems entries not from gai-conf: ${JSON.stringify(foreign)}`);
    await page.keyboard.press('Control+W');
    await page.keyboard.press('Control+J');
  });

  await test('the language status names the glibc the analysis assumes, with a way to change it', async () => {
    await page
      .locator('.tabs-container .tab')
      .filter({ hasText: /^gai\.conf$/ })
      .first()
      .click();
    await page.locator('[id="status.languageStatus"]').click();
    const hover = page
      .locator('.monaco-hover, .workbench-hover, .context-view')
      .filter({ hasText: /glibc 2\.\d+/ })
      .first();
    await hover.waitFor({ state: 'visible', timeout });
    const text = await hover.innerText();
    log(`language status: ${JSON.stringify(text)}`);
    assert(/the glibc of this machine/.test(text) && /Change/.test(text), `language status hover: ${text}`);
    await page.keyboard.press('Escape');
  });

  await test('gai.conf.dpkg-dist opens as gai.conf and its active rows are coloured', async () => {
    await runCommand(page, 'View: Show Explorer');
    await openFromExplorer(page, 'etc', 'gai.conf.dpkg-dist');
    await waitForLanguageMode(page, 'gai.conf');
    const label = await lineColours(page, '^label ::1/128 0$', 2);
    const precedence = await lineColours(page, '^precedence ::ffff:0:0/96 100$', 2);
    const comment = await lineColours(page, "^# A package's proposed copy$", 1);
    const colours = {
      label: colourAt(label, 0),
      address: colourAt(label, 6),
      value: colourAt(label, 14),
      precedence: colourAt(precedence, 0),
      comment: colourAt(comment, 2),
    };
    log(`colours in gai.conf.dpkg-dist: ${JSON.stringify(colours)}`);
    assertEqual(colours.precedence, colours.label, 'precedence colour (the directive colour)');
    for (const [a, b] of [
      ['label', 'address'],
      ['label', 'value'],
      ['label', 'comment'],
      ['address', 'comment'],
      ['value', 'comment'],
    ]) {
      assert(colours[a] !== colours[b], `${a} and ${b} share the colour ${colours[a]}`);
    }
    // An active row and a commented-out one never look alike.
    if (commentedRowColours) {
      for (const [active, commented] of [
        ['label', 'directive'],
        ['address', 'address'],
        ['value', 'value'],
      ]) {
        assert(
          colours[active] !== commentedRowColours[commented],
          `an active row's ${active} and a commented row's ${commented} share the colour ${colours[active]}`,
        );
      }
    }
  });

  await test('on every corpus file the CodeLens row ends on screen, before the minimap, at 1,000 px', async () => {
    // One editor across the window (the views closed), the explorer as the user left it.
    await runCommand(page, 'View: Close All Editor Groups');
    await page.locator('.part.editor').click(); // the focus back into the workbench, for F1
    const measured = [];
    for (const { name } of corpusFiles) {
      const file = lensFileName(name);
      await quickOpen(page, `corpus/${file}`);
      await page.locator(`.tabs-container .tab.active[aria-label^="${file}"]`).waitFor({ timeout });
      const lens = page
        .locator('.editor-group-container.active .monaco-editor .codelens-decoration')
        .filter({ hasText: /\S/ })
        .first();
      if (
        !(await lens.waitFor({ timeout: 8000 }).then(
          () => true,
          () => false,
        ))
      )
        continue; // no lens (a crash, binary data)
      const edge = await page.locator('.editor-group-container.active .monaco-editor').evaluate((editor) => {
        const limit = editor.querySelector('.minimap')?.getBoundingClientRect();
        const right = Math.max(
          ...[...editor.querySelectorAll('.codelens-decoration > *')].map((e) => e.getBoundingClientRect().right),
        );
        return {
          right,
          limit: limit && limit.width > 0 ? limit.left : editor.getBoundingClientRect().right,
          text: [...editor.querySelectorAll('.codelens-decoration')].map((e) => e.textContent).join(' / '),
        };
      });
      measured.push({ name, ...edge });
      assert(
        edge.right <= edge.limit && edge.right <= page.viewportSize().width,
        `${name}: the lenses end at ${Math.round(edge.right)} px, past ${Math.round(edge.limit)} px: ${edge.text}`,
      );
    }
    log(
      `lenses measured on ${measured.length} corpus files; widest ends at ${Math.round(Math.max(...measured.map((m) => m.right)))} px`,
    );
    assert(measured.length >= 30, `only ${measured.length} corpus files showed a lens`);
  });

  const failed = results.filter((r) => !r.ok);
  if (failed.length) {
    await saveArtifacts({
      prefix: 'ui',
      reason: failed.map((r) => `${r.title}: ${r.error?.stack ?? r.error}`).join('\n\n'),
      page,
      tmp: session.tmp,
      log,
      extra: [...failureShots, [join(dirs.workspace, 'etc'), 'workspace-etc']],
    });
  }
  return { passed: results.length - failed.length, failed: failed.length, code: failed.length ? 1 : 0 };
}

let outcome;
try {
  outcome = await main();
} catch (error) {
  console.error(`test-ui: ${error.stack ?? error}`);
  if (session.tmp)
    await saveArtifacts({
      prefix: 'ui',
      reason: String(error.stack ?? error),
      page,
      tmp: session.tmp,
      log,
      extra: failureShots,
    }).catch((e) => console.error(`could not save artifacts: ${e}`));
  const passed = results.filter((r) => r.ok).length;
  outcome = { passed, failed: results.length - passed + 1, code: 1 };
} finally {
  await session.cleanUp();
}
log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${outcome.passed} passed, ${outcome.failed} failed`); // the last line, for CI
process.exit(outcome.code);
