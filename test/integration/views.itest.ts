/// <reference types="mocha" />
/**
 * What the file does, inside a real VS Code: the CodeLens on Debian's stock file before and after
 * the ULA quick fix, "Explain Address Order…" and "Show Effective Policy Table" run as a user runs
 * them (their views open as editor tabs), "Who Follows This File?" on the machine of the remote
 * extension host, and the commands in the palette.
 */

import * as assert from 'assert';
import * as vscode from 'vscode';

import type { ExplainResult, PolicyTablesResult, WhoFollowsResult } from '../../server/src/lsp/protocol';
import { only, open, openStockCopy, requireStock, waitForDiagnostics, writeWorkspaceFile } from './helpers';

const EXPLAIN = 'gaiconf.explainAddressOrder';
const POLICY = 'gaiconf.showEffectivePolicyTable';
const WHO_FOLLOWS = 'gaiconf.whoFollows';

async function lensTitles(document: vscode.TextDocument): Promise<string[]> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
    'vscode.executeCodeLensProvider',
    document.uri,
  );
  return lenses.map((lens) => lens.command?.title ?? '');
}

/** Waits for a webview tab: the tab model reaches the extension host a moment after the panel opens. */
async function webviewTab(label: string): Promise<vscode.Tab> {
  const find = () =>
    vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .find((tab) => tab.input instanceof vscode.TabInputWebview && tab.label === label);
  const found = find();
  if (found) return found;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      listener.dispose();
      const tabs = vscode.window.tabGroups.all
        .flatMap((group) => group.tabs)
        .map((tab) => `${tab.label} (${tab.input?.constructor.name})`);
      reject(new Error(`no webview tab "${label}"; tabs: ${JSON.stringify(tabs)}`));
    }, 10_000);
    const listener = vscode.window.tabGroups.onDidChangeTabs(() => {
      const tab = find();
      if (!tab) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(tab);
    });
  });
}

suite('what the file does', function () {
  this.timeout(60_000);

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the stock file shows at a glance that ULA hosts prefer IPv4, and IPv6 after the quick fix', async function () {
    const stock = requireStock(this);
    const { document, ula } = await openStockCopy(stock);
    const before = await lensTitles(document);
    assert.ok(
      before.some((t) => /ULA hosts: IPv4 first/.test(t)),
      JSON.stringify(before),
    );
    assert.ok(before.includes('Explain…') && before.includes('Policy table'), JSON.stringify(before));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      ula.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const preferred = actions.find((a) => a.isPreferred && a.edit);
    assert.ok(preferred, JSON.stringify(actions.map((a) => a.title)));
    assert.ok(await vscode.workspace.applyEdit(preferred.edit!));
    await waitForDiagnostics(document.uri, 'ula-demoted to go', (d) => only(d, 'ula-demoted').length === 0);
    const after = await lensTitles(document);
    assert.ok(
      after.some((t) => /ULA hosts: IPv6 first \(built-in: IPv4\)/.test(t)),
      JSON.stringify(after),
    );
  });

  test('Explain Address Order… opens its view and explains each step, under the buffer and the saved file', async () => {
    const document = await open(await writeWorkspaceFile('explain/gai.conf', ''));
    await vscode.window.showTextDocument(document);
    const editor = vscode.window.activeTextEditor!;
    await editor.edit((edit) =>
      edit.insert(
        new vscode.Position(0, 0),
        'label ::1/128 0\nlabel ::/0 1\nlabel ::ffff:0:0/96 4\nlabel fc00::/7 1\n',
      ),
    );
    const result = await vscode.commands.executeCommand<ExplainResult>(
      EXPLAIN,
      document.uri.toString(),
      '198.51.100.10 2001:db8:1::10 ::1',
    );
    assert.ok(result, 'the command returns what it shows');
    assert.equal(result.origin, 'addresses');
    assert.equal(result.live, false);
    assert.ok(result.buffer.steps.length > 0 && result.buffer.steps.every((s) => s.reason.length > 0));
    assert.ok(
      result.savedDiffers && result.saved,
      'unsaved changes: the saved file (empty, built-in tables) is explained too',
    );
    await webviewTab('Address order: 198.51.100.10 2001:db8:1::10 ::1');
  });

  test('Show Effective Policy Table opens one view per file, with rows from the buffer', async () => {
    const document = await open(await writeWorkspaceFile('policy/gai.conf', 'precedence ::ffff:0:0/96 100\n'));
    await vscode.window.showTextDocument(document);
    const result = await vscode.commands.executeCommand<PolicyTablesResult>(POLICY);
    const precedence = result.tables.find((t) => t.kind === 'precedence')!;
    assert.equal(precedence.source, 'file');
    assert.deepEqual(
      precedence.rows.filter((r) => r.effective !== undefined).map((r) => [r.prefix, r.effective, r.origin]),
      [
        ['::ffff:0:0/96', 100, 'line 1'],
        ['::/0', 40, 'implicit catch-all'],
      ],
    );
    await webviewTab('Policy table: gai.conf');
    await vscode.commands.executeCommand(POLICY, document.uri.toString());
    assert.equal(
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label === 'Policy table: gai.conf').length,
      1,
    );
  });

  test("Who Follows This File? opens its view: the runtimes on PATH, and VS Code's own server, which runs Node with ipv4first", async () => {
    const result = await vscode.commands.executeCommand<WhoFollowsResult>(WHO_FOLLOWS);
    assert.ok(result, 'the command returns what it shows');
    assert.ok(
      result.runtimes.some((r) => r.program === 'node' && r.followsFile === 'yes'),
      JSON.stringify(result.runtimes),
    );
    const server = result.processes.find((p) => p.runtime === 'node-ipv4first' && /code-server/.test(p.command));
    assert.ok(
      server && !server.followsFile,
      JSON.stringify(result.processes.map((p) => [p.pid, p.runtime, p.command.slice(0, 80)])),
    );
    await webviewTab('Who follows /etc/gai.conf?');
  });

  test('the commands are in the palette for gai.conf files', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const command of [EXPLAIN, POLICY, WHO_FOLLOWS, 'gaiconf.selectGlibcVersion'])
      assert.ok(all.includes(command), command);
  });
});
