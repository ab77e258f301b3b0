import { TextEdit as LspTextEdit } from 'vscode-languageserver/node';
import { TextEdit } from '../../features/codeActions/edits';
import { TextLocator } from '../../features/positions';

export function lspEdits(locator: TextLocator, edits: readonly TextEdit[]): LspTextEdit[] {
  return edits.map((edit) => ({ range: locator.rangeOf(edit), newText: edit.newText }));
}
