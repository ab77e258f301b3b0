/**
 * Reading and writing a file inside a container from the host, without ever following a path out
 * of it. The kernel resolves /proc/PID/root/etc/gai.conf with the host's root: an absolute
 * symlink inside the container (its /etc/gai.conf pointing at /etc/shadow, or its /etc at /)
 * would reach the host's files, as `docker cp` did (CVE-2018-15664, CVE-2019-14271). So the host
 * walks the path itself, one component at a time, resolving every symlink against the
 * container's root (a `..` at the root stays at the root), then opens the result with O_NOFOLLOW
 * and checks that the open file is the inode the walk found (fstat dev/ino, and the path
 * /proc/self/fd/N names) before reading, and again around a write. Nothing in the container is run.
 */

import {
  closeSync,
  constants,
  fchownSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  lstatSync,
  mkdirSync,
  openSync,
  readlinkSync,
  readSync,
  Stats,
  writeFileSync,
  writeSync,
} from 'fs';
import { homedir } from 'os';
import { join } from 'path';

/** Linux's limit on symlinks in one path walk (MAXSYMLINKS). */
const MAX_SYMLINKS = 40;
/** No gai.conf is this long; a bigger "file" is not one to load into an editor. */
const MAX_FILE_BYTES = 1 << 20;

/** A refusal: the path leads out of the container, is not a regular file, or changed under us. */
export class ContainerPathRefused extends Error {}

export interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
}

export interface ResolvedPath {
  /** The path inside the container after every symlink, e.g. /etc/gai.conf or /etc/static/gai.conf. */
  readonly inside: string;
  /** Where the host opens it: ROOT + inside, every component of which is no symlink. */
  readonly hostPath: string;
  /** The symlinks the walk went through, as "/etc/gai.conf -> /etc/shadow". */
  readonly symlinks: readonly string[];
  /** The final component's lstat; undefined when it does not exist (its parent does). */
  readonly stat?: Stats;
}

function identity(stat: Stats): FileIdentity {
  return { dev: stat.dev, ino: stat.ino, uid: stat.uid, gid: stat.gid, mode: stat.mode & 0o7777 };
}

function sameInode(a: { dev: number; ino: number }, b: { dev: number; ino: number }): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') throw new ContainerPathRefused(`${path}: a component of the path is not a directory`);
    throw error;
  }
}

/**
 * Resolves `path` inside the container whose root the host reaches at `root` (/proc/PID/root),
 * as the container's own programs would: symlinks against the container's root, `..` never above
 * it. Returns undefined when a directory on the way does not exist.
 */
export function resolveInContainer(root: string, path: string): ResolvedPath | undefined {
  const pending = path.split('/');
  const resolved: string[] = [];
  const symlinks: string[] = [];
  let finalStat: Stats | undefined;
  while (pending.length > 0) {
    const component = pending.shift()!;
    if (component === '' || component === '.') continue;
    if (component === '..') {
      resolved.pop(); // at the root, `..` is the root
      continue;
    }
    const inside = `/${[...resolved, component].join('/')}`;
    const stat = lstatOrUndefined(root + inside);
    const last = pending.every((c) => c === '' || c === '.');
    if (stat === undefined) {
      if (!last) return undefined;
      resolved.push(component);
      finalStat = undefined;
      break;
    }
    if (stat.isSymbolicLink()) {
      if (symlinks.length >= MAX_SYMLINKS)
        throw new ContainerPathRefused(`${path}: too many symbolic links inside the container`);
      const target = readlinkSync(root + inside);
      symlinks.push(`${inside} -> ${target}`);
      if (target.startsWith('/')) resolved.length = 0; // absolute: the container's root, not the host's
      pending.unshift(...target.split('/'));
      continue;
    }
    if (!last && !stat.isDirectory()) throw new ContainerPathRefused(`${inside} in the container is not a directory`);
    resolved.push(component);
    finalStat = stat;
  }
  const inside = `/${resolved.join('/')}`;
  return { inside, hostPath: root + inside, symlinks, stat: finalStat };
}

/** The path the kernel names for an open descriptor must be the one the walk found. */
function checkDescriptorPath(fd: number, root: string, inside: string): void {
  let link: string;
  try {
    link = readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return; // no /proc/self: the dev/ino check stands alone
  }
  let rootLink = '/';
  try {
    rootLink = readlinkSync(root);
  } catch {
    // root is a plain directory (a test fixture or an image's rootfs), not /proc/PID/root
  }
  const expected = (rootLink === '/' ? '' : rootLink.replace(/\/$/, '')) + inside;
  // In another mount namespace the kernel names the file by its path there, which ends the same way.
  if (link !== expected && !link.endsWith(inside))
    throw new ContainerPathRefused(`${inside}: the file opened is ${link}, not the one inside the container`);
}

/** Opens the walked path with O_NOFOLLOW and checks the descriptor is the inode the walk found. */
function openChecked(root: string, resolved: ResolvedPath, flags: number): { fd: number; stat: Stats } {
  const expected = resolved.stat!;
  let fd: number;
  try {
    fd = openSync(resolved.hostPath, flags | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP')
      throw new ContainerPathRefused(`${resolved.inside} became a symbolic link while it was being opened`);
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    if (!sameInode(stat, expected))
      throw new ContainerPathRefused(`${resolved.inside} was replaced while it was being opened`);
    if (!stat.isFile()) throw new ContainerPathRefused(`${resolved.inside} in the container is not a regular file`);
    checkDescriptorPath(fd, root, resolved.inside);
    return { fd, stat };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function readDescriptor(fd: number, size: number, maxBytes = MAX_FILE_BYTES): Buffer {
  if (size > maxBytes) throw new ContainerPathRefused(`the file is ${size} bytes long, more than ${maxBytes}`);
  const buffer = Buffer.alloc(size);
  let filled = 0;
  while (filled < size) {
    const n = readSync(fd, buffer, filled, size - filled, filled);
    if (n === 0) break;
    filled += n;
  }
  return buffer.subarray(0, filled);
}

export type ContainerFileRead =
  | { readonly kind: 'file'; readonly bytes: Buffer; readonly identity: FileIdentity; readonly resolved: ResolvedPath }
  | { readonly kind: 'absent'; readonly resolved?: ResolvedPath };

/**
 * Reads a file inside the container. Symlinks are followed as the container's programs follow
 * them, inside the container; anything but a regular file, or a file swapped while it was
 * opened, is refused with ContainerPathRefused.
 */
export function readContainerFile(root: string, path: string, maxBytes = MAX_FILE_BYTES): ContainerFileRead {
  const resolved = resolveInContainer(root, path);
  if (!resolved || !resolved.stat) return { kind: 'absent', ...(resolved ? { resolved } : {}) };
  if (!resolved.stat.isFile())
    throw new ContainerPathRefused(`${resolved.inside} in the container is not a regular file`);
  const { fd, stat } = openChecked(root, resolved, constants.O_RDONLY);
  try {
    return { kind: 'file', bytes: readDescriptor(fd, stat.size, maxBytes), identity: identity(stat), resolved };
  } finally {
    closeSync(fd);
  }
}

export interface ContainerWriteOptions {
  /** The file as it was read: the write is refused when the path now names another inode. */
  readonly expected?: FileIdentity;
  /** The bytes as they were read: the write is refused when the opened file holds anything else. */
  readonly expectedBytes?: Uint8Array;
  /** Where the previous content goes; undefined for no backup. */
  readonly backupFolder?: string;
  /** Names the backup, e.g. "lxd:c1/etc/gai.conf". */
  readonly backupName?: string;
}

export interface ContainerWriteResult {
  readonly resolved: ResolvedPath;
  readonly identity: FileIdentity;
  /** The backup of the previous content, or undefined when the file was created. */
  readonly backup?: string;
  readonly created: boolean;
}

function refuseSymlinks(path: string, resolved: ResolvedPath): void {
  if (resolved.symlinks.length > 0) {
    throw new ContainerPathRefused(
      `${path} in the container goes through a symbolic link (${resolved.symlinks.join(', ')}): gai-conf writes only a plain path into a container`,
    );
  }
}

/** Where backups go: $XDG_CACHE_HOME/gai-conf/backups, else ~/.cache/gai-conf/backups (as Save as Root keeps them). */
export function defaultBackupFolder(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'gai-conf', 'backups');
}

/** `<folder>/<name with / as %2F>.<UTC time>`, mode 0600, never over an existing one. */
export function writeBackupFile(folder: string, name: string, bytes: Uint8Array, now = new Date()): string {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  for (let n = 0; ; n++) {
    const path = join(folder, `${encodeURIComponent(name)}.${stamp}${n ? `-${n}` : ''}`);
    try {
      writeFileSync(path, bytes, { mode: 0o600, flag: 'wx' });
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, written);
}

/**
 * Writes `bytes` into the container's file in place: the same inode, owner, group (LXD's shifted
 * uid 100000 included) and mode. An existing file is opened without O_TRUNC or O_CREAT, checked,
 * written, truncated to the new length and synced, then checked again. A missing file is created
 * with O_EXCL, owned like its directory, mode 0644. A path through any symlink is refused.
 */
export function writeContainerFile(
  root: string,
  path: string,
  bytes: Uint8Array,
  options: ContainerWriteOptions = {},
): ContainerWriteResult {
  const resolved = resolveInContainer(root, path);
  if (!resolved) throw new ContainerPathRefused(`${path}: its directory does not exist in the container`);
  refuseSymlinks(path, resolved);
  if (!resolved.stat) return createContainerFile(root, path, resolved, bytes, options);
  if (!resolved.stat.isFile())
    throw new ContainerPathRefused(`${resolved.inside} in the container is not a regular file`);
  if (options.expected && !sameInode(resolved.stat, options.expected))
    throw new ContainerPathRefused(`${resolved.inside} was replaced since it was read`);
  const { fd, stat } = openChecked(root, resolved, constants.O_RDWR);
  let backup: string | undefined;
  try {
    const before = identity(stat);
    // Read from the descriptor written next, so the bytes checked and kept are those overwritten.
    const previous = options.backupFolder || options.expectedBytes ? readDescriptor(fd, stat.size) : undefined;
    if (options.expectedBytes && !Buffer.from(options.expectedBytes).equals(previous!))
      throw new ContainerPathRefused(`${resolved.inside} changed in the container since it was read`);
    if (options.backupFolder)
      backup = writeBackupFile(options.backupFolder, options.backupName ?? resolved.hostPath, previous!);
    writeAll(fd, bytes);
    ftruncateSync(fd, bytes.length);
    fsyncSync(fd);
    const after = identity(fstatSync(fd));
    const changed = (Object.keys(before) as (keyof FileIdentity)[]).filter((key) => before[key] !== after[key]);
    if (changed.length > 0)
      throw new ContainerPathRefused(`${resolved.inside}: its ${changed.join(', ')} changed during the write`);
    const again = resolveInContainer(root, path);
    if (!again?.stat || again.symlinks.length > 0 || !sameInode(again.stat, stat)) {
      throw new ContainerPathRefused(
        `${resolved.inside} was replaced during the write: the bytes went to the container's original file, not to what the path names now`,
      );
    }
    return { resolved, identity: after, ...(backup ? { backup } : {}), created: false };
  } finally {
    closeSync(fd);
  }
}

function createContainerFile(
  root: string,
  path: string,
  resolved: ResolvedPath,
  bytes: Uint8Array,
  options: ContainerWriteOptions,
): ContainerWriteResult {
  if (options.expected)
    throw new ContainerPathRefused(`${resolved.inside} was removed from the container since it was read`);
  const parentInside = resolved.inside.slice(0, resolved.inside.lastIndexOf('/')) || '/';
  const parent = lstatSync(root + (parentInside === '/' ? '' : parentInside) + '/');
  let fd: number;
  try {
    fd = openSync(
      resolved.hostPath,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o644,
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new ContainerPathRefused(`${resolved.inside} appeared in the container while it was being created`);
    throw error;
  }
  try {
    checkDescriptorPath(fd, root, resolved.inside);
    fchownSync(fd, parent.uid, parent.gid);
    writeAll(fd, bytes);
    fsyncSync(fd);
    const stat = fstatSync(fd);
    const again = resolveInContainer(root, path);
    if (!again?.stat || again.symlinks.length > 0 || !sameInode(again.stat, stat))
      throw new ContainerPathRefused(`${resolved.inside} was replaced while it was being created`);
    return { resolved: again, identity: identity(stat), created: true };
  } finally {
    closeSync(fd);
  }
}
