/**
 * Protocol tests: the bundled language server (dist/server.js) as a process, driven over stdio by
 * a real LSP client. They check what an editor sees: capabilities, published diagnostics with
 * their ranges in UTF-16 columns, settings pulled from the client or pushed to it, hover text,
 * quick fixes applied as an editor applies them, incremental sync, and survival of bad input.
 */

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test, TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

import {
  CodeAction,
  CodeActionKind,
  Command,
  Diagnostic,
  Hover,
  MarkupContent,
  Range,
  TextDocumentSyncKind,
  TextEdit,
} from 'vscode-languageserver-protocol/node';

import { analyzeGaiConf } from '../../server/src/analysis/analysis';
import { editorDiagnostics } from '../../server/src/features/diagnostics';
import { TextLocator } from '../../server/src/features/positions';
import { parseGlibcVersion } from '../../server/src/glibc/versions';
import { applyEdits, editsFor, isCodeAction, LspClient, lspLines, Publication, withServer } from '../support/lspClient';
import { lacks } from '../support/prerequisites';

const GLIBC_236 = { glibcVersion: '2.36' };
const GLIBC_241 = { glibcVersion: '2.41' };

/** Findings about the file as a whole (its tables), which many single-line examples also cause. */
const FILE_LEVEL = new Set([
  'table-replaced',
  'ula-demoted',
  'ula-destinations-demoted',
  'ipv4-preferred',
  'catch-all-value',
]);

/** glibc's built-in label table with fc00::/7 given label 1: a file with no warning at all (fec0::/10 is only "information"). */
const QUIET_LABELS =
  'label ::1/128 0\nlabel ::/0 1\nlabel 2002::/16 2\nlabel ::/96 3\nlabel ::ffff:0:0/96 4\nlabel fec0::/10 5\nlabel fc00::/7 1\nlabel 2001::/32 7\n';

let uriCounter = 0;
function freshUri(name: string): string {
  return `file:///tmp/gai-conf-protocol/${process.pid}-${++uriCounter}-${name}/gai.conf`;
}

/** The range of `needle` on LSP line `line` (UTF-16 columns, as JS strings count). */
function rangeOn(text: string, line: number, needle: string, from = 0): Range {
  const content = lspLines(text)[line];
  assert.ok(content !== undefined, `line ${line} does not exist in ${JSON.stringify(text)}`);
  const character = content.indexOf(needle, from);
  assert.ok(character >= 0, `"${needle}" is not on line ${line}: ${JSON.stringify(content)}`);
  return { start: { line, character }, end: { line, character: character + needle.length } };
}

function lineIndexOf(text: string, predicate: (line: string) => boolean, what: string): number {
  const index = lspLines(text).findIndex(predicate);
  assert.ok(index >= 0, `no line ${what}`);
  return index;
}

/** A diagnostic's message as text (LSP 3.18 also allows MarkupContent). */
function messageOf(diagnostic: Diagnostic | undefined): string {
  if (!diagnostic) return '';
  return typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value;
}

function codes(publication: Publication): string[] {
  return publication.diagnostics.map((d) => String(d.code));
}

function only(publication: Publication, code: string): Diagnostic[] {
  return publication.diagnostics.filter((d) => d.code === code);
}

function show(publication: Publication): string {
  return JSON.stringify(
    publication.diagnostics.map((d) => ({ code: d.code, severity: d.severity, range: d.range, message: d.message })),
    null,
    1,
  );
}

function markdownOf(hover: Hover | null): string {
  assert.ok(hover, 'expected a hover, got null');
  const contents = hover.contents as MarkupContent;
  assert.equal(contents.kind, 'markdown', 'hover contents must be MarkupContent markdown');
  return contents.value;
}

function quickFixes(actions: (Command | CodeAction)[] | null): CodeAction[] {
  assert.ok(Array.isArray(actions), `expected code actions, got ${JSON.stringify(actions)}`);
  for (const action of actions)
    assert.ok(isCodeAction(action), `expected CodeAction literals, got the Command ${JSON.stringify(action)}`);
  return (actions as CodeAction[]).filter((a) => a.kind === CodeActionKind.QuickFix);
}

/** The "Ignore <code> ..." fixes that write a suppression comment (tested in editing.test.ts). */
function isSuppression(action: CodeAction): boolean {
  return /^Ignore \S+ (on this line|in this file)$/.test(action.title);
}

function actionTitled(actions: CodeAction[], title: string | RegExp): CodeAction {
  const found = actions.find((a) => (typeof title === 'string' ? a.title === title : title.test(a.title)));
  assert.ok(found, `no code action titled ${String(title)}; offered: ${JSON.stringify(actions.map((a) => a.title))}`);
  return found;
}

/**
 * Every line the edits do not touch is still there, unchanged and in order: line L of the old
 * text is line L + (lines added by the edits above it) of the new one.
 */
function assertUntouchedLinesUnchanged(before: string, after: string, edits: readonly TextEdit[]): void {
  const oldLines = lspLines(before);
  const newLines = lspLines(after);
  const touched = new Set<number>();
  for (const edit of edits) for (let l = edit.range.start.line; l <= edit.range.end.line; l++) touched.add(l);
  let checked = 0;
  for (let line = 0; line < oldLines.length; line++) {
    if (touched.has(line)) continue;
    let shift = 0;
    for (const edit of edits) {
      if (edit.range.end.line < line)
        shift += lspLines(edit.newText).length - 1 - (edit.range.end.line - edit.range.start.line);
    }
    assert.equal(
      newLines[line + shift],
      oldLines[line],
      `line ${line} (now ${line + shift}) was not edited but changed`,
    );
    checked++;
  }
  assert.ok(checked > 0 || oldLines.length === touched.size, 'no untouched line was compared');
}

/** Asks for the quick fixes of `diagnostic`, applies the one titled `title` as an incremental change and returns the new text and publication. */
async function applyQuickFix(
  client: LspClient,
  uri: string,
  diagnostic: Diagnostic,
  title: string | RegExp,
): Promise<{ text: string; publication: Publication; edits: TextEdit[] }> {
  const actions = quickFixes(await client.codeActions(uri, diagnostic.range, [diagnostic]));
  const action = actionTitled(actions, title);
  const edits = editsFor(action.edit, uri);
  assert.ok(edits.length > 0, `"${action.title}" has no edit for ${uri}`);
  const before = client.text(uri);
  const expected = applyEdits(before, edits);
  const publication = await client.applyAsChange(uri, edits);
  assert.equal(
    client.text(uri),
    expected,
    'the edits applied one by one as incremental changes differ from applying the WorkspaceEdit',
  );
  return { text: expected, publication, edits };
}

function stockFile(): string | undefined {
  if (!existsSync('/etc/gai.conf')) return undefined;
  const text = readFileSync('/etc/gai.conf', 'utf8');
  const stock =
    /^#label fc00::\/7\s+6\s*$/m.test(text) &&
    lspLines(text).every((l) => l.trim() === '' || l.trimStart().startsWith('#'));
  return stock ? text : undefined;
}

/** Debian's stock /etc/gai.conf (every Debian machine has it), or undefined in a partial run without it. */
function skipWithoutStockFile(t: TestContext): string | undefined {
  const text = stockFile();
  if (text === undefined) {
    lacks(
      t,
      existsSync('/etc/gai.conf')
        ? "Debian's stock /etc/gai.conf (all commented: the glibc example file); this machine's is another"
        : "Debian's stock /etc/gai.conf, which this machine does not have",
    );
  }
  return text;
}

describe('lifecycle', () => {
  test('initialize announces hover, incremental sync and quickfix + source.fixAll code actions; shutdown/exit ends the process with 0', async () => {
    const client = await LspClient.start({ settings: GLIBC_236 });
    try {
      const capabilities = client.initializeResult!.capabilities;
      assert.equal(capabilities.hoverProvider, true);
      const sync = capabilities.textDocumentSync;
      const change = typeof sync === 'object' ? sync.change : sync;
      assert.equal(change, TextDocumentSyncKind.Incremental);
      if (typeof sync === 'object') assert.notEqual(sync.openClose, false);
      const provider = capabilities.codeActionProvider;
      assert.ok(typeof provider === 'object' && provider !== null, 'codeActionProvider must list its kinds');
      assert.ok(provider.codeActionKinds?.includes(CodeActionKind.QuickFix), 'quickfix');
      assert.ok(provider.codeActionKinds?.includes(CodeActionKind.SourceFixAll), 'source.fixAll');
      assert.equal(await client.shutdown(), 0);
    } catch (error) {
      throw client.annotate(error);
    } finally {
      client.dispose();
    }
  });
});

describe('the stock /etc/gai.conf', () => {
  test('publishes exactly one ula-demoted finding, information for a file that is not the live one, on the commented "#label fc00::/7 6" line', async (t) => {
    const text = skipWithoutStockFile(t);
    if (text === undefined) return;
    const line = lineIndexOf(text, (l) => /^#label fc00::\/7\s+6/.test(l), 'with #label fc00::/7 6');
    for (const glibc of ['2.36', '2.41']) {
      await withServer({ settings: { glibcVersion: glibc } }, async (client) => {
        const uri = freshUri('stock');
        const publication = await client.open(uri, text);
        assert.equal(publication.version, 1);
        assert.deepEqual(codes(publication), ['ula-demoted'], `glibc ${glibc}: ${show(publication)}`);
        const [diagnostic] = publication.diagnostics;
        assert.equal(diagnostic.range.start.line, line);
        assert.equal(diagnostic.range.end.line, line);
        assert.ok(
          diagnostic.range.start.character >= 0 && diagnostic.range.end.character <= lspLines(text)[line].length,
        );
        assert.ok(diagnostic.range.end.character > diagnostic.range.start.character, 'empty range');
        assert.equal(diagnostic.severity, 3);
        assert.equal(diagnostic.source, 'gai-conf');
        assert.match(diagnostic.codeDescription?.href ?? '', /README\.md#ula-demoted$/);
        const readme = fileURLToPath(diagnostic.codeDescription!.href.replace(/#.*$/, ''));
        assert.ok(existsSync(readme), `the documentation link points at ${readme}, which does not exist`);
        assert.ok(
          readFileSync(readme, 'utf8').includes('\n### ula-demoted\n'),
          'the README has a section for the code',
        );
        assert.match(messageOf(diagnostic), /rule 5/);
      });
    }
  });
});

interface Expected {
  readonly code: string;
  readonly range: Range;
  readonly severity?: number;
  readonly message?: RegExp;
}

interface BrokenFile {
  readonly name: string;
  readonly text: string;
  readonly glibc?: string;
  readonly expect: (text: string) => Expected[];
}

const CORPUS: readonly BrokenFile[] = [
  {
    name: 'mis-cased directive',
    text: '# header\nLabel ::1/128 5\n',
    expect: (t) => [
      { code: 'unknown-directive', range: rangeOn(t, 1, 'Label'), severity: 2, message: /Did you mean "label"/ },
    ],
  },
  {
    name: 'plain IPv4 prefix in label',
    text: 'label 10.0.0.0/8 4\n',
    expect: (t) => [{ code: 'ipv4-prefix', range: rangeOn(t, 0, '10.0.0.0/8'), message: /::ffff:10\.0\.0\.0\/104/ }],
  },
  {
    name: 'zone id',
    text: '# link-local\nlabel fe80::1%eth0/128 4\n',
    expect: (t) => [{ code: 'zone-id', range: rangeOn(t, 1, 'fe80::1%eth0'), message: /%eth0/ }],
  },
  {
    name: 'hexadecimal number',
    text: 'precedence ::1/128 0x10\n',
    expect: (t) => [{ code: 'invalid-number', range: rangeOn(t, 0, '0x10') }],
  },
  {
    name: 'extra fields',
    text: 'label ::1/128 0 extra stuff\n',
    expect: (t) => [{ code: 'extra-fields', range: rangeOn(t, 0, 'extra stuff') }],
  },
  {
    name: 'prefix without /bits (glibc 2.36)',
    text: 'label ::1 5\n',
    expect: (t) => [{ code: 'missing-prefix-length', range: rangeOn(t, 0, '::1'), severity: 2 }],
  },
  {
    name: 'first scopev4 without /bits crashes under glibc 2.36',
    text: '# scope\n\tscopev4 10.0.0.0 5\n',
    glibc: '2.36',
    expect: (t) => [{ code: 'scopev4-crash', range: rangeOn(t, 1, '10.0.0.0'), severity: 1 }],
  },
  {
    name: 'reload YES',
    text: 'reload YES\n',
    expect: (t) => [{ code: 'reload-value', range: rangeOn(t, 0, 'YES') }],
  },
  {
    name: 'duplicate row',
    text: 'label ::1/128 0\nlabel ::1/128 5\n',
    expect: (t) => [{ code: 'shadowed-row', range: rangeOn(t, 1, 'label ::1/128 5'), message: /line 1/ }],
  },
  {
    name: 'host bits',
    text: 'label fd00::/7 6\n',
    expect: (t) => [{ code: 'host-bits', range: rangeOn(t, 0, 'fd00::/7'), severity: 3, message: /fc00::\/7/ }],
  },
  {
    name: 'CRLF line ends (ranges stop before the CR)',
    text: 'label ::1/128 0\r\nLabel ::/0 1\r\nlabel ::2/128 0 x\r\n',
    expect: (t) => [
      { code: 'unknown-directive', range: rangeOn(t, 1, 'Label') },
      { code: 'extra-fields', range: rangeOn(t, 2, 'x') },
    ],
  },
  {
    name: 'lone CR: a line break for the editor, not for glibc',
    text: 'label ::1/128 0\rlabel ::/0 1\n',
    expect: (t) => [
      { code: 'carriage-return', range: { start: { line: 0, character: 15 }, end: { line: 1, character: 0 } } },
      { code: 'extra-fields', range: rangeOn(t, 1, 'label ::/0 1') },
    ],
  },
  {
    name: 'non-ASCII before the findings: columns are UTF-16 code units',
    // U+1F600 is two UTF-16 code units, one code point, four UTF-8 bytes.
    text: '# café ☕\nlabel ::1/128 \u{1F600} 5\n',
    expect: () => [
      { code: 'invalid-number', range: { start: { line: 1, character: 14 }, end: { line: 1, character: 16 } } },
      // UTF-16: 17; code points would say 16, UTF-8 bytes 20.
      { code: 'extra-fields', range: { start: { line: 1, character: 17 }, end: { line: 1, character: 18 } } },
    ],
  },
  {
    name: '# inside a word',
    text: 'label ::1/128#x 5\n',
    expect: (t) => [
      { code: 'comment-in-token', range: rangeOn(t, 0, '::1/128#') },
      { code: 'empty-number', range: rangeOn(t, 0, '::1/128') },
    ],
  },
  {
    name: 'directive without values',
    text: 'label\n',
    expect: (t) => [{ code: 'missing-address', range: rangeOn(t, 0, 'label') }],
  },
  {
    name: 'prefix length out of range',
    text: 'label ::1/129 3\n',
    expect: (t) => [{ code: 'number-out-of-range', range: rangeOn(t, 0, '129') }],
  },
  {
    name: 'NUL byte',
    text: 'label ::1/128 0\u0000 x\n',
    expect: (t) => [{ code: 'nul-byte', range: rangeOn(t, 0, '\u0000 x') }],
  },
];

describe('diagnostics for broken files', () => {
  test('each file publishes its codes at the expected ranges (UTF-16 columns), with source and documentation link', async () => {
    await withServer({ settings: GLIBC_236 }, async (client) => {
      for (const file of CORPUS) {
        if (file.glibc && file.glibc !== '2.36') continue;
        const uri = freshUri(file.name.replace(/[^a-z0-9]+/gi, '-'));
        const publication = await client.open(uri, file.text);
        const expected = file.expect(file.text);
        const lineLevel = publication.diagnostics.filter((d) => !FILE_LEVEL.has(String(d.code)));
        assert.deepEqual(
          lineLevel.map((d) => String(d.code)).sort(),
          expected.map((e) => e.code).sort(),
          `${file.name}: ${JSON.stringify(file.text)} published ${show(publication)}`,
        );
        for (const want of expected) {
          const found = only(publication, want.code);
          assert.equal(found.length, 1, `${file.name}: one ${want.code}`);
          const [diagnostic] = found;
          assert.deepEqual(
            diagnostic.range,
            want.range,
            `${file.name}: range of ${want.code} in ${JSON.stringify(file.text)}`,
          );
          if (want.severity !== undefined)
            assert.equal(diagnostic.severity, want.severity, `${file.name}: severity of ${want.code}`);
          if (want.message) assert.match(messageOf(diagnostic), want.message, `${file.name}: message of ${want.code}`);
        }
        for (const diagnostic of publication.diagnostics) {
          assert.equal(diagnostic.source, 'gai-conf');
          assert.match(diagnostic.codeDescription?.href ?? '', new RegExp(`README\\.md#${String(diagnostic.code)}$`));
          assert.ok(
            [1, 2, 3, 4].includes(diagnostic.severity ?? 0),
            `${file.name}: severity of ${String(diagnostic.code)}`,
          );
        }
        await client.close(uri);
      }
    });
  });
});

describe('settings', () => {
  const NO_BITS = 'label ::1 5\n';
  const SCOPE_NO_BITS = 'scopev4 10.0.0.0 5\n';

  async function diagnosticsUnder(
    settings: Record<string, unknown>,
  ): Promise<{ noBits: Publication; scope: Publication }> {
    return withServer({ settings }, async (client) => ({
      noBits: await client.open(freshUri('nobits'), NO_BITS),
      scope: await client.open(freshUri('scope'), SCOPE_NO_BITS),
    }));
  }

  test('gaiconf.glibcVersion 2.36 vs 2.41: missing-prefix-length says different things, scopev4-crash only under 2.36', async () => {
    const old = await diagnosticsUnder(GLIBC_236);
    const recent = await diagnosticsUnder(GLIBC_241);
    const [oldMissing] = only(old.noBits, 'missing-prefix-length');
    const [newMissing] = only(recent.noBits, 'missing-prefix-length');
    assert.ok(oldMissing && newMissing, `${show(old.noBits)}\n${show(recent.noBits)}`);
    assert.deepEqual(oldMissing.range, rangeOn(NO_BITS, 0, '::1'));
    assert.deepEqual(newMissing.range, rangeOn(NO_BITS, 0, '::1'));
    assert.notEqual(messageOf(oldMissing), messageOf(newMissing));
    assert.match(messageOf(newMissing), /::1\/128/, '2.41 reads it as /128');
    assert.match(messageOf(oldMissing), /undefined behaviour|ignore/i);
    // What glibc does differs too: 2.41 takes the row (replacing the built-in label table), 2.36 ignores the line.
    assert.equal(only(recent.noBits, 'table-replaced').length, 1, show(recent.noBits));
    assert.deepEqual(only(old.noBits, 'table-replaced'), [], show(old.noBits));

    assert.deepEqual(
      only(old.scope, 'scopev4-crash').map((d) => [d.severity, d.range]),
      [[1, rangeOn(SCOPE_NO_BITS, 0, '10.0.0.0')]],
      show(old.scope),
    );
    assert.deepEqual(only(recent.scope, 'scopev4-crash'), [], show(recent.scope));
    assert.equal(only(recent.scope, 'missing-prefix-length').length, 1, show(recent.scope));
  });

  test('changing gaiconf.glibcVersion at run time (didChangeConfiguration, then workspace/configuration) re-publishes', async () => {
    await withServer({ settings: GLIBC_236 }, async (client) => {
      const noBitsUri = freshUri('nobits');
      const scopeUri = freshUri('scope');
      const before = await client.open(noBitsUri, NO_BITS);
      const scopeBefore = await client.open(scopeUri, SCOPE_NO_BITS);
      assert.equal(only(scopeBefore, 'scopev4-crash').length, 1, show(scopeBefore));
      const requests = client.configurationRequests.length;
      const since = client.mark();
      await client.changeConfiguration(GLIBC_241);
      const after = await client.diagnostics(noBitsUri, {
        since,
        what: 'the re-publication after the settings change',
      });
      const scopeAfter = await client.diagnostics(scopeUri, {
        since,
        what: 'the scopev4 re-publication after the settings change',
      });
      assert.ok(client.configurationRequests.length > requests, 'the server should pull the new settings');
      assert.ok(
        client.configurationRequests.at(-1)!.some((item) => item.section === 'gaiconf'),
        'it asks for the gaiconf section',
      );
      assert.equal(after.version, 1, 'same document version, new analysis');
      assert.notEqual(
        messageOf(only(after, 'missing-prefix-length')[0]),
        messageOf(only(before, 'missing-prefix-length')[0]),
      );
      assert.match(messageOf(only(after, 'missing-prefix-length')[0]), /::1\/128/);
      assert.deepEqual(only(before, 'table-replaced'), [], show(before));
      assert.equal(only(after, 'table-replaced').length, 1, `2.41 reads the line as ::1/128: ${show(after)}`);
      assert.deepEqual(only(scopeAfter, 'scopev4-crash'), [], show(scopeAfter));
      assert.ok(
        client.logMessages.some((m) => /glibc 2\.41/.test(m)),
        `log: ${client.logMessages.join(' | ')}`,
      );
    });
  });

  test('gaiconf.diagnostics.severity: "off" removes a code, "error" raises one to severity 1', async () => {
    const text = '# x\nLabel ::1/128 5\n';
    await withServer({ settings: GLIBC_236 }, async (client) => {
      const uri = freshUri('severity');
      const defaults = await client.open(uri, text);
      assert.equal(
        only(defaults, 'ula-demoted').length,
        1,
        `with defaults the built-in table demotes ULAs: ${show(defaults)}`,
      );
      assert.deepEqual(
        only(defaults, 'unknown-directive').map((d) => d.severity),
        [2],
      );
      const since = client.mark();
      await client.changeConfiguration({
        ...GLIBC_236,
        diagnostics: { severity: { 'ula-demoted': 'off', 'unknown-directive': 'error' } },
      });
      const configured = await client.diagnostics(uri, { since });
      assert.deepEqual(only(configured, 'ula-demoted'), [], show(configured));
      assert.deepEqual(
        only(configured, 'unknown-directive').map((d) => [d.severity, d.range]),
        [[1, rangeOn(text, 1, 'Label')]],
      );
    });
    // A code that does not exist is reported to the user, not silently ignored.
    await withServer(
      { settings: { ...GLIBC_236, diagnostics: { severity: { 'ula-demotd': 'off' } } } },
      async (client) => {
        const publication = await client.open(freshUri('severity-typo'), text);
        assert.equal(only(publication, 'ula-demoted').length, 1, show(publication));
        await client.waitFor('a message to the user naming the unknown code', () =>
          client.shownMessages.find((m) => m.includes('ula-demotd')),
        );
      },
    );
    // An invalid glibc version is reported too, and the machine's glibc used instead.
    await withServer({ settings: { glibcVersion: 'latest' } }, async (client) => {
      await client.waitFor('a message to the user about the glibc version', () =>
        client.shownMessages.find((m) => m.includes('"latest"')),
      );
      const publication = await client.open(freshUri('bad-version'), text);
      assert.equal(only(publication, 'unknown-directive').length, 1, show(publication));
    });
    // The same settings from the start, as VS Code sends them in the first workspace/configuration.
    await withServer(
      { settings: { ...GLIBC_236, diagnostics: { severity: { 'ula-demoted': 'off', 'unknown-directive': 'error' } } } },
      async (client) => {
        const publication = await client.open(freshUri('severity-initial'), text);
        assert.deepEqual(codes(publication), ['unknown-directive'], show(publication));
        assert.equal(publication.diagnostics[0].severity, 1);
      },
    );
  });

  test('a client without workspace.configuration: settings from initializationOptions, then from didChangeConfiguration', async () => {
    await withServer(
      { configurationCapability: false, initializationOptions: { glibcVersion: '2.41' } },
      async (client) => {
        const uri = freshUri('minimal');
        const first = await client.open(uri, NO_BITS);
        assert.match(messageOf(only(first, 'missing-prefix-length')[0]), /::1\/128/, show(first));
        assert.equal(only(first, 'table-replaced').length, 1, `2.41 reads the line as ::1/128: ${show(first)}`);
        const scope = await client.open(freshUri('minimal-scope'), SCOPE_NO_BITS);
        assert.deepEqual(only(scope, 'scopev4-crash'), [], show(scope));
        const since = client.mark();
        await client.changeConfiguration(GLIBC_236);
        const second = await client.diagnostics(uri, { since });
        assert.notEqual(
          messageOf(only(second, 'missing-prefix-length')[0]),
          messageOf(only(first, 'missing-prefix-length')[0]),
          show(second),
        );
        assert.deepEqual(only(second, 'table-replaced'), [], `2.36 ignores the line: ${show(second)}`);
        assert.equal(
          client.configurationRequests.length,
          0,
          'the server must not send workspace/configuration to a client that does not offer it',
        );
      },
    );
  });
});

describe('hover', () => {
  test('stock file: the commented fc00::/7 row, the label keyword; an ignored line; beyond the end; unknown URI', async (t) => {
    const stock = stockFile();
    await withServer({ settings: GLIBC_236 }, async (client) => {
      if (stock !== undefined) {
        const uri = freshUri('stock-hover');
        await client.open(uri, stock);
        const line = lineIndexOf(stock, (l) => /^#label fc00::\/7/.test(l), 'with #label fc00::/7');
        const prefix = rangeOn(stock, line, 'fc00::/7');
        const hover = await client.hover(uri, { line, character: prefix.start.character + 3 });
        const text = markdownOf(hover);
        assert.match(text, /unique local/i);
        assert.match(text, /RFC 4193/);
        assert.match(text, /glibc uses this row right now/);
        assert.deepEqual(hover!.range, prefix, 'the hover range is the prefix token');

        const keyword = await client.hover(uri, { line, character: 3 });
        const keywordText = markdownOf(keyword);
        assert.match(keywordText, /replaces glibc's whole built-in label table/);
        assert.deepEqual(keyword!.range, rangeOn(stock, line, 'label'));

        const beyond = await client.hover(uri, { line: lspLines(stock).length + 10, character: 0 });
        assert.equal(beyond, null, `hover beyond the end of the document: ${JSON.stringify(beyond)}`);
      } else {
        skipWithoutStockFile(t);
      }

      const activeUri = freshUri('active-label');
      const active = 'label ::1/128 0\nlabel 10.0.0.0/8 4\n';
      await client.open(activeUri, active);
      assert.match(
        markdownOf(await client.hover(activeUri, { line: 0, character: 2 })),
        /replaces glibc's whole built-in label table/,
      );
      const ignored = await client.hover(activeUri, { line: 1, character: 9 });
      assert.ok(markdownOf(ignored).startsWith('**Ignored by glibc.**'), markdownOf(ignored));
      assert.deepEqual(ignored!.range, rangeOn(active, 1, '10.0.0.0/8'));

      assert.equal(await client.hover(activeUri, { line: 50, character: 0 }), null, 'a line past the end');
      assert.equal(await client.hover(freshUri('never-opened'), { line: 0, character: 0 }), null, 'unknown URI');
      assert.ok(client.alive);
      assert.ok(
        markdownOf(await client.hover(activeUri, { line: 1, character: 9 })).startsWith('**Ignored by glibc.**'),
        'still answering',
      );
    });
  });

  test('a document without a final line break: a position past its last line is not on its last word', async () => {
    await withServer({ settings: GLIBC_236 }, async (client) => {
      const uri = freshUri('no-eol');
      await client.open(uri, 'label 10.0.0.0/8 4');
      assert.ok(
        markdownOf(await client.hover(uri, { line: 0, character: 18 })).length > 0,
        'the end of the last word still hovers',
      );
      const beyond = await client.hover(uri, { line: 3, character: 0 });
      assert.equal(beyond, null, `hover at line 3 of a one-line document: ${JSON.stringify(beyond)}`);
    });
  });
});

describe('templates', () => {
  test('a gai.conf.j2 gets findings on its literal lines only, a hover on its template lines, and a format that keeps them', async () => {
    const text =
      '# {{ ansible_managed }}\nLabel ::1/128 0\nlabel fc00::/7   {{ ula_label }}\n{% if v4 %}\nprecedence  ::ffff:0:0/96 100\n{% endif %}\n';
    await withServer({ settings: GLIBC_236 }, async (client) => {
      const uri = `file:///tmp/gai-conf-protocol/${process.pid}-role/templates/gai.conf.j2`;
      const publication = await client.open(uri, text);
      assert.deepEqual(
        publication.diagnostics.map((d) => [d.code, d.range.start.line]),
        [['unknown-directive', 1]],
        show(publication),
      );
      const hover = await client.hover(uri, { line: 2, character: 20 });
      assert.match((hover?.contents as MarkupContent).value, /known only once the template is rendered/);
      const edits = (await client.request('textDocument/formatting', {
        textDocument: { uri },
        options: { tabSize: 2, insertSpaces: true },
      })) as TextEdit[];
      const formatted = applyEdits(text, edits);
      assert.ok(
        formatted.includes('label fc00::/7   {{ ula_label }}\n{% if v4 %}\nprecedence ::ffff:0:0/96 100\n'),
        formatted,
      );
      const lenses = (await client.request('textDocument/codeLens', { textDocument: { uri } })) as {
        command?: { title: string };
      }[];
      assert.deepEqual(
        lenses.map((l) => l.command?.title),
        ['Template: effects known once rendered'],
      );
      const plain = await client.open(freshUri('not-a-template'), text);
      assert.ok(
        plain.diagnostics.some((d) => d.code === 'invalid-number'),
        `in a real gai.conf {{ is text: ${show(plain)}`,
      );
    });
  });
});

describe('code actions', () => {
  test('stock file: both ula-demoted quick fixes remove the warning and leave every other line as it was', async (t) => {
    const stock = skipWithoutStockFile(t);
    if (stock === undefined) return;
    await withServer({ settings: GLIBC_236 }, async (client) => {
      const probeUri = freshUri('stock-probe');
      const opened = await client.open(probeUri, stock);
      const [ula] = only(opened, 'ula-demoted');
      assert.ok(ula, show(opened));
      const fixes = quickFixes(await client.codeActions(probeUri, ula.range, [ula])).filter(
        (a) => a.diagnostics?.some((d) => d.code === 'ula-demoted') && !isSuppression(a),
      );
      assert.equal(fixes.length, 2, `two ula-demoted quick fixes: ${JSON.stringify(fixes.map((f) => f.title))}`);
      assert.equal(fixes.filter((f) => f.isPreferred).length, 1, 'exactly one preferred fix');
      for (const fix of fixes) {
        const uri = freshUri('stock-fix');
        const first = await client.open(uri, stock);
        const { text, publication, edits } = await applyQuickFix(client, uri, only(first, 'ula-demoted')[0], fix.title);
        assert.deepEqual(only(publication, 'ula-demoted'), [], `after "${fix.title}": ${show(publication)}`);
        assert.ok(
          !publication.diagnostics.some((d) => d.severity === 1),
          `no error after "${fix.title}": ${show(publication)}`,
        );
        assert.notEqual(text, stock);
        assertUntouchedLinesUnchanged(stock, text, edits);
      }
    });
  });

  test('ula-demoted fixes on a CRLF file with the commented built-in label table keep CRLF and remove the warning', async () => {
    const text = [
      '# labels',
      '#label ::1/128       0',
      '#label ::/0          1',
      '#label 2002::/16     2',
      '#label ::/96         3',
      '#label ::ffff:0:0/96 4',
      '#label fec0::/10     5',
      '#label fc00::/7      6',
      '#label 2001:0::/32   7',
      '# end',
      '',
    ].join('\r\n');
    await withServer({ settings: GLIBC_236 }, async (client) => {
      const probeUri = freshUri('crlf-ula-probe');
      const opened = await client.open(probeUri, text);
      assert.deepEqual(codes(opened), ['ula-demoted'], show(opened));
      assert.equal(opened.diagnostics[0].range.start.line, 7);
      const fixes = quickFixes(
        await client.codeActions(probeUri, opened.diagnostics[0].range, opened.diagnostics),
      ).filter((a) => a.diagnostics?.some((d) => d.code === 'ula-demoted') && !isSuppression(a));
      assert.equal(fixes.length, 2, JSON.stringify(fixes.map((f) => f.title)));
      for (const fix of fixes) {
        const uri = freshUri('crlf-ula');
        const first = await client.open(uri, text);
        const { text: after, publication, edits } = await applyQuickFix(client, uri, first.diagnostics[0], fix.title);
        assert.deepEqual(only(publication, 'ula-demoted'), [], `after "${fix.title}": ${show(publication)}`);
        assert.ok(
          !/[^\r]\n|\r(?!\n)/.test(after),
          `"${fix.title}" mixed line ends into a CRLF file: ${JSON.stringify(after)}`,
        );
        assertUntouchedLinesUnchanged(text, after, edits);
      }
    });
  });

  test('single-line fixes: Label -> label, IPv4 -> v4-mapped, extra fields -> comment, shadowed row removed', async () => {
    await withServer({ settings: GLIBC_236 }, async (client) => {
      const cases: { text: string; code: string; title: string | RegExp; after: string }[] = [
        {
          text: '# x\nLabel ::1/128 5\n',
          code: 'unknown-directive',
          title: 'Change "Label" to "label"',
          after: '# x\nlabel ::1/128 5\n',
        },
        {
          text: 'label 10.0.0.0/8 4\n',
          code: 'ipv4-prefix',
          title: /::ffff:10\.0\.0\.0\/104/,
          after: 'label ::ffff:10.0.0.0/104 4\n',
        },
        {
          text: 'label ::1/128 0 extra stuff\n',
          code: 'extra-fields',
          title: 'Make the extra fields a comment',
          after: 'label ::1/128 0 # extra stuff\n',
        },
        {
          text: 'label ::1/128 0\nlabel ::1/128 5\nlabel ::/0 1\n',
          code: 'shadowed-row',
          title: 'Remove this row, which is never read',
          after: 'label ::1/128 0\nlabel ::/0 1\n',
        },
        {
          text: 'label ::1/128 0\nlabel ::1/128 5',
          code: 'shadowed-row',
          title: 'Remove this row, which is never read',
          after: 'label ::1/128 0',
        },
        {
          text: 'label ::1/128 0\r\nlabel ::1/128 5\r\nlabel ::/0 1\r\n',
          code: 'shadowed-row',
          title: 'Remove this row, which is never read',
          after: 'label ::1/128 0\r\nlabel ::/0 1\r\n',
        },
      ];
      for (const c of cases) {
        const uri = freshUri(c.code);
        const opened = await client.open(uri, c.text);
        const [diagnostic] = only(opened, c.code);
        assert.ok(diagnostic, `${JSON.stringify(c.text)}: ${show(opened)}`);
        const actions = quickFixes(await client.codeActions(uri, diagnostic.range, [diagnostic]));
        const action = actionTitled(actions, c.title);
        assert.deepEqual(
          action.diagnostics?.map((d) => d.code),
          [c.code],
          'the fix names the diagnostic it resolves',
        );
        const { text, publication } = await applyQuickFix(client, uri, diagnostic, c.title);
        assert.equal(text, c.after, `${JSON.stringify(c.text)} after "${action.title}"`);
        assert.deepEqual(only(publication, c.code), [], show(publication));
      }
    });
  });

  test('the fixes are those of the version asked about: after an edit puts a suppression comment above a line, its fix extends it', async () => {
    await withServer({ settings: GLIBC_236 }, async (client) => {
      const uri = freshUri('fixes-per-version');
      const lineFix = async (publication: Publication) => {
        const [diagnostic] = only(publication, 'unknown-directive');
        const actions = quickFixes(await client.codeActions(uri, diagnostic.range, [diagnostic]));
        return editsFor(actionTitled(actions, /on this line/).edit, uri).map((e) => e.newText);
      };
      const opened = await client.open(uri, 'reload yes\nLabel ::1/128 5\n');
      assert.deepEqual(await lineFix(opened), ['# gai-conf: ignore unknown-directive\n']);
      const edited = await client.applyAsChange(uri, [
        {
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 10 } },
          newText: '# gai-conf: ignore zone-id',
        },
      ]);
      assert.deepEqual(await lineFix(edited), [', unknown-directive']);
    });
  });

  test('source.fixAll on a file with only safe problems removes them all in one edit', async () => {
    const text =
      QUIET_LABELS.replace('label fec0::/10 5', 'label fec0::/10 +5')
        .replace('label fc00::/7 1', 'label fd00::/7 1')
        .replace('label 2001::/32 7', 'label 2001::/32 007') + 'reload YES\n';
    await withServer({ settings: GLIBC_236 }, async (client) => {
      const uri = freshUri('fixall');
      const opened = await client.open(uri, text);
      const fixable = ['unusual-number', 'host-bits', 'reload-value'];
      assert.deepEqual(
        [...new Set(codes(opened).filter((c) => fixable.includes(c)))].sort(),
        [...fixable].sort(),
        show(opened),
      );
      const whole: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      const actions = await client.codeActions(uri, whole, [], [CodeActionKind.SourceFixAll]);
      assert.ok(Array.isArray(actions));
      assert.equal(actions.length, 1, `only the fix-all action: ${JSON.stringify(actions.map((a) => a.title))}`);
      const [fixAll] = actions as CodeAction[];
      assert.equal(fixAll.kind, CodeActionKind.SourceFixAll);
      const edits = editsFor(fixAll.edit, uri);
      const expected = applyEdits(text, edits);
      const publication = await client.applyAsChange(uri, edits);
      assert.equal(client.text(uri), expected);
      assert.deepEqual(
        codes(publication).filter((c) => fixable.includes(c)),
        [],
        `${JSON.stringify(expected)}: ${show(publication)}`,
      );
      assert.ok(!codes(publication).some((c) => c !== 'site-local'), `nothing new: ${show(publication)}`);
      assert.match(expected, /^label fec0::\/10 5$/m);
      assert.match(expected, /^label fc00::\/7 1$/m);
      assert.match(expected, /^label 2001::\/32 7$/m);
      assert.match(expected, /^reload no$/m);

      const quickOnly = await client.codeActions(uri, whole, [], [CodeActionKind.QuickFix]);
      assert.ok(
        Array.isArray(quickOnly) && quickOnly.every((a) => isCodeAction(a) && a.kind === CodeActionKind.QuickFix),
        'only: quickfix returns no source action',
      );
    });
  });

  test('a client without codeActionLiteralSupport gets no CodeAction literals', async () => {
    await withServer({ settings: GLIBC_236, codeActionLiteralSupport: false }, async (client) => {
      const uri = freshUri('no-literals');
      const opened = await client.open(uri, '# x\nLabel ::1/128 5\n');
      const actions = await client.codeActions(uri, opened.diagnostics[0].range, opened.diagnostics);
      assert.ok(actions === null || actions.every((a) => !isCodeAction(a)), JSON.stringify(actions));
    });
  });
});

describe('incremental sync', () => {
  test('typing a bad line one character per didChange, then deleting it', async () => {
    await withServer(
      { settings: { ...GLIBC_236, diagnostics: { severity: { 'site-local': 'off' } } } },
      async (client) => {
        const uri = freshUri('typing');
        const opened = await client.open(uri, QUIET_LABELS);
        assert.deepEqual(codes(opened), [], `a clean file: ${show(opened)}`);
        let version = 1;
        await client.change(uri, ++version, [
          { range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: '\n' },
        ]);
        const typed = 'label 10.0.0.0/8 4';
        for (let i = 0; i < typed.length; i++) {
          await client.change(uri, ++version, [
            { range: { start: { line: 3, character: i }, end: { line: 3, character: i } }, text: typed[i] },
          ]);
        }
        assert.equal(lspLines(client.text(uri))[3], typed);
        const final = await client.diagnostics(uri, { version });
        assert.equal(final.version, version, 'the publication is for the last version');
        assert.deepEqual(codes(final), ['ipv4-prefix'], show(final));
        assert.deepEqual(final.diagnostics[0].range, rangeOn(client.text(uri), 3, '10.0.0.0/8'));

        await client.change(uri, ++version, [
          { range: { start: { line: 3, character: 0 }, end: { line: 4, character: 0 } }, text: '' },
        ]);
        assert.equal(client.text(uri), QUIET_LABELS);
        const cleared = await client.diagnostics(uri, { version });
        assert.deepEqual(codes(cleared), [], show(cleared));

        // A full-text change event (no range) is accepted too.
        await client.change(uri, ++version, [{ text: `${QUIET_LABELS}reload YES\n` }]);
        const full = await client.diagnostics(uri, { version });
        assert.deepEqual(
          full.diagnostics.map((d) => [d.code, d.range]),
          [['reload-value', rangeOn(client.text(uri), 8, 'YES')]],
          show(full),
        );
      },
    );
  });

  test('a change after a non-ASCII character: its range is in UTF-16 code units', async () => {
    await withServer({ settings: GLIBC_236 }, async (client) => {
      const uri = freshUri('typing-utf16');
      await client.open(uri, 'label ::1/128 0 \u{1F600}z\n');
      // Character 18 is between the emoji (16..18 in UTF-16) and "z"; in code points it would be after "z".
      await client.change(uri, 2, [
        { range: { start: { line: 0, character: 18 }, end: { line: 0, character: 18 } }, text: '\nlabel' },
      ]);
      assert.equal(client.text(uri), 'label ::1/128 0 \u{1F600}\nlabelz\n');
      const publication = await client.diagnostics(uri, { version: 2 });
      assert.deepEqual(
        publication.diagnostics.filter((d) => !FILE_LEVEL.has(String(d.code))).map((d) => [d.code, d.range]),
        [
          ['extra-fields', rangeOn(client.text(uri), 0, '\u{1F600}')],
          ['unknown-directive', rangeOn(client.text(uri), 1, 'labelz')],
        ],
        show(publication),
      );
    });
  });
});

describe('robustness', () => {
  const TEXT = 'label ::1/128 0\nlabel 10.0.0.0/8 4\n';

  async function expectErrorOrNull(what: string, request: Promise<unknown>): Promise<unknown> {
    try {
      return await request;
    } catch (error) {
      assert.ok(!/timed out|exited/.test((error as Error).message), `${what}: ${(error as Error).message}`);
      return error;
    }
  }

  async function stillAnswers(client: LspClient, uri: string): Promise<void> {
    assert.ok(client.alive, 'the server died');
    const hover = await client.hover(uri, { line: 1, character: 9 });
    assert.ok(markdownOf(hover).startsWith('**Ignored by glibc.**'), 'a later hover is still answered correctly');
  }

  test('malformed requests get an error or an empty answer, and the server keeps answering', async () => {
    await withServer({ settings: GLIBC_236 }, async (client) => {
      const uri = freshUri('malformed');
      await client.open(uri, TEXT);
      const noPosition = await expectErrorOrNull(
        'hover without position',
        client.request('textDocument/hover', { textDocument: { uri } }),
      );
      assert.ok(
        noPosition === null || noPosition instanceof Error,
        `hover without a position: ${JSON.stringify(noPosition)}`,
      );
      await stillAnswers(client, uri);

      for (const line of [-1, 1e9]) {
        const range = { start: { line, character: 0 }, end: { line, character: 5 } };
        const answer = await expectErrorOrNull(
          `codeAction at line ${line}`,
          client.request('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [] } }),
        );
        assert.ok(
          answer === null || answer instanceof Error || Array.isArray(answer),
          `codeAction at line ${line}: ${JSON.stringify(answer)}`,
        );
        await stillAnswers(client, uri);
      }
      const negative = await expectErrorOrNull(
        'hover at -1:-1',
        client.request('textDocument/hover', { textDocument: { uri }, position: { line: -1, character: -1 } }),
      );
      assert.ok(
        negative === null || negative instanceof Error || typeof negative === 'object',
        JSON.stringify(negative),
      );
      await stillAnswers(client, uri);
      await expectErrorOrNull('codeAction with null params', client.request('textDocument/codeAction', null));
      await stillAnswers(client, uri);
      await expectErrorOrNull('an unknown method', client.request('gaiconf/noSuchMethod', {}));
      await stillAnswers(client, uri);
    });
  });

  test('a client that does not answer window/showMessageRequest: a settings problem does not kill the server', async () => {
    // window/showMessageRequest is a request; a client may answer it with an error (here
    // MethodNotFound, as any JSON-RPC peer without a handler does). The server must survive that.
    await withServer(
      {
        settings: { ...GLIBC_236, diagnostics: { severity: { 'no-such-code': 'off' } } },
        answerShowMessageRequest: false,
      },
      async (client) => {
        const uri = freshUri('no-show-message');
        const opened = await client.open(uri, TEXT);
        assert.ok(opened.diagnostics.length > 0);
        await stillAnswers(client, uri);
        const since = client.mark();
        await client.changeConfiguration({ glibcVersion: 'not-a-version' });
        await client.diagnostics(uri, { since, what: 'the re-publication after a settings change with a bad version' });
        await stillAnswers(client, uri);
      },
    );
  });

  test('a closed document: its diagnostics are cleared, hover gives null and code actions []', async () => {
    await withServer({ settings: GLIBC_236 }, async (client) => {
      const uri = freshUri('closed');
      const opened = await client.open(uri, TEXT);
      assert.ok(opened.diagnostics.length > 0);
      const since = client.mark();
      await client.close(uri);
      const cleared = await client.diagnostics(uri, { since });
      assert.deepEqual(cleared.diagnostics, []);
      assert.equal(await client.hover(uri, { line: 1, character: 9 }), null);
      const actions = await client.codeActions(uri, opened.diagnostics[0].range, opened.diagnostics);
      assert.ok(actions === null || actions.length === 0, JSON.stringify(actions));
    });
  });

  test('2,000 didChange notifications in a burst, then a hover: answered from the final text, last publication matches it', async () => {
    await withServer({ settings: GLIBC_236 }, async (client) => {
      const uri = freshUri('burst');
      await client.open(uri, 'label ::/0 1\n');
      const typed = ('label ::1/128 0' + ' zz'.repeat(700)).slice(0, 2000);
      assert.equal(typed.length, 2000);
      const sends: Promise<void>[] = [];
      for (let i = 0; i < typed.length; i++) {
        sends.push(
          client.change(uri, i + 2, [
            { range: { start: { line: 1, character: i }, end: { line: 1, character: i } }, text: typed[i] },
          ]),
        );
      }
      await Promise.all(sends);
      const finalVersion = typed.length + 1;
      const finalText = client.text(uri);
      assert.equal(finalText, `label ::/0 1\n${typed}`);
      const hover = await client.hover(uri, { line: 1, character: 1999 });
      assert.match(markdownOf(hover), /Ignored by glibc/);
      const lastWord = typed.lastIndexOf(' ') + 1;
      assert.deepEqual(hover!.range, { start: { line: 1, character: lastWord }, end: { line: 1, character: 2000 } });

      const last = await client.diagnostics(uri, {
        version: finalVersion,
        what: `the publication for version ${finalVersion}`,
      });
      assert.ok(client.alive);
      const extra = only(last, 'extra-fields');
      assert.deepEqual(
        extra.map((d) => d.range),
        [{ start: { line: 1, character: 16 }, end: { line: 1, character: 2000 } }],
        show(last),
      );
      // The whole publication equals the analysis of the final text.
      const glibc = parseGlibcVersion('2.36')!;
      const analysis = analyzeGaiConf(finalText, { glibc });
      const LSP_SEVERITY = { error: 1, warning: 2, information: 3, hint: 4 } as const;
      const expected = editorDiagnostics(analysis, new TextLocator(finalText), {}, () => '').map((d) => [
        d.code,
        LSP_SEVERITY[d.severity],
        d.range,
        d.message,
      ]);
      assert.deepEqual(
        last.diagnostics.map((d) => [d.code, d.severity, d.range, d.message]),
        expected,
      );
      assert.ok(!client.publications.some((p) => p.uri === uri && (p.version ?? 0) > finalVersion));
    });
  });
});
