/**
 * The VS Code side: starts the bundled language server next to the file (the remote machine
 * under Remote-SSH, since the extension runs in the workspace extension host) and passes settings.
 */

import * as path from 'path';
import { ExtensionContext, commands, languages, window, workspace } from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'gaiconf' }],
    synchronize: { configurationSection: 'gaiconf' },
    initializationOptions: workspace.getConfiguration('gaiconf'),
  };
  client = new LanguageClient('gaiconf', 'gai.conf', serverOptions, clientOptions);
  context.subscriptions.push(client, commands.registerCommand('gaiconf.treatAsGaiConf', treatAsGaiConf));
  await client.start();
}

/** For copies under other names (gai.conf.test, a backup): the same as picking gai.conf in the language mode picker. */
async function treatAsGaiConf(): Promise<void> {
  const document = window.activeTextEditor?.document;
  if (!document) {
    void window.showInformationMessage('Open the file to treat as gai.conf first.');
    return;
  }
  await languages.setTextDocumentLanguage(document, 'gaiconf');
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
