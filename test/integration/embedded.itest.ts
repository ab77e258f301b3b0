/// <reference types="mocha" />
/**
 * gai.conf written by a Dockerfile or an Ansible task file, in a real VS Code: the client sends
 * those languages to the server, which puts the findings on the lines that write the file with
 * their quick fixes, and gaiconf.embedded.enabled turns that off.
 */

import * as assert from 'assert';
import * as vscode from 'vscode';

import { codeOf, describeRange, open, setWorkspaceSetting, waitForDiagnostics, writeWorkspaceFile } from './helpers';

const DOCKERFILE = [
  'FROM debian:12',
  'RUN apt-get update && apt-get install -y --no-install-recommends curl',
  'RUN echo "precendence ::ffff:0:0/96 100" >> /etc/gai.conf',
  '',
].join('\n');

const TASKS = [
  '- name: Prefer IPv4',
  '  ansible.builtin.lineinfile:',
  '    path: /etc/gai.conf',
  '    line: precendence ::ffff:0:0/96 100',
  '',
].join('\n');

function typoOf(diagnostics: readonly vscode.Diagnostic[]): vscode.Diagnostic | undefined {
  return diagnostics.find((d) => d.source === 'gai-conf' && codeOf(d) === 'unknown-directive');
}

suite('gai.conf written by a Dockerfile or Ansible tasks, in a real VS Code', function () {
  this.timeout(60_000);

  teardown(async () => {
    await setWorkspaceSetting('embedded.enabled', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a Dockerfile and a task file get the typo on the line that writes it', async () => {
    for (const [name, text, languageId, line, character] of [
      ['Dockerfile', DOCKERFILE, 'dockerfile', 2, 10],
      ['roles/net/tasks/main.yml', TASKS, 'yaml', 3, 10],
    ] as const) {
      const document = await open(await writeWorkspaceFile(name, text));
      assert.equal(document.languageId, languageId, name);
      const diagnostics = await waitForDiagnostics(document.uri, `the typo in ${name}`, (d) => !!typoOf(d));
      const typo = typoOf(diagnostics)!;
      assert.equal(document.getText(typo.range), 'precendence', `${name}: ${describeRange(typo.range)}`);
      assert.deepEqual([typo.range.start.line, typo.range.start.character], [line, character], name);
    }
  });

  test("the typo's quick fix in the Dockerfile corrects that word, and the finding goes", async () => {
    const document = await open(await writeWorkspaceFile('fix/Dockerfile', DOCKERFILE));
    const typo = typoOf(await waitForDiagnostics(document.uri, 'the typo', (d) => !!typoOf(d)))!;
    const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      typo.range,
    );
    const fix = actions.find(
      (a): a is vscode.CodeAction => 'edit' in a && a.title === 'Change "precendence" to "precedence"',
    );
    assert.ok(fix?.edit, `offered: ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(document.lineAt(2).text, 'RUN echo "precedence ::ffff:0:0/96 100" >> /etc/gai.conf');
    await waitForDiagnostics(document.uri, 'the typo gone', (d) => !typoOf(d));
  });

  test('gaiconf.embedded.enabled false takes them away, true brings them back', async () => {
    const document = await open(await writeWorkspaceFile('Dockerfile', DOCKERFILE));
    await waitForDiagnostics(document.uri, 'the typo', (d) => !!typoOf(d));
    await setWorkspaceSetting('embedded.enabled', false);
    await waitForDiagnostics(document.uri, 'no gai-conf diagnostics', (d) => d.every((x) => x.source !== 'gai-conf'));
    await setWorkspaceSetting('embedded.enabled', true);
    await waitForDiagnostics(document.uri, 'the typo again', (d) => !!typoOf(d));
  });
});
