/**
 * Diagnostics for the gai.conf a Dockerfile, script, YAML or Nix document writes. Every other
 * handler sees only gai.conf documents (the store hides these); diagnostics.ts publishes what this
 * returns on the same schedule as a gai.conf's.
 */

import { TextDocument } from 'vscode-languageserver-textdocument';

import { EditorDiagnostic } from '../../features/diagnostics';
import type { embeddedCheckOf } from '../../features/embeddedDiagnostics';
import { isEmbeddedSourceLanguage } from '../../features/embeddedLanguages';
import { stockGaiConf } from '../../system/stockFile';
import { lazyFeatures } from '../lazy';
import { Session } from '../session';

type Embedded = ReturnType<typeof embeddedCheckOf>;

interface CheckedVersion {
  readonly version: number;
  readonly settings: Session['settings'];
  readonly stock: ReturnType<typeof stockGaiConf>;
  readonly embedded: Promise<Embedded>;
}

// The last check of each source document: its diagnostics and every code action request (one per
// cursor move in VS Code) share it until the text, the settings or the stock file change.
const checked = new WeakMap<TextDocument, CheckedVersion>();

/**
 * How the session reads a source document (its glibc and C library, the stock file to start
 * from); undefined at once for a gai.conf document. The readers of those languages are loaded
 * when the first such document is open, not at every start.
 */
export function embeddedCheck(session: Session, document: TextDocument): Promise<Embedded> | undefined {
  if (!isEmbeddedSourceLanguage(document.languageId)) return undefined;
  if (!session.settings.embedded) return Promise.resolve(null);
  const stock = stockGaiConf();
  const last = checked.get(document);
  if (last && last.version === document.version && last.settings === session.settings && last.stock === stock)
    return last.embedded;
  const source = { languageId: document.languageId, uri: document.uri, text: document.getText() };
  const options = { glibc: session.settings.glibc, hostLibc: session.hostLibc };
  const embedded = lazyFeatures().then((lazy) => lazy.embeddedCheckOf(source, options, stock));
  checked.set(document, { version: document.version, settings: session.settings, stock, embedded });
  return embedded;
}

/**
 * The document's diagnostics when it is a source that may write gai.conf (none when it writes
 * none, or when gaiconf.embedded.enabled is off); undefined for a gai.conf document.
 */
export function embeddedDiagnostics(
  session: Session,
  document: TextDocument,
): Promise<EditorDiagnostic[] | undefined> | undefined {
  const text = document.getText();
  return embeddedCheck(session, document)?.then(async (embedded) => {
    if (!embedded) return embedded === null ? [] : undefined;
    const { checkDiagnostics } = await lazyFeatures();
    return checkDiagnostics(text, embedded.check, session.settings.severity, (code) => session.documentationLink(code));
  });
}
