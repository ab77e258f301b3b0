/**
 * A small LSP client for protocol tests: spawns the bundled language server (dist/server.js) as a
 * real process, talks to it over stdio with vscode-languageserver-protocol, answers the server's
 * requests (workspace/configuration, client/registerCapability), records every
 * textDocument/publishDiagnostics, and lets a test await conditions with a timeout instead of
 * sleeping. Every failure message carries the server's stderr.
 */

import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import {
  ApplyWorkspaceEditRequest,
  CodeAction,
  CodeActionKind,
  CodeActionRequest,
  Command,
  ConfigurationItem,
  ConfigurationRequest,
  createProtocolConnection,
  Diagnostic,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  Hover,
  HoverRequest,
  InitializedNotification,
  InitializeParams,
  InitializeRequest,
  InitializeResult,
  LogMessageNotification,
  Position,
  ProtocolConnection,
  PublishDiagnosticsNotification,
  Range,
  RegistrationRequest,
  RequestType,
  RequestType0,
  ShowMessageNotification,
  ShowMessageRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentContentChangeEvent,
  TextEdit,
  UnregistrationRequest,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

import { repoRoot } from './repository';

export const DEFAULT_TIMEOUT_MS = 10_000;

export function serverPath(): string {
  return join(repoRoot(), 'dist', 'server.js');
}

export interface Publication {
  /** Order of arrival over all URIs, from 1. */
  readonly seq: number;
  readonly uri: string;
  readonly version: number | undefined;
  readonly diagnostics: Diagnostic[];
}

export type GaiConfSettings = Record<string, unknown>;

export interface StartOptions {
  /** Advertise workspace.configuration (the server then pulls settings). Default true. */
  configurationCapability?: boolean;
  /** What workspace/configuration answers for the `gaiconf` section. */
  settings?: GaiConfSettings;
  /** Sent as initializationOptions (for clients without workspace.configuration). */
  initializationOptions?: unknown;
  /**
   * Answer window/showMessageRequest (as VS Code does: the user dismissed it). With false the
   * client leaves it unhandled, so the server gets a MethodNotFound error. Default true.
   */
  answerShowMessageRequest?: boolean;
  /** Advertise workspace edits with documentChanges and change annotations (VS Code's preview). Default false. */
  annotatedEdits?: boolean;
  /** Advertise codeActionLiteralSupport. Default true. */
  codeActionLiteralSupport?: boolean;
  /** Advertise codeAction/resolve for edits (VS Code's): actions may come without their edit. Default false. */
  resolveCodeActions?: boolean;
  /**
   * Declare only what a minimal editor does (Helix, Emacs eglot, a bare vim.lsp.start): no
   * workspace/configuration, no dynamic registration, no code action literals, no hierarchical
   * symbols, no snippets; only workspace.applyEdit. Overrides the two options above.
   */
  minimal?: boolean;
  /** The server's command line and working directory. Default: `node dist/server.js --stdio` in the repository. */
  command?: { readonly argv: readonly [string, ...string[]]; readonly cwd: string };
  timeoutMs?: number;
}

interface Waiter {
  check(): boolean;
  fail(error: Error): void;
}

export class LspClient {
  readonly connection: ProtocolConnection;
  readonly publications: Publication[] = [];
  readonly logMessages: string[] = [];
  /** window/showMessage notifications and window/showMessageRequest requests, in order. */
  readonly shownMessages: string[] = [];
  readonly configurationRequests: ConfigurationItem[][] = [];
  /** workspace/applyEdit requests from the server, each applied to the local copy of its documents. */
  readonly appliedEdits: WorkspaceEdit[] = [];
  configurationAnswers = 0;
  settings: GaiConfSettings;
  initializeResult: InitializeResult | undefined;
  private stderrText = '';
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly waiters = new Set<Waiter>();
  private readonly documents = new Map<string, TextDocument>();
  private seq = 0;
  readonly timeoutMs: number;

  private constructor(
    readonly process: ChildProcess,
    readonly options: StartOptions,
  ) {
    this.settings = options.settings ?? {};
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    process.stderr!.setEncoding('utf8');
    process.stderr!.on('data', (chunk: string) => {
      this.stderrText += chunk;
    });
    process.on('exit', (code, signal) => {
      this.exited = { code, signal };
      this.notifyWaiters();
    });
    process.stdin!.on('error', () => undefined);
    this.connection = createProtocolConnection(
      new StreamMessageReader(process.stdout!),
      new StreamMessageWriter(process.stdin!),
    );
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.publications.push({
        seq: ++this.seq,
        uri: params.uri,
        version: params.version,
        diagnostics: params.diagnostics,
      });
      this.notifyWaiters();
    });
    this.connection.onNotification(LogMessageNotification.type, (params) => {
      this.logMessages.push(params.message);
      this.notifyWaiters();
    });
    this.connection.onNotification(ShowMessageNotification.type, (params) => {
      this.shownMessages.push(params.message);
      this.notifyWaiters();
    });
    if (options.answerShowMessageRequest !== false) {
      this.connection.onRequest(ShowMessageRequest.type, (params) => {
        this.shownMessages.push(params.message);
        this.notifyWaiters();
        return null;
      });
    }
    this.connection.onRequest(ConfigurationRequest.type, (params) => {
      this.configurationRequests.push(params.items);
      const answer = params.items.map((item) => this.configurationFor(item.section));
      // Counted once the answer is on its way: the server reads it before any later message of ours.
      setImmediate(() => {
        this.configurationAnswers++;
        this.notifyWaiters();
      });
      return answer;
    });
    this.connection.onRequest(ApplyWorkspaceEditRequest.type, (params) => {
      this.appliedEdits.push(params.edit);
      this.notifyWaiters();
      return { applied: true };
    });
    this.connection.onRequest(RegistrationRequest.type, () => undefined);
    this.connection.onRequest(UnregistrationRequest.type, () => undefined);
    this.connection.onError(([error]) => {
      this.stderrText += `\n[client] connection error: ${error.message}\n`;
    });
    this.connection.listen();
  }

  /** Spawns the server (by default `node dist/server.js --stdio`) and runs initialize/initialized. */
  static async start(options: StartOptions = {}): Promise<LspClient> {
    if (!options.command && !existsSync(serverPath()))
      throw new Error(`${serverPath()} is missing: run npm run build first`);
    const {
      argv: [program, ...args],
      cwd,
    } = options.command ?? { argv: [process.execPath, serverPath(), '--stdio'], cwd: repoRoot() };
    const child = spawn(program, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const client = new LspClient(child, options);
    try {
      await client.initialize();
    } catch (error) {
      client.dispose();
      throw client.annotate(error);
    }
    return client;
  }

  get pullsConfiguration(): boolean {
    return this.options.configurationCapability !== false && this.options.minimal !== true;
  }

  get stderr(): string {
    return this.stderrText;
  }

  get alive(): boolean {
    return this.exited === undefined;
  }

  private configurationFor(section: string | undefined): unknown {
    const root: Record<string, unknown> = { gaiconf: this.settings };
    if (!section) return root;
    let value: unknown = root;
    for (const part of section.split('.')) {
      value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
    }
    return value ?? null;
  }

  private async initialize(): Promise<void> {
    const pull = this.pullsConfiguration;
    const params: InitializeParams = {
      processId: process.pid,
      clientInfo: { name: 'gai-conf protocol tests' },
      rootUri: null,
      workspaceFolders: null,
      initializationOptions: this.options.initializationOptions,
      capabilities: this.options.minimal
        ? { workspace: { applyEdit: true }, textDocument: {} }
        : {
            workspace: {
              configuration: pull,
              didChangeConfiguration: { dynamicRegistration: pull },
              ...(this.options.annotatedEdits
                ? { workspaceEdit: { documentChanges: true, changeAnnotationSupport: { groupsOnLabel: true } } }
                : {}),
            },
            textDocument: {
              synchronization: { dynamicRegistration: false, didSave: false, willSave: false },
              hover: { dynamicRegistration: false, contentFormat: ['markdown', 'plaintext'] },
              documentSymbol: { hierarchicalDocumentSymbolSupport: true },
              codeAction:
                this.options.codeActionLiteralSupport === false
                  ? { dynamicRegistration: false }
                  : {
                      dynamicRegistration: false,
                      isPreferredSupport: true,
                      ...(this.options.resolveCodeActions
                        ? { dataSupport: true, resolveSupport: { properties: ['edit'] } }
                        : {}),
                      codeActionLiteralSupport: {
                        codeActionKind: {
                          valueSet: [
                            '',
                            CodeActionKind.QuickFix,
                            CodeActionKind.Refactor,
                            CodeActionKind.Source,
                            CodeActionKind.SourceFixAll,
                          ],
                        },
                      },
                    },
              publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true },
            },
          },
    };
    this.initializeResult = await this.guard('initialize', this.connection.sendRequest(InitializeRequest.type, params));
    await this.connection.sendNotification(InitializedNotification.type, {});
    // A pulling server asks for its settings after `initialized`; documents opened after the
    // answer are analysed with them.
    if (pull)
      await this.waitFor('the first workspace/configuration request to be answered', () =>
        this.configurationAnswers > 0 ? true : undefined,
      );
  }

  /** A request raced against the server's death and the timeout. */
  async guard<T>(what: string, request: Promise<T>): Promise<T> {
    let settled: { readonly value: T } | { readonly error: unknown } | undefined;
    request
      .then(
        (value) => (settled = { value }),
        (error: unknown) => (settled = { error }),
      )
      .finally(() => this.notifyWaiters());
    const outcome = await this.waitFor(what, () => settled);
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }

  /** Resolves with the first non-undefined value of `probe`, re-checked on every message from the server. */
  waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = this.timeoutMs): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const timer = setTimeout(
        () => finish(() => reject(this.failure(`timed out after ${timeoutMs} ms waiting for ${what}`))),
        timeoutMs,
      );
      const finish = (action: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        action();
      };
      const waiter: Waiter = {
        check: () => {
          let value: T | undefined;
          try {
            value = probe();
          } catch (error) {
            finish(() => reject(error));
            return true;
          }
          if (value !== undefined) finish(() => resolve(value as T));
          else if (this.exited) finish(() => reject(this.failure(`the server exited while waiting for ${what}`)));
          return done;
        },
        fail: (error) => finish(() => reject(error)),
      };
      this.waiters.add(waiter);
      waiter.check();
    });
  }

  private notifyWaiters(): void {
    for (const waiter of [...this.waiters]) waiter.check();
  }

  /** The sequence number of the latest publication: pass it as `since` to await a later one. */
  mark(): number {
    return this.seq;
  }

  latest(uri: string): Publication | undefined {
    for (let i = this.publications.length - 1; i >= 0; i--)
      if (this.publications[i].uri === uri) return this.publications[i];
    return undefined;
  }

  /**
   * The first publication for `uri` after `since` (a mark(); default: any) for at least `version`
   * that satisfies `accept`, waiting for it if it has not arrived yet.
   */
  diagnostics(
    uri: string,
    options: { version?: number; since?: number; accept?: (p: Publication) => boolean; what?: string } = {},
  ): Promise<Publication> {
    const since = options.since ?? 0;
    const what =
      options.what ??
      `diagnostics for ${uri}${options.version !== undefined ? ` version ${options.version}` : ''}${options.since !== undefined ? ` after publication #${since}` : ''}`;
    return this.waitFor(what, () =>
      this.publications.find(
        (p) =>
          p.uri === uri &&
          p.seq > since &&
          (options.version === undefined || (p.version ?? -1) >= options.version) &&
          (!options.accept || options.accept(p)),
      ),
    );
  }

  text(uri: string): string {
    const document = this.documents.get(uri);
    if (!document) throw new Error(`${uri} is not open`);
    return document.getText();
  }

  version(uri: string): number {
    const document = this.documents.get(uri);
    if (!document) throw new Error(`${uri} is not open`);
    return document.version;
  }

  /** didOpen (a gai.conf, or a document of `languageId`), then the publication for that version. */
  async open(uri: string, text: string, version = 1, languageId = 'gaiconf'): Promise<Publication> {
    const since = this.mark();
    this.documents.set(uri, TextDocument.create(uri, languageId, version, text));
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version, text },
    });
    return this.diagnostics(uri, { version, since });
  }

  /** didChange with incremental (or full) changes; the local copy follows, so text(uri) is what the server should have. */
  async change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): Promise<void> {
    const document = this.documents.get(uri);
    if (!document) throw new Error(`${uri} is not open`);
    this.documents.set(uri, TextDocument.update(document, contentChanges, version));
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges,
    });
  }

  /** Applies `edits` (one document's TextEdits) as one incremental didChange and awaits its publication. */
  async applyAsChange(uri: string, edits: readonly TextEdit[]): Promise<Publication> {
    const version = this.version(uri) + 1;
    const since = this.mark();
    await this.change(uri, version, editsAsContentChanges(edits));
    return this.diagnostics(uri, { version, since });
  }

  async close(uri: string): Promise<void> {
    this.documents.delete(uri);
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.guard(
      `hover ${uri} ${position.line}:${position.character}`,
      this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position }),
    );
  }

  codeActions(
    uri: string,
    range: Range,
    diagnostics: Diagnostic[],
    only?: string[],
  ): Promise<(Command | CodeAction)[] | null> {
    return this.guard(
      `codeAction ${uri}`,
      this.connection.sendRequest(CodeActionRequest.type, {
        textDocument: { uri },
        range,
        context: { diagnostics, ...(only ? { only } : {}) },
      }),
    );
  }

  /** A typed request of the server's protocol.ts; or any method with any params, for malformed input. */
  request<Params, Result>(type: RequestType<Params, Result, void>, params: Params): Promise<Result>;
  request<Result>(type: RequestType0<Result, void>): Promise<Result>;
  request(method: string, params: unknown): Promise<unknown>;
  request(type: string | { readonly method: string }, params?: unknown): Promise<unknown> {
    const method = typeof type === 'string' ? type : type.method;
    return this.guard(method, this.connection.sendRequest(method, params ?? null));
  }

  /**
   * New settings: a pulling server is told to re-read them (and gets `settings` from
   * workspace/configuration); otherwise they travel in the notification.
   */
  async changeConfiguration(settings: GaiConfSettings): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, {
      settings: this.pullsConfiguration ? null : { gaiconf: settings },
    });
  }

  /** shutdown and exit; resolves with the exit code (killing the server if it does not exit). */
  async shutdown(): Promise<number | null> {
    await this.guard('shutdown', this.connection.sendRequest(ShutdownRequest.type));
    await this.connection.sendNotification(ExitNotification.type);
    try {
      await this.waitFor('the server to exit after exit', () => this.exited);
    } finally {
      this.dispose();
    }
    return this.exited?.code ?? null;
  }

  /** Kills the server if it still runs; safe to call twice. */
  dispose(): void {
    for (const waiter of [...this.waiters]) waiter.fail(this.failure('the client was disposed'));
    try {
      this.connection.dispose();
    } catch {
      // already disposed
    }
    if (this.exited === undefined && this.process.exitCode === null && this.process.signalCode === null)
      this.process.kill('SIGKILL');
  }

  failure(message: string): Error {
    return new Error(`${message}\n${this.context()}`);
  }

  /** Appends the server's state (exit, stderr, recent publications) to an error's message. */
  annotate(error: unknown): unknown {
    if (error instanceof Error && !error.message.includes('--- server stderr ---'))
      error.message += `\n${this.context()}`;
    return error;
  }

  context(): string {
    const exit = this.exited
      ? `server exited: code ${this.exited.code}, signal ${this.exited.signal}`
      : 'server still running';
    const recent = this.publications
      .slice(-5)
      .map(
        (p) =>
          `#${p.seq} ${p.uri} v${p.version}: ${p.diagnostics.map((d) => `${String(d.code)}@${d.range.start.line}:${d.range.start.character}`).join(', ') || '(none)'}`,
      )
      .join('\n');
    return `${exit}\n--- server stderr ---\n${this.stderrText.slice(-8000) || '(empty)'}\n--- last publications ---\n${recent || '(none)'}\n--- server log ---\n${this.logMessages.slice(-10).join('\n') || '(none)'}`;
  }
}

/** Starts a server, runs `body`, shuts it down (or kills it); a failure carries the server's stderr. */
export async function withServer<T>(options: StartOptions, body: (client: LspClient) => Promise<T>): Promise<T> {
  const client = await LspClient.start(options);
  try {
    const result = await body(client);
    if (client.alive) await client.shutdown();
    return result;
  } catch (error) {
    throw client.annotate(error);
  } finally {
    client.dispose();
  }
}

/** Applies TextEdits to a text as an editor would (vscode-languageserver-textdocument). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('untitled:edit', 'gaiconf', 0, text), [...edits]);
}

/** The TextEdits of a WorkspaceEdit for one document, from `changes` or `documentChanges`. */
export function editsFor(edit: WorkspaceEdit | undefined, uri: string): TextEdit[] {
  if (!edit) return [];
  const edits: TextEdit[] = [...(edit.changes?.[uri] ?? [])];
  for (const change of edit.documentChanges ?? []) {
    if ('textDocument' in change && change.textDocument.uri === uri) edits.push(...(change.edits as TextEdit[]));
  }
  return edits;
}

/** Edits as didChange content changes: last edit first, so each range is still valid when applied in order. */
export function editsAsContentChanges(edits: readonly TextEdit[]): TextDocumentContentChangeEvent[] {
  const sorted = [...edits].sort((a, b) => compare(b.range.start, a.range.start) || compare(b.range.end, a.range.end));
  return sorted.map((e) => ({ range: e.range, text: e.newText }));
}

function compare(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/** Lines as LSP counts them: broken at CRLF, LF or a lone CR. */
export function lspLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** The LSP position (UTF-16 character) of a string offset. */
export function positionAt(text: string, offset: number): Position {
  return TextDocument.create('untitled:pos', 'gaiconf', 0, text).positionAt(offset);
}

export function isCodeAction(action: Command | CodeAction): action is CodeAction {
  return typeof (action as CodeAction).command !== 'string';
}
