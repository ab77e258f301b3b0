/** "gai.conf: Explain Address Order…": asks for a name or addresses, shows glibc's order for them in a view. */

import { commands, ExtensionContext, WebviewPanel, window } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

import type { ExplainParams, ExplainResult } from '../../../server/src/lsp/protocol';
import { gaiConfDocument, savedTextOf } from '../documents';
import { CLIENT_COMMANDS, ExplainRequest } from '../protocol';
import { commandLink, renderExplanation } from './render';
import { answerOf, webviewPanel } from './webview';

const LAST_QUERY_KEY = 'gaiconf.lastExplainQuery';

/** One tab for every explanation: a new query replaces the last one there, rather than piling up tabs. */
let panel: WebviewPanel | undefined;

async function explainAddressOrder(
  context: ExtensionContext,
  client: LanguageClient,
  uriArgument?: unknown,
  queryArgument?: unknown,
): Promise<ExplainResult | undefined> {
  const document = gaiConfDocument(uriArgument);
  if (!document) {
    void window.showWarningMessage('Open a gai.conf file first: the explanation uses its tables.');
    return undefined;
  }
  const query =
    typeof queryArgument === 'string'
      ? queryArgument
      : await window.showInputBox({
          title: 'gai.conf: Explain Address Order',
          prompt:
            'A host name (resolved with DNS on the machine where the extension runs), or addresses separated by spaces',
          placeHolder: 'example.org   or   2001:db8::10 192.0.2.10',
          value: context.globalState.get<string>(LAST_QUERY_KEY) ?? '',
          ignoreFocusOut: true,
          validateInput: (value) => (value.trim() === '' ? 'Give a host name or at least one address.' : undefined),
        });
  if (query === undefined) return undefined;
  await context.globalState.update(LAST_QUERY_KEY, query);
  const params: ExplainParams = { uri: document.uri.toString(), query, savedText: await savedTextOf(document) };
  const result = await answerOf(() => client.sendRequest(ExplainRequest, params), `Explaining ${query}…`);
  if (!result) return undefined;
  const title = `Address order: ${result.query}`;
  if (panel) {
    panel.title = title;
    panel.reveal(undefined, true);
  } else {
    panel = webviewPanel('gaiconf.explain', title);
    panel.onDidDispose(() => {
      panel = undefined;
    });
  }
  panel.webview.html = renderExplanation(
    result,
    commandLink(CLIENT_COMMANDS.explain, [params.uri, query], 'Explain again'),
    commandLink(CLIENT_COMMANDS.whoFollows, [], 'Who follows /etc/gai.conf?'),
  );
  return result;
}

export function registerExplainView(context: ExtensionContext, client: LanguageClient): void {
  context.subscriptions.push(
    commands.registerCommand(CLIENT_COMMANDS.explain, (uri?: unknown, query?: unknown) =>
      explainAddressOrder(context, client, uri, query),
    ),
  );
}
