import { TextEdit as LspTextEdit, WorkspaceEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

import { TextEdit } from '../../features/codeActions/edits';
import { TextLocator } from '../../features/positions';
import { ClientFeatures } from '../session';

export function lspEdits(locator: TextLocator, edits: readonly TextEdit[]): LspTextEdit[] {
  return edits.map((edit) => ({ range: locator.rangeOf(edit), newText: edit.newText }));
}

const ANNOTATION = 'gaiconf.note';

/**
 * Edits with a note the client shows beside them (in VS Code, the edit's preview; with
 * `needsConfirmation`, the refactor preview before anything lands), where the client supports
 * change annotations; plain edits elsewhere.
 */
export function annotatedEdit(
  client: ClientFeatures,
  document: TextDocument,
  locator: TextLocator,
  edits: readonly TextEdit[],
  annotation: { readonly label: string; readonly description: string; readonly needsConfirmation: boolean },
): WorkspaceEdit {
  const lsp = lspEdits(locator, edits);
  if (!client.changeAnnotations) return { changes: { [document.uri]: lsp } };
  return {
    documentChanges: [
      {
        textDocument: { uri: document.uri, version: document.version },
        edits: lsp.map((edit) => ({ ...edit, annotationId: ANNOTATION })),
      },
    ],
    changeAnnotations: { [ANNOTATION]: annotation },
  };
}

/** A whole-file change the user should look at before it lands. */
export function confirmedEdit(
  client: ClientFeatures,
  document: TextDocument,
  locator: TextLocator,
  edits: readonly TextEdit[],
  label: string,
  description: string,
): WorkspaceEdit {
  return annotatedEdit(client, document, locator, edits, { label, description, needsConfirmation: true });
}
