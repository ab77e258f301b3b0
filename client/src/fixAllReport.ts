/** After "fix all": what it fixed and which findings it left, since those need a choice or a hand. */

import { commands, ExtensionContext, window } from 'vscode';

import type { FixAllReport } from '../../server/src/lsp/protocol';
import { CLIENT_COMMANDS } from './protocol';

export function registerFixAllReport(context: ExtensionContext): void {
  context.subscriptions.push(
    commands.registerCommand(CLIENT_COMMANDS.fixAllReport, (report?: FixAllReport) => {
      if (!report || typeof report.message !== 'string') return;
      // Information when nothing is left; else a warning, which stays until read.
      void (report.left.length === 0
        ? window.showInformationMessage(`gai.conf: ${report.message}`)
        : window.showWarningMessage(`gai.conf: ${report.message}`));
    }),
  );
}
