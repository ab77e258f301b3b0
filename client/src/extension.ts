/**
 * The VS Code side, activation only: starts the bundled language server next to the file (the
 * remote machine under Remote-SSH, since the extension runs in the workspace extension host),
 * passes settings, and registers what LSP has no words for, each in its own module: the views
 * (views/), the glibc status item and its picker, the documentation of each code, Save as Root.
 */

import * as path from 'path';
import { ExtensionContext, workspace } from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';

import { registerContainerFileSystem } from './containerFileSystem';
import { registerContainerUlaFix } from './containerUlaFix';
import { registerDocumentation } from './documentation';
import { EMBEDDED_SOURCE_LANGUAGES, LANGUAGE_ID, registerTreatAsGaiConf } from './documents';
import { registerFixAllReport } from './fixAllReport';
import { registerPolicyFiles } from './policyFiles';
import { AnalysisPublishedNotification, CLIENT_COMMANDS, StatusChangedNotification, StatusRequest } from './protocol';
import { registerSaveAsRoot } from './saveAsRoot';
import { registerGlibcStatus } from './status';
import { registerContainersView } from './views/containers';
import { registerExplainView } from './views/explain';
import { registerMeasureView } from './views/measure';
import { registerPolicyTableView } from './views/policyTable';
import { registerWhoFollowsView } from './views/whoFollows';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: LANGUAGE_ID }, ...EMBEDDED_SOURCE_LANGUAGES.map((language) => ({ language }))],
    synchronize: { configurationSection: 'gaiconf' },
    initializationOptions: {
      gaiconf: workspace.getConfiguration('gaiconf'),
      clientCommands: Object.values(CLIENT_COMMANDS),
    },
  };
  const languageClient = (client = new LanguageClient('gaiconf', 'gai.conf', serverOptions, clientOptions));
  context.subscriptions.push(languageClient);
  const showStatus = registerGlibcStatus(context, languageClient);
  registerExplainView(context, languageClient);
  const policyTables = registerPolicyTableView(context, languageClient);
  registerWhoFollowsView(context, languageClient);
  registerPolicyFiles(context, languageClient);
  registerMeasureView(context, languageClient);
  const containerFiles = registerContainerFileSystem(context, languageClient);
  registerContainerUlaFix(context, containerFiles, registerContainersView(context, languageClient, containerFiles));
  registerTreatAsGaiConf(context);
  registerDocumentation(context);
  registerFixAllReport(context);
  await languageClient.start();
  // After the client's own providers: VS Code shows the newest CodeLens provider's lenses first,
  // and "read-only for you" must not end up past the right edge behind the summary.
  registerSaveAsRoot(context, languageClient);
  context.subscriptions.push(
    languageClient.onNotification(StatusChangedNotification, (status) => {
      showStatus(status);
      policyTables.refreshAll();
    }),
    languageClient.onNotification(AnalysisPublishedNotification, ({ uri }) => policyTables.refresh(uri)),
  );
  showStatus(await languageClient.sendRequest(StatusRequest));
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
