/**
 * Whole policies over stdio: the reset (quick fix and request) and the presets as edits VS Code
 * previews before applying them, the export, and the kernel's labels, as VS Code and minimal
 * clients send them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  CodeAction,
  CodeActionResolveRequest,
  ExecuteCommandRequest,
  TextDocumentEdit,
} from 'vscode-languageserver-protocol/node';

import {
  ExportTablesRequest,
  KernelLabelsRequest,
  PresetsRequest,
  ResetToDefaultsRequest,
  WritePresetRequest,
} from '../../server/src/lsp/protocol';
import { analyze } from '../support/glibc';
import { applyEdits, editsFor, isCodeAction, LspClient, withServer } from '../support/lspClient';

const URI = 'file:///tmp/gai-conf-policy/gai.conf';
const TEXT = '# site policy\r\nprecedence ::ffff:0:0/96 100  # IPv4 first\r\nlabel fc00::/7 1\r\n';

/** The reset action on line 2 (an active line), with its edit asked for as VS Code asks: when it is chosen. */
async function resolvedReset(client: LspClient): Promise<CodeAction> {
  const offered = (await client.codeActions(
    URI,
    { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
    [],
  ))!
    .filter(isCodeAction)
    .find((a) => a.title.startsWith("Reset to glibc's defaults"))!;
  assert.equal(offered.edit, undefined, 'the edit (4,000 lines at 10,000) waits until the action is chosen');
  return client.request(CodeActionResolveRequest.type, offered);
}

test('reset: a quick fix on an active line and a request, annotated for a preview, commenting out every active line and nothing else', async () => {
  await withServer(
    { settings: { glibcVersion: '2.36' }, annotatedEdits: true, resolveCodeActions: true },
    async (client) => {
      await client.open(URI, TEXT);
      const reset = await resolvedReset(client);
      assert.equal(reset.title, "Reset to glibc's defaults: comment out the 2 active lines");
      const noAction =
        (await client.codeActions(URI, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, [])) ?? [];
      assert.ok(!noAction.some((a) => a.title.startsWith('Reset')), 'not offered on a comment line');
      const result = await client.request(ResetToDefaultsRequest, { uri: URI });
      assert.deepEqual(result.edit!.documentChanges, reset.edit!.documentChanges);
      // Made once per version: an edit that adds an active line gets a reset that comments it out too.
      await client.applyAsChange(URI, [
        { range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, newText: 'reload yes\r\n' },
      ]);
      const again = await resolvedReset(client);
      assert.equal(again.title, "Reset to glibc's defaults: comment out the 3 active lines");
      assert.equal((again.edit!.documentChanges![0] as TextDocumentEdit).textDocument.version, 2);
      assert.equal(
        applyEdits(client.text(URI), editsFor(again.edit!, URI)),
        '# site policy\r\n#precedence ::ffff:0:0/96 100  # IPv4 first\r\n#label fc00::/7 1\r\n#reload yes\r\n',
      );
      const change = result.edit!.documentChanges![0] as TextDocumentEdit;
      assert.equal(change.textDocument.version, 1);
      assert.ok(
        change.edits.every(
          (e) => 'annotationId' in e && result.edit!.changeAnnotations![e.annotationId as string].needsConfirmation,
        ),
      );
      const after = applyEdits(TEXT, editsFor(result.edit!, URI));
      assert.equal(after, '# site policy\r\n#precedence ::ffff:0:0/96 100  # IPv4 first\r\n#label fc00::/7 1\r\n');
      await client.open('file:///tmp/gai-conf-policy/empty.conf', '# nothing\n');
      assert.deepEqual(
        await client.request(ResetToDefaultsRequest, { uri: 'file:///tmp/gai-conf-policy/empty.conf' }),
        {
          edit: null,
          summary: 'No active line: glibc already uses its built-in tables.',
        },
      );
    },
  );
});

test('reset for a client that cannot resolve actions: a command the server carries out with the edit of that version', async () => {
  await withServer({ settings: { glibcVersion: '2.36' } }, async (client) => {
    await client.open(URI, TEXT);
    const line2 = { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } };
    const offered = (await client.codeActions(URI, line2, []))!
      .filter(isCodeAction)
      .find((a) => a.title.startsWith("Reset to glibc's defaults"))!;
    assert.equal(offered.edit, undefined);
    assert.equal(offered.command?.command, 'gaiconf.applyReset');
    await client.request(ExecuteCommandRequest.type, offered.command!);
    assert.equal(
      applyEdits(TEXT, editsFor(client.appliedEdits.at(-1)!, URI)),
      '# site policy\r\n#precedence ::ffff:0:0/96 100  # IPv4 first\r\n#label fc00::/7 1\r\n',
    );
    // Chosen after the file changed: nothing is applied, and the user is told why.
    await client.applyAsChange(URI, [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: '#' },
    ]);
    const applied = client.appliedEdits.length;
    await client.request(ExecuteCommandRequest.type, offered.command!);
    assert.equal(client.appliedEdits.length, applied);
    assert.match(client.shownMessages.at(-1) ?? '', /changed since the fix was computed/);
  });
});

test('presets: listed, written as the reset plus whole tables; auto from given addresses; plain edits for clients without annotations', async () => {
  await withServer({ settings: { glibcVersion: '2.36' } }, async (client) => {
    await client.open(URI, TEXT);
    const presets = await client.request(PresetsRequest);
    assert.deepEqual(
      presets.map((p) => p.id),
      ['prefer-ipv6', 'prefer-ipv4', 'rfc6724', 'glibc'],
    );
    const written = await client.request(WritePresetRequest, {
      uri: URI,
      preset: 'auto',
      sources: ['fd42::2/64', '10.0.0.2/24'],
    });
    assert.equal(written.preset, 'prefer-ipv6');
    assert.ok(written.edit!.changes, 'plain edits: this client shows no preview');
    const after = applyEdits(TEXT, editsFor(written.edit!, URI));
    assert.ok(after.startsWith('# site policy\r\n#precedence'));
    const tables = analyze(after).tables;
    assert.equal(tables.label.rows.length, 5);
    assert.equal(tables.precedence.source, 'builtin');
    await assert.rejects(client.request(WritePresetRequest, { uri: URI, preset: 'fastest' }), /unknown preset/);
    await assert.rejects(
      client.request(WritePresetRequest, { uri: URI, preset: 'auto', sources: ['fd42::2'] }),
      /ADDRESS\/LENGTH/,
    );
  });
});

test('export and the kernel labels: the tables in effect as a gai.conf, the kernel table read on request', async () => {
  await withServer({ settings: { glibcVersion: '2.36' } }, async (client) => {
    await client.open(URI, TEXT);
    const exported = await client.request(ExportTablesRequest, { uri: URI });
    assert.match(exported.text!, /^label fc00::\/7 +1 # \/tmp\/gai-conf-policy\/gai\.conf line 3$/m);
    await client.open('file:///tmp/gai-conf-policy/crash.conf', 'scopev4 10.0.0.0 5\n');
    const crash = await client.request(ExportTablesRequest, { uri: 'file:///tmp/gai-conf-policy/crash.conf' });
    assert.equal(crash.text, null);
    const kernel = await client.request(KernelLabelsRequest);
    if ('rows' in kernel) assert.ok(kernel.rows.some((r) => r.prefix === 'fc00::/7'));
    else assert.match(kernel.error, /ip|addrlabel/);
  });
});
