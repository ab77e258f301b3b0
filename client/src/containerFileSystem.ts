/**
 * A container's /etc/gai.conf as a file of the editor: gai-conf-container:/RUNTIME/NAME/etc/gai.conf.
 * The language server reads and writes it (through LXD's API, or /proc/PID/root as root, never
 * following a path out of the container) and analyses the document for that container; a
 * container found only by a scan as root is saved through sudo, as Save as Root saves. Each file
 * remembers the text it was read with, so that a save over a file changed in the container
 * meanwhile is refused instead of losing that change.
 */

import {
  Disposable,
  EventEmitter,
  ExtensionContext,
  FileChangeEvent,
  FileChangeType,
  FileStat,
  FileSystemError,
  FileSystemProvider,
  FileType,
  Uri,
  window,
  workspace,
} from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

import type { ContainerFileResult, WriteContainerFileResult } from '../../server/src/lsp/protocol';
import { writeIntoAsRoot } from './containerSudo';
import { CONTAINER_SCHEME, ReadContainerFileRequest, WriteContainerFileRequest } from './protocol';
import { writeBackup } from './rootWrite';

interface Known {
  /** The text as last read or written; null when the container has no file. */
  readonly text: string | null;
  readonly hostPath: string;
  readonly mtime: number;
}

export class ContainerFileSystem implements FileSystemProvider {
  private readonly changed = new EventEmitter<FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  private readonly known = new Map<string, Known>();

  constructor(
    private readonly client: LanguageClient,
    private readonly server: string,
  ) {}

  /** Reads the container's file again through the server. */
  async fetch(uri: Uri): Promise<ContainerFileResult> {
    const result = await this.client.sendRequest(ReadContainerFileRequest, { uri: uri.toString() });
    const before = this.known.get(uri.toString());
    this.known.set(uri.toString(), {
      text: result.text,
      hostPath: result.gaiConf.hostPath,
      mtime: before && before.text === result.text ? before.mtime : Date.now(),
    });
    return result;
  }

  watch(): Disposable {
    return new Disposable(() => {});
  }

  async stat(uri: Uri): Promise<FileStat> {
    const known = this.known.get(uri.toString()) ?? (await this.fetch(uri), this.known.get(uri.toString())!);
    if (known.text === null) throw FileSystemError.FileNotFound(uri);
    return { type: FileType.File, ctime: known.mtime, mtime: known.mtime, size: Buffer.byteLength(known.text) };
  }

  async readFile(uri: Uri): Promise<Uint8Array> {
    const result = await this.fetch(uri);
    if (result.gaiConf.state === 'refused' || result.gaiConf.state === 'unreadable')
      throw FileSystemError.NoPermissions(`${result.gaiConf.hostPath}: ${result.gaiConf.reason}`);
    if (result.text === null) throw FileSystemError.FileNotFound(uri);
    return Buffer.from(result.text, 'utf8');
  }

  /** Saves `text` into the container (creating the file where it had none); the outcome, after sudo when it needs root. */
  async save(uri: Uri, text: string): Promise<WriteContainerFileResult | undefined> {
    const key = uri.toString();
    const known = this.known.get(key) ?? (await this.fetch(uri), this.known.get(key)!);
    let outcome: WriteContainerFileResult | undefined = await this.client.sendRequest(WriteContainerFileRequest, {
      uri: key,
      text,
      expected: known.text,
    });
    if (outcome.kind === 'needs-root') {
      const backup = known.text === null ? null : await writeBackup(known.hostPath, Buffer.from(known.text, 'utf8'));
      outcome = await writeIntoAsRoot(this.server, outcome.id, text, known.text);
      if (outcome?.kind === 'written') outcome = { ...outcome, backup };
    }
    if (outcome?.kind === 'written') {
      const created = known.text === null;
      this.known.set(key, { text, hostPath: outcome.gaiConf.hostPath, mtime: Date.now() });
      this.changed.fire([{ type: created ? FileChangeType.Created : FileChangeType.Changed, uri }]);
    }
    return outcome;
  }

  async writeFile(uri: Uri, content: Uint8Array): Promise<void> {
    const outcome = await this.save(uri, new TextDecoder('utf-8', { ignoreBOM: true }).decode(content));
    if (!outcome) throw FileSystemError.Unavailable('not saved: the password for sudo was not given');
    switch (outcome.kind) {
      case 'written':
        window.setStatusBarMessage(
          `Saved into ${outcome.gaiConf.hostPath}${outcome.backup ? `; the previous version is in ${outcome.backup}` : ''}`,
          10_000,
        );
        return;
      case 'changed':
        throw FileSystemError.Unavailable(
          `not saved: the container's file changed since it was opened (it now ${outcome.current === null ? 'is gone' : 'holds other text'}); reopen it and edit again`,
        );
      case 'needs-root':
        throw FileSystemError.NoPermissions('not saved: it needs root');
      case 'refused':
        throw FileSystemError.NoPermissions(`not saved: ${outcome.message}`);
    }
  }

  readDirectory(): [string, FileType][] {
    return [];
  }

  createDirectory(uri: Uri): void {
    throw FileSystemError.NoPermissions(uri);
  }

  delete(uri: Uri): void {
    throw FileSystemError.NoPermissions(uri);
  }

  rename(uri: Uri): void {
    throw FileSystemError.NoPermissions(uri);
  }
}

export function registerContainerFileSystem(context: ExtensionContext, client: LanguageClient): ContainerFileSystem {
  const fileSystem = new ContainerFileSystem(client, context.asAbsolutePath('dist/server.js'));
  context.subscriptions.push(
    workspace.registerFileSystemProvider(CONTAINER_SCHEME, fileSystem, { isCaseSensitive: true }),
  );
  return fileSystem;
}
