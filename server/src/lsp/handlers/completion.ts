import { CompletionItem, CompletionItemKind, InsertTextFormat, MarkupKind } from 'vscode-languageserver/node';

import type { CompletionKind } from '../../features/completion';
import { lazyFeatures } from '../lazy';
import { Session } from '../session';

const COMPLETION_KINDS: Readonly<Record<CompletionKind, CompletionItemKind>> = {
  keyword: CompletionItemKind.Keyword,
  snippet: CompletionItemKind.Snippet,
  prefix: CompletionItemKind.Value,
  value: CompletionItemKind.EnumMember,
  code: CompletionItemKind.EnumMember,
};

export function registerCompletion(session: Session): void {
  session.connection.onCompletion(async (params): Promise<CompletionItem[]> => {
    const { completionsAt } = await lazyFeatures();
    const snapshot = session.store.snapshot(params.textDocument.uri);
    if (!snapshot || !snapshot.locator.contains(params.position)) return [];
    const { analysis, locator } = snapshot;
    return completionsAt(analysis, locator.offsetAt(params.position)).map((entry) => ({
      label: entry.label,
      kind: COMPLETION_KINDS[entry.kind],
      detail: entry.detail,
      // Beside the label in the list, for every entry at once: a prefix's name, a keyword's syntax.
      labelDetails: { description: entry.detail },
      documentation: { kind: MarkupKind.Markdown, value: entry.documentation },
      sortText: entry.sortText,
      insertTextFormat: InsertTextFormat.PlainText,
      textEdit: { range: locator.rangeOf(entry), newText: entry.insertText },
    }));
  });
}
