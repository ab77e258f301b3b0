/**
 * gai.conf written by a Dockerfile, an Ansible task file or a script, in the editor: the server's
 * diagnostics on the source are gai-conf check's findings for the same file, at the same places;
 * a source that writes no gai.conf gets none, and such documents get nothing else.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { CodeAction, Diagnostic, DiagnosticSeverity } from 'vscode-languageserver-protocol/node';

import { PolicyTablesRequest } from '../../server/src/lsp/protocol';
import { editsFor, LspClient, withServer } from '../support/lspClient';
import { repoRoot } from '../support/repository';

const CLI = join(repoRoot(), 'dist', 'cli.js');
const DIR = mkdtempSync(join(tmpdir(), `gai-conf-embedded-${process.pid}-`));
after(() => rmSync(DIR, { recursive: true, force: true }));

const TYPO_DOCKERFILE = [
  'FROM debian:12',
  'RUN apt-get update && apt-get install -y --no-install-recommends curl',
  'RUN echo "precendence ::ffff:0:0/96 100" >> /etc/gai.conf',
  'CMD ["curl", "https://example.org"]',
  '',
].join('\n');

const LINEINFILE_TASKS = [
  '---',
  '- name: Prefer IPv4 for outgoing connections',
  '  ansible.builtin.lineinfile:',
  '    path: /etc/gai.conf',
  '    line: precendence ::ffff:0:0/96 100',
  '    create: true',
  '',
].join('\n');

const COPY_TASKS = [
  '- name: Write gai.conf',
  '  become: true',
  '  copy:',
  '    dest: /etc/gai.conf',
  '    owner: root',
  '    mode: "0644"',
  '    content: |',
  '      label ::1/128 0',
  '      precendence ::ffff:0:0/96 100',
  '',
].join('\n');

/** Writes `text` to a file of that name under the test's directory; its path and file URI. */
function sourceFile(relative: string, text: string): { path: string; uri: string } {
  const path = join(DIR, relative);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return { path, uri: pathToFileURL(path).href };
}

const GNU_SEVERITY: Readonly<Record<number, string>> = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'note',
  [DiagnosticSeverity.Hint]: 'note',
};

/** What `gai-conf check --format gnu` prints for the file, and the diagnostics as the same lines. */
function asCheckPrints(path: string, diagnostics: readonly Diagnostic[]): { cli: string[]; editor: string[] } {
  const cli = execFileSync(process.execPath, [CLI, 'check', '--format', 'gnu', '--fail-on', 'none', path], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter((line) => line !== '');
  const editor = diagnostics.map(
    (d) =>
      `${path}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${GNU_SEVERITY[d.severity!]}: ${d.message} [${String(d.code)}]`,
  );
  return { cli, editor };
}

function textAt(text: string, d: Diagnostic): string {
  const lines = text.split('\n');
  assert.equal(d.range.start.line, d.range.end.line, 'a one-line finding');
  return lines[d.range.start.line].slice(d.range.start.character, d.range.end.character);
}

function typo(diagnostics: readonly Diagnostic[]): Diagnostic {
  const found = diagnostics.find((d) => d.code === 'unknown-directive');
  assert.ok(found, `an unknown-directive finding among ${JSON.stringify(diagnostics)}`);
  return found;
}

test('a Dockerfile that appends a typo to /etc/gai.conf gets the finding on its RUN line, as gai-conf check reports it', async () => {
  const { path, uri } = sourceFile('typo/Dockerfile', TYPO_DOCKERFILE);
  await withServer({}, async (client) => {
    const { diagnostics } = await client.open(uri, TYPO_DOCKERFILE, 1, 'dockerfile');
    const finding = typo(diagnostics);
    assert.equal(finding.range.start.line, 2);
    assert.equal(textAt(TYPO_DOCKERFILE, finding), 'precendence');
    assert.equal(finding.severity, DiagnosticSeverity.Warning);
    assert.equal(finding.source, 'gai-conf');
    assert.match(finding.codeDescription?.href ?? '', /#unknown-directive$/);
    const { cli, editor } = asCheckPrints(path, diagnostics);
    assert.ok(
      cli.some((line) => line.includes('[unknown-directive]')),
      cli.join('\n'),
    );
    assert.deepEqual(editor, cli);
  });
});

test('Ansible tasks (lineinfile, copy: content:) get their findings where gai-conf check puts them', async () => {
  await withServer({}, async (client) => {
    for (const [relative, text, languageId, line] of [
      ['role/tasks/main.yml', LINEINFILE_TASKS, 'ansible', 4],
      ['playbooks/gai.yaml', COPY_TASKS, 'yaml', 8],
    ] as const) {
      const { path, uri } = sourceFile(relative, text);
      const { diagnostics } = await client.open(uri, text, 1, languageId);
      const finding = typo(diagnostics);
      assert.equal(finding.range.start.line, line, relative);
      assert.equal(textAt(text, finding), 'precendence', relative);
      const { cli, editor } = asCheckPrints(path, diagnostics);
      assert.deepEqual(editor, cli, relative);
    }
  });
});

/** The repository's sample sources, in the styles people write, each with the language VS Code gives it. */
const SAMPLE_SOURCES: readonly (readonly [string, string])[] = [
  ['Dockerfile', 'dockerfile'],
  ['Containerfile.heredoc', 'dockerfile'],
  ['prefer-ipv4.sh', 'shellscript'],
  ['nothing.sh', 'shellscript'],
  ['user-data.yaml', 'yaml'],
  ['copy-content.yml', 'yaml'],
  ['role/tasks/main.yml', 'ansible'],
  ['gai.nix', 'nix'],
  ['etc-text.nix', 'nix'],
];

test('every sample source gets exactly the findings gai-conf check prints for it, at the same places', async () => {
  const sources = join(repoRoot(), 'test', 'embedded', 'sources');
  await withServer({}, async (client) => {
    for (const [relative, languageId] of SAMPLE_SOURCES) {
      const path = join(sources, relative);
      const { diagnostics } = await client.open(pathToFileURL(path).href, readFileSync(path, 'utf8'), 1, languageId);
      const { cli, editor } = asCheckPrints(path, diagnostics);
      assert.deepEqual(editor, cli, relative);
      assert.equal(editor.length === 0, relative === 'nothing.sh', `${relative}: ${editor.length} findings`);
    }
  });
});

test('files that write no gai.conf get an empty list, and findings follow edits as you type', async () => {
  const plain: readonly [string, string, string][] = [
    ['plain/Dockerfile', 'FROM debian:12\nRUN cat /etc/gai.conf && apt-get update\nCOPY app /app\n', 'dockerfile'],
    [
      'plain/compose.yaml',
      'services:\n  web:\n    image: nginx\n    volumes:\n      - ./gai.conf:/etc/nginx/gai.conf:ro\n',
      'yaml',
    ],
    ['plain/build.sh', '#!/bin/sh\nset -e\nmake install DESTDIR=/tmp/stage\n', 'shellscript'],
    ['plain/configuration.nix', '{ pkgs, ... }: {\n  networking.hostName = "box";\n}\n', 'nix'],
  ];
  await withServer({}, async (client) => {
    for (const [relative, text, languageId] of plain) {
      const { uri } = sourceFile(relative, text);
      const { diagnostics } = await client.open(uri, text, 1, languageId);
      assert.deepEqual(diagnostics, [], relative);
    }
    const { uri } = sourceFile('edited/Dockerfile', TYPO_DOCKERFILE);
    typo((await client.open(uri, TYPO_DOCKERFILE, 1, 'dockerfile')).diagnostics);
    const fixed = await client.applyAsChange(uri, [
      { range: { start: { line: 2, character: 10 }, end: { line: 2, character: 21 } }, newText: 'precedence' },
    ]);
    assert.equal(
      fixed.diagnostics.find((d) => d.code === 'unknown-directive'),
      undefined,
      JSON.stringify(fixed.diagnostics),
    );
  });
});

/** Its here-document read as a gai.conf would get hovers, lenses, symbols, edits and completions. */
const HEREDOC_SCRIPT = [
  '#!/bin/sh',
  'cat > /etc/gai.conf <<EOF',
  'precendence  ::/0  40',
  'precedence  ::ffff:0:0/96   100',
  'label  fc00::/7  1',
  'EOF',
  '',
].join('\n');

test("a typo's quick fix on a Dockerfile or script edits that word of the source, and the finding goes", async () => {
  await withServer({}, async (client: LspClient) => {
    for (const [relative, text, languageId] of [
      ['fixes/Dockerfile', TYPO_DOCKERFILE, 'dockerfile'],
      ['fixes/setup.sh', HEREDOC_SCRIPT, 'shellscript'],
    ] as const) {
      const { uri } = sourceFile(relative, text);
      const finding = typo((await client.open(uri, text, 1, languageId)).diagnostics);
      const actions = (await client.codeActions(uri, finding.range, [finding])) as CodeAction[];
      assert.deepEqual(
        actions.map((a) => [a.title, a.kind, a.diagnostics?.map((d) => d.code)]),
        [['Change "precendence" to "precedence"', 'quickfix', ['unknown-directive']]],
        relative,
      );
      const edits = editsFor(actions[0].edit, uri);
      assert.deepEqual(edits, [{ range: finding.range, newText: 'precedence' }], relative);
      const after = await client.applyAsChange(uri, edits);
      assert.ok(!after.diagnostics.some((d) => d.code === 'unknown-directive'), JSON.stringify(after.diagnostics));
      assert.deepEqual(await client.codeActions(uri, finding.range, []), [], 'the fixed text has nothing left to fix');
      assert.deepEqual(await client.codeActions(uri, finding.range, [], ['source.fixAll']), [], 'no fix-all here');
    }
  });
});

test('hover, CodeLens, symbols, formatting, completion and the views ignore a Dockerfile or script', async () => {
  await withServer({}, async (client: LspClient) => {
    for (const [relative, text, languageId] of [
      ['ignored/Dockerfile', TYPO_DOCKERFILE, 'dockerfile'],
      ['ignored/setup.sh', HEREDOC_SCRIPT, 'shellscript'],
    ] as const) {
      await ignored(client, relative, text, languageId);
    }
  });
});

async function ignored(client: LspClient, relative: string, text: string, languageId: string): Promise<void> {
  const { uri } = sourceFile(relative, text);
  {
    const { diagnostics } = await client.open(uri, text, 1, languageId);
    const finding = typo(diagnostics);
    const textDocument = { uri };
    const position = finding.range.start;
    assert.equal(await client.hover(uri, position), null, relative);
    for (const [method, params] of [
      ['textDocument/codeLens', { textDocument }],
      ['textDocument/documentSymbol', { textDocument }],
      ['textDocument/foldingRange', { textDocument }],
      ['textDocument/formatting', { textDocument, options: { tabSize: 4, insertSpaces: true } }],
      ['textDocument/completion', { textDocument, position: { line: finding.range.start.line, character: 0 } }],
    ] as const) {
      const result = await client.request(method, params);
      assert.ok(
        result === null || (Array.isArray(result) && result.length === 0),
        `${relative} ${method}: ${JSON.stringify(result)}`,
      );
    }
    await assert.rejects(client.request(PolicyTablesRequest, { uri }), /not an open gai\.conf document/);
    assert.ok(client.alive);
  }
}

test('severity settings apply, and gaiconf.embedded.enabled false publishes nothing until turned back on', async () => {
  const { uri } = sourceFile('settings/Dockerfile', TYPO_DOCKERFILE);
  await withServer(
    { settings: { embedded: { enabled: false }, diagnostics: { severity: { 'unknown-directive': 'error' } } } },
    async (client) => {
      assert.deepEqual((await client.open(uri, TYPO_DOCKERFILE, 1, 'dockerfile')).diagnostics, []);
      const since = client.mark();
      await client.changeConfiguration({ ...client.settings, embedded: { enabled: true } });
      const on = await client.diagnostics(uri, { since, accept: (p) => p.diagnostics.length > 0 });
      assert.equal(typo(on.diagnostics).severity, DiagnosticSeverity.Error);
      const off = client.mark();
      await client.changeConfiguration({ ...client.settings, embedded: { enabled: false } });
      await client.diagnostics(uri, { since: off, accept: (p) => p.diagnostics.length === 0 });
    },
  );
});
