/**
 * What the server knows about its client and its settings: capabilities from initialize, the
 * settings pulled with workspace/configuration or else read from initializationOptions.
 */

import {
  Connection,
  DidChangeConfigurationNotification,
  InitializeParams,
  MessageType,
  ShowMessageNotification,
} from 'vscode-languageserver/node';

import { HostLibc } from '../analysis/analysis';
import { DiagnosticCode, documentationAnchor } from '../analysis/catalogue';
import { describeGlibcVersion } from '../analysis/glibcDescription';
import { unknownCodes } from '../features/diagnostics';
import { glibcVersionText } from '../glibc/versions';
import { analysisOptionsFor } from '../system/analysisOptions';
import { runtimeLibc } from '../system/cLibrary';
import { documentationBase } from '../system/documentation';
import { isLiveDocument } from '../system/files';
import { ContainerRegistry } from './containerRegistry';
import { DocumentStore } from './documentStore';
import { CLIENT_COMMANDS, StatusChangedNotification, StatusResult } from './protocol';
import { readSettings, ServerSettings } from './settings';

export interface ClientFeatures {
  readonly pullConfiguration: boolean;
  readonly registerConfiguration: boolean;
  readonly literalCodeActions: boolean;
  /** Whether the client asks for a code action's edit (codeAction/resolve) only when it is chosen. */
  readonly resolvesCodeActionEdits: boolean;
  /** Whether workspace edits may carry change annotations (a fix's side effects, shown in its preview). */
  readonly changeAnnotations: boolean;
  readonly hierarchicalSymbols: boolean;
  /** The client commands the client announced, which lenses may then name. */
  readonly commands: readonly string[];
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

export class Session {
  settings: ServerSettings = readSettings(undefined);
  client: ClientFeatures = {
    pullConfiguration: false,
    registerConfiguration: false,
    literalCodeActions: false,
    resolvesCodeActionEdits: false,
    changeAnnotations: false,
    hierarchicalSymbols: false,
    commands: [],
  };
  readonly hostLibc: HostLibc = runtimeLibc();
  private readonly readme = documentationBase();
  /** The containers of the last scan the client asked for: their documents are judged for them. */
  readonly containers = new ContainerRegistry();
  /** The live file is judged for this machine too: its addresses are read (locally, no traffic) only for it. */
  readonly store = new DocumentStore(
    (uri) =>
      this.containers.optionsFor(uri) ?? analysisOptionsFor(uri, this.settings.glibc, { live: this.isLive(uri) }),
  );
  /** Whether each open document is the live file, resolved once: every edit asks. */
  private readonly live = new Map<string, boolean>();
  private initialSettings: unknown;

  constructor(readonly connection: Connection) {}

  initialize(params: InitializeParams): void {
    const capabilities = params.capabilities;
    const options = params.initializationOptions as Record<string, unknown> | undefined;
    this.client = {
      pullConfiguration: capabilities.workspace?.configuration === true,
      registerConfiguration: capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true,
      literalCodeActions: capabilities.textDocument?.codeAction?.codeActionLiteralSupport !== undefined,
      resolvesCodeActionEdits:
        capabilities.textDocument?.codeAction?.resolveSupport?.properties.includes('edit') === true &&
        capabilities.textDocument.codeAction.dataSupport === true,
      changeAnnotations:
        capabilities.workspace?.workspaceEdit?.changeAnnotationSupport !== undefined &&
        capabilities.workspace.workspaceEdit.documentChanges === true,
      hierarchicalSymbols: capabilities.textDocument?.documentSymbol?.hierarchicalDocumentSymbolSupport === true,
      commands: Array.isArray(options?.clientCommands)
        ? options.clientCommands.filter((c): c is string => typeof c === 'string')
        : [],
    };
    this.links.clear();
    this.initialSettings = options?.gaiconf ?? options;
    this.settings = readSettings(this.initialSettings);
  }

  /**
   * A code's documentation: the client's command when it has one (VS Code: the README rendered at
   * the code's heading, wherever its extension host runs), else the README beside the server.
   */
  documentationLink(code: DiagnosticCode): string {
    // Made once per code: every publication asks for each of its diagnostics.
    let link = this.links.get(code);
    if (link === undefined) {
      link = this.client.commands.includes(CLIENT_COMMANDS.documentation)
        ? `command:${CLIENT_COMMANDS.documentation}?${encodeURIComponent(JSON.stringify([code]))}`
        : this.readme + documentationAnchor(code);
      this.links.set(code, link);
    }
    return link;
  }

  /** Each code's documentation link, for the client's commands (announced in initialize). */
  private readonly links = new Map<DiagnosticCode, string>();

  /** A closed document: its analyses and what is known about it go. */
  forget(uri: string): void {
    this.store.forget(uri);
    this.live.delete(uri);
  }

  isLive(uri: string): boolean {
    let live = this.live.get(uri);
    if (live === undefined) this.live.set(uri, (live = isLiveDocument(uri)));
    return live;
  }

  status(): StatusResult {
    const glibc = this.settings.glibc;
    return {
      glibc: glibcVersionText(glibc),
      origin: glibc.origin,
      ...(glibc.prefixLengthFix ? { prefixLengthFix: glibc.prefixLengthFix } : {}),
      description: describeGlibcVersion(glibc),
      hostLibc: this.hostLibc,
    };
  }

  /** Tells the user about settings that could not be used (a notification: nothing for a client to refuse). */
  reportSettings(): void {
    const typos = unknownCodes(this.settings.severity).map(
      (code) => `gaiconf.diagnostics.severity: "${code}" is not a gai-conf diagnostic code.`,
    );
    for (const problem of [...this.settings.problems, ...typos]) {
      void this.connection.sendNotification(ShowMessageNotification.type, {
        type: MessageType.Warning,
        message: problem,
      });
    }
    this.connection.console.info(`Analysing gai.conf as ${describeGlibcVersion(this.settings.glibc)}.`);
  }

  initialized(reanalyse: () => void): void {
    if (!this.client.pullConfiguration) {
      this.reportSettings();
      return;
    }
    if (this.client.registerConfiguration) {
      void this.connection.client
        .register(DidChangeConfigurationNotification.type, { section: 'gaiconf' })
        .catch(() => undefined);
    }
    void this.refreshSettings(reanalyse);
  }

  async refreshSettings(reanalyse: () => void, fromNotification?: unknown): Promise<void> {
    let raw: unknown = fromNotification;
    if (this.client.pullConfiguration) {
      try {
        // Neovim and eglot offer workspace/configuration but answer null unless configured there:
        // what they pulled then falls back, key by key, to initializationOptions.
        const pulled: unknown = await this.connection.workspace.getConfiguration('gaiconf');
        raw = { ...asObject(this.initialSettings), ...asObject(pulled) };
      } catch (error) {
        this.connection.console.error(`Could not read settings: ${(error as Error).message}`);
      }
    }
    this.settings = readSettings(raw);
    this.reportSettings();
    if (this.client.commands.length > 0)
      void this.connection.sendNotification(StatusChangedNotification, this.status());
    this.store.invalidate();
    reanalyse();
  }
}
