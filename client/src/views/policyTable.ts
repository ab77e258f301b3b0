/** "gai.conf: Show Effective Policy Table": one view per document, following its edits and the settings. */

import * as path from 'path';
import { ExtensionContext, WebviewPanel, commands, window, workspace } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { PolicyTablesResult } from '../../../server/src/lsp/protocol';
import { gaiConfDocument } from '../documents';
import { CLIENT_COMMANDS, PolicyTablesRequest } from '../protocol';
import { renderPolicyTables } from './render';
import { answerOf, webviewPanel } from './webview';

export interface PolicyTableViews {
  /** Renders every open view again (the settings changed). */
  refreshAll(): void;
}

export function registerPolicyTableView(context: ExtensionContext, client: LanguageClient): PolicyTableViews {
  const panels = new Map<string, WebviewPanel>();

  async function render(panel: WebviewPanel, uri: string): Promise<PolicyTablesResult | undefined> {
    const result = await answerOf(() => client.sendRequest(PolicyTablesRequest, { uri }));
    if (result) panel.webview.html = renderPolicyTables(result);
    return result;
  }

  async function show(uriArgument?: unknown): Promise<PolicyTablesResult | undefined> {
    const document = gaiConfDocument(uriArgument);
    if (!document) {
      void window.showWarningMessage('Open a gai.conf file first: the table is the one glibc holds for it.');
      return undefined;
    }
    const uri = document.uri.toString();
    let panel = panels.get(uri);
    if (panel) panel.reveal(undefined, true);
    else {
      panel = webviewPanel('gaiconf.policyTable', `Policy table: ${path.basename(document.uri.path)}`);
      panels.set(uri, panel);
      panel.onDidDispose(() => panels.delete(uri));
    }
    return render(panel, uri);
  }

  context.subscriptions.push(
    commands.registerCommand(CLIENT_COMMANDS.policyTables, (uri?: unknown) => show(uri)),
    workspace.onDidChangeTextDocument((event) => {
      const panel = panels.get(event.document.uri.toString());
      if (panel && event.contentChanges.length > 0) void render(panel, event.document.uri.toString());
    }),
  );
  return {
    refreshAll: () => {
      for (const [uri, panel] of panels) void render(panel, uri);
    },
  };
}
