/// <reference types="mocha" />
/**
 * The extension in a real VS Code: language detection, the language server's diagnostics, hover
 * and quick fixes through VS Code's own commands, and settings written to the workspace settings.
 * Runs in the extension host of code-server (npm run test:remote, a remote extension host as under
 * Remote-SSH) or of desktop VS Code (npm run test:vscode), via index.ts.
 */

import * as assert from 'assert';
import * as vscode from 'vscode';

import {
  codeOf,
  describeRange,
  EXTENSION_ID,
  hoverText,
  only,
  open,
  openStockCopy,
  rangeOf,
  requireStock,
  setWorkspaceSetting,
  show,
  WAIT_MS,
  waitForDiagnostics,
  writeWorkspaceFile,
} from './helpers';

const BROKEN = [
  '# a gai.conf with lines glibc ignores',
  'Label ::1/128 5',
  'label 10.0.0.0/8 4',
  'precedence ::ffff:0:0/96 0x10',
  'label ::1/128 0 extra',
  '',
].join('\n');

suite('gai.conf in a real VS Code', function () {
  this.timeout(60_000);

  suiteSetup(async () => {
    assert.ok(
      vscode.extensions.getExtension(EXTENSION_ID),
      `extension ${EXTENSION_ID} is not loaded from the development path`,
    );
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the language id is gaiconf for gai.conf, etc/gai.conf, copies and templates, not for other names', async () => {
    const names = [
      'gai.conf',
      'etc/gai.conf',
      'etc/gai.conf.dpkg-dist',
      'roles/net/templates/gai.conf.j2',
      'templates/gai.conf.jinja2',
      'templates/gai.conf.erb',
      'templates/gai.conf.tmpl',
      'files/lxd-hosts.gai.conf',
    ];
    for (const name of names) {
      const document = await vscode.workspace.openTextDocument(await writeWorkspaceFile(name, '# nothing\n'));
      assert.equal(document.languageId, 'gaiconf', `${name}: ${document.uri.fsPath}`);
    }
    for (const name of ['etc/resolv.conf', 'templates/resolv.conf.j2', 'files/notgai.conf']) {
      const other = await vscode.workspace.openTextDocument(await writeWorkspaceFile(name, '# nothing\n'));
      assert.notEqual(other.languageId, 'gaiconf', `${name} must not be gai.conf`);
    }
  });

  test('opening a gai.conf activates the extension in this (workspace) extension host', async () => {
    await open(await writeWorkspaceFile('gai.conf', 'label ::1/128 0\n'));
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    await extension.activate();
    assert.equal(extension.isActive, true);
    assert.equal(extension.extensionKind, vscode.ExtensionKind.Workspace);
  });

  test('the stock /etc/gai.conf (copied at run time, so not the live file): one ula-demoted finding, information, on "#label fc00::/7 6"', async function () {
    const stock = requireStock(this);
    const { document, line } = await openStockCopy(stock);
    const diagnostics = vscode.languages.getDiagnostics(document.uri);
    assert.deepEqual(diagnostics.map(codeOf), ['ula-demoted'], show(diagnostics));
    const [ula] = diagnostics;
    assert.equal(ula.range.start.line, line, show(diagnostics));
    assert.equal(ula.range.end.line, line, show(diagnostics));
    assert.ok(ula.range.end.character > ula.range.start.character, `empty range ${describeRange(ula.range)}`);
    assert.equal(ula.severity, vscode.DiagnosticSeverity.Information, 'a copy affects other machines, not this one');
    assert.equal(ula.source, 'gai-conf');
    assert.match(ula.message, /rule 5/);
    const code = ula.code as { value: string | number; target: vscode.Uri };
    assert.equal(typeof code, 'object', 'the code links to its documentation');
    // A command, run where the extension host runs: a file: URL would name the remote's README.
    assert.equal(code.target.scheme, 'command');
    assert.equal(code.target.path, 'gaiconf.showDocumentation');
    assert.deepEqual(JSON.parse(code.target.query), ['ula-demoted']);
    await vscode.commands.executeCommand(code.target.path, ...JSON.parse(code.target.query));
    const preview = () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .find((t) => t.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(t.input.viewType));
    for (const deadline = Date.now() + WAIT_MS; !preview() && Date.now() < deadline;)
      await new Promise((r) => setTimeout(r, 100));
    assert.ok(
      preview(),
      `no Markdown preview among the tabs: ${vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .map((t) => t.label)
        .join(', ')}`,
    );
    // A copy under another name: VS Code lints a README.md beside package.json as the packaged readme.
    assert.match(preview()!.label, /gai-conf-documentation\.md/);
    await vscode.window.tabGroups.close(preview()!);
  });

  test('a broken file: codes, ranges and severities of what glibc ignores', async () => {
    const document = await open(await writeWorkspaceFile('gai.conf', BROKEN));
    const diagnostics = await waitForDiagnostics(
      document.uri,
      'the unknown-directive warning',
      (d) => only(d, 'unknown-directive').length > 0,
    );
    const seen = diagnostics
      .map((d) => `${codeOf(d)} ${describeRange(d.range)} ${vscode.DiagnosticSeverity[d.severity]}`)
      .sort();
    const expected = [
      `unknown-directive ${describeRange(rangeOf(document, 1, 'Label'))} Warning`,
      `ipv4-prefix ${describeRange(rangeOf(document, 2, '10.0.0.0/8'))} Warning`,
      `invalid-number ${describeRange(rangeOf(document, 3, '0x10'))} Warning`,
      `table-replaced ${describeRange(rangeOf(document, 4, 'label ::1/128 0'))} Warning`,
      `extra-fields ${describeRange(rangeOf(document, 4, 'extra'))} Warning`,
    ].sort();
    assert.deepEqual(seen, expected, show(diagnostics));
    assert.equal(describeRange(only(diagnostics, 'unknown-directive')[0].range), '1:0-1:5');
    assert.match(only(diagnostics, 'unknown-directive')[0].message, /label/);
  });

  test('typing updates the diagnostics: fixing "Label" removes unknown-directive', async () => {
    const document = await open(await writeWorkspaceFile('gai.conf', BROKEN));
    await waitForDiagnostics(
      document.uri,
      'the unknown-directive warning',
      (d) => only(d, 'unknown-directive').length > 0,
    );
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, rangeOf(document, 1, 'Label'), 'label');
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    const after = await waitForDiagnostics(
      document.uri,
      'unknown-directive to go',
      (d) => only(d, 'unknown-directive').length === 0 && only(d, 'ipv4-prefix').length > 0,
    );
    assert.deepEqual(only(after, 'unknown-directive'), [], show(after));
    await document.save();
  });

  test('hover on fc00::/7 in the stock copy explains the prefix, with RFC 4193', async function () {
    const stock = requireStock(this);
    const { document, line } = await openStockCopy(stock);
    const prefix = rangeOf(document, line, 'fc00::/7');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      document.uri,
      prefix.start.translate(0, 3),
    );
    assert.ok(hovers && hovers.length > 0, 'no hover');
    const text = hoverText(hovers);
    assert.match(text, /RFC 4193/, text);
    assert.match(text, /unique local/i, text);
    const ours = hovers.find((h) => h.range && h.range.isEqual(prefix));
    assert.ok(
      ours,
      `a hover whose range is the prefix ${describeRange(prefix)}: ${hovers.map((h) => h.range && describeRange(h.range)).join(', ')}`,
    );
  });

  test('the two ULA quick fixes at the ula-demoted warning; applying one uncomments the label table and the warning goes', async function () {
    const stock = requireStock(this);
    const { document, ula } = await openStockCopy(stock);
    const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      ula.range,
    );
    assert.ok(Array.isArray(actions), `code actions: ${JSON.stringify(actions)}`);
    // VS Code's command converts only title, kind, edit, command and isPreferred back (not
    // `diagnostics`), so the ULA fixes are told apart by their titles.
    const ulaTitles = [/^Use RFC 3484's label rows/, /^Give fc00::\/7 the global label 1/];
    const fixes = actions.filter(
      (a): a is vscode.CodeAction =>
        'kind' in a &&
        a.kind !== undefined &&
        vscode.CodeActionKind.QuickFix.contains(a.kind) &&
        ulaTitles.some((t) => t.test(a.title)),
    );
    const titles = fixes.map((f) => f.title);
    assert.equal(
      fixes.length,
      2,
      `two ula-demoted quick fixes, offered: ${JSON.stringify(actions.map((a) => a.title))}`,
    );
    for (const pattern of ulaTitles)
      assert.ok(
        titles.some((t) => pattern.test(t)),
        `${pattern}: ${JSON.stringify(titles)}`,
      );
    const preferred = fixes.filter((f) => f.isPreferred);
    assert.equal(preferred.length, 1, `exactly one preferred fix: ${JSON.stringify(titles)}`);

    const fix = preferred[0];
    assert.ok(fix.edit, `"${fix.title}" carries an edit`);
    assert.equal(await vscode.workspace.applyEdit(fix.edit), true, 'applyEdit');
    const text = document.getText();
    assert.match(text, /^label ::\/0 {10}1\r?$/m, `"label ::/0          1" is uncommented:\n${text}`);
    const after = await waitForDiagnostics(
      document.uri,
      'ula-demoted to go after the fix',
      (d) => only(d, 'ula-demoted').length === 0,
    );
    assert.ok(!after.some((d) => d.severity === vscode.DiagnosticSeverity.Error), show(after));
    await document.save();
  });

  suite('settings', () => {
    teardown(async () => {
      await setWorkspaceSetting('diagnostics.severity', undefined);
      await setWorkspaceSetting('glibcVersion', undefined);
    });

    test('gaiconf.diagnostics.severity {"ula-demoted": "off"} in the workspace settings removes the warning, and removing it brings it back', async function () {
      const stock = requireStock(this);
      const { document } = await openStockCopy(stock);
      await setWorkspaceSetting('diagnostics.severity', { 'ula-demoted': 'off' });
      assert.deepEqual(vscode.workspace.getConfiguration('gaiconf').get('diagnostics.severity'), {
        'ula-demoted': 'off',
      });
      await waitForDiagnostics(
        document.uri,
        'ula-demoted to be switched off',
        (d) => only(d, 'ula-demoted').length === 0,
      );
      await setWorkspaceSetting('diagnostics.severity', undefined);
      await waitForDiagnostics(document.uri, 'ula-demoted to come back', (d) => only(d, 'ula-demoted').length === 1);
    });

    test('gaiconf.glibcVersion "2.36" vs "2.41" changes the missing-prefix-length message for "label ::1 5"', async () => {
      await setWorkspaceSetting('glibcVersion', '2.36');
      const document = await open(await writeWorkspaceFile('gai.conf', 'label ::1 5\n'));
      const range = describeRange(rangeOf(document, 0, '::1'));
      const old = await waitForDiagnostics(
        document.uri,
        'missing-prefix-length under 2.36',
        (d) => only(d, 'missing-prefix-length').length === 1,
      );
      const [oldMissing] = only(old, 'missing-prefix-length');
      assert.equal(describeRange(oldMissing.range), range);
      assert.match(oldMissing.message, /up to glibc 2\.40 the line can be ignored/);
      assert.deepEqual(only(old, 'table-replaced'), [], `2.36 ignores the line: ${show(old)}`);

      await setWorkspaceSetting('glibcVersion', '2.41');
      const recent = await waitForDiagnostics(
        document.uri,
        'a different missing-prefix-length message under 2.41',
        (d) => only(d, 'missing-prefix-length').some((m) => m.message !== oldMissing.message),
      );
      const [newMissing] = only(recent, 'missing-prefix-length');
      assert.equal(describeRange(newMissing.range), range);
      assert.match(newMissing.message, /^No \/bits: glibc 2\.41\+ reads \/128/);
      assert.equal(
        only(recent, 'table-replaced').length,
        1,
        `2.41 reads the line as ::1/128, replacing the label table: ${show(recent)}`,
      );
    });
  });
});
