/** "gai.conf: Who Follows /etc/gai.conf?": one view, for the machine where the extension runs. */

import { commands, ExtensionContext, WebviewPanel } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

import type { WhoFollowsResult } from '../../../server/src/lsp/protocol';
import { CLIENT_COMMANDS, WhoFollowsRequest } from '../protocol';
import { commandLink, renderWhoFollows } from './render';
import { answerOf, webviewPanel } from './webview';

export function registerWhoFollowsView(context: ExtensionContext, client: LanguageClient): void {
  let panel: WebviewPanel | undefined;

  /** Reads /proc and asks each installed runtime its version, on the server's machine: only when asked. */
  async function whoFollows(): Promise<WhoFollowsResult | undefined> {
    const result = await answerOf(
      () => client.sendRequest(WhoFollowsRequest),
      'Looking at the runtimes and processes…',
    );
    if (!result) return undefined;
    if (panel) panel.reveal(undefined, true);
    else {
      panel = webviewPanel('gaiconf.whoFollows', 'Who follows /etc/gai.conf?');
      panel.onDidDispose(() => {
        panel = undefined;
      });
    }
    panel.webview.html = renderWhoFollows(result, commandLink(CLIENT_COMMANDS.whoFollows, [], 'Look again'));
    return result;
  }

  context.subscriptions.push(commands.registerCommand(CLIENT_COMMANDS.whoFollows, whoFollows));
}
