/**
 * The language server: wires the analysis core to LSP and adds no analysis of its own. Runs over
 * stdio (`--stdio`) or Node IPC (`--node-ipc`), as vscode-languageserver picks from argv.
 */

import { existsSync, realpathSync } from 'fs';
import { basename, join } from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import {
  CodeAction,
  CodeActionKind,
  CodeActionParams,
  CodeLens,
  CodeLensParams,
  Connection,
  Diagnostic,
  ErrorCodes,
  DidChangeConfigurationNotification,
  Hover,
  HoverParams,
  InitializeParams,
  InitializeResult,
  MarkupKind,
  LSPErrorCodes,
  MessageType,
  ResponseError,
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
import { explainReport } from '../core/explain';
import { describeGlibcVersion, glibcVersionText, runtimeLibc } from '../core/glibcVersion';
import { hoverAt } from '../core/hover';
import { policyTables } from '../core/policyTables';
import { TextLocator } from '../core/text';
import { systemHost } from '../system/host';
import { QueryError, resolveQuery } from '../system/resolve';
import {
  CLIENT_COMMANDS,
  EXPLAIN_REQUEST,
  ExplainParams,
  ExplainResult,
  POLICY_TABLES_REQUEST,
  PolicyTablesParams,
  PolicyTablesResult,
  STATUS_CHANGED_NOTIFICATION,
  STATUS_REQUEST,
  StatusResult,
} from './protocol';
import { ServerSettings, readSettings } from './settings';

/** The README beside the bundle; packaging as a VSIX renames it readme.md. */
const DOCUMENTATION = pathToFileURL(['README.md', 'readme.md'].map((name) => join(__dirname, '..', name)).find(existsSync) ?? join(__dirname, '..', 'README.md')).href;

/** The file the system's getaddrinfo() reads. */
const LIVE_FILE = '/etc/gai.conf';

function isLiveFile(uri: string): boolean {
  if (!uri.startsWith('file:')) return false;
  try {
    return realpathSync(fileURLToPath(uri)) === realpathSync(LIVE_FILE);
  } catch {
    return false;
  }
}

function fileNameOf(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : basename(decodeURIComponent(new URL(uri).pathname));
  } catch {
    return uri;
  }
}

interface Snapshot {
  readonly version: number;
  readonly analysis: Analysis;
  readonly locator: TextLocator;
}

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const snapshots = new Map<string, Snapshot>();
  const pending = new Map<string, NodeJS.Immediate>();
  let settings: ServerSettings = readSettings(undefined);
  let pullConfiguration = false;
  let literalCodeActions = false;
  let clientCommands: readonly string[] = [];
  const hostLibc = runtimeLibc();

  function status(): StatusResult {
    return { glibc: glibcVersionText(settings.glibc), origin: settings.glibc.origin, description: describeGlibcVersion(settings.glibc), hostLibc };
  }

  function snapshotOf(document: TextDocument): Snapshot {
    const cached = snapshots.get(document.uri);
    if (cached && cached.version === document.version) return cached;
    const text = document.getText();
    const snapshot = { version: document.version, analysis: analyzeGaiConf(text, { glibc: settings.glibc, hostLibc }), locator: new TextLocator(text) };
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

  /** Analyses once per turn of the event loop, however many edits arrived in it. */
  function schedule(uri: string): void {
    const previous = pending.get(uri);
    if (previous) clearImmediate(previous);
    pending.set(uri, setImmediate(() => publish(uri)));
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
    if (clientCommands.length > 0) void connection.sendNotification(STATUS_CHANGED_NOTIFICATION, status());
    snapshots.clear();
    for (const document of documents.all()) schedule(document.uri);
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    pullConfiguration = params.capabilities.workspace?.configuration === true;
    literalCodeActions = params.capabilities.textDocument?.codeAction?.codeActionLiteralSupport !== undefined;
    const options = params.initializationOptions as Record<string, unknown> | undefined;
    settings = readSettings(options?.gaiconf ?? options);
    clientCommands = Array.isArray(options?.clientCommands) ? options.clientCommands.filter((c): c is string => typeof c === 'string') : [];
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
    const timer = pending.get(event.document.uri);
    if (timer) clearImmediate(timer);
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
    const lenses: CodeLens[] = summarizeEffects(computeEffects(analysis.tables)).map((summary) => ({ range: top, command: { title: summary.text, command: '' } }));
    if (clientCommands.includes(CLIENT_COMMANDS.explain)) lenses.push({ range: top, command: { title: 'Explain address order…', command: CLIENT_COMMANDS.explain, arguments: [document.uri] } });
    if (clientCommands.includes(CLIENT_COMMANDS.policyTables)) lenses.push({ range: top, command: { title: 'Effective policy table', command: CLIENT_COMMANDS.policyTables, arguments: [document.uri] } });
    return lenses;
  });

  function openDocument(uri: unknown): TextDocument {
    const document = typeof uri === 'string' ? documents.get(uri) : undefined;
    if (!document) throw new ResponseError(ErrorCodes.InvalidParams, `${typeof uri === 'string' ? uri : 'The uri parameter'} is not an open gai.conf document.`);
    return document;
  }

  connection.onRequest(EXPLAIN_REQUEST, async (params: Partial<ExplainParams> | null): Promise<ExplainResult> => {
    const document = openDocument(params?.uri);
    if (typeof params?.query !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'query must be a host name or addresses.');
    const savedText = typeof params.savedText === 'string' ? params.savedText : undefined;
    const resolved = await resolveQuery(params.query).catch((error: unknown) => {
      throw error instanceof QueryError ? new ResponseError(LSPErrorCodes.RequestFailed, error.message) : error;
    });
    // Read after the lookup: the buffer may have changed while DNS answered.
    const current = openDocument(document.uri);
    const live = isLiveFile(current.uri);
    const report = explainReport({
      ...resolved,
      host: systemHost(),
      buffer: snapshotOf(current).analysis.tables,
      saved: savedText === undefined ? undefined : analyzeGaiConf(savedText, { glibc: settings.glibc }).tables,
      live,
      hostIsThisMachine: true,
    });
    return { ...report, glibc: describeGlibcVersion(settings.glibc), fileName: fileNameOf(current.uri), live };
  });

  connection.onRequest(POLICY_TABLES_REQUEST, (params: Partial<PolicyTablesParams> | null): PolicyTablesResult => {
    const document = openDocument(params?.uri);
    const { analysis } = snapshotOf(document);
    return { ...policyTables(analysis.tables), glibcDescription: describeGlibcVersion(settings.glibc), fileName: fileNameOf(document.uri) };
  });

  connection.onRequest(STATUS_REQUEST, status);

  function lspEdits(locator: TextLocator, edits: readonly TextEdit[]): LspTextEdit[] {
    return edits.map((edit) => ({ range: locator.rangeOf(edit), newText: edit.newText }));
  }

  connection.onCodeAction((params: CodeActionParams): CodeAction[] => {
    const document = documents.get(params.textDocument.uri);
    if (!document || !literalCodeActions) return [];
    const { analysis, locator } = snapshotOf(document);
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
    if (wants(CodeActionKind.SourceFixAll)) {
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

