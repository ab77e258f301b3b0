/**
 * "gai.conf: Save as Root…": for a gai.conf the extension host's user cannot write (the usual
 * /etc/gai.conf over Remote-SSH as an ordinary user with sudo). Says so in a CodeLens before the
 * user tries, and when a manual save is about to fail; writes the buffer through sudo (rootWrite.ts)
 * after the checks a root write deserves; then leaves the editor clean. The UI only: what to
 * refuse, ask, write and say is decided in saveAsRootDecision.ts.
 */

import { readFile } from 'fs/promises';
import { userInfo } from 'os';
import {
  CodeLens,
  CodeLensProvider,
  commands,
  EventEmitter,
  ExtensionContext,
  languages,
  TextDocument,
  TextDocumentContentProvider,
  TextDocumentSaveReason,
  Uri,
  window,
  workspace,
} from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

import { LANGUAGE_ID } from './documents';
import { CLIENT_COMMANDS, SaveCheckRequest } from './protocol';
import { RootWriteOutcome, writabilityOf, writeAsRoot, writeBackup } from './rootWrite';
import {
  changedOnDiskQuestion,
  COMPARE,
  crashQuestion,
  failureMessage,
  lensFor,
  offerBeforeFailingSave,
  ordinarySaveMessage,
  passwordPrompt,
  Question,
  refusalBeforeWriting,
  SAVE_AS_ROOT,
  savedMessage,
  writePlan,
} from './saveAsRootDecision';
import { savedFileText } from './savedFile';
import { withSudoPassword } from './sudoPassword';

const MEASURE_ACTION = 'Measure IPv6 Share…';

export const SAVE_AS_ROOT_COMMAND = 'gaiconf.saveAsRoot';
const DISK_SCHEME = 'gaiconf-disk';

const userName = () => userInfo().username;

export function registerSaveAsRoot(context: ExtensionContext, client: LanguageClient): void {
  /** Each open file's bytes on disk as the editor last loaded or wrote them. */
  const loaded = new Map<string, Uint8Array>();
  const lensesChanged = new EventEmitter<void>();

  const isLocalGaiConf = (document: TextDocument) =>
    document.languageId === LANGUAGE_ID && document.uri.scheme === 'file';

  async function remember(document: TextDocument): Promise<void> {
    if (!isLocalGaiConf(document)) return;
    const bytes = await readFile(document.uri.fsPath).catch(() => undefined);
    if (bytes) loaded.set(document.uri.toString(), bytes);
  }

  const lensProvider: CodeLensProvider = {
    onDidChangeCodeLenses: lensesChanged.event,
    async provideCodeLenses(document: TextDocument): Promise<CodeLens[]> {
      if (!isLocalGaiConf(document)) return [];
      const lens = lensFor(await writabilityOf(document.uri.fsPath), userName());
      if (!lens) return [];
      const command = lens.saveAsRoot
        ? { title: lens.title, command: SAVE_AS_ROOT_COMMAND, arguments: [document.uri], tooltip: lens.tooltip }
        : { title: lens.title, command: '' };
      return [new CodeLens(document.lineAt(0).range, command)];
    },
  };

  const diskContent: TextDocumentContentProvider = {
    async provideTextDocumentContent(uri: Uri): Promise<string> {
      return savedFileText(await readFile(uri.path));
    },
  };

  async function compareWithDisk(document: TextDocument): Promise<void> {
    const onDisk = Uri.from({ scheme: DISK_SCHEME, path: document.uri.fsPath, query: String(Date.now()) });
    await commands.executeCommand(
      'vscode.diff',
      onDisk,
      document.uri,
      `${document.uri.fsPath}: on disk now ↔ your edits`,
    );
  }

  /** Asks a modal question; true when the user chose to go on. "Compare" opens the diff (and stops). */
  async function confirmed(question: Question, document: TextDocument): Promise<boolean> {
    const answer = await window.showWarningMessage(question.message, { modal: true }, ...question.choices);
    if (answer === COMPARE) await compareWithDisk(document);
    return answer === question.proceed;
  }

  async function saveAsRoot(uriArgument?: unknown): Promise<boolean> {
    try {
      return await checkAndWrite(uriArgument);
    } catch (error) {
      void window.showErrorMessage(`gai.conf: Save as Root: ${(error as Error).message}`);
      return false;
    }
  }

  /** Documents with an offer on screen: a second Ctrl+S meanwhile does not queue a second one. */
  const offered = new Set<string>();

  /**
   * A manual save that is about to fail: offers Save as Root in a dialog, which cannot outlive
   * the answer (a notification would stay on screen beside "Saved … as root" when the user saved
   * through the CodeLens instead, and VS Code lets no extension take one back).
   */
  async function offerSaveAsRoot(document: TextDocument): Promise<void> {
    const uri = document.uri.toString();
    if (offered.has(uri) || (await writabilityOf(document.uri.fsPath)) !== 'needs-root') return;
    offered.add(uri);
    try {
      const answer = await window.showWarningMessage(
        offerBeforeFailingSave(userName(), document.uri.fsPath),
        { modal: true },
        SAVE_AS_ROOT,
      );
      if (answer === SAVE_AS_ROOT) await saveAsRoot(document.uri);
    } finally {
      offered.delete(uri);
    }
  }

  async function checkAndWrite(uriArgument: unknown): Promise<boolean> {
    const uri =
      uriArgument instanceof Uri ? uriArgument.toString() : typeof uriArgument === 'string' ? uriArgument : undefined;
    const document = uri
      ? workspace.textDocuments.find((d) => d.uri.toString() === uri)
      : window.activeTextEditor?.document;
    if (!document || document.uri.scheme !== 'file') {
      void window.showWarningMessage(
        'Save as Root writes a file on the machine where the extension runs: open that file first.',
      );
      return false;
    }
    const file = document.uri.fsPath;
    const writability = await writabilityOf(file);
    const refusal = refusalBeforeWriting(file, writability);
    if (refusal) {
      void window.showErrorMessage(refusal);
      return false;
    }
    const text = document.getText();
    const check = await client.sendRequest(SaveCheckRequest, { uri: document.uri.toString(), text });
    const crash = crashQuestion(check);
    if (crash && !(await confirmed(crash, document))) return false;
    const onDisk = await readFile(file).catch(() => undefined);
    const changed = changedOnDiskQuestion(file, onDisk, loaded.get(document.uri.toString()));
    if (changed && !(await confirmed(changed, document))) return false;
    const plan = writePlan(writability, text, onDisk);
    if (plan.kind === 'ordinary-save') {
      const dirty = document.isDirty;
      const saved = !dirty || (await document.save());
      if (saved) void window.showInformationMessage(ordinarySaveMessage(file, userName(), dirty));
      return saved;
    }
    let backup: string | undefined;
    let outcome: RootWriteOutcome | undefined = { kind: 'written' };
    if (plan.kind === 'write') {
      if (plan.previous) backup = await writeBackup(file, plan.previous);
      outcome = await withSudoPassword(
        'gai.conf: Save as Root',
        (retry) => passwordPrompt(userName(), file, retry),
        (password) => writeAsRoot(file, plan.bytes, password),
      );
    }
    if (!outcome) return false;
    const failure = failureMessage(file, userName(), outcome);
    if (failure !== undefined) {
      void window.showErrorMessage(failure);
      return false;
    }
    loaded.set(document.uri.toString(), plan.bytes);
    await makeClean(document, text);
    lensesChanged.fire();
    const saved = savedMessage(file, check.live, backup);
    if (saved.action) {
      // Measuring now, then after the restarts the message asks for, shows whether the fix moved real traffic.
      const answer = await window.showInformationMessage(saved.message, saved.action, MEASURE_ACTION);
      if (answer === saved.action) void commands.executeCommand(CLIENT_COMMANDS.explain, document.uri.toString());
      if (answer === MEASURE_ACTION) void commands.executeCommand(CLIENT_COMMANDS.measureIpv6Share);
    } else {
      void window.showInformationMessage(saved.message);
    }
    return true;
  }

  context.subscriptions.push(
    languages.registerCodeLensProvider({ language: LANGUAGE_ID, scheme: 'file' }, lensProvider),
    workspace.registerTextDocumentContentProvider(DISK_SCHEME, diskContent),
    commands.registerCommand(SAVE_AS_ROOT_COMMAND, saveAsRoot),
    workspace.onDidOpenTextDocument((document) => void remember(document)),
    // Reloaded from disk (VS Code does that for a clean file that changed there): the new baseline.
    workspace.onDidChangeTextDocument((event) => {
      if (!event.document.isDirty && event.contentChanges.length > 0) void remember(event.document);
    }),
    workspace.onDidSaveTextDocument((document) => void remember(document)),
    workspace.onWillSaveTextDocument((event) => {
      if (event.reason !== TextDocumentSaveReason.Manual || !isLocalGaiConf(event.document)) return;
      void offerSaveAsRoot(event.document);
    }),
    lensesChanged,
  );
  for (const document of workspace.textDocuments) void remember(document);
}

/**
 * The file now holds the buffer: revert the editor to it, so that it is clean without a save
 * (which would fail) and without a "file changed on disk" dialog. Only when nothing was typed
 * meanwhile; else the newer edits stay, dirty.
 */
async function makeClean(document: TextDocument, written: string): Promise<void> {
  if (!document.isDirty || document.getText() !== written) return;
  await window.showTextDocument(document, { preview: false, preserveFocus: false });
  if (window.activeTextEditor?.document !== document || document.getText() !== written) return;
  await commands.executeCommand('workbench.action.files.revert');
}
