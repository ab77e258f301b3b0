/**
 * The language server: wiring only. Each handler module answers one request (one LSP method or
 * one custom request of protocol.ts) by calling one feature; the session holds the client's
 * capabilities and the settings, the store the documents and their analyses. Runs over stdio (`--stdio`) or Node IPC (`--node-ipc`), as
 * vscode-languageserver picks from argv.
 */

import { CodeActionKind, Connection, InitializeResult, TextDocumentSyncKind } from 'vscode-languageserver/node';

import { registerCodeActions, serverCommands } from './handlers/codeActions';
import { registerCodeLens } from './handlers/codeLens';
import { registerCompletion } from './handlers/completion';
import { registerConnections } from './handlers/connections';
import { registerContainers } from './handlers/containers';
import { publishDiagnostics, registerDiagnostics } from './handlers/diagnostics';
import { registerExplain } from './handlers/explain';
import { registerFormatting } from './handlers/formatting';
import { registerHover } from './handlers/hover';
import { registerKernelLabels } from './handlers/kernelLabels';
import { registerPolicyFiles } from './handlers/policyFiles';
import { registerPolicyTables } from './handlers/policyTables';
import { registerSaveCheck } from './handlers/saveCheck';
import { registerStatus } from './handlers/status';
import { registerSymbols } from './handlers/symbols';
import { registerWhoFollows } from './handlers/whoFollows';
import { Session } from './session';

export function startServer(connection: Connection): void {
  const session = new Session(connection);
  const { store } = session;
  const reanalyse = () => {
    for (const document of store.documents.all())
      store.schedule(document.uri, (uri) => publishDiagnostics(session, uri));
  };

  connection.onInitialize((params): InitializeResult => {
    session.initialize(params);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: {
          codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll],
          resolveProvider: session.client.resolvesCodeActionEdits,
        },
        completionProvider: { triggerCharacters: [' '] },
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        ...(serverCommands(session.client).length > 0
          ? { executeCommandProvider: { commands: serverCommands(session.client) } }
          : {}),
      },
      serverInfo: { name: 'gai-conf-language-server' },
    };
  });
  connection.onInitialized(() => session.initialized(reanalyse));
  connection.onDidChangeConfiguration((change) => {
    const section = (change.settings as Record<string, unknown> | null)?.gaiconf ?? change.settings;
    void session.refreshSettings(reanalyse, session.client.pullConfiguration ? undefined : section);
  });

  registerDiagnostics(session);
  registerHover(session);
  registerCodeLens(session);
  registerCodeActions(session);
  registerCompletion(session);
  registerFormatting(session);
  registerSymbols(session);
  registerExplain(session);
  registerPolicyTables(session);
  registerWhoFollows(session);
  registerConnections(session);
  registerStatus(session);
  registerSaveCheck(session);
  registerPolicyFiles(session);
  registerKernelLabels(session);
  registerContainers(session);

  store.documents.listen(connection);
  connection.listen();
}
