import { TextEdit as LspTextEdit, WorkspaceEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

import { TextEdit } from '../../features/codeActions/edits';
import { TextLocator } from '../../features/positions';
import { ClientFeatures } from '../session';

export function lspEdits(locator: TextLocator, edits: readonly TextEdit[]): LspTextEdit[] {
  return edits.map((edit) => ({ range: locator.rangeOf(edit), newText: edit.newText }));
}

const CONFIRM = 'gaiconf.confirm';

/**
 * A whole-file change the user should look at before it lands: annotated as needing confirmation
 * where the client supports it (VS Code then opens its refactor preview), else plain edits.
 */
export function confirmedEdit(
  client: ClientFeatures,
  document: TextDocument,
  locator: TextLocator,
  edits: readonly TextEdit[],
  label: string,
  description: string,
): WorkspaceEdit {
  const lsp = lspEdits(locator, edits);
  if (!client.changeAnnotations) return { changes: { [document.uri]: lsp } };
  return {
    documentChanges: [
      {
        textDocument: { uri: document.uri, version: document.version },
        edits: lsp.map((edit) => ({ ...edit, annotationId: CONFIRM })),
      },
    ],
    changeAnnotations: { [CONFIRM]: { label, description, needsConfirmation: true } },
  };
}
