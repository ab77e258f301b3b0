/**
 * "Show the documentation of a diagnostic code": the README that ships inside the extension,
 * rendered by VS Code's own Markdown preview and scrolled to the code's heading. Diagnostic links
 * are `command:` URIs to this command, so they open where the extension host runs (the remote
 * under Remote-SSH, the server under code-server) instead of a `file:` URL the browser or laptop
 * cannot open, or one that shows raw Markdown at line 1.
 *
 * The preview shows a copy in the extension's storage, named gai-conf-documentation.md, with its
 * images beside it: VS Code checks any README.md next to an extension's package.json as the
 * packaged readme, and reports each relative image in it ("Relative image URLs require a
 * repository with HTTPS protocol...") in the Problems panel, where such entries pile up.
 */

import { existsSync } from 'fs';
import { commands, ExtensionContext, Position, Range, Uri, window, workspace } from 'vscode';

import { CLIENT_COMMANDS } from './protocol';

const COPY_NAME = 'gai-conf-documentation.md';
/** The folder of the README's images, relative to it (and to the copy). */
const IMAGES = ['docs', 'images'];

/** The fragment VS Code's Markdown preview gives a heading: lowercase, spaces as dashes, no punctuation. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(/[\][!/'"#$%&()*+,.:;<=>?@\\^{|}~`]/g, '');
}

export function registerDocumentation(context: ExtensionContext): void {
  // vsce packages README.md as readme.md.
  const readme = ['README.md', 'readme.md']
    .map((name) => Uri.joinPath(context.extensionUri, name))
    .find((uri) => existsSync(uri.fsPath));
  let copied: Promise<Uri> | undefined;

  /** The README and its images copied into the extension's storage, once per activation (a new version may have changed them). */
  async function copyOf(source: Uri): Promise<Uri> {
    const folder = Uri.joinPath(context.globalStorageUri, 'documentation');
    const copy = Uri.joinPath(folder, COPY_NAME);
    await workspace.fs.createDirectory(Uri.joinPath(folder, ...IMAGES));
    await workspace.fs.writeFile(copy, await workspace.fs.readFile(source));
    const images = Uri.joinPath(context.extensionUri, ...IMAGES);
    const entries = existsSync(images.fsPath) ? await workspace.fs.readDirectory(images) : [];
    for (const [name] of entries)
      await workspace.fs.copy(Uri.joinPath(images, name), Uri.joinPath(folder, ...IMAGES, name), { overwrite: true });
    return copy;
  }

  async function showDocumentation(code?: unknown): Promise<void> {
    if (!readme) {
      void window.showErrorMessage('gai.conf: the README is missing from the extension folder.');
      return;
    }
    const fragment = typeof code === 'string' && /^[a-z0-9-]+$/.test(code) ? headingSlug(code) : '';
    let document: Uri;
    try {
      document = await (copied ??= copyOf(readme));
    } catch (error) {
      copied = undefined;
      void window.showErrorMessage(`gai.conf: could not prepare the documentation (${(error as Error).message}).`);
      return;
    }
    try {
      await commands.executeCommand('markdown.showPreview', document.with({ fragment }));
    } catch {
      // The built-in Markdown extension is disabled: the source, at the heading.
      const lines = new TextDecoder().decode(await workspace.fs.readFile(document)).split('\n');
      const line = Math.max(
        0,
        lines.findIndex((l) => /^#+\s/.test(l) && headingSlug(l.replace(/^#+\s+/, '')) === fragment),
      );
      await window.showTextDocument(document, {
        selection: new Range(new Position(line, 0), new Position(line, 0)),
        preview: true,
      });
    }
  }

  context.subscriptions.push(commands.registerCommand(CLIENT_COMMANDS.documentation, showDocumentation));
}
