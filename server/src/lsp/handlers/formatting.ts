import { TextEdit as LspTextEdit } from 'vscode-languageserver/node';

import { lazyFeatures } from '../lazy';
import { Session } from '../session';
import { lspEdits } from './edits';

export function registerFormatting(session: Session): void {
  const { connection, store } = session;
  connection.onDocumentFormatting(async (params): Promise<LspTextEdit[]> => {
    const { formatEdits } = await lazyFeatures();
    const snapshot = store.snapshot(params.textDocument.uri);
    return snapshot
      ? lspEdits(
          snapshot.locator,
          formatEdits(snapshot.analysis.parsed, undefined, undefined, snapshot.analysis.template?.lines),
        )
      : [];
  });
  connection.onDocumentRangeFormatting(async (params): Promise<LspTextEdit[]> => {
    const { formatEdits } = await lazyFeatures();
    const snapshot = store.snapshot(params.textDocument.uri);
    if (!snapshot) return [];
    const { locator, analysis } = snapshot;
    if (!locator.contains(params.range.start) || !locator.contains(params.range.end)) return [];
    return lspEdits(
      locator,
      formatEdits(
        analysis.parsed,
        locator.offsetAt(params.range.start),
        locator.offsetAt(params.range.end),
        analysis.template?.lines,
      ),
    );
  });
}
