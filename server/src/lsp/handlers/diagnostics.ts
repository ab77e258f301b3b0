/** Publishes each document's findings as diagnostics once its edits settle. */

import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

import { Severity } from '../../analysis/catalogue';
import { ConvertedDiagnostics, convertedDiagnostics, EditorDiagnostic } from '../../features/diagnostics';
import { AnalysisPublishedNotification } from '../protocol';
import { Session } from '../session';
import { embeddedDiagnostics } from './embeddedDiagnostics';

const LSP_SEVERITY: Readonly<Record<Severity, DiagnosticSeverity>> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Each diagnostic in LSP's form, made once: a publication after an edit is mostly the same diagnostics. */
const lspForms = new WeakMap<EditorDiagnostic, Diagnostic>();

function withLspSeverity(diagnostics: readonly EditorDiagnostic[]): Diagnostic[] {
  return diagnostics.map((d) => {
    let lsp = lspForms.get(d);
    if (!lsp) lspForms.set(d, (lsp = { ...d, severity: LSP_SEVERITY[d.severity] }));
    return lsp;
  });
}

/** Each open document's last conversion: the next one reuses the diagnostics of the findings it kept. */
const lastConverted = new WeakMap<TextDocument, ConvertedDiagnostics>();

/** Publishes `uri`'s diagnostics; resolves once they are written. */
export async function publishDiagnostics(session: Session, uri: string): Promise<void> {
  const source = session.store.documents.get(uri);
  const embedded = source && embeddedDiagnostics(session, source);
  if (source && embedded) {
    const version = source.version;
    void embedded.then((diagnostics) => {
      // Read while the readers loaded: a document closed or changed since has its own publication.
      if (session.store.documents.get(uri)?.version !== version) return;
      void session.connection.sendDiagnostics({ uri, version, diagnostics: withLspSeverity(diagnostics ?? []) });
    });
    return;
  }
  const snapshot = session.store.snapshot(uri);
  if (!snapshot) return;
  const converted = convertedDiagnostics(
    snapshot.analysis,
    snapshot.locator,
    session.settings.severity,
    (code) => session.documentationLink(code),
    lastConverted.get(snapshot.document),
  );
  lastConverted.set(snapshot.document, converted);
  const diagnostics = withLspSeverity(converted.diagnostics);
  const written = session.connection.sendDiagnostics({ uri, version: snapshot.document.version, diagnostics });
  if (session.client.commands.length > 0) {
    void session.connection.sendNotification(AnalysisPublishedNotification, {
      uri,
      version: snapshot.document.version,
    });
  }
  await written;
}

export function registerDiagnostics(session: Session): void {
  const { store, connection } = session;
  store.documents.onDidChangeContent((event) =>
    store.schedule(event.document.uri, (uri) => publishDiagnostics(session, uri)),
  );
  store.documents.onDidClose((event) => {
    session.forget(event.document.uri);
    void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  });
}
