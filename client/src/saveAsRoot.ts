/**
 * "gai.conf: Save as Root…": for a gai.conf the extension host's user cannot write (the usual
 * /etc/gai.conf over Remote-SSH as an ordinary user with sudo). Says so in a CodeLens before the
 * user tries, and when a manual save is about to fail; writes the buffer through sudo (rootWrite.ts)
 * after the checks a root write deserves; then leaves the editor clean.
 */

import { readFile } from 'fs/promises';
import { userInfo } from 'os';
import {
  CancellationToken,
  CodeLens,
  CodeLensProvider,
  EventEmitter,
  ExtensionContext,
  TextDocument,
  TextDocumentContentProvider,
  TextDocumentSaveReason,
  Uri,
  commands,
  languages,
  window,
  workspace,
} from 'vscode';
import type { SaveCheckResult } from '../../server/src/lsp/protocol';
import { savedFileText } from './savedFile';
import { RootWriteOutcome, Writability, writabilityOf, writeAsRoot, writeBackup } from './rootWrite';

export const SAVE_AS_ROOT_COMMAND = 'gaiconf.saveAsRoot';
const DISK_SCHEME = 'gaiconf-disk';
const UTF8_BOM = Uint8Array.of(0xef, 0xbb, 0xbf);

export interface SaveAsRootHooks {
  /** The language server's word on writing `text` over the document's file. */
  check(document: TextDocument, text: string): Promise<SaveCheckResult>;
  /** Opens "Explain Address Order" for the document. */
  explain(document: TextDocument): void;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

function startsWithBom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && sameBytes(bytes.subarray(0, 3), UTF8_BOM);
}

/** The bytes VS Code would save: the buffer as UTF-8, with the BOM kept when the file had one. */
export function bytesToSave(text: string, onDisk: Uint8Array | undefined): Uint8Array {
  const body = new TextEncoder().encode(text);
  return onDisk && startsWithBom(onDisk) ? Buffer.concat([UTF8_BOM, body]) : body;
}

const FAILURES: Readonly<Record<Exclude<RootWriteOutcome['kind'], 'written' | 'password-required' | 'wrong-password'>, (file: string, detail: string) => string>> = {
  'sudo-missing': (file) => `Cannot save ${file} as root: sudo is not installed on this machine (the one the extension runs on).`,
  'not-allowed': (file, detail) => `Cannot save ${file} as root: sudo does not allow ${userInfo().username} to run the write (${detail}). An administrator can allow it in /etc/sudoers.d/.`,
  'read-only-file-system': (file) => `Cannot save ${file}: it is on a read-only file system; not even root can write it here.`,
  missing: (file) => `Cannot save ${file} as root: the file no longer exists. Save as Root only writes over an existing file.`,
  failed: (file, detail) => `Saving ${file} as root failed: ${detail}.`,
};

export function registerSaveAsRoot(context: ExtensionContext, hooks: SaveAsRootHooks): void {
  /** Each open file's bytes on disk as the editor last loaded or wrote them. */
  const loaded = new Map<string, Uint8Array>();
  const lensesChanged = new EventEmitter<void>();

  const isLocalGaiConf = (document: TextDocument) => document.languageId === 'gaiconf' && document.uri.scheme === 'file';

  async function remember(document: TextDocument): Promise<void> {
    if (!isLocalGaiConf(document)) return;
    const bytes = await readFile(document.uri.fsPath).catch(() => undefined);
    if (bytes) loaded.set(document.uri.toString(), bytes);
  }

  const lensProvider: CodeLensProvider = {
    onDidChangeCodeLenses: lensesChanged.event,
    async provideCodeLenses(document: TextDocument, _token: CancellationToken): Promise<CodeLens[]> {
      if (!isLocalGaiConf(document)) return [];
      const top = document.lineAt(0).range;
      const writability = await writabilityOf(document.uri.fsPath);
      if (writability === 'needs-root') {
        return [new CodeLens(top, { title: 'read-only for you: Save as Root…', command: SAVE_AS_ROOT_COMMAND, arguments: [document.uri], tooltip: `${userInfo().username} cannot write this file; write it through sudo` })];
      }
      if (writability === 'read-only-file-system') return [new CodeLens(top, { title: 'read-only file system: cannot be saved here', command: '' })];
      return [];
    },
  };

  const diskContent: TextDocumentContentProvider = {
    async provideTextDocumentContent(uri: Uri): Promise<string> {
      return savedFileText(await readFile(uri.path));
    },
  };

  async function compareWithDisk(document: TextDocument): Promise<void> {
    const onDisk = Uri.from({ scheme: DISK_SCHEME, path: document.uri.fsPath, query: String(Date.now()) });
    await commands.executeCommand('vscode.diff', onDisk, document.uri, `${document.uri.fsPath}: on disk now ↔ your edits`);
  }

  /** Asks for the password until sudo takes it or the user gives up; the password goes to sudo only. */
  async function writeWithPassword(file: string, bytes: Uint8Array): Promise<RootWriteOutcome | undefined> {
    let prompt = `Password of ${userInfo().username} for sudo, to write ${file} as root`;
    for (;;) {
      const password = await window.showInputBox({ title: 'gai.conf: Save as Root', prompt, password: true, ignoreFocusOut: true });
      if (password === undefined) return undefined;
      const outcome = await writeAsRoot(file, bytes, password);
      if (outcome.kind !== 'wrong-password') return outcome;
      prompt = `Wrong password for ${userInfo().username}: try again (Escape to cancel)`;
    }
  }

  async function saveAsRoot(uriArgument?: unknown): Promise<boolean> {
    try {
      return await checkAndWrite(uriArgument);
    } catch (error) {
      void window.showErrorMessage(`gai.conf: Save as Root: ${(error as Error).message}`);
      return false;
    }
  }

  async function checkAndWrite(uriArgument: unknown): Promise<boolean> {
    const uri = uriArgument instanceof Uri ? uriArgument.toString() : typeof uriArgument === 'string' ? uriArgument : undefined;
    const document = uri ? workspace.textDocuments.find((d) => d.uri.toString() === uri) : window.activeTextEditor?.document;
    if (!document || document.uri.scheme !== 'file') {
      void window.showWarningMessage('Save as Root writes a file on the machine where the extension runs: open that file first.');
      return false;
    }
    const file = document.uri.fsPath;
    const writability: Writability = await writabilityOf(file);
    if (writability === 'read-only-file-system' || writability === 'missing') {
      void window.showErrorMessage(FAILURES[writability](file, ''));
      return false;
    }
    const text = document.getText();
    const { crash, live } = await hooks.check(document, text);
    if (crash) {
      const answer = await window.showWarningMessage(
        `Line ${crash.line} would crash every program's getaddrinfo() on this machine's glibc: ${crash.message} Save it as root anyway?`,
        { modal: true }, 'Save Anyway');
      if (answer !== 'Save Anyway') return false;
    }
    const onDisk = await readFile(file).catch(() => undefined);
    const remembered = loaded.get(document.uri.toString());
    if (onDisk && remembered && !sameBytes(onDisk, remembered)) {
      const answer = await window.showWarningMessage(`${file} changed on disk since it was opened here. Saving now replaces those changes.`, { modal: true }, 'Compare', 'Overwrite');
      if (answer === 'Compare') await compareWithDisk(document);
      if (answer !== 'Overwrite') return false;
    }
    if (writability === 'writable') return document.save(); // no root needed: an ordinary save
    const bytes = bytesToSave(text, onDisk);
    let backup: string | undefined;
    let outcome: RootWriteOutcome | undefined = { kind: 'written' };
    if (!onDisk || !sameBytes(onDisk, bytes)) { // else nothing to write: only make the editor clean
      if (onDisk) backup = await writeBackup(file, onDisk);
      outcome = await writeAsRoot(file, bytes);
      if (outcome.kind === 'password-required') outcome = await writeWithPassword(file, bytes);
    }
    if (!outcome) return false;
    if (outcome.kind !== 'written') {
      void window.showErrorMessage(FAILURES[outcome.kind as keyof typeof FAILURES](file, 'detail' in outcome ? outcome.detail : ''));
      return false;
    }
    loaded.set(document.uri.toString(), bytes);
    await makeClean(document, text);
    lensesChanged.fire();
    const kept = backup ? ` The previous version is in ${backup}.` : '';
    if (live) {
      const answer = await window.showInformationMessage(`Saved ${file} as root. Programs already running keep the tables they read (glibc reads the file once per process unless "reload yes"); new ones use the new file.${kept}`, 'Explain Address Order');
      if (answer === 'Explain Address Order') hooks.explain(document);
    } else {
      void window.showInformationMessage(`Saved ${file} as root.${kept}`);
    }
    return true;
  }

  context.subscriptions.push(
    languages.registerCodeLensProvider({ language: 'gaiconf', scheme: 'file' }, lensProvider),
    workspace.registerTextDocumentContentProvider(DISK_SCHEME, diskContent),
    commands.registerCommand(SAVE_AS_ROOT_COMMAND, saveAsRoot),
    workspace.onDidOpenTextDocument((document) => void remember(document)),
    // Reloaded from disk (VS Code does that for a clean file that changed there): the new baseline.
    workspace.onDidChangeTextDocument((event) => { if (!event.document.isDirty && event.contentChanges.length > 0) void remember(event.document); }),
    workspace.onDidSaveTextDocument((document) => void remember(document)),
    workspace.onWillSaveTextDocument((event) => {
      if (event.reason !== TextDocumentSaveReason.Manual || !isLocalGaiConf(event.document)) return;
      void writabilityOf(event.document.uri.fsPath).then(async (writability) => {
        if (writability !== 'needs-root') return;
        const answer = await window.showWarningMessage(`${userInfo().username} cannot write ${event.document.uri.fsPath}, so this save fails. Save it through sudo instead?`, 'Save as Root…');
        if (answer) await saveAsRoot(event.document.uri);
      });
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
