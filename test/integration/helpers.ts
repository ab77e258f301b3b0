/**
 * Helpers for the integration suite, which runs inside a real VS Code extension host (code-server's
 * remote one, or desktop VS Code) with the real `vscode` API. Nothing here sleeps for a fixed time:
 * waits are on VS Code's events, with a timeout that reports what was seen instead.
 */

import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'gai-conf.gai-conf';
export const WAIT_MS = 20_000;

let counter = 0;

/** The folder VS Code has open; the runners always open one. */
export function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration tests need a workspace folder (the runners open a temporary one)');
  return folder.uri;
}

/** Writes `text` to `<workspace>/<fresh directory>/<relativePath>` and returns its URI. */
export async function writeWorkspaceFile(relativePath: string, text: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(workspaceFolder(), `case-${process.pid}-${++counter}`, ...relativePath.split('/'));
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  return uri;
}

/** Opens the file in an editor, as a user would. */
export async function open(uri: vscode.Uri): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: false });
  return document;
}

export function codeOf(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  return typeof code === 'object' && code !== null ? String(code.value) : String(code);
}

export function only(diagnostics: readonly vscode.Diagnostic[], code: string): vscode.Diagnostic[] {
  return diagnostics.filter((d) => codeOf(d) === code);
}

export function show(diagnostics: readonly vscode.Diagnostic[]): string {
  return JSON.stringify(
    diagnostics.map((d) => ({
      code: codeOf(d),
      severity: vscode.DiagnosticSeverity[d.severity],
      range: `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`,
      message: d.message.length > 120 ? `${d.message.slice(0, 120)}…` : d.message,
    })),
    null,
    1,
  );
}

/**
 * Resolves with the diagnostics of `uri` as soon as `predicate` holds for them (now, or after a
 * change VS Code announces), or rejects after `timeoutMs` naming `what` and the last diagnostics.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  what: string,
  predicate: (diagnostics: readonly vscode.Diagnostic[]) => boolean,
  timeoutMs = WAIT_MS,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const key = uri.toString();
    let done = false;
    const finish = (error: Error | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      subscription.dispose();
      if (error) reject(error);
      else resolve(vscode.languages.getDiagnostics(uri));
    };
    const check = (): void => {
      try {
        if (predicate(vscode.languages.getDiagnostics(uri))) finish(undefined);
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
      }
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((u) => u.toString() === key)) check();
    });
    const timer = setTimeout(() => {
      finish(
        new Error(
          `timed out after ${timeoutMs} ms waiting for ${what} on ${uri.fsPath}; diagnostics now: ${show(vscode.languages.getDiagnostics(uri))}`,
        ),
      );
    }, timeoutMs);
    check();
  });
}

/** Resolves when a configuration change affecting `section` has been announced to this host. */
export function configurationChanged(section: string, timeoutMs = WAIT_MS): { done: Promise<void>; dispose(): void } {
  let subscription: vscode.Disposable | undefined;
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve, reject) => {
    subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(section)) {
        clearTimeout(timer);
        subscription?.dispose();
        resolve();
      }
    });
    timer = setTimeout(() => {
      subscription?.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for a change of ${section}`));
    }, timeoutMs);
  });
  return {
    done,
    dispose: () => {
      clearTimeout(timer);
      subscription?.dispose();
    },
  };
}

/** Updates a `gaiconf` setting in the workspace settings and waits until this host has seen it. */
export async function setWorkspaceSetting(key: string, value: unknown): Promise<void> {
  const configuration = vscode.workspace.getConfiguration('gaiconf');
  const inspected = configuration.inspect(key);
  if (JSON.stringify(inspected?.workspaceValue) === JSON.stringify(value)) return;
  const changed = configurationChanged(`gaiconf.${key}`);
  try {
    await configuration.update(key, value, vscode.ConfigurationTarget.Workspace);
    await changed.done;
  } finally {
    changed.dispose();
  }
}

/** The line index of the first line matching `pattern`. */
export function lineMatching(document: vscode.TextDocument, pattern: RegExp): number {
  for (let line = 0; line < document.lineCount; line++) {
    if (pattern.test(document.lineAt(line).text)) return line;
  }
  assert.fail(`no line of ${document.uri.fsPath} matches ${pattern}`);
}

/** The range of `needle` on `line`. */
export function rangeOf(document: vscode.TextDocument, line: number, needle: string): vscode.Range {
  const character = document.lineAt(line).text.indexOf(needle);
  assert.ok(character >= 0, `"${needle}" is not on line ${line}: ${JSON.stringify(document.lineAt(line).text)}`);
  return new vscode.Range(line, character, line, character + needle.length);
}

export function describeRange(range: vscode.Range): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

/** Markdown or plain text of every hover part. */
export function hoverText(hovers: readonly vscode.Hover[]): string {
  return hovers
    .flatMap((hover) => hover.contents)
    .map((part) => (typeof part === 'string' ? part : part.value))
    .join('\n\n');
}

/** This machine's /etc/gai.conf if it is glibc's stock example (every line a comment), read now. */
export function stockGaiConf(): string | undefined {
  if (!fs.existsSync('/etc/gai.conf')) return undefined;
  const text = fs.readFileSync('/etc/gai.conf', 'utf8');
  const allComments = text.split(/\r\n|\r|\n/).every((l) => l.trim() === '' || l.trimStart().startsWith('#'));
  return allComments && /^#label fc00::\/7\s+6\s*$/m.test(text) ? text : undefined;
}

/** Debian's stock /etc/gai.conf: a failure without it, or a skip in a partial run (GAI_CONF_PARTIAL=1, as test/support/prerequisites.ts). */
export function requireStock(context: Mocha.Context): string {
  const stock = stockGaiConf();
  if (stock === undefined) {
    const why = fs.existsSync('/etc/gai.conf') ? 'is not the stock (all commented) glibc example' : 'does not exist';
    const missing = `missing: Debian's stock /etc/gai.conf on the extension host's machine, whose ${why}`;
    if (process.env.GAI_CONF_PARTIAL !== '1') throw new Error(missing);
    console.error(`partial run: ${missing}`);
    context.skip();
  }
  return stock!;
}

/** Opens a copy of the stock file and waits for its single ula-demoted warning. */
export async function openStockCopy(
  stock: string,
): Promise<{ document: vscode.TextDocument; ula: vscode.Diagnostic; line: number }> {
  const document = await open(await writeWorkspaceFile('etc/gai.conf', stock));
  const line = lineMatching(document, /^#label fc00::\/7\s+6/);
  const diagnostics = await waitForDiagnostics(
    document.uri,
    'the ula-demoted warning',
    (d) => only(d, 'ula-demoted').length > 0,
  );
  return { document, ula: only(diagnostics, 'ula-demoted')[0], line };
}
