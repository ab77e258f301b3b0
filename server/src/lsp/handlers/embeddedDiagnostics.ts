/**
 * Diagnostics for the gai.conf a Dockerfile, script, YAML or Nix document writes. Every other
 * handler sees only gai.conf documents (the store hides these); diagnostics.ts publishes what this
 * returns on the same schedule as a gai.conf's.
 */

import { TextDocument } from 'vscode-languageserver-textdocument';

import { EditorDiagnostic } from '../../features/diagnostics';
import { embeddedEditorDiagnostics, isEmbeddedSourceLanguage } from '../../features/embeddedDiagnostics';
import { stockGaiConf } from '../../system/stockFile';
import { Session } from '../session';

/**
 * The document's diagnostics when it is a source that may write gai.conf (none when it writes
 * none, or when gaiconf.embedded.enabled is off); undefined for a gai.conf document.
 */
export function embeddedDiagnostics(session: Session, document: TextDocument): EditorDiagnostic[] | undefined {
  if (!isEmbeddedSourceLanguage(document.languageId)) return undefined;
  if (!session.settings.embedded) return [];
  return embeddedEditorDiagnostics(
    { languageId: document.languageId, uri: document.uri, text: document.getText() },
    { glibc: session.settings.glibc, hostLibc: session.hostLibc },
    stockGaiConf(),
    session.settings.severity,
    (code) => session.documentationLink(code),
  );
}
