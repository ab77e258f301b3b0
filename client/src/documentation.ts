/**
 * "Show the documentation of a diagnostic code": the README that ships inside the extension,
 * rendered by VS Code's own Markdown preview and scrolled to the code's heading. Diagnostic links
 * are `command:` URIs to this command, so they open where the extension host runs (the remote
 * under Remote-SSH, the server under code-server) instead of a `file:` URL the browser or laptop
 * cannot open, or one that shows raw Markdown at line 1.
 */

import { existsSync } from 'fs';
import { readFile } from 'fs/promises';
import { ExtensionContext, Position, Range, Uri, commands, window } from 'vscode';
import { CLIENT_COMMANDS } from './protocol';


/** The fragment VS Code's Markdown preview gives a heading: lowercase, spaces as dashes, no punctuation. */
export function headingSlug(heading: string): string {
  return heading.trim().toLowerCase().replace(/\s+/g, '-').replace(/[\]\[!/'"#$%&()*+,.:;<=>?@\\^{|}~`]/g, '');
}

export function registerDocumentation(context: ExtensionContext): void {
  // vsce packages README.md as readme.md.
  const readme = ['README.md', 'readme.md'].map((name) => Uri.joinPath(context.extensionUri, name)).find((uri) => existsSync(uri.fsPath));

  async function showDocumentation(code?: unknown): Promise<void> {
    if (!readme) {
      void window.showErrorMessage('gai.conf: the README is missing from the extension folder.');
      return;
    }
    const fragment = typeof code === 'string' && /^[a-z0-9-]+$/.test(code) ? headingSlug(code) : '';
    try {
      await commands.executeCommand('markdown.showPreview', readme.with({ fragment }));
    } catch {
      // The built-in Markdown extension is disabled: the source, at the heading.
      const lines = (await readFile(readme.fsPath, 'utf8')).split('\n');
      const line = Math.max(0, lines.findIndex((l) => /^#+\s/.test(l) && headingSlug(l.replace(/^#+\s+/, '')) === fragment));
      await window.showTextDocument(readme, { selection: new Range(new Position(line, 0), new Position(line, 0)), preview: true });
    }
  }

  context.subscriptions.push(commands.registerCommand(CLIENT_COMMANDS.documentation, showDocumentation));
}
