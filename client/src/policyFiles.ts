/**
 * Whole policies in the editor: "Reset to glibc's Defaults", "Write a Preset…" and "Export the
 * Tables in Effect". The server computes each change as a workspace edit annotated as needing
 * confirmation, so VS Code shows it in its refactor preview before anything changes.
 */

import { commands, ExtensionContext, QuickPickItem, window, workspace } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

import type { PolicyEditResult } from '../../server/src/lsp/protocol';
import { gaiConfDocument, LANGUAGE_ID } from './documents';
import {
  ExportTablesRequest,
  POLICY_COMMANDS,
  PresetsRequest,
  ResetToDefaultsRequest,
  WritePresetRequest,
} from './protocol';
import { answerOf } from './views/webview';

async function applyPreviewed(client: LanguageClient, result: PolicyEditResult | undefined): Promise<boolean> {
  if (!result) return false;
  if (!result.edit) {
    void window.showInformationMessage(result.summary);
    return false;
  }
  const edit = await client.protocol2CodeConverter.asWorkspaceEdit(result.edit);
  return workspace.applyEdit(edit, { isRefactoring: true });
}

function documentOrWarn(uriArgument: unknown, what: string) {
  const document = gaiConfDocument(uriArgument);
  if (!document) void window.showWarningMessage(`Open a gai.conf file first: ${what}.`);
  return document;
}

async function resetToDefaults(client: LanguageClient, uriArgument?: unknown): Promise<boolean> {
  const document = documentOrWarn(uriArgument, 'the reset comments out its active lines');
  if (!document) return false;
  return applyPreviewed(
    client,
    await answerOf(() => client.sendRequest(ResetToDefaultsRequest, { uri: document.uri.toString() })),
  );
}

interface PresetItem extends QuickPickItem {
  readonly id: string;
}

async function writePreset(client: LanguageClient, uriArgument?: unknown, presetArgument?: unknown): Promise<boolean> {
  const document = documentOrWarn(uriArgument, 'the preset is written into it');
  if (!document) return false;
  let id = typeof presetArgument === 'string' ? presetArgument : undefined;
  if (id === undefined) {
    const presets = await answerOf(() => client.sendRequest(PresetsRequest));
    if (!presets) return false;
    const items: PresetItem[] = [
      {
        id: 'auto',
        label: 'auto',
        description: "chosen from this machine's addresses",
        detail:
          "Prefer IPv6 from ULA hosts where the built-in tables make this machine try IPv4 first, else glibc's built-in tables.",
      },
      ...presets.map((p) => ({ id: p.id, label: p.title, description: p.id, detail: p.description })),
    ];
    const picked = await window.showQuickPick(items, {
      title: 'gai.conf: Write a Preset',
      placeHolder: 'A whole policy: active lines are commented out, the preset is added at the end (previewed first)',
      matchOnDetail: true,
    });
    if (!picked) return false;
    id = picked.id;
  }
  const preset = id;
  return applyPreviewed(
    client,
    await answerOf(() => client.sendRequest(WritePresetRequest, { uri: document.uri.toString(), preset })),
  );
}

async function exportTables(client: LanguageClient, uriArgument?: unknown): Promise<void> {
  const document = documentOrWarn(uriArgument, 'its tables are exported');
  if (!document) return;
  const result = await answerOf(() => client.sendRequest(ExportTablesRequest, { uri: document.uri.toString() }));
  if (!result) return;
  for (const warning of result.warnings) void window.showWarningMessage(warning);
  if (result.text === null) return;
  const exported = await workspace.openTextDocument({ language: LANGUAGE_ID, content: result.text });
  await window.showTextDocument(exported, { preview: false });
}

export function registerPolicyFiles(context: ExtensionContext, client: LanguageClient): void {
  context.subscriptions.push(
    commands.registerCommand(POLICY_COMMANDS.resetToDefaults, (uri?: unknown) => resetToDefaults(client, uri)),
    commands.registerCommand(POLICY_COMMANDS.writePreset, (uri?: unknown, preset?: unknown) =>
      writePreset(client, uri, preset),
    ),
    commands.registerCommand(POLICY_COMMANDS.exportTables, (uri?: unknown) => exportTables(client, uri)),
  );
}
