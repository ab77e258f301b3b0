/**
 * Diagnostics for the gai.conf a Dockerfile, script, YAML or Nix document writes. Every other
 * handler sees only gai.conf documents (the store hides these); diagnostics.ts publishes what this
 * returns on the same schedule as a gai.conf's.
 */

import { TextDocument } from 'vscode-languageserver-textdocument';

import { EditorDiagnostic } from '../../features/diagnostics';
import { checkDiagnostics, embeddedCheckOf, isEmbeddedSourceLanguage } from '../../features/embeddedDiagnostics';
import { stockGaiConf } from '../../system/stockFile';
import { Session } from '../session';

/** How the session reads a source document: its glibc and C library, the stock file to start from. */
export function embeddedCheck(session: Session, document: TextDocument): ReturnType<typeof embeddedCheckOf> {
  if (!isEmbeddedSourceLanguage(document.languageId)) return undefined;
  if (!session.settings.embedded) return null;
  return embeddedCheckOf(
    { languageId: document.languageId, uri: document.uri, text: document.getText() },
    { glibc: session.settings.glibc, hostLibc: session.hostLibc },
    stockGaiConf(),
  );
}

/**
 * The document's diagnostics when it is a source that may write gai.conf (none when it writes
 * none, or when gaiconf.embedded.enabled is off); undefined for a gai.conf document.
 */
export function embeddedDiagnostics(session: Session, document: TextDocument): EditorDiagnostic[] | undefined {
  const embedded = embeddedCheck(session, document);
  if (embedded === undefined) return undefined;
  if (embedded === null) return [];
  return checkDiagnostics(document.getText(), embedded.check, session.settings.severity, (code) =>
    session.documentationLink(code),
  );
}
