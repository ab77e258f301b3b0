/**
 * Completion, formatting, outline, folding and suppression over the protocol: with a client like
 * VS Code's, and with a minimal one (no workspace/configuration, no dynamic registration, no code
 * action literals, no hierarchical symbols) as Helix, eglot or a bare vim.lsp.start are.
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  CodeAction,
  Command,
  CompletionItem,
  CompletionList,
  DocumentSymbol,
  FoldingRange,
  MarkupContent,
  SymbolInformation,
  TextEdit,
} from 'vscode-languageserver-protocol/node';

import { applyEdits, editsFor, LspClient, Publication, withServer } from '../support/lspClient';

const SETTINGS = { glibcVersion: '2.36' };

let counter = 0;
function uriFor(name: string): string {
  return `file:///tmp/gai-conf-editing/${process.pid}-${++counter}-${name}/gai.conf`;
}

function codes(publication: Publication): string[] {
  return publication.diagnostics.map((d) => String(d.code)).sort();
}

async function completions(client: LspClient, uri: string, line: number, character: number): Promise<CompletionItem[]> {
  const result = (await client.request('textDocument/completion', {
    textDocument: { uri },
    position: { line, character },
  })) as CompletionItem[] | CompletionList | null;
  assert.ok(result, 'a completion result');
  return Array.isArray(result) ? result : result.items;
}

async function formatting(client: LspClient, uri: string): Promise<TextEdit[]> {
  return (
    ((await client.request('textDocument/formatting', {
      textDocument: { uri },
      options: { tabSize: 4, insertSpaces: true },
    })) as TextEdit[] | null) ?? []
  );
}

/** Applies a completion item's textEdit (and any additional edits) to the open document. */
async function acceptCompletion(client: LspClient, uri: string, item: CompletionItem): Promise<Publication> {
  const main = item.textEdit as TextEdit;
  assert.ok(main && 'range' in main, `${item.label} carries a textEdit`);
  return client.applyAsChange(uri, [main, ...(item.additionalTextEdits ?? [])]);
}

const MESSY =
  'label\t::1/128   0\r\nlabel fc00::/7 1    # ULA as global\r\n  precedence ::ffff:0:0/96  100\r\n#  kept   as is  \r\n';
const MESSY_FORMATTED =
  'label      ::1/128       0\r\nlabel      fc00::/7      1 # ULA as global\r\nprecedence ::ffff:0:0/96 100\r\n#  kept   as is  \r\n';

/** Checks every feature once; `minimal` says which answers the client gets. */
async function everyFeature(client: LspClient, minimal: boolean): Promise<void> {
  const uri = uriFor(minimal ? 'minimal' : 'full');
  const opened = await client.open(uri, MESSY);
  const before = codes(opened);
  assert.ok(before.includes('table-replaced'), JSON.stringify(before));

  const hover = await client.hover(uri, { line: 1, character: 8 });
  assert.match((hover?.contents as MarkupContent).value, /fc00::\/7/);

  const rangeEdits = (await client.request('textDocument/rangeFormatting', {
    textDocument: { uri },
    range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } },
    options: { tabSize: 4, insertSpaces: true },
  })) as TextEdit[];
  assert.ok(
    rangeEdits.length > 0 && rangeEdits.every((e) => e.range.start.line === 1 && e.range.end.line === 1),
    JSON.stringify(rangeEdits),
  );
  assert.equal(
    applyEdits(MESSY, rangeEdits).split('\r\n')[1],
    MESSY_FORMATTED.split('\r\n')[1],
    'the selected line as whole-file formatting writes it',
  );

  const edits = await formatting(client, uri);
  assert.ok(edits.length > 1 && edits.every((e) => /^ *$/.test(e.newText)), JSON.stringify(edits));
  assert.equal(applyEdits(MESSY, edits), MESSY_FORMATTED);
  const formatted = await client.applyAsChange(uri, edits);
  assert.deepEqual(codes(formatted), before, 'formatting changes nothing glibc reads');
  assert.deepEqual(await formatting(client, uri), [], 'formatting twice changes nothing');
  const ranged = (await client.request('textDocument/rangeFormatting', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } },
    options: { tabSize: 4, insertSpaces: true },
  })) as TextEdit[];
  assert.deepEqual(ranged, []);

  const items = await completions(client, uri, 3, 0);
  assert.deepEqual(
    items.slice(0, 4).map((i) => i.label),
    ['label', 'precedence', 'scopev4', 'reload'],
  );
  const afterLabel = await client.applyAsChange(uri, [
    { range: { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } }, newText: 'label ' },
  ]);
  assert.ok(afterLabel);
  const prefixes = await completions(client, uri, 4, 6);
  const teredo = prefixes.find((i) => i.label === '2001::/32');
  assert.ok(teredo, prefixes.map((i) => i.label).join(' '));
  assert.match(teredo.detail ?? '', /Teredo, RFC 4380/);
  await acceptCompletion(client, uri, teredo);
  const end = 6 + '2001::/32'.length;
  await client.applyAsChange(uri, [
    { range: { start: { line: 4, character: end }, end: { line: 4, character: end } }, newText: ' ' },
  ]);
  const values = await completions(client, uri, 4, end + 1);
  assert.deepEqual(
    values.map((i) => i.label),
    ['0', '1'],
    'the label values this file uses',
  );

  const symbols = (await client.request('textDocument/documentSymbol', { textDocument: { uri } })) as
    DocumentSymbol[] | SymbolInformation[];
  if (minimal) {
    const flat = symbols as SymbolInformation[];
    assert.ok(
      flat.every((s) => 'location' in s),
      'flat SymbolInformation for a client without hierarchical symbols',
    );
    assert.deepEqual(
      flat.map((s) => [s.name, s.containerName ?? null]),
      [
        ['label', null],
        ['::1/128 0', 'label'],
        ['fc00::/7 1', 'label'],
        ['2001::/32', 'label'],
        ['precedence', null],
        ['::ffff:0:0/96 100', 'precedence'],
      ],
    );
  } else {
    const tree = symbols as DocumentSymbol[];
    assert.deepEqual(
      tree.map((s) => [s.name, (s.children ?? []).map((c) => c.name)]),
      [
        ['label', ['::1/128 0', 'fc00::/7 1', '2001::/32']],
        ['precedence', ['::ffff:0:0/96 100']],
      ],
    );
  }
  const folds = (await client.request('textDocument/foldingRange', { textDocument: { uri } })) as FoldingRange[];
  assert.deepEqual(
    folds.map((f) => [f.startLine, f.endLine, f.kind]),
    [[0, 1, 'region']],
  );

  const reload = await client.applyAsChange(uri, [
    {
      range: { start: { line: 4, character: end + 1 }, end: { line: 4, character: end + 1 } },
      newText: '7\r\nreload yes\r\n',
    },
  ]);
  const warning = reload.diagnostics.find((d) => d.code === 'reload-enabled');
  assert.ok(warning, JSON.stringify(reload.diagnostics));
  const actions = (await client.codeActions(uri, warning.range, [warning])) ?? [];
  const title = 'Ignore reload-enabled on this line';
  const action = actions.find((a) => a.title === title);
  assert.ok(action, JSON.stringify(actions.map((a) => a.title)));
  let fixEdits: TextEdit[];
  if (minimal) {
    assert.ok(
      actions.every((a) => typeof (a as Command).command === 'string'),
      'Commands for a client without code action literals',
    );
    const command = action as Command;
    const applied = client.appliedEdits.length;
    await client.request('workspace/executeCommand', { command: command.command, arguments: command.arguments });
    const edit = await client.waitFor('workspace/applyEdit', () => client.appliedEdits[applied]);
    fixEdits = editsFor(edit, uri);
  } else {
    fixEdits = editsFor((action as CodeAction).edit, uri);
  }
  const fixed = await client.applyAsChange(uri, fixEdits);
  assert.ok(!codes(fixed).includes('reload-enabled'), JSON.stringify(fixed.diagnostics));
  assert.match(client.text(uri), /\r\nlabel 2001::\/32 7\r\n# gai-conf: ignore reload-enabled\r\nreload yes\r\n$/);
}

describe('editing features', () => {
  test('with a client like VS Code: completion, formatting, outline, folding, suppression', async () => {
    await withServer({ settings: SETTINGS, resolveCodeActions: true }, async (client) => {
      const capabilities = client.initializeResult!.capabilities;
      assert.ok(
        capabilities.completionProvider &&
          capabilities.documentFormattingProvider &&
          capabilities.documentRangeFormattingProvider,
      );
      assert.ok(capabilities.documentSymbolProvider && capabilities.foldingRangeProvider);
      assert.equal(
        capabilities.executeCommandProvider,
        undefined,
        'no command needed by a client that takes CodeAction literals and resolves their edits',
      );
      await everyFeature(client, false);
    });
  });

  test('with a minimal client: the same features, settings from initializationOptions, fixes as commands', async () => {
    await withServer({ minimal: true, initializationOptions: SETTINGS }, async (client) => {
      await everyFeature(client, true);
      assert.equal(client.configurationRequests.length, 0, 'never workspace/configuration');
    });
  });

  test('a client that offers workspace/configuration with nothing for gai-conf there (Neovim, eglot): initializationOptions still apply', async () => {
    const messages: string[] = [];
    for (const glibcVersion of ['2.36', '2.41']) {
      await withServer(
        {
          settings: { diagnostics: { severity: { 'reload-enabled': 'off' } } },
          initializationOptions: { glibcVersion },
        },
        async (client) => {
          const opened = await client.open(uriFor(`pulled-${glibcVersion}`), 'label ::1 5\nreload yes\n');
          assert.ok(client.configurationRequests.length > 0, 'the server pulled its settings');
          assert.ok(!codes(opened).includes('reload-enabled'), 'the pulled severity applies');
          messages.push(String(opened.diagnostics.find((d) => d.code === 'missing-prefix-length')?.message));
        },
      );
    }
    assert.match(messages[0], /up to glibc 2\.40 the line can be ignored/);
    assert.match(messages[1], /^No \/bits: glibc 2\.41\+ reads \/128/);
  });
});
