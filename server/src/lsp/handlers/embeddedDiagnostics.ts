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

type Embedded = ReturnType<typeof embeddedCheckOf>;

interface CheckedVersion {
  readonly version: number;
  readonly settings: Session['settings'];
  readonly stock: ReturnType<typeof stockGaiConf>;
  readonly embedded: Embedded;
}

// The last check of each source document: its diagnostics and every code action request (one per
// cursor move in VS Code) share it until the text, the settings or the stock file change.
const checked = new WeakMap<TextDocument, CheckedVersion>();

/** How the session reads a source document: its glibc and C library, the stock file to start from. */
export function embeddedCheck(session: Session, document: TextDocument): Embedded {
  if (!isEmbeddedSourceLanguage(document.languageId)) return undefined;
  if (!session.settings.embedded) return null;
  const stock = stockGaiConf();
  const last = checked.get(document);
  if (last && last.version === document.version && last.settings === session.settings && last.stock === stock)
    return last.embedded;
  const embedded = embeddedCheckOf(
    { languageId: document.languageId, uri: document.uri, text: document.getText() },
    { glibc: session.settings.glibc, hostLibc: session.hostLibc },
    stock,
  );
  checked.set(document, { version: document.version, settings: session.settings, stock, embedded });
  return embedded;
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
