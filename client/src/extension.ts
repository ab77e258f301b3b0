/**
 * The VS Code side: starts the bundled language server next to the file (the remote machine
 * under Remote-SSH, since the extension runs in the workspace extension host), passes settings,
 * and adds what LSP has no words for: the views, the glibc status item and its picker, the
 * documentation of each code and Save as Root.
 */

import * as path from 'path';
import {
  ConfigurationTarget,
  ExtensionContext,
  LanguageStatusSeverity,
  ProgressLocation,
  QuickPickItem,
  TextDocument,
  Uri,
  ViewColumn,
  WebviewPanel,
  commands,
  languages,
  window,
  workspace,
} from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import {
  CLIENT_COMMANDS,
  EXPLAIN_REQUEST,
  ExplainParams,
  ExplainResult,
  POLICY_TABLES_REQUEST,
  PolicyTablesParams,
  PolicyTablesResult,
  STATUS_CHANGED_NOTIFICATION,
  SAVE_CHECK_REQUEST,
  STATUS_REQUEST,
  SaveCheckParams,
  SaveCheckResult,
  StatusResult,
  WHO_FOLLOWS_REQUEST,
  WhoFollowsResult,
} from '../../server/src/lsp/protocol';
import { registerDocumentation } from './documentation';
import { registerSaveAsRoot } from './saveAsRoot';
import { savedFileText } from './savedFile';
import { commandLink, renderExplanation, renderPolicyTables, renderWhoFollows } from './views/render';

const LANGUAGE_ID = 'gaiconf';
const SELECT_GLIBC_COMMAND = 'gaiconf.selectGlibcVersion';
const LAST_QUERY_KEY = 'gaiconf.lastExplainQuery';

/** Versions worth offering by name, with the systems that ship them. */
const KNOWN_GLIBC_VERSIONS: readonly { readonly version: string; readonly systems: string }[] = [
  { version: '2.17', systems: 'CentOS 7' },
  { version: '2.28', systems: 'Debian 10, RHEL 8' },
  { version: '2.31', systems: 'Debian 11, Ubuntu 20.04' },
  { version: '2.34', systems: 'RHEL 9' },
  { version: '2.35', systems: 'Ubuntu 22.04' },
  { version: '2.36', systems: 'Debian 12' },
  { version: '2.39', systems: 'Ubuntu 24.04' },
  { version: '2.41', systems: 'Debian 13; the parser fixed by BZ #32465' },
];

let client: LanguageClient | undefined;

function gaiConfDocument(uriArgument: unknown): TextDocument | undefined {
  const uri = typeof uriArgument === 'string' ? uriArgument : uriArgument instanceof Uri ? uriArgument.toString() : undefined;
  if (uri) return workspace.textDocuments.find((d) => d.uri.toString() === uri);
  const active = window.activeTextEditor?.document;
  return active?.languageId === LANGUAGE_ID ? active : undefined;
}

async function savedTextOf(document: TextDocument): Promise<string | null> {
  if (document.isUntitled) return null;
  try {
    return savedFileText(await workspace.fs.readFile(document.uri));
  } catch {
    return null;
  }
}

function webviewPanel(viewType: string, title: string): WebviewPanel {
  return window.createWebviewPanel(viewType, title, { viewColumn: ViewColumn.Beside, preserveFocus: true }, {
    enableScripts: false,
    enableCommandUris: [CLIENT_COMMANDS.explain, CLIENT_COMMANDS.whoFollows],
    retainContextWhenHidden: false,
  });
}

async function explainAddressOrder(context: ExtensionContext, uriArgument?: unknown, queryArgument?: unknown): Promise<ExplainResult | undefined> {
  const document = gaiConfDocument(uriArgument);
  if (!document || !client) {
    void window.showWarningMessage('Open a gai.conf file first: the explanation uses its tables.');
    return undefined;
  }
  const query = typeof queryArgument === 'string' ? queryArgument : await window.showInputBox({
    title: 'gai.conf: Explain Address Order',
    prompt: 'A host name (resolved with DNS on the machine where the extension runs), or addresses separated by spaces',
    placeHolder: 'example.org   or   2001:db8::10 192.0.2.10',
    value: context.globalState.get<string>(LAST_QUERY_KEY) ?? '',
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? 'Give a host name or at least one address.' : undefined),
  });
  if (query === undefined) return undefined;
  await context.globalState.update(LAST_QUERY_KEY, query);
  const params: ExplainParams = { uri: document.uri.toString(), query, savedText: await savedTextOf(document) };
  let result: ExplainResult;
  try {
    result = await window.withProgress({ location: ProgressLocation.Window, title: `Explaining ${query}…` }, () => client!.sendRequest<ExplainResult>(EXPLAIN_REQUEST, params));
  } catch (error) {
    void window.showErrorMessage(`gai.conf: ${(error as Error).message}`);
    return undefined;
  }
  const panel = webviewPanel('gaiconf.explain', `Address order: ${result.query}`);
  panel.webview.html = renderExplanation(result, commandLink(CLIENT_COMMANDS.explain, [params.uri, query], 'Explain again'), commandLink(CLIENT_COMMANDS.whoFollows, [], 'Who follows this file?'));
  return result;
}

let whoFollowsPanel: WebviewPanel | undefined;

/** Reads /proc and asks each installed runtime its version, on the server's machine: only when asked. */
async function whoFollows(): Promise<WhoFollowsResult | undefined> {
  if (!client) return undefined;
  let result: WhoFollowsResult;
  try {
    result = await window.withProgress({ location: ProgressLocation.Window, title: 'Looking at the runtimes and processes…' }, () => client!.sendRequest<WhoFollowsResult>(WHO_FOLLOWS_REQUEST));
  } catch (error) {
    void window.showErrorMessage(`gai.conf: ${(error as Error).message}`);
    return undefined;
  }
  if (whoFollowsPanel) whoFollowsPanel.reveal(undefined, true);
  else {
    whoFollowsPanel = webviewPanel('gaiconf.whoFollows', 'Who follows /etc/gai.conf?');
    whoFollowsPanel.onDidDispose(() => { whoFollowsPanel = undefined; });
  }
  whoFollowsPanel.webview.html = renderWhoFollows(result, commandLink(CLIENT_COMMANDS.whoFollows, [], 'Look again'));
  return result;
}

/** One table view per document, following its edits. */
const policyPanels = new Map<string, WebviewPanel>();

async function renderPolicyPanel(panel: WebviewPanel, uri: string): Promise<PolicyTablesResult | undefined> {
  try {
    const result = await client!.sendRequest<PolicyTablesResult>(POLICY_TABLES_REQUEST, { uri } satisfies PolicyTablesParams);
    panel.webview.html = renderPolicyTables(result);
    return result;
  } catch (error) {
    void window.showErrorMessage(`gai.conf: ${(error as Error).message}`);
    return undefined;
  }
}

async function showEffectivePolicyTable(uriArgument?: unknown): Promise<PolicyTablesResult | undefined> {
  const document = gaiConfDocument(uriArgument);
  if (!document || !client) {
    void window.showWarningMessage('Open a gai.conf file first: the table is the one glibc holds for it.');
    return undefined;
  }
  const uri = document.uri.toString();
  let panel = policyPanels.get(uri);
  if (panel) panel.reveal(undefined, true);
  else {
    panel = webviewPanel('gaiconf.policyTable', `Policy table: ${path.basename(document.uri.path)}`);
    policyPanels.set(uri, panel);
    panel.onDidDispose(() => policyPanels.delete(uri));
  }
  return renderPolicyPanel(panel, uri);
}

async function selectGlibcVersion(): Promise<void> {
  const status = client ? await client.sendRequest<StatusResult>(STATUS_REQUEST).catch(() => undefined) : undefined;
  const items: (QuickPickItem & { value: string })[] = [
    { label: 'auto', description: 'the glibc where the extension runs', detail: status?.origin === 'runtime' ? `This machine: glibc ${status.glibc}` : undefined, value: 'auto' },
    ...KNOWN_GLIBC_VERSIONS.map((v) => ({ label: v.version, description: v.systems, value: v.version })),
    { label: 'Other version…', value: '' },
  ];
  const picked = await window.showQuickPick(items, { title: 'glibc version the gai.conf analysis imitates', placeHolder: status ? `Now: ${status.description}` : undefined });
  if (!picked) return;
  const value = picked.value || await window.showInputBox({ title: 'glibc version', placeHolder: '2.38', validateInput: (v) => (/^2\.\d+$/.test(v.trim()) ? undefined : 'A version such as 2.38') });
  if (!value) return;
  const setting = workspace.getConfiguration('gaiconf').inspect<string>('glibcVersion');
  const target = setting?.workspaceValue !== undefined ? ConfigurationTarget.Workspace : ConfigurationTarget.Global;
  await workspace.getConfiguration('gaiconf').update('glibcVersion', value.trim(), target);
}

const LIBC_WARNINGS: Readonly<Partial<Record<StatusResult['hostLibc'], string>>> = {
  musl: 'This machine runs musl: gai.conf has no effect here.',
  'other-linux': 'This machine does not run glibc: gai.conf has no effect here.',
};

function createStatusItem(context: ExtensionContext): (status: StatusResult) => void {
  const item = languages.createLanguageStatusItem('gaiconf.glibc', { language: LANGUAGE_ID });
  item.name = 'gai.conf: glibc version';
  item.command = { title: 'Change', command: SELECT_GLIBC_COMMAND, tooltip: 'Choose the glibc version the analysis imitates' };
  context.subscriptions.push(item);
  return (status) => {
    item.text = `glibc ${status.glibc}`;
    const warning = LIBC_WARNINGS[status.hostLibc];
    const origin = { option: 'set by gaiconf.glibcVersion', runtime: 'the glibc of this machine', fallback: 'no glibc here; newest parser assumed', container: "the container's glibc" }[status.origin];
    item.detail = warning ?? (status.prefixLengthFix ? `${origin}, with the 2.41 parser fix backported (BZ #32465)` : origin);
    item.severity = warning ? LanguageStatusSeverity.Warning : LanguageStatusSeverity.Information;
  };
}

export async function activate(context: ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: LANGUAGE_ID }],
    synchronize: { configurationSection: 'gaiconf' },
    initializationOptions: { gaiconf: workspace.getConfiguration('gaiconf'), clientCommands: Object.values(CLIENT_COMMANDS) },
  };
  client = new LanguageClient('gaiconf', 'gai.conf', serverOptions, clientOptions);
  context.subscriptions.push(client);
  const showStatus = createStatusItem(context);
  context.subscriptions.push(
    commands.registerCommand(CLIENT_COMMANDS.explain, (uri?: unknown, query?: unknown) => explainAddressOrder(context, uri, query)),
    commands.registerCommand(CLIENT_COMMANDS.policyTables, (uri?: unknown) => showEffectivePolicyTable(uri)),
    commands.registerCommand(CLIENT_COMMANDS.whoFollows, whoFollows),
    commands.registerCommand(SELECT_GLIBC_COMMAND, selectGlibcVersion),
    commands.registerCommand('gaiconf.treatAsGaiConf', treatAsGaiConf),
    workspace.onDidChangeTextDocument((event) => {
      const panel = policyPanels.get(event.document.uri.toString());
      if (panel && event.contentChanges.length > 0) void renderPolicyPanel(panel, event.document.uri.toString());
    }),
  );
  registerDocumentation(context);
  await client.start();
  // After the client's own providers: VS Code shows the newest CodeLens provider's lenses first,
  // and "read-only for you" must not end up past the right edge behind the summary.
  registerSaveAsRoot(context, {
    check: (document, text) => client!.sendRequest<SaveCheckResult>(SAVE_CHECK_REQUEST, { uri: document.uri.toString(), text } satisfies SaveCheckParams),
    explain: (document) => void commands.executeCommand(CLIENT_COMMANDS.explain, document.uri.toString()),
  });
  context.subscriptions.push(client.onNotification(STATUS_CHANGED_NOTIFICATION, (status: StatusResult) => {
    showStatus(status);
    for (const [uri, panel] of policyPanels) void renderPolicyPanel(panel, uri);
  }));
  showStatus(await client.sendRequest<StatusResult>(STATUS_REQUEST));
}

/** For copies under other names (gai.conf.test, a backup): the same as picking gai.conf in the language mode picker. */
async function treatAsGaiConf(): Promise<void> {
  const document = window.activeTextEditor?.document;
  if (!document) {
    void window.showInformationMessage('Open the file to treat as gai.conf first.');
    return;
  }
  await languages.setTextDocumentLanguage(document, 'gaiconf');
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
