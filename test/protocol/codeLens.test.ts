/** The at-a-glance CodeLens over the protocol: the stock-like file, then after the ULA quick fix. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CodeAction, CodeLens } from 'vscode-languageserver-protocol/node';

import { applyEdits, editsAsContentChanges, editsFor, withServer } from '../support/lspClient';

const STOCK_LIKE =
  '# gai.conf\n#label ::1/128       0\n#label ::/0          1\n#label 2002::/16     2\n#label ::/96         3\n#label ::ffff:0:0/96 4\n#label fec0::/10     5\n#label fc00::/7      6\n#label 2001:0::/32   7\n';

test('CodeLens on the first line says ULA hosts prefer IPv4, and IPv6 after the quick fix', async () => {
  await withServer({ settings: { glibcVersion: '2.36' } }, async (client) => {
    const uri = 'file:///tmp/gai-conf-lens/gai.conf';
    const publication = await client.open(uri, STOCK_LIKE);
    const lenses = (await client.request('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[];
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command?.title]),
      [[0, 'ULA hosts: IPv4 first, as built-in']],
    );
    assert.match(
      lenses[0].command?.tooltip ?? '',
      /^global IPv6 vs IPv4: ULA hosts: IPv4 first · global-IPv6 hosts: IPv6 first$/,
      'the tooltip has every line',
    );
    const warning = publication.diagnostics.find((d) => d.code === 'ula-demoted')!;
    const actions = (await client.request('textDocument/codeAction', {
      textDocument: { uri },
      range: warning.range,
      context: { diagnostics: [warning], only: ['quickfix'] },
    })) as CodeAction[];
    const edits = editsFor(actions[0].edit, uri);
    const fixed = applyEdits(STOCK_LIKE, edits);
    await client.change(uri, 2, editsAsContentChanges(edits));
    await client.diagnostics(uri, { version: 2 });
    assert.equal(client.text(uri), fixed);
    const after = (await client.request('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[];
    assert.deepEqual(
      after.map((l) => l.command?.title),
      ['ULA hosts: IPv6 first (built-in: IPv4)', '+5 more'],
    );
    assert.match(
      after[0].command?.tooltip ?? '',
      /^global IPv6 vs IPv4: ULA hosts: IPv6 first \(built-in: IPv4 first\)/m,
    );
  });
});
