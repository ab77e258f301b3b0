/** What the views share: a webview panel beside the editor, and a request whose failure the user sees. */

import { ProgressLocation, ViewColumn, WebviewPanel, window } from 'vscode';

import { CLIENT_COMMANDS, POLICY_COMMANDS } from '../protocol';

export function webviewPanel(viewType: string, title: string): WebviewPanel {
  return window.createWebviewPanel(
    viewType,
    title,
    { viewColumn: ViewColumn.Beside, preserveFocus: true },
    {
      enableScripts: false,
      enableCommandUris: [
        CLIENT_COMMANDS.explain,
        CLIENT_COMMANDS.whoFollows,
        CLIENT_COMMANDS.measureIpv6Share,
        ...Object.values(POLICY_COMMANDS),
      ],
      retainContextWhenHidden: false,
    },
  );
}

/** The server's answer, or undefined after showing why there is none; with `progress`, a progress note in the status bar meanwhile. */
export async function answerOf<Result>(ask: () => Promise<Result>, progress?: string): Promise<Result | undefined> {
  try {
    return await (progress === undefined
      ? ask()
      : window.withProgress({ location: ProgressLocation.Window, title: progress }, ask));
  } catch (error) {
    void window.showErrorMessage(`gai.conf: ${(error as Error).message}`);
    return undefined;
  }
}
