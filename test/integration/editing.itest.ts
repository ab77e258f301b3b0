/// <reference types="mocha" />
/**
 * Editing features in a real VS Code, through VS Code's own commands: completion, formatting,
 * outline and folding from the language server, and "Treat This File as gai.conf".
 */

import * as assert from 'assert';
import * as vscode from 'vscode';

import { codeOf, open, show, waitForDiagnostics, writeWorkspaceFile } from './helpers';

/** Waits until the server has analysed the document (a diagnostic with this code is there). */
async function analysed(document: vscode.TextDocument, code: string): Promise<vscode.Diagnostic[]> {
  return waitForDiagnostics(document.uri, `a ${code} diagnostic`, (d) => d.some((x) => codeOf(x) === code));
}

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

suite('editing gai.conf in a real VS Code', function () {
  this.timeout(60_000);

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('completion: directives and intents at the start of a line, well-known prefixes after "label "', async () => {
    const document = await open(await writeWorkspaceFile('gai.conf', 'Label ::1/128 5\nlabel \n\n'));
    await analysed(document, 'unknown-directive');
    const prefixes = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      document.uri,
      new vscode.Position(1, 6),
    );
    const ula = prefixes.items.find((i) => labelOf(i) === 'fc00::/7');
    assert.ok(ula, prefixes.items.map(labelOf).join(' '));
    assert.match(String(ula.detail), /RFC 4193/);
    const start = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      document.uri,
      new vscode.Position(2, 0),
    );
    const labels = start.items.map(labelOf);
    for (const wanted of ['label', 'precedence', 'scopev4', 'reload', 'prefer IPv4'])
      assert.ok(labels.includes(wanted), `${wanted}: ${labels.join(', ')}`);
    const snippet = start.items.find((i) => labelOf(i) === 'prefer IPv4')!;
    assert.equal(snippet.kind, vscode.CompletionItemKind.Snippet);
  });

  test('formatting aligns the columns, keeps comments and CRLF, and leaves the diagnostics as they were', async () => {
    const text =
      'label\t::1/128   0\r\nlabel fc00::/7 1    # ULA as global\r\n  precedence ::ffff:0:0/96  100\r\n#  kept   as is  \r\n';
    const document = await open(await writeWorkspaceFile('gai.conf', text));
    const before = (await analysed(document, 'table-replaced')).map(codeOf).sort();
    const edits = await vscode.commands.executeCommand<vscode.TextEdit[]>(
      'vscode.executeFormatDocumentProvider',
      document.uri,
      { tabSize: 4, insertSpaces: true },
    );
    assert.ok(Array.isArray(edits) && edits.length > 0, JSON.stringify(edits));
    const edit = new vscode.WorkspaceEdit();
    edit.set(document.uri, edits);
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    assert.equal(
      document.getText(),
      'label      ::1/128       0\r\nlabel      fc00::/7      1 # ULA as global\r\nprecedence ::ffff:0:0/96 100\r\n#  kept   as is  \r\n',
    );
    assert.equal(document.eol, vscode.EndOfLine.CRLF);
    const after = await waitForDiagnostics(document.uri, 'diagnostics of the formatted text', () => true);
    assert.deepEqual(after.map(codeOf).sort(), before, show(after));
    const again = await vscode.commands.executeCommand<vscode.TextEdit[]>(
      'vscode.executeFormatDocumentProvider',
      document.uri,
      { tabSize: 4, insertSpaces: true },
    );
    assert.deepEqual(again ?? [], []);
  });

  test('outline grouped by table, and folding for comment blocks and tables', async () => {
    const document = await open(
      await writeWorkspaceFile(
        'gai.conf',
        '# one\n# two\nlabel ::1/128 0\nlabel ::/0 1\nprecedence ::/0 40\nreload no\n',
      ),
    );
    await waitForDiagnostics(document.uri, 'the first analysis', () => true);
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>(
      'vscode.executeDocumentSymbolProvider',
      document.uri,
    );
    assert.deepEqual(
      symbols.map((s) => [s.name, s.children.map((c) => c.name)]),
      [
        ['label', ['::1/128 0', '::/0 1']],
        ['precedence', ['::/0 40']],
        ['reload', ['no']],
      ],
    );
    const folds = await vscode.commands.executeCommand<vscode.FoldingRange[]>(
      'vscode.executeFoldingRangeProvider',
      document.uri,
    );
    assert.deepEqual(folds.map((f) => [f.start, f.end]).sort(), [
      [0, 1],
      [2, 3],
    ]);
  });

  test('"Treat This File as gai.conf" makes a copy under another name a gai.conf, with diagnostics', async () => {
    const document = await open(await writeWorkspaceFile('policy-backup.txt', 'Label ::1/128 5\n'));
    assert.notEqual(document.languageId, 'gaiconf');
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('gaiconf.treatAsGaiConf'), 'the command is registered');
    await vscode.commands.executeCommand('gaiconf.treatAsGaiConf');
    const now = vscode.workspace.textDocuments.find((d) => d.uri.toString() === document.uri.toString());
    assert.equal(now?.languageId, 'gaiconf');
    await analysed(now!, 'unknown-directive');
  });
});
