/**
 * The language server: wires the analysis core to LSP and adds no analysis of its own. Runs over
 * stdio (`--stdio`) or Node IPC (`--node-ipc`), as vscode-languageserver picks from argv.
 */

import { existsSync } from 'fs';
import { join } from 'path';
import { pathToFileURL } from 'url';
import {
  CodeAction,
  CodeActionKind,
  CodeActionParams,
  CodeLens,
  CodeLensParams,
  Connection,
  Diagnostic,
  DidChangeConfigurationNotification,
  Hover,
  HoverParams,
  InitializeParams,
  InitializeResult,
  MarkupKind,
  MessageType,
  ShowMessageNotification,
  TextDocumentSyncKind,
  TextDocuments,
  TextEdit as LspTextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Analysis, analyzeGaiConf } from '../core/analysis';
import { TextEdit, fixAllEdits, fixesFor } from '../core/codeActions';
import { editorDiagnostics, unknownCodes } from '../core/diagnostics';
import { computeEffects, summarizeEffects } from '../core/effects';
import { describeGlibcVersion } from '../core/glibcVersion';
import { hoverAt } from '../core/hover';
import { TextLocator } from '../core/text';
import { ServerSettings, readSettings } from './settings';

/** The README beside the bundle; packaging as a VSIX renames it readme.md. */
const DOCUMENTATION = pathToFileURL(['README.md', 'readme.md'].map((name) => join(__dirname, '..', name)).find(existsSync) ?? join(__dirname, '..', 'README.md')).href;

interface Snapshot {
  readonly version: number;
  readonly analysis: Analysis;
  readonly locator: TextLocator;
}

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const snapshots = new Map<string, Snapshot>();
  const pending = new Map<string, { cancel(): void }>();
  let settings: ServerSettings = readSettings(undefined);
  let pullConfiguration = false;
  let literalCodeActions = false;

  function snapshotOf(document: TextDocument): Snapshot {
    const cached = snapshots.get(document.uri);
    if (cached && cached.version === document.version) return cached;
    const text = document.getText();
    const snapshot = { version: document.version, analysis: analyzeGaiConf(text, { glibc: settings.glibc }), locator: new TextLocator(text) };
    snapshots.set(document.uri, snapshot);
    return snapshot;
  }

  function publish(uri: string): void {
    pending.delete(uri);
    const document = documents.get(uri);
    if (!document) return;
    const snapshot = snapshotOf(document);
    const diagnostics = editorDiagnostics(snapshot.analysis, snapshot.locator, settings.severity, DOCUMENTATION) as Diagnostic[];
    void connection.sendDiagnostics({ uri, version: document.version, diagnostics });
  }

  /**
   * Analyses once the edits that have arrived are handled. vscode-jsonrpc handles one queued message
   * per turn of the event loop, each turn's callback queued after ours; waiting a second turn lets
   * the next queued edit cancel this analysis, so a burst is analysed once, for its last version.
   */
  function schedule(uri: string): void {
    pending.get(uri)?.cancel();
    let handle = setImmediate(() => {
      handle = setImmediate(() => publish(uri));
    });
    pending.set(uri, { cancel: () => clearImmediate(handle) });
  }

  /** Tells the user about settings that could not be used (a notification: nothing for a client to refuse). */
  function reportSettings(): void {
    const typos = unknownCodes(settings.severity).map((code) => `gaiconf.diagnostics.severity: "${code}" is not a gai-conf diagnostic code.`);
    for (const problem of [...settings.problems, ...typos]) {
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: problem });
    }
    connection.console.info(`Analysing gai.conf as ${describeGlibcVersion(settings.glibc)}.`);
  }

  async function refreshSettings(fromNotification?: unknown): Promise<void> {
    let raw: unknown = fromNotification;
    if (pullConfiguration) {
      try {
        raw = await connection.workspace.getConfiguration('gaiconf');
      } catch (error) {
        connection.console.error(`Could not read settings: ${(error as Error).message}`);
      }
    }
    settings = readSettings(raw);
    reportSettings();
    snapshots.clear();
    for (const document of documents.all()) schedule(document.uri);
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    pullConfiguration = params.capabilities.workspace?.configuration === true;
    literalCodeActions = params.capabilities.textDocument?.codeAction?.codeActionLiteralSupport !== undefined;
    const options = params.initializationOptions as Record<string, unknown> | undefined;
    settings = readSettings(options?.gaiconf ?? options);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll] },
      },
      serverInfo: { name: 'gai-conf-language-server' },
    };
  });

  connection.onInitialized(() => {
    if (!pullConfiguration) reportSettings();
    if (pullConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'gaiconf' }).catch(() => undefined);
      void refreshSettings();
    }
  });

  connection.onDidChangeConfiguration((change) => {
    const section = (change.settings as Record<string, unknown> | null)?.gaiconf ?? change.settings;
    void refreshSettings(pullConfiguration ? undefined : section);
  });

  documents.onDidChangeContent((event) => schedule(event.document.uri));
  documents.onDidClose((event) => {
    pending.get(event.document.uri)?.cancel();
    pending.delete(event.document.uri);
    snapshots.delete(event.document.uri);
    void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  });

  connection.onHover((params: HoverParams): Hover | null => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return null;
    const { analysis, locator } = snapshotOf(document);
    if (!locator.contains(params.position)) return null;
    const result = hoverAt(analysis, locator.offsetAt(params.position));
    if (!result) return null;
    return { contents: { kind: MarkupKind.Markdown, value: result.markdown }, range: locator.rangeOf(result) };
  });

  connection.onCodeLens((params: CodeLensParams): CodeLens[] => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    const { analysis } = snapshotOf(document);
    if (analysis.tables.crash) return [];
    const top = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    // A lens without a command id shows as plain text: the summary is information, not an action.
    return summarizeEffects(computeEffects(analysis.tables)).map((summary) => ({ range: top, command: { title: summary.text, command: '' } }));
  });

  function lspEdits(locator: TextLocator, edits: readonly TextEdit[]): LspTextEdit[] {
    return edits.map((edit) => ({ range: locator.rangeOf(edit), newText: edit.newText }));
  }

  connection.onCodeAction((params: CodeActionParams): CodeAction[] => {
    const document = documents.get(params.textDocument.uri);
    if (!document || !literalCodeActions) return [];
    const { analysis, locator } = snapshotOf(document);
    // A range that names no place in the text (beyond it, negative, fractional) has nothing to fix.
    if (!locator.contains(params.range.start) || !locator.contains(params.range.end)) return [];
    const only = params.context.only;
    const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
    const actions: CodeAction[] = [];
    const uri = document.uri;
    const start = locator.offsetAt(params.range.start);
    const end = locator.offsetAt(params.range.end);
    const clientDiagnostics = params.context.diagnostics ?? [];
    if (wants(CodeActionKind.QuickFix)) {
      for (const finding of analysis.findings) {
        if (finding.end < start || finding.start > end) continue;
        const range = locator.rangeOf(finding);
        const linked = clientDiagnostics.filter((d) => d.code === finding.code && d.range.start.line === range.start.line);
        for (const fix of fixesFor(analysis, finding)) {
          actions.push({
            title: fix.title,
            kind: CodeActionKind.QuickFix,
            isPreferred: fix.preferred,
            diagnostics: linked,
            edit: { changes: { [uri]: lspEdits(locator, fix.edits) } },
          });
        }
      }
    }
    // Fix-all looks at every finding, too costly for the requests an editor sends on each cursor
    // move; editors ask for source actions by kind (on save, from the Source Action menu).
    const asked = (kind: string) => only !== undefined && only.some((o) => kind === o || kind.startsWith(`${o}.`));
    if (asked(CodeActionKind.SourceFixAll)) {
      const edits = fixAllEdits(analysis);
      if (edits.length > 0) {
        actions.push({ title: 'Fix all safe gai.conf problems', kind: CodeActionKind.SourceFixAll, edit: { changes: { [uri]: lspEdits(locator, edits) } } });
      }
    }
    return actions;
  });

  documents.listen(connection);
  connection.listen();
}

