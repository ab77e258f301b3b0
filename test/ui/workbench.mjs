// What a user sees and does in VS Code's web workbench, for the UI tests in test/ui (playwright-core).
// Every wait is on a condition with a timeout, never a fixed sleep. Plain .mjs: tsc does not
// compile it and node:test does not pick it up.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { saveArtifacts, serverExited } from '../../scripts/code-server.mjs';

/** The default timeout of one wait, in ms ($GAI_CONF_UI_TIMEOUT seconds, default 30). */
/**
 * The user settings of every UI suite's code-server: the theme VS Code ships as its default,
 * whatever colour scheme the browser reports; saving by hand as in desktop VS Code (the web
 * workbench defaults to auto-save, which would hide Ctrl+S).
 */
export const WORKBENCH_SETTINGS = {
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.tips.enabled': false,
  'files.autoSave': 'off',
};

export const timeout = Number(process.env.GAI_CONF_UI_TIMEOUT ?? 30) * 1000;

/** Escapes `text` for use inside a RegExp. */
export const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The visible line of the active editor whose text matches `pattern` (a RegExp). */
export function editorLine(page, pattern) {
  return page
    .locator('.editor-group-container.active .monaco-editor .view-lines .view-line')
    .filter({ hasText: pattern });
}

/** Opens `name` in the explorer, expanding the folders before it: `openFromExplorer(page, 'etc', 'gai.conf')`. */
export async function openFromExplorer(page, ...path) {
  const rows = page.locator('.explorer-folders-view .monaco-list-row');
  for (const [i, name] of path.entries()) {
    const row = rows.and(page.locator(`[aria-label="${name}"]`));
    await row.waitFor({ timeout });
    const last = i === path.length - 1;
    if (!last && (await row.getAttribute('aria-expanded')) === 'true') continue;
    await row.click();
    if (!last)
      await page
        .locator(`.explorer-folders-view .monaco-list-row[aria-label="${name}"][aria-expanded="true"]`)
        .waitFor({ timeout });
  }
  await page
    .locator('.tabs-container .tab.active')
    .and(page.locator(`[aria-label^="${path.at(-1)}"]`))
    .waitFor({ timeout });
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').waitFor({ timeout });
}

/** Waits until the status bar's language mode reads `name`; returns what it read. */
export async function waitForLanguageMode(page, name) {
  const mode = page.locator('[id="status.editor.mode"]');
  await page
    .waitForFunction((expected) => document.getElementById('status.editor.mode')?.innerText.trim() === expected, name, {
      timeout,
    })
    .catch(async (error) => {
      throw new Error(
        `the language mode status never read "${name}" (it reads "${await mode.innerText().catch(() => '?')}"): ${error.message}`,
      );
    });
  return (await mode.innerText()).trim();
}

/**
 * The coloured spans of the first visible line matching `pattern` (a RegExp source string), once
 * it shows at least `minColours` distinct colours (tokenising is asynchronous): `[{ start, text, colour }]`.
 */
export async function lineColours(page, pattern, minColours) {
  const read = ({ source, min }) => {
    const re = new RegExp(source);
    const lines = document.querySelectorAll('.editor-group-container.active .monaco-editor .view-lines .view-line');
    const line = [...lines].find((l) => re.test(l.textContent.replace(/\u00a0/g, ' ')));
    if (!line) return min ? false : null;
    let start = 0;
    const spans = [...line.querySelectorAll(':scope > span > span')].map((s) => {
      const text = s.textContent.replace(/\u00a0/g, ' ');
      const span = { start, text, colour: getComputedStyle(s).color };
      start += text.length;
      return span;
    });
    return !min || new Set(spans.map((s) => s.colour)).size >= min ? spans : false;
  };
  try {
    const handle = await page.waitForFunction(read, { source: pattern, min: minColours }, { timeout });
    return await handle.jsonValue();
  } catch (error) {
    const spans = await page.evaluate(read, { source: pattern, min: 0 });
    throw new Error(
      `the line /${pattern}/ never showed ${minColours} colours: ${spans ? JSON.stringify(spans) : 'no such line in view'} (${error.message.split('\n')[0]})`,
    );
  }
}

/** The colour of the character at `index` of a line read by lineColours. */
export function colourAt(spans, index) {
  const span = spans.find((s) => index >= s.start && index < s.start + s.text.length);
  if (!span) throw new Error(`no span at column ${index + 1} of ${JSON.stringify(spans)}`);
  return span.colour;
}

/** Moves the mouse somewhere that shows no hover (the explorer's empty space) and waits for hovers to go. */
export async function mouseAway(page) {
  const explorer = await page.locator('.explorer-folders-view').boundingBox();
  const viewport = page.viewportSize();
  const x = explorer ? explorer.x + explorer.width / 2 : 150;
  const y = explorer ? Math.min(explorer.y + explorer.height - 20, viewport.height - 80) : viewport.height - 80;
  await page.mouse.move(x, y);
  await page.waitForFunction(
    () => [...document.querySelectorAll('.monaco-hover, .workbench-hover')].every((h) => !h.checkVisibility()),
    null,
    { timeout },
  );
}

/**
 * Hovers `target` until the editor's hover widget shows text matching `expected`; returns the
 * visible hover's locator. Moves away and back when a hover does not come, up to the timeout.
 */
export async function hoverUntil(page, target, expected) {
  const hover = page.locator('.monaco-editor .monaco-hover').filter({ hasText: expected });
  const visibleHovers = () =>
    page
      .locator('.monaco-editor .monaco-hover')
      .evaluateAll((hs) => hs.filter((h) => h.checkVisibility()).map((h) => h.innerText));
  const deadline = Date.now() + timeout;
  for (;;) {
    await target.hover({ timeout });
    try {
      await hover.waitFor({ state: 'visible', timeout: Math.min(5000, Math.max(1, deadline - Date.now())) });
      return hover;
    } catch (error) {
      if (Date.now() >= deadline) {
        // leave the screen as it is, for the failure's screenshot
        throw new Error(
          `no hover matching ${expected} within ${timeout / 1000} s; visible hovers: ${JSON.stringify(await visibleHovers())} (${error.message.split('\n')[0]})`,
        );
      }
      process.stdout.write(
        `  (no hover matching ${expected} after 5 s, hovers: ${JSON.stringify(await visibleHovers())}: moving away and back)\n`,
      );
      await mouseAway(page);
    }
  }
}

/** Go to Line (Ctrl+G) `line`: the cursor to its start, the line in view, the focus in the editor. */
export async function goToLine(page, line) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout });
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout });
  await page
    .waitForFunction(
      (want) => document.getElementById('status.editor.selection')?.innerText.trim() === want,
      `Ln ${line}, Col 1`,
      { timeout },
    )
    .catch(async (error) => {
      throw new Error(
        `Go to Line ${line}: the cursor is at "${await page
          .locator('[id="status.editor.selection"]')
          .innerText()
          .catch(() => '?')}" (${error.message.split('\n')[0]})`,
      );
    });
}

/** Opens the Problems panel with its keyboard shortcut (Ctrl+Shift+M) unless it is open. */
export async function openProblems(page) {
  const panel = page.locator('.markers-panel');
  if (await panel.isVisible()) return panel;
  await page.keyboard.press('Control+Shift+M');
  await panel.waitFor({ state: 'visible', timeout });
  return panel;
}

/** The Problems panel's rows (markers, not file headers) whose text matches `pattern`. */
export function problemRows(page, pattern) {
  return page.locator('.markers-panel .monaco-list-row').filter({ hasText: pattern });
}

/** A clip rectangle around `boxes` (from boundingBox()), padded and kept inside the viewport. */
export function clipAround(page, boxes, { pad = 12, left, right, top, bottom } = {}) {
  const { width, height } = page.viewportSize();
  const x0 = Math.max(0, left ?? Math.min(...boxes.map((b) => b.x)) - pad);
  const y0 = Math.max(0, top ?? Math.min(...boxes.map((b) => b.y)) - pad);
  const x1 = Math.min(width, right ?? Math.max(...boxes.map((b) => b.x + b.width)) + pad);
  const y1 = Math.min(height, bottom ?? Math.max(...boxes.map((b) => b.y + b.height)) + pad);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * The document inside the visible webview whose page has an h1 starting with `heading`: VS Code
 * nests each webview's content in an inner frame of an outer iframe.
 */
export function webviewContent(page, heading) {
  return page
    .frameLocator('iframe.webview.ready >> visible=true')
    .frameLocator('#active-frame')
    .locator('body')
    .filter({ has: page.locator('h1', { hasText: heading }) });
}

/** The on-screen box of the visible webview showing `heading`, for a screenshot. */
export async function webviewBox(page, heading) {
  const frames = page.locator('iframe.webview.ready');
  for (const frame of await frames.all()) {
    if (!(await frame.isVisible())) continue;
    const text = await frame
      .contentFrame()
      .locator('#active-frame')
      .contentFrame()
      .locator('h1')
      .innerText({ timeout })
      .catch(() => '');
    if (text.startsWith(heading)) return frame.boundingBox();
  }
  throw new Error(`no visible webview with a heading starting "${heading}"`);
}

/**
 * A runner for UI tests: each test is recorded, printed mocha-style, and on failure the screen is
 * photographed into the session's folder (`failureShots` pairs each picture with a name that says
 * which test it shows). `currentPage()` is the page once the workbench is open.
 */
export function uiTestRunner(session, currentPage) {
  const results = [];
  const failureShots = [];
  async function test(title, body) {
    const start = Date.now();
    try {
      if (serverExited(session.server, session.tmp)) throw new Error(serverExited(session.server, session.tmp));
      await body();
      results.push({ title, ok: true });
      console.log(`  \u2713 ${title} (${Date.now() - start} ms)`);
    } catch (error) {
      results.push({ title, ok: false, error });
      console.log(
        `  \u2717 ${title} (${Date.now() - start} ms)\n${String(error.stack ?? error).replace(/^/gm, '      ')}`,
      );
      const page = currentPage();
      if (page) {
        const shot = join(session.tmp, `failed-${results.length}.png`);
        await page.screenshot({ path: shot, timeout: 10_000 }).then(
          () =>
            failureShots.push([
              shot,
              `failed-${results.length}-${title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`,
            ]),
          () => {},
        );
      }
    }
  }
  return { test, results, failureShots };
}

/**
 * The place of `text` in an editor line, to hover or click: Monaco merges neighbouring tokens of
 * one colour into one span (a commented-out row is one comment-coloured span), so the text is
 * found by its characters, not by a span of its own.
 */
export function textInLine(line, text) {
  const position = async () =>
    line.evaluate((row, wanted) => {
      const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent.indexOf(wanted);
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + Math.min(2, wanted.length));
        const box = range.getBoundingClientRect();
        const outer = row.getBoundingClientRect();
        return { x: box.left - outer.left + box.width / 2, y: outer.height / 2 };
      }
      return undefined;
    }, text);
  return {
    waitFor: (options) => line.filter({ hasText: text }).waitFor(options),
    hover: async (options) => line.hover({ ...options, position: await position() }),
    click: async (options) => line.click({ ...options, position: await position() }),
  };
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** Runs a command by its title from the command palette (F1); `opensQuickInput`: the command shows a quick pick of its own. */
export async function runCommand(page, label, { opensQuickInput = false } = {}) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout });
  await input.fill(`>${label}`);
  await page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: label }).first().waitFor({ timeout });
  await page.keyboard.press('Enter');
  if (!opensQuickInput) await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout });
}

/** Clicks the code link of the first Problems row matching `row` and waits for the documentation preview it opens. */
export async function openDocumentationFromProblems(page, row) {
  const panel = await openProblems(page);
  const link = panel
    .locator('.monaco-list-row')
    .filter({ hasText: row })
    .locator('.code-link a, a.code-link, .monaco-link')
    .first();
  await link.waitFor({ timeout });
  await link.click();
  await page
    .locator('.tabs-container .tab.active')
    .filter({ hasText: /Preview gai-conf-documentation\.md/ })
    .waitFor({ timeout });
}

/** The notification toasts whose text matches `text`. */
export function notification(page, text) {
  return page.locator('.notifications-toasts .notification-toast').filter({ hasText: text });
}

/** Types `password` into the password box (sudo's, as Save as Root asks for it) and presses Enter. */
export async function typePassword(page, password) {
  const input = page.locator('.quick-input-widget input[type="password"]');
  await input.waitFor({ state: 'visible', timeout });
  await input.fill(password);
  await page.keyboard.press('Enter');
}

/** In the open quick-fix menu, moves the focus to the fix whose title starts with `prefix`, and applies it. */
export async function applyQuickFix(page, prefix) {
  const focused = page.locator('.action-widget .monaco-list-row.action.focused');
  await focused.waitFor({ timeout });
  const label = async () => (await focused.getAttribute('aria-label', { timeout })) ?? '';
  for (let i = 0; i < 5 && !(await label()).startsWith(prefix); i++) await page.keyboard.press('ArrowDown');
  const chosen = await label();
  if (!chosen.startsWith(prefix))
    throw new Error(`could not select the fix "${prefix}…" (the focus is on "${chosen}")`);
  await page.keyboard.press('Enter');
}

/**
 * Runs a UI suite run as root (test/ui/saveAsRoot.mjs, test/ui/containers.mjs) to its last line,
 * "N passed, M failed[, K skipped]", and exits: `main` returns {passed, failed} or {missing}, which
 * fails naming it (as test/support/prerequisites.ts; a skip only in a partial run, GAI_CONF_PARTIAL=1);
 * on a failure the page, the logs and the failure screenshots are kept under .test-artifacts/PREFIX-*.
 */
export async function runSuite({ tag, prefix, session, results, page, log, started, main, cleanUp = async () => {} }) {
  const artifacts = (reason) =>
    saveArtifacts({
      prefix,
      reason,
      page: page(),
      tmp: join(session.tmp, 'state'),
      log,
      extra: readdirSync(session.tmp)
        .filter((n) => n.startsWith('failed-'))
        .map((n) => [join(session.tmp, n), n]),
    }).catch((error) => console.error(`could not save artifacts: ${error}`));
  // Each test's result is in `results`; `main` returns only what stopped it before any ran.
  const tally = () => ({ passed: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length });
  let outcome;
  try {
    const stopped = await main();
    outcome = { ...tally(), ...stopped };
    if (outcome.missing) {
      const partial = process.env.GAI_CONF_PARTIAL === '1';
      console.log(`${tag}: ${partial ? 'SKIPPED (partial run)' : 'FAILED'}, missing: ${outcome.missing}`);
      outcome = partial ? { passed: 0, failed: 0, skipped: 1 } : { passed: 0, failed: 1 };
    } else if (outcome.failed) {
      await artifacts(
        results
          .filter((r) => !r.ok)
          .map((r) => `${r.title}: ${r.error?.stack ?? r.error}`)
          .join('\n\n'),
      );
    }
  } catch (error) {
    console.error(`${tag}: ${error.stack ?? error}`);
    if (session.tmp) await artifacts(String(error.stack ?? error));
    outcome = { ...tally(), failed: tally().failed + 1 };
  } finally {
    await session.cleanUp();
    await cleanUp();
  }
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(
    `${outcome.passed} passed, ${outcome.failed} failed${outcome.skipped ? `, ${outcome.skipped} skipped` : ''}`,
  );
  process.exit(outcome.failed ? 1 : 0);
}
