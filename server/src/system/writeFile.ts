/**
 * Writing a whole gai.conf from the command line so that no program ever reads half of it: the
 * text goes to a new file beside the target, is flushed to disk, takes the target's mode and
 * owner, and is renamed over it (a program starting a lookup meanwhile reads the old file or the
 * new one). A symbolic link is followed, so the file it names is replaced and the link stays.
 */

import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fsyncSync,
  openSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'fs';
import { basename, dirname, join } from 'path';

export class WriteError extends Error {}

function errnoText(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

export function writeFileAtomically(path: string, text: string): void {
  let target = path;
  let existing: { mode: number; uid: number; gid: number } | undefined;
  try {
    target = realpathSync(path);
    const stat = statSync(target);
    if (!stat.isFile()) throw new WriteError(`${path} is not a regular file`);
    existing = { mode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid };
  } catch (error) {
    if (error instanceof WriteError) throw error;
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new WriteError(`cannot read ${path}: ${errnoText(error)}`);
  }
  const temporary = join(dirname(target), `.${basename(target)}.gai-conf-${process.pid}`);
  let fd: number;
  try {
    fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (error) {
    throw new WriteError(
      `cannot write in ${dirname(target)}: ${errnoText(error)}${(error as NodeJS.ErrnoException).code === 'EACCES' ? " (run it with sudo for a file of root's)" : ''}`,
    );
  }
  try {
    writeSync(fd, text);
    fsyncSync(fd);
    fchmodSync(fd, existing?.mode ?? 0o644);
    if (existing && (process.getuid?.() === 0 || existing.uid === process.getuid?.())) {
      try {
        fchownSync(fd, existing.uid, existing.gid);
      } catch (error) {
        throw new WriteError(`cannot give the new ${path} the owner of the old one: ${errnoText(error)}`);
      }
    } else if (existing) {
      throw new WriteError(
        `${path} belongs to uid ${existing.uid}; writing it as uid ${process.getuid?.()} would change its owner (run it with sudo)`,
      );
    }
    closeSync(fd);
    renameSync(temporary, target);
    const directory = openSync(dirname(target), constants.O_RDONLY);
    try {
      fsyncSync(directory);
    } finally {
      closeSync(directory);
    }
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    try {
      unlinkSync(temporary);
    } catch {
      // already renamed or never made
    }
    throw error instanceof WriteError ? error : new WriteError(`cannot write ${path}: ${errnoText(error)}`);
  }
}
