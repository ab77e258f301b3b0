/** The outline (document symbols, flat for clients without hierarchy) and folding ranges. */

import {
  DocumentSymbol,
  FoldingRange,
  FoldingRangeKind,
  SymbolInformation,
  SymbolKind,
} from 'vscode-languageserver/node';

import { documentSymbols, foldingSpans, OutlineSymbol } from '../../features/outline';
import { TextLocator } from '../../features/positions';
import { Session } from '../session';

function lspSymbol(locator: TextLocator, symbol: OutlineSymbol): DocumentSymbol {
  return {
    name: symbol.name,
    detail: symbol.detail,
    kind: symbol.kind === 'table' ? SymbolKind.Namespace : SymbolKind.Field,
    range: locator.rangeOf(symbol),
    selectionRange: locator.rangeOf({ start: symbol.selectionStart, end: symbol.selectionEnd }),
    children: symbol.children.map((child) => lspSymbol(locator, child)),
  };
}

export function registerSymbols(session: Session): void {
  const { connection, store } = session;
  connection.onDocumentSymbol((params): DocumentSymbol[] | SymbolInformation[] => {
    const snapshot = store.snapshot(params.textDocument.uri);
    if (!snapshot) return [];
    const symbols = documentSymbols(snapshot.analysis).map((symbol) => lspSymbol(snapshot.locator, symbol));
    if (session.client.hierarchicalSymbols) return symbols;
    const location = (range: DocumentSymbol['range']) => ({ uri: snapshot.document.uri, range });
    return symbols.flatMap((table) => [
      { name: table.name, kind: table.kind, location: location(table.range) },
      ...(table.children ?? []).map((row) => ({
        name: row.name,
        kind: row.kind,
        location: location(row.range),
        containerName: table.name,
      })),
    ]);
  });
  connection.onFoldingRanges((params): FoldingRange[] => {
    const snapshot = store.snapshot(params.textDocument.uri);
    if (!snapshot) return [];
    return foldingSpans(snapshot.analysis).map((span) => ({
      startLine: snapshot.locator.positionAt(span.start).line,
      endLine: snapshot.locator.positionAt(span.end).line,
      kind: span.kind === 'comment' ? FoldingRangeKind.Comment : FoldingRangeKind.Region,
    }));
  });
}
