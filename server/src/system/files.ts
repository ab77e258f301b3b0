/** Reading a gai.conf from disk, and naming documents by their paths. */

import { readFileSync } from 'fs';
import { basename } from 'path';
import { fileURLToPath } from 'url';
import { isLiveGaiConf } from './liveFile';

export class FileReadError extends Error {}

/** The file's text with every byte as glibc sees it: a byte order mark is kept, not dropped. */
export function readGaiConfFile(path: string): string {
  try {
    return new TextDecoder('utf-8', { ignoreBOM: true }).decode(readFileSync(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new FileReadError(`cannot read ${path}: ${why}`);
  }
}

/** Whether a document is the machine's live /etc/gai.conf. */
export function isLiveDocument(uri: string): boolean {
  try {
    return uri.startsWith('file:') && isLiveGaiConf(fileURLToPath(uri));
  } catch {
    return false; // not a local path (fileURLToPath refuses it)
  }
}

/** A document's path, or its name for documents that are not local files. */
export function documentName(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : basename(decodeURIComponent(new URL(uri).pathname));
  } catch {
    return uri;
  }
}
