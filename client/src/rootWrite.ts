/**
 * The one thing gai-conf ever runs as root: writing a file's new bytes in place through sudo, for
 * "Save as Root". No vscode here, so that a test can run it as an ordinary user with real sudo.
 *
 * Run as root, exactly:   sudo -n -- DD if=SOURCE of=TARGET bs=1M conv=nocreat,fsync oflag=nofollow status=none
 * or, with the password:  sudo -S -p '' -- DD if=SOURCE of=TARGET bs=1M conv=nocreat,fsync oflag=nofollow status=none
 * DD is /usr/bin/dd (or /bin/dd), SOURCE a file of the new bytes in a private temporary folder of
 * the user's, TARGET the edited file. dd opens TARGET for writing with O_TRUNC and never creates it
 * (nocreat), so the inode, owner, group and mode stay as they were; the bytes go in one write().
 * It never follows a symlink at TARGET (nofollow): in a folder other users can write, one of them
 * could swap the file for a link to /etc/shadow between the check and the write. The file is
 * checked again afterwards (same inode, still no symlink).
 */

import { spawn } from 'child_process';
import { constants, existsSync } from 'fs';
import { lstat, mkdir, mkdtemp, readFile, readlink, rm, writeFile } from 'fs/promises';
import { homedir, tmpdir } from 'os';
import { join } from 'path';

export const DD_CANDIDATES = ['/usr/bin/dd', '/bin/dd'] as const;

/** The arguments after `sudo [-n | -S -p ''] --`: dd copying SOURCE over TARGET in place. */
export function rootWriteCommand(source: string, target: string): string[] {
  const dd = DD_CANDIDATES.find((path) => existsSync(path)) ?? DD_CANDIDATES[0];
  return [dd, `if=${source}`, `of=${target}`, 'bs=1M', 'conv=nocreat,fsync', 'oflag=nofollow', 'status=none'];
}

export type Writability = 'writable' | 'needs-root' | 'read-only-file-system' | 'missing';

/** Whether this process's user can write `path` itself (access(2), as the kernel decides). */
export async function writabilityOf(path: string): Promise<Writability> {
  const { access, constants } = await import('fs/promises');
  try {
    await access(path, constants.W_OK);
    return 'writable';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EROFS' ? 'read-only-file-system' : code === 'ENOENT' ? 'missing' : 'needs-root';
  }
}

export type RootWriteOutcome =
  | { readonly kind: 'written' }
  /** sudo -n refused: sudo wants the user's password (no NOPASSWD rule, no valid timestamp). */
  | { readonly kind: 'password-required' }
  | { readonly kind: 'wrong-password' }
  | { readonly kind: 'not-allowed'; readonly detail: string }
  | { readonly kind: 'sudo-missing' }
  | { readonly kind: 'read-only-file-system' }
  | { readonly kind: 'missing' }
  | { readonly kind: 'failed'; readonly detail: string };

/** What sudo's (or dd's) standard error and exit status mean; sudo runs with LC_ALL=C. */
export function classifySudoFailure(stderr: string): RootWriteOutcome {
  const detail = stderr
    .trim()
    .split('\n')
    .filter((line) => line && line !== 'Sorry, try again.')
    .join(' ');
  if (/incorrect password attempt/.test(stderr)) return { kind: 'wrong-password' };
  if (
    /is not in the sudoers file|is not allowed to (execute|run)|may not run sudo|you must have a tty|a terminal is required/.test(
      stderr,
    )
  )
    return { kind: 'not-allowed', detail };
  if (/a password is required/.test(stderr)) return { kind: 'password-required' };
  if (/Read-only file system/.test(stderr)) return { kind: 'read-only-file-system' };
  if (/failed to open .*No such file or directory/.test(stderr)) return { kind: 'missing' };
  // O_NOFOLLOW met a symlink: the file was swapped for one after it was checked.
  if (/failed to open .*Too many levels of symbolic links/.test(stderr))
    return { kind: 'failed', detail: `${SWAPPED}; nothing was written` };
  return { kind: 'failed', detail: detail || 'sudo failed without a message' };
}

/** Runs sudo with `args`, the password (if any) as the only thing on its standard input. */
function runSudo(
  args: readonly string[],
  password: string | undefined,
): Promise<{ code: number | null; stdout: string; stderr: string } | 'sudo-missing'> {
  return new Promise((resolve) => {
    // LC_ALL=C: sudo's and dd's messages in English, so that classifySudoFailure can read them.
    const child = spawn('sudo', args, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'ENOENT' ? 'sudo-missing' : { code: null, stdout, stderr: error.message }),
    );
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => {}); // sudo may exit (NOPASSWD, a bad rule) before reading it
    child.stdin.end(password === undefined ? '' : `${password}\n`);
  });
}

const SWAPPED = 'the file was replaced by a symbolic link (someone who can write its folder may have swapped it)';

interface Identity {
  readonly dev: number;
  readonly ino: number;
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
}

/** The path itself, not what a symlink there points to: `mode` tells a link from a file. */
async function identityOf(path: string): Promise<Identity> {
  const { dev, ino, uid, gid, mode } = await lstat(path);
  return { dev, ino, uid, gid, mode };
}

/** Why `target` is not a regular file Save as Root may write in place, or undefined when it is one. */
async function notAPlainFile(target: string, identity: Identity): Promise<string | undefined> {
  if ((identity.mode & constants.S_IFMT) === constants.S_IFLNK) {
    const to = await readlink(target).catch(() => '?');
    return `${target} is a symbolic link (to ${to}): Save as Root writes only the regular file it opened, never through a link; nothing was written. Open ${to} to edit the file it points to`;
  }
  if ((identity.mode & constants.S_IFMT) !== constants.S_IFREG)
    return `${target} is not a regular file: nothing was written`;
  return undefined;
}

/**
 * Writes `bytes` over `target` as root: `sudo -n` when `password` is undefined, else `sudo -S`
 * with the password on standard input (one attempt). Checks afterwards that the file is the same
 * inode with the same owner, group and mode and holds exactly `bytes`.
 */
export async function writeAsRoot(target: string, bytes: Uint8Array, password?: string): Promise<RootWriteOutcome> {
  let before: Identity;
  try {
    before = await identityOf(target);
  } catch {
    return { kind: 'missing' };
  }
  const refusal = await notAPlainFile(target, before);
  if (refusal) return { kind: 'failed', detail: refusal };
  const folder = await mkdtemp(join(tmpdir(), 'gai-conf-save-')); // mode 0700
  try {
    const source = join(folder, 'content');
    await writeFile(source, bytes, { mode: 0o600 });
    const args = [...(password === undefined ? ['-n'] : ['-S', '-p', '']), '--', ...rootWriteCommand(source, target)];
    const run = await runSudo(args, password);
    if (run === 'sudo-missing') return { kind: 'sudo-missing' };
    if (run.code !== 0) return classifySudoFailure(run.stderr);
    const after = await identityOf(target);
    if ((after.mode & constants.S_IFMT) === constants.S_IFLNK) return { kind: 'failed', detail: SWAPPED };
    const changed = (Object.keys(before) as (keyof Identity)[]).filter((key) => before[key] !== after[key]);
    if (changed.length > 0)
      return { kind: 'failed', detail: `the file's ${changed.join(', ')} changed during the write` };
    const written = await readFile(target).catch(() => undefined);
    if (written && !Buffer.from(bytes).equals(written))
      return { kind: 'failed', detail: 'the file on disk does not hold the bytes written' };
    return { kind: 'written' };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** What a run of the extension's own language server bundle as root came to: its exit status and output, or sudo's refusal. */
export type RootRunOutcome =
  | { readonly kind: 'ran'; readonly code: number; readonly stdout: string; readonly stderr: string }
  | Exclude<RootWriteOutcome, { readonly kind: 'written' }>;

/**
 * Runs one of the extension's own bundles (`node BUNDLE ARGS...`, never a program of a
 * container's) as root: `sudo -n --` without a password, `sudo -S -p '' --` with one, as writeAsRoot does. Under
 * Electron the same binary runs as Node with ELECTRON_RUN_AS_NODE, which sudo would drop from the
 * environment: /usr/bin/env sets it after sudo.
 */
export async function runBundleAsRoot(
  bundle: string,
  args: readonly string[],
  password?: string,
): Promise<RootRunOutcome> {
  const node = process.versions.electron
    ? ['/usr/bin/env', 'ELECTRON_RUN_AS_NODE=1', process.execPath]
    : [process.execPath];
  const sudo = password === undefined ? ['-n'] : ['-S', '-p', ''];
  const run = await runSudo([...sudo, '--', ...node, bundle, ...args], password);
  if (run === 'sudo-missing') return { kind: 'sudo-missing' };
  if (run.code === null) return { kind: 'failed', detail: run.stderr };
  const refusal = classifySudoFailure(run.stderr);
  if (
    run.code !== 0 &&
    (refusal.kind === 'password-required' || refusal.kind === 'wrong-password' || refusal.kind === 'not-allowed')
  )
    return refusal;
  return { kind: 'ran', code: run.code, stdout: run.stdout, stderr: run.stderr };
}

/** Where backups go: $XDG_CACHE_HOME/gai-conf/backups, else ~/.cache/gai-conf/backups. */
export function backupFolder(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'gai-conf', 'backups');
}

/**
 * Keeps `bytes` (the file's content before a Save as Root) as the user, not as root:
 * `<backupFolder>/<the path with / as %2F>.<UTC time>`, mode 0600. Returns its path.
 */
export async function writeBackup(target: string, bytes: Uint8Array, now = new Date()): Promise<string> {
  const folder = backupFolder();
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  for (let n = 0; ; n++) {
    const path = join(folder, `${encodeURIComponent(target)}.${stamp}${n ? `-${n}` : ''}`);
    try {
      await writeFile(path, bytes, { mode: 0o600, flag: 'wx' });
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
