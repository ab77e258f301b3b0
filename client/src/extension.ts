/**
 * The VS Code side: starts the bundled language server next to the file (the remote machine
 * under Remote-SSH, since the extension runs in the workspace extension host) and passes settings.
 */

import * as path from 'path';
import { ExtensionContext, workspace } from 'vscode';
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
  context.subscriptions.push(client);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
