import { Hover, MarkupKind } from 'vscode-languageserver/node';

import { hoverAt } from '../../features/hover';
import { Session } from '../session';

export function registerHover(session: Session): void {
  session.connection.onHover((params): Hover | null => {
    const snapshot = session.store.snapshot(params.textDocument.uri);
    if (!snapshot || !snapshot.locator.contains(params.position)) return null;
    const result = hoverAt(snapshot.analysis, snapshot.locator.offsetAt(params.position));
    if (!result) return null;
    return { contents: { kind: MarkupKind.Markdown, value: result.markdown }, range: snapshot.locator.rangeOf(result) };
  });
}
