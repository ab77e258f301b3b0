/** Which document a command means, what its file holds on disk, and treating a copy as gai.conf. */

import { commands, ExtensionContext, languages, TextDocument, Uri, window, workspace } from 'vscode';

import { savedFileText } from './savedFile';

export const LANGUAGE_ID = 'gaiconf';

/**
 * Languages of files that may write /etc/gai.conf (VS Code's ids, and the Ansible and Nix
 * extensions'): the server sends them diagnostics on the gai.conf they write, and nothing else.
 */
export const EMBEDDED_SOURCE_LANGUAGES = ['dockerfile', 'shellscript', 'yaml', 'ansible', 'nix'] as const;

/** The open document a command's argument (a uri, as a string or a Uri) names, else the active gai.conf editor's. */
export function gaiConfDocument(uriArgument: unknown): TextDocument | undefined {
  const uri =
    typeof uriArgument === 'string' ? uriArgument : uriArgument instanceof Uri ? uriArgument.toString() : undefined;
  if (uri) return workspace.textDocuments.find((d) => d.uri.toString() === uri);
  const active = window.activeTextEditor?.document;
  return active?.languageId === LANGUAGE_ID ? active : undefined;
}

/** The document's file as saved, as explain compares it with the buffer; null for a file never saved or unreadable. */
export async function savedTextOf(document: TextDocument): Promise<string | null> {
  if (document.isUntitled) return null;
  try {
    return savedFileText(await workspace.fs.readFile(document.uri));
  } catch {
    return null;
  }
}

/** For copies under other names (gai.conf.test, a backup): the same as picking gai.conf in the language mode picker. */
async function treatAsGaiConf(): Promise<void> {
  const document = window.activeTextEditor?.document;
  if (!document) {
    void window.showInformationMessage('Open the file to treat as gai.conf first.');
    return;
  }
  await languages.setTextDocumentLanguage(document, LANGUAGE_ID);
}

export function registerTreatAsGaiConf(context: ExtensionContext): void {
  context.subscriptions.push(commands.registerCommand('gaiconf.treatAsGaiConf', treatAsGaiConf));
}
