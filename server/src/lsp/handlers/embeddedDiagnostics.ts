/**
 * Diagnostics for the gai.conf a Dockerfile, script, YAML or Nix document writes. Every other
 * handler sees only gai.conf documents (the store hides these); diagnostics.ts publishes what this
 * returns on the same schedule as a gai.conf's.
 */

import { TextDocument } from 'vscode-languageserver-textdocument';

import { EditorDiagnostic } from '../../features/diagnostics';
import { isEmbeddedSourceLanguage } from '../../features/embeddedLanguages';
import { stockGaiConf } from '../../system/stockFile';
import { lazyFeatures } from '../lazy';
import { Session } from '../session';

/**
 * The document's diagnostics when it is a source that may write gai.conf (none when it writes
 * none, or when gaiconf.embedded.enabled is off); undefined for a gai.conf document. The readers
 * of those languages are loaded when the first such document is open, not at every start.
 */
export function embeddedDiagnostics(
  session: Session,
  document: TextDocument,
): Promise<EditorDiagnostic[] | undefined> | undefined {
  if (!isEmbeddedSourceLanguage(document.languageId)) return undefined;
  if (!session.settings.embedded) return Promise.resolve([]);
  const text = document.getText();
  return lazyFeatures().then(({ embeddedEditorDiagnostics }) =>
    embeddedEditorDiagnostics(
      { languageId: document.languageId, uri: document.uri, text },
      { glibc: session.settings.glibc, hostLibc: session.hostLibc },
      stockGaiConf(),
      session.settings.severity,
      (code) => session.documentationLink(code),
    ),
  );
}
