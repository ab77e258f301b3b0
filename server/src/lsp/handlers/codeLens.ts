import { CodeLens } from 'vscode-languageserver/node';

import { awaitsRender } from '../../analysis/analysis';
import { lensSummary } from '../../features/effectsSummary';
import { CLIENT_COMMANDS } from '../protocol';
import { Session } from '../session';

export function registerCodeLens(session: Session): void {
  session.connection.onCodeLens((params): CodeLens[] => {
    const snapshot = session.store.snapshot(params.textDocument.uri);
    if (!snapshot || snapshot.analysis.tables.crash) return [];
    const uri = snapshot.document.uri;
    const top = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    if (awaitsRender(snapshot.analysis.template))
      return [
        {
          range: top,
          command: {
            title: 'Template: effects known once rendered',
            command: '',
            tooltip: 'What this template does to connections is known once it is rendered.',
          },
        },
      ];
    // The actions first, so that they stay on screen; then one short summary, whose tooltip has the rest.
    const lenses: CodeLens[] = [];
    const commands = session.client.commands;
    const lens = (title: string, command: string, args?: unknown[], tooltip?: string): CodeLens => ({
      range: top,
      command: { title, command, ...(tooltip ? { tooltip } : {}), ...(args ? { arguments: args } : {}) },
    });
    if (commands.includes(CLIENT_COMMANDS.explain))
      lenses.push(
        lens(
          'Explain…',
          CLIENT_COMMANDS.explain,
          [uri],
          "Explain address order: glibc's order for a name or addresses, rule by rule",
        ),
      );
    if (commands.includes(CLIENT_COMMANDS.policyTables))
      lenses.push(
        lens(
          'Policy table',
          CLIENT_COMMANDS.policyTables,
          [uri],
          'Effective policy table: the label, precedence and scopev4 rows glibc holds for this buffer',
        ),
      );
    // On the live file: who on this machine follows it (asked only when the lens is clicked).
    if (commands.includes(CLIENT_COMMANDS.whoFollows) && session.isLive(uri))
      lenses.push(
        lens(
          'Who follows?',
          CLIENT_COMMANDS.whoFollows,
          undefined,
          'Who follows /etc/gai.conf: runtimes and processes on this machine that ignore it or must restart',
        ),
      );
    const summary = lensSummary(snapshot.analysis.effects);
    // A lens without a command id shows as plain text: the summary is information, not an action.
    lenses.push(lens(summary.headline, '', undefined, summary.details));
    if (summary.moreDifferences > 0) {
      const more = `+${summary.moreDifferences} more`;
      lenses.push(
        commands.includes(CLIENT_COMMANDS.policyTables)
          ? lens(more, CLIENT_COMMANDS.policyTables, [uri], summary.details)
          : lens(more, '', undefined, summary.details),
      );
    }
    return lenses;
  });
}
