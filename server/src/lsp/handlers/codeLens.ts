import { CodeLens } from 'vscode-languageserver/node';
import { awaitsRender } from '../../analysis/analysis';
import { summarizeEffects } from '../../features/effectsSummary';
import { CLIENT_COMMANDS } from '../protocol';
import { Session } from '../session';

export function registerCodeLens(session: Session): void {
  session.connection.onCodeLens((params): CodeLens[] => {
    const snapshot = session.store.snapshot(params.textDocument.uri);
    if (!snapshot || snapshot.analysis.tables.crash) return [];
    const uri = snapshot.document.uri;
    const top = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    if (awaitsRender(snapshot.analysis.template)) return [{ range: top, command: { title: 'Template: what it does to connections is known once it is rendered', command: '' } }];
    // A lens without a command id shows as plain text: the summary is information, not an action.
    const lenses: CodeLens[] = summarizeEffects(snapshot.analysis.effects).map((summary) => ({ range: top, command: { title: summary.text, command: '' } }));
    const commands = session.client.commands;
    if (commands.includes(CLIENT_COMMANDS.explain)) lenses.push({ range: top, command: { title: 'Explain address order…', command: CLIENT_COMMANDS.explain, arguments: [uri] } });
    if (commands.includes(CLIENT_COMMANDS.policyTables)) lenses.push({ range: top, command: { title: 'Effective policy table', command: CLIENT_COMMANDS.policyTables, arguments: [uri] } });
    // On the live file: who on this machine follows it (asked only when the lens is clicked).
    if (commands.includes(CLIENT_COMMANDS.whoFollows) && session.isLive(uri)) lenses.push({ range: top, command: { title: 'Who follows this file?', command: CLIENT_COMMANDS.whoFollows } });
    return lenses;
  });
}
