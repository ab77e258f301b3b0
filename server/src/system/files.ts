/** Reading a gai.conf from disk, and naming documents by their paths. */

import { closeSync, openSync, readSync } from 'fs';
import { basename } from 'path';
import { fileURLToPath } from 'url';

import { LARGEST_FILE_BYTES, LARGEST_FILE_TEXT } from '../analysis/limits';
import { isLiveGaiConf } from './liveFile';

export class FileReadError extends Error {}

/** The file's text with every byte as glibc sees it: a byte order mark is kept, not dropped. */
export function readGaiConfFile(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readBounded(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a directory'
            : (error as Error).message;
    throw new FileReadError(`cannot read ${path}: ${why}`);
  }
  if (bytes.length > LARGEST_FILE_BYTES) {
    throw new FileReadError(
      `cannot read ${path}: it is larger than ${LARGEST_FILE_TEXT}, far beyond any real gai.conf, so gai-conf does not read it`,
    );
  }
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
}

/**
 * The file's bytes, at most one more than the limit: a device such as /dev/zero or a growing
 * file has no size to trust, so the reading itself stops.
 */
function readBounded(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, LARGEST_FILE_BYTES + 1 - total));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > LARGEST_FILE_BYTES) break;
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
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
