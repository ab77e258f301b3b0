/**
 * Quick fixes and fix-all as code actions; for clients without code action literals, as a
 * command the server carries out by asking the client to apply the edit.
 */

import {
  CodeAction,
  CodeActionKind,
  Command,
  MessageType,
  ShowMessageNotification,
  WorkspaceEdit,
} from 'vscode-languageserver/node';

import { Analysis } from '../../analysis/analysis';
import { Finding } from '../../analysis/catalogue';
import { Fix } from '../../features/codeActions/edits';
import { fixAllPlan, fixAllReport, fixAllTitle } from '../../features/codeActions/fixAll';
import { fixesFor } from '../../features/codeActions/quickFixes';
import { activeLines, resetEdits, resetTitle } from '../../features/codeActions/resetToDefaults';
import { suppressionFixes } from '../../features/codeActions/suppressionFixes';
import { ParsedLine } from '../../glibc/reader';
import { CLIENT_COMMANDS, FixAllReport } from '../protocol';
import { ClientFeatures, Session } from '../session';
import { annotatedEdit, confirmedEdit, lspEdits } from './edits';
import { embeddedCodeActions } from './embeddedFixes';

/** Applies a quick fix for clients that take code actions only as commands. */
export const APPLY_FIX_COMMAND = 'gaiconf.applyFix';
/**
 * Comments out every active line, for clients that cannot ask for an action's edit when it is
 * chosen: at 10,000 lines that edit is 4,000 lines of JSON, too much to send at each cursor move.
 */
export const APPLY_RESET_COMMAND = 'gaiconf.applyReset';

/** The commands the client may ask the server to run: only what its code actions need. */
export function serverCommands(client: ClientFeatures): string[] {
  if (!client.literalCodeActions) return [APPLY_FIX_COMMAND, APPLY_RESET_COMMAND];
  return client.resolvesCodeActionEdits ? [] : [APPLY_RESET_COMMAND];
}

/** What a reset action carries instead of its edit, until the client resolves it or runs its command. */
interface ResetData {
  readonly reset: string;
  readonly version: number;
}

function isResetData(data: unknown): data is ResetData {
  const fields = data as Partial<ResetData> | null;
  return typeof fields?.reset === 'string' && typeof fields.version === 'number';
}

/**
 * The reset of a version: the same for every request on it, and at 10,000 lines it comments out
 * 4,000 lines; worked out once per analysis (one per document version), not at each cursor move.
 */
const resets = new WeakMap<Analysis, { readonly active: readonly ParsedLine[]; action?: CodeAction }>();

/**
 * The fixes of each finding, worked out once per analysis: an editor asks again at every cursor
 * move on the line, and a table's fix searches the whole file for its rows.
 */
const fixesOf = new WeakMap<Analysis, Map<Finding, readonly Fix[]>>();

function fixesOfFinding(analysis: Analysis, finding: Finding): readonly Fix[] {
  let known = fixesOf.get(analysis);
  if (!known) fixesOf.set(analysis, (known = new Map()));
  let fixes = known.get(finding);
  if (!fixes) known.set(finding, (fixes = [...fixesFor(analysis, finding), ...suppressionFixes(analysis, finding)]));
  return fixes;
}

function kindMatches(kind: string, requested: readonly string[]): boolean {
  return requested.some((o) => kind === o || kind.startsWith(`${o}.`));
}

export function registerCodeActions(session: Session): void {
  const { connection, store } = session;
  // Clients without code action literals get each action as a command that applies its edit.
  const forClient = (actions: CodeAction[], uri: string, version: number): (CodeAction | Command)[] =>
    session.client.literalCodeActions
      ? actions
      : actions.map(
          (action) =>
            action.command ?? {
              title: action.title,
              command: APPLY_FIX_COMMAND,
              arguments: [{ uri, version, edit: action.edit }],
            },
        );
  /** The reset's edit for the version `data` names; undefined once the document has moved on. */
  const resetEdit = (data: ResetData): WorkspaceEdit | undefined => {
    const document = store.get(data.reset);
    if (!document || document.version !== data.version) return undefined;
    const { analysis, locator } = store.snapshotOf(document);
    const title = `Reset to glibc's defaults: ${resetTitle(activeLines(analysis).length)}`;
    return confirmedEdit(session.client, document, locator, resetEdits(analysis), "Reset to glibc's defaults", title);
  };
  const changedSince = (): void =>
    void connection.sendNotification(ShowMessageNotification.type, {
      type: MessageType.Warning,
      message: 'The file changed since the fix was computed; ask for the fix again.',
    });

  connection.onCodeActionResolve((action) => {
    if (!isResetData(action.data)) return action;
    const edit = resetEdit(action.data);
    if (!edit) changedSince();
    return edit ? { ...action, edit } : action;
  });
  connection.onCodeAction((params): (CodeAction | Command)[] | Promise<(CodeAction | Command)[]> => {
    const snapshot = store.snapshot(params.textDocument.uri);
    if (!snapshot) {
      const source = store.documents.get(params.textDocument.uri);
      const version = source?.version ?? 0;
      return (
        embeddedCodeActions(session, params)?.then((actions) => forClient(actions, params.textDocument.uri, version)) ??
        []
      );
    }
    const { analysis, locator, document } = snapshot;
    // A range that names no place in the text (beyond it, negative, fractional) has nothing to fix.
    if (!locator.contains(params.range.start) || !locator.contains(params.range.end)) return [];
    const only = params.context.only;
    const actions: CodeAction[] = [];
    const uri = document.uri;
    const start = locator.offsetAt(params.range.start);
    const end = locator.offsetAt(params.range.end);
    const clientDiagnostics = params.context.diagnostics ?? [];
    // A fix's side effects go with its edit, where the client shows them in the edit's preview.
    const fixEdit = (fix: Fix): WorkspaceEdit =>
      fix.note
        ? annotatedEdit(session.client, document, locator, fix.edits, {
            label: fix.title,
            description: fix.note,
            needsConfirmation: false,
          })
        : { changes: { [uri]: lspEdits(locator, fix.edits) } };
    if (!only || kindMatches(CodeActionKind.QuickFix, only)) {
      for (const finding of analysis.findings) {
        if (finding.end < start || finding.start > end) continue;
        const range = locator.rangeOf(finding);
        const linked = clientDiagnostics.filter(
          (d) => d.code === finding.code && d.range.start.line === range.start.line,
        );
        for (const fix of fixesOfFinding(analysis, finding)) {
          actions.push({
            title: fix.title,
            kind: CodeActionKind.QuickFix,
            isPreferred: fix.preferred,
            diagnostics: linked,
            edit: fixEdit(fix),
          });
        }
      }
      // On an active line: the way back to glibc's built-in tables, previewed before it lands.
      let reset = resets.get(analysis);
      if (!reset) resets.set(analysis, (reset = { active: activeLines(analysis) }));
      if (reset.active.some((line) => line.end >= start && line.start <= end)) {
        const title = `Reset to glibc's defaults: ${resetTitle(reset.active.length)}`;
        const data: ResetData = { reset: uri, version: document.version };
        reset.action ??= {
          title,
          kind: CodeActionKind.QuickFix,
          isPreferred: false,
          ...(session.client.resolvesCodeActionEdits
            ? { data }
            : { command: { title, command: APPLY_RESET_COMMAND, arguments: [data] } }),
        };
        actions.push(reset.action);
      }
    }
    // Fix-all looks at every finding, too costly for the requests an editor sends on each cursor
    // move; editors ask for source actions by kind (on save, from the Source Action menu).
    if (only && kindMatches(CodeActionKind.SourceFixAll, only)) {
      const plan = fixAllPlan(analysis, (text) => store.analyze(uri, text));
      if (plan.edits.length > 0) {
        const report: FixAllReport = { fixed: plan.fixed, left: plan.left, message: fixAllReport(plan) };
        const command = session.client.commands.includes(CLIENT_COMMANDS.fixAllReport)
          ? { command: { title: 'What fix-all left', command: CLIENT_COMMANDS.fixAllReport, arguments: [report] } }
          : {};
        actions.push({
          title: fixAllTitle(plan),
          kind: CodeActionKind.SourceFixAll,
          edit: { changes: { [uri]: lspEdits(locator, plan.edits) } },
          ...command,
        });
      }
    }
    return forClient(actions, uri, document.version);
  });

  connection.onExecuteCommand(async (params) => {
    const [argument] = (params.arguments ?? []) as unknown[];
    if (params.command === APPLY_RESET_COMMAND && isResetData(argument)) {
      const edit = resetEdit(argument);
      if (edit) await connection.workspace.applyEdit({ label: "Reset to glibc's defaults", edit });
      else changedSince();
      return;
    }
    const fix = argument as { uri?: string; version?: number; edit?: CodeAction['edit'] } | undefined;
    const document = fix?.uri === undefined ? undefined : store.documents.get(fix.uri);
    if (params.command !== APPLY_FIX_COMMAND || !document || !fix?.edit) return;
    if (document.version !== fix.version) return changedSince();
    await connection.workspace.applyEdit({ label: 'gai.conf quick fix', edit: fix.edit });
  });
}
