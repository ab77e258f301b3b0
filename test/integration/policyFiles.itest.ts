/// <reference types="mocha" />
/**
 * Whole policies inside a real VS Code: the reset quick fix puts a # before each active line; "Export the Tables in Effect" opens the export as a gai.conf editor;
 * "Show the Kernel's Address Labels" reads the remote machine's table; the commands are in the palette.
 */

import * as assert from 'assert';
import * as vscode from 'vscode';

import type { KernelLabelsResult } from '../../server/src/lsp/protocol';
import { open, writeWorkspaceFile } from './helpers';

suite('whole policies', function () {
  this.timeout(60_000);

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the reset quick fix on an active line puts a # before every active line', async () => {
    const document = await open(
      await writeWorkspaceFile('policy-reset/gai.conf', '# ours\nprecedence ::ffff:0:0/96 100\nlabel fc00::/7 1\n'),
    );
    const range = new vscode.Range(1, 0, 1, 0);
    // The edit comes when the action is chosen (codeAction/resolve): the command resolves that many actions.
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      range,
      vscode.CodeActionKind.QuickFix.value,
      20,
    );
    const reset = actions.find((a) => a.title.startsWith("Reset to glibc's defaults"));
    assert.ok(reset?.edit, JSON.stringify(actions.map((a) => a.title)));
    const entries = reset.edit.entries();
    assert.equal(entries.length, 1);
    assert.deepEqual(
      entries[0][1].map((e) => [e.range.start.line, e.newText]),
      [
        [1, '#'],
        [2, '#'],
      ],
    );
    // Applying it would open the refactor preview and wait for the user, which is the point.
  });

  test('"Export the Tables in Effect" opens the export as a new gai.conf editor', async () => {
    const document = await open(await writeWorkspaceFile('policy-export/gai.conf', 'label fc00::/7 1\n'));
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('gaiconf.exportTables', document.uri.toString());
    const exported = vscode.window.activeTextEditor?.document;
    assert.ok(exported && exported.isUntitled && exported.languageId === 'gaiconf', exported?.uri.toString());
    assert.match(exported.getText(), /^label fc00::\/7 +1 # .*gai\.conf line 1$/m);
    assert.match(exported.getText(), /^label ::\/0 +1 # implicit/m);
  });

  test("the kernel's address labels, read on the machine of the extension host, and the commands in the palette", async () => {
    const document = await open(await writeWorkspaceFile('policy-kernel/gai.conf', ''));
    await vscode.window.showTextDocument(document);
    const labels = await vscode.commands.executeCommand<KernelLabelsResult | undefined>(
      'gaiconf.showKernelLabels',
      document.uri.toString(),
    );
    assert.ok(
      labels && ('rows' in labels ? labels.rows.some((r) => r.prefix === '::/0') : /ip/.test(labels.error)),
      JSON.stringify(labels),
    );
    const all = await vscode.commands.getCommands(true);
    for (const command of [
      'gaiconf.resetToDefaults',
      'gaiconf.writePreset',
      'gaiconf.exportTables',
      'gaiconf.showKernelLabels',
    ])
      assert.ok(all.includes(command), command);
  });
});
