import { Hover, MarkupKind } from 'vscode-languageserver/node';

import { lazyFeatures } from '../lazy';
import { Session } from '../session';

export function registerHover(session: Session): void {
  session.connection.onHover(async (params): Promise<Hover | null> => {
    const { hoverAt } = await lazyFeatures();
    const snapshot = session.store.snapshot(params.textDocument.uri);
    if (!snapshot || !snapshot.locator.contains(params.position)) return null;
    const result = hoverAt(snapshot.analysis, snapshot.locator.offsetAt(params.position));
    if (!result) return null;
    return { contents: { kind: MarkupKind.Markdown, value: result.markdown }, range: snapshot.locator.rangeOf(result) };
  });
}
