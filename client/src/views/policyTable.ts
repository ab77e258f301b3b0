/** "gai.conf: Show Effective Policy Table": one view per document, following its edits and the settings. */

import * as path from 'path';
import { commands, ExtensionContext, WebviewPanel, window } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

import type { KernelLabelsResult, PolicyTablesResult } from '../../../server/src/lsp/protocol';
import { gaiConfDocument } from '../documents';
import { CLIENT_COMMANDS, KernelLabelsRequest, POLICY_COMMANDS, PolicyTablesRequest } from '../protocol';
import { policyViewExtras } from './kernelLabels';
import { renderPolicyTables } from './render';
import { answerOf, webviewPanel } from './webview';

export interface PolicyTableViews {
  /** Renders every open view again (the settings changed). */
  refreshAll(): void;
  /**
   * Renders a document's view again: called when the server has published its analysis of an
   * edit, so that the view never asks before the server has the edit (it would show the one before).
   */
  refresh(uri: string): void;
}

export function registerPolicyTableView(context: ExtensionContext, client: LanguageClient): PolicyTableViews {
  const panels = new Map<string, WebviewPanel>();
  /** Read on request only (it starts `ip`), then shown in every view. */
  let kernelLabels: KernelLabelsResult | undefined;

  async function render(panel: WebviewPanel, uri: string): Promise<PolicyTablesResult | undefined> {
    const result = await answerOf(() => client.sendRequest(PolicyTablesRequest, { uri }));
    if (result) panel.webview.html = renderPolicyTables(result, policyViewExtras(uri, kernelLabels));
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
    commands.registerCommand(POLICY_COMMANDS.kernelLabels, async (uri?: unknown) => {
      kernelLabels = await answerOf(
        () => client.sendRequest(KernelLabelsRequest),
        'Reading the kernel address labels…',
      );
      for (const [other, panel] of panels) void render(panel, other);
      await show(uri);
      return kernelLabels;
    }),
  );
  return {
    refreshAll: () => {
      for (const [uri, panel] of panels) void render(panel, uri);
    },
    refresh: (uri) => {
      const panel = panels.get(uri);
      if (panel) void render(panel, uri);
    },
  };
}
