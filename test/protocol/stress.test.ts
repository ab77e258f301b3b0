/**
 * Protocol stress: the bundled server under a burst of 10,000 edits, requests about places and
 * documents that do not exist, cancelled and malformed requests, and a document closed while
 * requests about it are in flight. Each time the server must stay up, answer correctly afterwards,
 * and give its memory back.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';

import { CancellationTokenSource, Position } from 'vscode-languageserver-protocol/node';

import { analyzeGaiConf } from '../../server/src/analysis/analysis';
import { editorDiagnostics } from '../../server/src/features/diagnostics';
import { TextLocator } from '../../server/src/features/positions';
import { parseGlibcVersion } from '../../server/src/glibc/versions';
import { generateGaiConf } from '../support/generate';
import { LspClient, withServer } from '../support/lspClient';

const SETTINGS = { settings: { glibcVersion: '2.36' }, timeoutMs: 60_000 };

/**
 * Every request the server answers about a document, with well-formed params for a place in it.
 * A new feature joins the stress tests with one line here.
 */
const DOCUMENT_REQUESTS: Record<string, (uri: string, position: Position) => unknown> = {
  'textDocument/hover': (uri, position) => ({ textDocument: { uri }, position }),
  'textDocument/codeAction': (uri, position) => ({
    textDocument: { uri },
    range: { start: position, end: position },
    context: { diagnostics: [] },
  }),
  'textDocument/codeLens': (uri) => ({ textDocument: { uri } }),
  'textDocument/completion': (uri, position) => ({ textDocument: { uri }, position }),
  'textDocument/formatting': (uri) => ({ textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } }),
  'textDocument/rangeFormatting': (uri, position) => ({
    textDocument: { uri },
    range: { start: position, end: position },
    options: { tabSize: 4, insertSpaces: true },
  }),
  'textDocument/documentSymbol': (uri) => ({ textDocument: { uri } }),
  'textDocument/foldingRange': (uri) => ({ textDocument: { uri } }),
  'gaiConf/policyTables': (uri) => ({ uri }),
};

/** Requests about the whole document: a position beyond it does not make them empty. */
const WHOLE_DOCUMENT = new Set([
  'textDocument/codeLens',
  'textDocument/formatting',
  'textDocument/documentSymbol',
  'textDocument/foldingRange',
  'gaiConf/policyTables',
]);

/** What a server may answer to a request it cannot serve: nothing, an empty list, or an error. */
function isEmptyAnswer(answer: unknown): boolean {
  return answer === null || answer instanceof Error || (Array.isArray(answer) && answer.length === 0);
}

/** A request's answer, or the error it was refused with; a timeout or a dead server still fails. */
async function answerOf(client: LspClient, method: string, params: unknown): Promise<unknown> {
  try {
    return await client.request(method, params);
  } catch (error) {
    assert.ok(!/timed out|exited/.test((error as Error).message), `${method}: ${(error as Error).message}`);
    return error;
  }
}

/** The server's resident set size, from /proc. */
function rss(client: LspClient): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${client.process.pid}/status`, 'utf8'))![1]) * 1024;
}

const TEXT = generateGaiConf(1_000);
const GLIBC = parseGlibcVersion('2.36')!;

function expectedDiagnostics(text: string) {
  return editorDiagnostics(analyzeGaiConf(text, { glibc: GLIBC }), new TextLocator(text), {}, () => '').map((d) => [
    d.code,
    d.range,
    d.message,
  ]);
}

/** After any abuse: the server is up and a hover on a known word is still right. */
async function assertHealthy(client: LspClient, uri: string): Promise<void> {
  assert.ok(client.alive, 'the server died');
  const line = client
    .text(uri)
    .split('\n')
    .findIndex((l) => l.startsWith('Label '));
  const hover = await client.hover(uri, { line, character: 1 });
  assert.match(JSON.stringify(hover?.contents), /Ignored by glibc/, 'a hover on "Label" after the abuse');
}

describe('protocol stress', { concurrency: false }, () => {
  test(
    '10,000 didChange notifications in a burst: one final publication that matches the final text, and memory back to baseline',
    { timeout: 300_000 },
    async () => {
      await withServer(SETTINGS, async (client) => {
        const uri = 'file:///tmp/gai-conf-stress/burst/gai.conf';
        await client.open(uri, TEXT);
        const line = TEXT.split('\n').findIndex((l) => l.startsWith('label '));
        const baseline = rss(client);
        const since = client.mark();
        const sends: Promise<void>[] = [];
        const typed = ' zz'.repeat(5_000).slice(0, 10_000);
        const at = TEXT.split('\n')[line].length;
        for (let i = 0; i < typed.length; i++) {
          sends.push(
            client.change(uri, i + 2, [
              { range: { start: { line, character: at + i }, end: { line, character: at + i } }, text: typed[i] },
            ]),
          );
        }
        await Promise.all(sends);
        const finalVersion = typed.length + 1;
        const last = await client.diagnostics(uri, { version: finalVersion, since });
        const text = client.text(uri);
        assert.deepEqual(
          last.diagnostics.map((d) => [d.code, d.range, d.message]),
          expectedDiagnostics(text),
        );
        const published = client.publications.filter((p) => p.uri === uri && p.seq > since).length;
        // Coalescing: an editor shows only the latest version, so analysing every one would be waste.
        assert.ok(published < 100, `${published} publications for one burst`);
        await assertHealthy(client, uri);
        await client.close(uri);
        await new Promise((resolve) => setTimeout(resolve, 500));
        // No GC can be forced from outside, and V8 keeps some freed heap: the slack allows for that.
        // Keeping even 1% of the 10,000 analyses of this file alive would exceed it several times over.
        const after = rss(client);
        assert.ok(
          after <= baseline + 60 * 1024 * 1024,
          `RSS ${(after / 2 ** 20).toFixed(0)} MB after the burst, baseline ${(baseline / 2 ** 20).toFixed(0)} MB`,
        );
      });
    },
  );

  test(
    'after the first analysis of a large file the server gives back, once quiet, the memory the analysis grew, and answers as before',
    { timeout: 120_000 },
    async () => {
      await withServer(SETTINGS, async (client) => {
        const uri = 'file:///tmp/gai-conf-stress/large/gai.conf';
        const text = generateGaiConf(30_000);
        const opened = await client.open(uri, text);
        const grown = rss(client);
        // The young generation V8 grew for the analysis (16 to 32 MiB) is given back by a
        // memory-reducing collection a moment after the publication; nothing else shrinks it.
        let now = grown;
        for (let waited = 0; waited < 10_000 && now > grown - 12 * 2 ** 20; waited += 100) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          now = rss(client);
        }
        assert.ok(
          now <= grown - 12 * 2 ** 20,
          `RSS ${(now / 2 ** 20).toFixed(0)} MB, ${(grown / 2 ** 20).toFixed(0)} MB after the publication`,
        );
        assert.deepEqual(
          opened.diagnostics.map((d) => [d.code, d.range, d.message]),
          expectedDiagnostics(text),
        );
        // The analysis kept for the next edit survived the collection.
        const line = text.split('\n').findIndex((l) => l.startsWith('label '));
        const since = client.mark();
        await client.change(uri, 2, [
          { range: { start: { line, character: 0 }, end: { line, character: 1 } }, text: 'L' },
        ]);
        const edited = await client.diagnostics(uri, { version: 2, since });
        assert.deepEqual(
          edited.diagnostics.map((d) => [d.code, d.range, d.message]),
          expectedDiagnostics(client.text(uri)),
        );
        await assertHealthy(client, uri);
      });
    },
  );

  test(
    'positions beyond the document, unknown URIs, malformed params: an empty answer or an error, and the server answers correctly afterwards',
    { timeout: 120_000 },
    async () => {
      await withServer(SETTINGS, async (client) => {
        const uri = 'file:///tmp/gai-conf-stress/abuse/gai.conf';
        await client.open(uri, TEXT);
        const beyond: Position[] = [
          { line: 1_000_000, character: 0 },
          { line: 3, character: 1_000_000 },
          { line: -1, character: -1 },
          { line: 2 ** 31, character: 2 ** 31 },
          { line: 1.5, character: 0.5 },
        ];
        for (const [method, params] of Object.entries(DOCUMENT_REQUESTS)) {
          for (const position of beyond) {
            const answer = await answerOf(client, method, params(uri, position));
            if (!WHOLE_DOCUMENT.has(method))
              assert.ok(isEmptyAnswer(answer), `${method} at ${JSON.stringify(position)}: ${JSON.stringify(answer)}`);
          }
          const unknown = await answerOf(
            client,
            method,
            params('file:///tmp/gai-conf-stress/never-opened/gai.conf', { line: 0, character: 0 }),
          );
          assert.ok(isEmptyAnswer(unknown), `${method} on an unknown URI: ${JSON.stringify(unknown)}`);
          const malformed = [
            null,
            {},
            42,
            'x',
            [],
            { textDocument: null },
            { textDocument: { uri: 5 }, position: 'here' },
            { textDocument: { uri }, position: { line: 'a', character: {} } },
            { textDocument: { uri }, range: null, context: null },
          ];
          for (const bad of malformed) await answerOf(client, method, bad);
          await assertHealthy(client, uri);
        }
        // Malformed notifications get no answer at all; the server must shrug them off.
        for (const [method, params] of [
          [
            'textDocument/didChange',
            {
              textDocument: { uri, version: 99 },
              contentChanges: [
                { range: { start: { line: 1e9, character: 0 }, end: { line: -5, character: 0 } }, text: 'x' },
              ],
            },
          ],
          ['textDocument/didChange', { textDocument: { uri: 'file:///nowhere' }, contentChanges: null }],
          ['textDocument/didOpen', { textDocument: null }],
          ['textDocument/didClose', {}],
          ['workspace/didChangeConfiguration', 7],
        ] as const) {
          await client.connection.sendNotification(method, params);
        }
        assert.ok(client.alive, 'a malformed notification killed the server');
        const reopened = 'file:///tmp/gai-conf-stress/abuse/again.conf';
        const publication = await client.open(reopened, TEXT);
        assert.deepEqual(
          publication.diagnostics.map((d) => [d.code, d.range, d.message]),
          expectedDiagnostics(TEXT),
        );
        await assertHealthy(client, reopened);
      });
    },
  );

  test(
    'cancelled requests, and a document closed while requests about it are in flight',
    { timeout: 120_000 },
    async () => {
      await withServer(SETTINGS, async (client) => {
        const uri = 'file:///tmp/gai-conf-stress/cancel/gai.conf';
        await client.open(uri, TEXT);
        for (const [method, params] of Object.entries(DOCUMENT_REQUESTS)) {
          const answers: Promise<unknown>[] = [];
          for (let i = 0; i < 50; i++) {
            const source = new CancellationTokenSource();
            answers.push(
              client
                .guard(
                  method,
                  client.connection.sendRequest(method, params(uri, { line: i, character: 3 }), source.token),
                )
                .catch((error: Error) => error),
            );
            source.cancel();
          }
          for (const answer of await Promise.all(answers)) {
            if (answer instanceof Error)
              assert.match(answer.message, /cancel/i, `${method} refused otherwise than as cancelled`);
          }
          await assertHealthy(client, uri);
        }

        const closing = 'file:///tmp/gai-conf-stress/cancel/closing.conf';
        await client.open(closing, TEXT);
        const inFlight = Object.entries(DOCUMENT_REQUESTS).map(([method, params]) =>
          client.request(method, params(closing, { line: 2, character: 2 })).catch((error: Error) => error),
        );
        const since = client.mark();
        await client.close(closing);
        const after = Object.entries(DOCUMENT_REQUESTS).map(([method, params]) =>
          answerOf(client, method, params(closing, { line: 2, character: 2 })),
        );
        for (const answer of await Promise.all(inFlight))
          assert.ok(!(answer instanceof Error) || !/timed out|exited/.test(answer.message), String(answer));
        for (const answer of await Promise.all(after))
          assert.ok(isEmptyAnswer(answer), `after close: ${JSON.stringify(answer)}`);
        const cleared = await client.diagnostics(closing, { since });
        assert.deepEqual(cleared.diagnostics, []);
        await assertHealthy(client, uri);
      });
    },
  );
});
