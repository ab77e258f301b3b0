/**
 * Quick fixes on a Dockerfile, script, YAML or Nix document for the gai.conf it writes: the fixes
 * of embeddedFixes.ts, each an edit of the source document.
 */

import { CodeAction, CodeActionKind, CodeActionParams } from 'vscode-languageserver/node';

import { TextLocator } from '../../features/positions';
import { lazyFeatures } from '../lazy';
import { Session } from '../session';
import { lspEdits } from './edits';
import { embeddedCheck } from './embeddedDiagnostics';

/** The document's quick fixes when it is a source that writes gai.conf; undefined at once for any other document. */
export function embeddedCodeActions(session: Session, params: CodeActionParams): Promise<CodeAction[]> | undefined {
  const document = session.store.documents.get(params.textDocument.uri);
  const checking = document && embeddedCheck(session, document);
  if (!document || !checking) return undefined;
  const text = document.getText();
  return checking.then(async (embedded) => {
    const only = params.context.only;
    if (!embedded || (only && !only.some((kind) => CodeActionKind.QuickFix.startsWith(kind)))) return [];
    const locator = new TextLocator(text);
    if (!locator.contains(params.range.start) || !locator.contains(params.range.end)) return [];
    const start = locator.offsetAt(params.range.start);
    const end = locator.offsetAt(params.range.end);
    const { embeddedFixes } = await lazyFeatures();
    const seen = new Set<string>();
    return embeddedFixes(text, embedded.check, start, end, embedded.recheck).flatMap(({ finding, fix }) => {
      // A stage built on another carries the same line, and so the same fix: offered once.
      const key = JSON.stringify([fix.title, fix.edits]);
      if (seen.has(key)) return [];
      seen.add(key);
      const range = locator.rangeOf(finding);
      const diagnostics = (params.context.diagnostics ?? []).filter(
        (d) => d.code === finding.code && d.range.start.line === range.start.line,
      );
      return [
        {
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          isPreferred: fix.preferred,
          diagnostics,
          edit: { changes: { [params.textDocument.uri]: lspEdits(locator, fix.edits) } },
        },
      ];
    });
  });
}
