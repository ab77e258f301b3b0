/**
 * The benchmark's floor: the least a vscode-languageserver server does for an editor. It keeps the
 * documents in sync as ours does, publishes an empty diagnostic list for every version, and answers
 * hover and code actions with nothing. Bundled exactly as dist/server.js is, so the difference
 * between the two is the cost of gai-conf's own work.
 */

import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
connection.onInitialize(() => ({
  capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental, hoverProvider: true, codeActionProvider: true },
}));
documents.onDidChangeContent((event) => {
  void connection.sendDiagnostics({ uri: event.document.uri, version: event.document.version, diagnostics: [] });
});
connection.onHover(() => null);
connection.onCodeAction(() => []);
documents.listen(connection);
connection.listen();
