/**
 * The language server: wires the analysis core to LSP and adds no analysis of its own. Runs over
 * stdio (`--stdio`) or Node IPC (`--node-ipc`), as vscode-languageserver picks from argv.
 */

import { existsSync } from 'fs';
import { basename, join } from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import {
  CodeAction,
  CodeActionKind,
  CodeActionParams,
  CodeLens,
  CodeLensParams,
  Command,
  CompletionItem,
  CompletionItemKind,
  Connection,
  Diagnostic,
  ErrorCodes,
  DidChangeConfigurationNotification,
  DocumentSymbol,
  FoldingRange,
  FoldingRangeKind,
  Hover,
  HoverParams,
  InitializeParams,
  InitializeResult,
  InsertTextFormat,
  MarkupKind,
  LSPErrorCodes,
  MessageType,
  ResponseError,
  ShowMessageNotification,
  SymbolInformation,
  SymbolKind,
  TextDocumentSyncKind,
  TextDocuments,
  TextEdit as LspTextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Analysis, analyzeGaiConf } from '../analysis/analysis';
import { fixAllEdits } from '../features/codeActions/fixAll';
import { fixesFor } from '../features/codeActions/quickFixes';
import { suppressionFixes } from '../features/codeActions/suppressionFixes';
import { TextEdit } from '../features/codeActions/edits';
import { computeEffects } from '../analysis/effects';
import { summarizeEffects } from '../features/effectsSummary';
import { describeGlibcVersion } from '../analysis/glibcDescription';
import { glibcVersionText } from '../glibc/versions';
import { runtimeLibc } from '../system/cLibrary';
import { documentSymbols, foldingSpans, OutlineSymbol } from '../features/outline';
import { CLIENT_COMMANDS, EXPLAIN_REQUEST, ExplainParams, ExplainResult, POLICY_TABLES_REQUEST, PolicyTablesParams, PolicyTablesResult, STATUS_CHANGED_NOTIFICATION, STATUS_REQUEST, StatusResult } from './protocol';
import { readSettings, ServerSettings } from './settings';
import { CompletionKind, completionsAt } from '../features/completion';
import { editorDiagnostics, unknownCodes } from '../features/diagnostics';
import { explainReport } from '../features/explain';
import { formatEdits } from '../features/formatting';
import { hoverAt } from '../features/hover';
import { policyTables } from '../features/policyTables';
import { TextLocator } from '../features/positions';
import { systemHost } from '../system/host';
import { isLiveGaiConf } from '../system/liveFile';
import { QueryError, resolveQuery } from '../system/resolve';

/** The README beside the bundle; packaging as a VSIX renames it readme.md. */
const DOCUMENTATION = pathToFileURL(['README.md', 'readme.md'].map((name) => join(__dirname, '..', name)).find(existsSync) ?? join(__dirname, '..', 'README.md')).href;

function isLiveFile(uri: string): boolean {
  try {
    return uri.startsWith('file:') && isLiveGaiConf(fileURLToPath(uri));
  } catch {
    return false; // not a local path (fileURLToPath refuses it)
  }
}

function fileNameOf(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : basename(decodeURIComponent(new URL(uri).pathname));
  } catch {
    return uri;
  }
}

/** Applies a quick fix for clients that take code actions only as commands. */
const APPLY_FIX_COMMAND = 'gaiconf.applyFix';

const COMPLETION_KINDS: Readonly<Record<CompletionKind, CompletionItemKind>> = {
  keyword: CompletionItemKind.Keyword,
  snippet: CompletionItemKind.Snippet,
  prefix: CompletionItemKind.Value,
  value: CompletionItemKind.EnumMember,
  code: CompletionItemKind.EnumMember,
};

interface Snapshot {
  readonly version: number;
  readonly analysis: Analysis;
  readonly locator: TextLocator;
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const snapshots = new Map<string, Snapshot>();
  const pending = new Map<string, { cancel(): void }>();
  let settings: ServerSettings = readSettings(undefined);
  let pullConfiguration = false;
  let registerConfiguration = false;
  let literalCodeActions = false;
  let hierarchicalSymbols = false;
  let initialSettings: unknown;
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
        // Neovim and eglot offer workspace/configuration but answer null unless configured there:
        // what they pulled then falls back, key by key, to initializationOptions.
        const pulled: unknown = await connection.workspace.getConfiguration('gaiconf');
        raw = { ...asObject(initialSettings), ...asObject(pulled) };
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
    registerConfiguration = params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    literalCodeActions = params.capabilities.textDocument?.codeAction?.codeActionLiteralSupport !== undefined;
    hierarchicalSymbols = params.capabilities.textDocument?.documentSymbol?.hierarchicalDocumentSymbolSupport === true;
    const options = params.initializationOptions as Record<string, unknown> | undefined;
    initialSettings = options?.gaiconf ?? options;
    settings = readSettings(initialSettings);
    clientCommands = Array.isArray(options?.clientCommands) ? options.clientCommands.filter((c): c is string => typeof c === 'string') : [];
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll] },
        completionProvider: { triggerCharacters: [' '] },
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        ...(literalCodeActions ? {} : { executeCommandProvider: { commands: [APPLY_FIX_COMMAND] } }),
      },
      serverInfo: { name: 'gai-conf-language-server' },
    };
  });

  connection.onInitialized(() => {
    if (!pullConfiguration) reportSettings();
    if (pullConfiguration) {
      if (registerConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'gaiconf' }).catch(() => undefined);
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

  connection.onCodeAction((params: CodeActionParams): (CodeAction | Command)[] => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
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
        for (const fix of [...fixesFor(analysis, finding), ...suppressionFixes(analysis, finding)]) {
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
    if (literalCodeActions) return actions;
    // Clients without code action literals run a command, and the server asks them to apply the edit.
    return actions.map((action) => ({ title: action.title, command: APPLY_FIX_COMMAND, arguments: [{ uri, version: document.version, edit: action.edit }] }));
  });

  connection.onExecuteCommand(async (params) => {
    const [fix] = (params.arguments ?? []) as { uri?: string; version?: number; edit?: CodeAction['edit'] }[];
    const document = fix?.uri === undefined ? undefined : documents.get(fix.uri);
    if (params.command !== APPLY_FIX_COMMAND || !document || !fix.edit) return;
    if (document.version !== fix.version) {
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: 'The file changed since the fix was computed; ask for the fix again.' });
      return;
    }
    await connection.workspace.applyEdit({ label: 'gai.conf quick fix', edit: fix.edit });
  });

  connection.onCompletion((params): CompletionItem[] => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    const { analysis, locator } = snapshotOf(document);
    if (!locator.contains(params.position)) return [];
    return completionsAt(analysis, locator.offsetAt(params.position)).map((entry) => ({
      label: entry.label,
      kind: COMPLETION_KINDS[entry.kind],
      detail: entry.detail,
      documentation: { kind: MarkupKind.Markdown, value: entry.documentation },
      sortText: entry.sortText,
      insertTextFormat: InsertTextFormat.PlainText,
      textEdit: { range: locator.rangeOf(entry), newText: entry.insertText },
    }));
  });

  connection.onDocumentFormatting((params): LspTextEdit[] => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    const { analysis, locator } = snapshotOf(document);
    return lspEdits(locator, formatEdits(analysis.parsed));
  });

  connection.onDocumentRangeFormatting((params): LspTextEdit[] => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    const { analysis, locator } = snapshotOf(document);
    if (!locator.contains(params.range.start) || !locator.contains(params.range.end)) return [];
    return lspEdits(locator, formatEdits(analysis.parsed, locator.offsetAt(params.range.start), locator.offsetAt(params.range.end)));
  });

  function lspSymbol(locator: TextLocator, symbol: OutlineSymbol): DocumentSymbol {
    return {
      name: symbol.name,
      detail: symbol.detail,
      kind: symbol.kind === 'table' ? SymbolKind.Namespace : SymbolKind.Field,
      range: locator.rangeOf(symbol),
      selectionRange: locator.rangeOf({ start: symbol.selectionStart, end: symbol.selectionEnd }),
      children: symbol.children.map((child) => lspSymbol(locator, child)),
    };
  }

  connection.onDocumentSymbol((params): DocumentSymbol[] | SymbolInformation[] => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    const { analysis, locator } = snapshotOf(document);
    const symbols = documentSymbols(analysis).map((symbol) => lspSymbol(locator, symbol));
    if (hierarchicalSymbols) return symbols;
    const location = (range: DocumentSymbol['range']) => ({ uri: document.uri, range });
    return symbols.flatMap((table) => [
      { name: table.name, kind: table.kind, location: location(table.range) },
      ...(table.children ?? []).map((row) => ({ name: row.name, kind: row.kind, location: location(row.range), containerName: table.name })),
    ]);
  });

  connection.onFoldingRanges((params): FoldingRange[] => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    const { analysis, locator } = snapshotOf(document);
    return foldingSpans(analysis).map((span) => ({
      startLine: locator.positionAt(span.start).line,
      endLine: locator.positionAt(span.end).line,
      kind: span.kind === 'comment' ? FoldingRangeKind.Comment : FoldingRangeKind.Region,
    }));
  });

  documents.listen(connection);
  connection.listen();
}

