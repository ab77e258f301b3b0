/**
 * "gai.conf: Measure IPv6 Share…": a census of the connections on the machine where the extension
 * runs, a wait the user chooses (with progress and a cancel; restart programs meanwhile), a second
 * census, and a view of how the IPv6 share moved and why each IPv4 connection remains. Offered
 * from the command palette, after Save as Root on the live file, and to the Containers view as a
 * command it can run.
 */

import { CancellationToken, commands, ExtensionContext, ProgressLocation, WebviewPanel, window } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

import type { Census, ConnectionsResult } from '../../../server/src/lsp/protocol';
import { CLIENT_COMMANDS, ConnectionsRequest } from '../protocol';
import { renderMeasure } from './measureRender';
import { commandLink } from './render';
import { answerOf, webviewPanel } from './webview';

const WAITS = [
  { label: '30 seconds', seconds: 30 },
  { label: '1 minute', seconds: 60 },
  { label: '5 minutes', seconds: 300 },
  { label: '15 minutes', seconds: 900 },
] as const;

/** Waits `seconds`, counting down in a notification with a Cancel button; false when cancelled. */
function waitWithProgress(seconds: number): Thenable<boolean> {
  return window.withProgress(
    { location: ProgressLocation.Notification, title: 'gai.conf: measuring the IPv6 share', cancellable: true },
    (progress, token: CancellationToken) =>
      new Promise<boolean>((resolve) => {
        let left = seconds;
        progress.report({
          message: `first census taken; the second in ${left} s (restart the programs you fixed meanwhile)`,
        });
        const timer = setInterval(() => {
          left--;
          progress.report({ increment: 100 / seconds, message: `the second census in ${left} s` });
          if (left <= 0) {
            clearInterval(timer);
            resolve(true);
          }
        }, 1000);
        token.onCancellationRequested(() => {
          clearInterval(timer);
          resolve(false);
        });
      }),
  );
}

export function registerMeasureView(context: ExtensionContext, client: LanguageClient): void {
  let panel: WebviewPanel | undefined;

  function show(result: ConnectionsResult): void {
    if (!result.comparison) return;
    if (panel) panel.reveal(undefined, true);
    else {
      panel = webviewPanel('gaiconf.measureIpv6Share', 'IPv6 share');
      panel.onDidDispose(() => {
        panel = undefined;
      });
    }
    panel.webview.html = renderMeasure(
      result.comparison,
      commandLink(CLIENT_COMMANDS.measureIpv6Share, [], 'Measure again'),
    );
  }

  /** The optional argument is a wait in seconds (for a caller such as the Containers view or a test); without it the user picks. */
  async function measure(waitSeconds?: number): Promise<ConnectionsResult | undefined> {
    let seconds = typeof waitSeconds === 'number' && waitSeconds >= 0 ? waitSeconds : undefined;
    if (seconds === undefined) {
      const picked = await window.showQuickPick(
        WAITS.map((w) => ({ label: w.label, seconds: w.seconds })),
        {
          title: 'gai.conf: Measure IPv6 Share',
          placeHolder: 'Measure now, then again after…',
        },
      );
      if (!picked) return undefined;
      seconds = picked.seconds;
    }
    const first = await answerOf(
      () => client.sendRequest(ConnectionsRequest, { before: null }),
      'Counting connections…',
    );
    if (!first) return undefined;
    if (seconds > 0 && !(await waitWithProgress(seconds))) return undefined;
    const before: Census = first.census;
    const second = await answerOf(
      () => client.sendRequest(ConnectionsRequest, { before }),
      'Counting connections again…',
    );
    if (!second) return undefined;
    show(second);
    return second;
  }

  context.subscriptions.push(commands.registerCommand(CLIENT_COMMANDS.measureIpv6Share, measure));
}
