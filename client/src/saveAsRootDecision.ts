/**
 * Save as Root's decisions, apart from VS Code (saveAsRoot.ts is the UI that acts on them): what it
 * refuses, what it asks before writing, what it writes, and what it says afterwards. Pure
 * functions of what the UI has found out, so that each choice is tested without an editor.
 */

import type { SaveCheckResult } from '../../server/src/lsp/protocol';
import type { RootWriteOutcome, Writability } from './rootWrite';

const UTF8_BOM = Uint8Array.of(0xef, 0xbb, 0xbf);

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function startsWithBom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && sameBytes(bytes.subarray(0, 3), UTF8_BOM);
}

/** The bytes VS Code would save: the buffer as UTF-8, with the BOM kept when the file had one. */
export function bytesToSave(text: string, onDisk: Uint8Array | undefined): Uint8Array {
  const body = new TextEncoder().encode(text);
  if (!onDisk || !startsWithBom(onDisk)) return body;
  const bytes = new Uint8Array(UTF8_BOM.length + body.length);
  bytes.set(UTF8_BOM);
  bytes.set(body, UTF8_BOM.length);
  return bytes;
}

/** The CodeLens on the first line of a file the user cannot save as it is; none for a writable one. */
export function lensFor(
  writability: Writability,
  user: string,
): { readonly title: string; readonly tooltip?: string; readonly saveAsRoot: boolean } | undefined {
  if (writability === 'needs-root')
    return {
      title: 'read-only for you: Save as Root…',
      tooltip: `${user} cannot write this file; write it through sudo`,
      saveAsRoot: true,
    };
  if (writability === 'read-only-file-system')
    return { title: 'read-only file system: cannot be saved here', saveAsRoot: false };
  return undefined;
}

export const SAVE_AS_ROOT = 'Save as Root…';

/** Offered when a manual save of a file the user cannot write is about to fail. */
export function offerBeforeFailingSave(user: string, file: string): string {
  return `${user} cannot write ${file}, so this save fails. Save it through sudo instead?`;
}

/** Why nothing can be written, not even as root, when that is known before asking anything. */
export function refusalBeforeWriting(file: string, writability: Writability): string | undefined {
  if (writability === 'read-only-file-system')
    return `Cannot save ${file}: it is on a read-only file system; not even root can write it here.`;
  if (writability === 'missing')
    return `Cannot save ${file} as root: the file no longer exists. Save as Root only writes over an existing file.`;
  return undefined;
}

/** A modal question before writing: the write goes on only with the answer `proceed`. */
export interface Question {
  readonly message: string;
  readonly choices: readonly string[];
  readonly proceed: string;
}

export const SAVE_ANYWAY = 'Save Anyway';
export const COMPARE = 'Compare';
export const OVERWRITE = 'Overwrite';

/** A buffer that would crash every program's getaddrinfo(): written only when the user insists. */
export function crashQuestion(check: SaveCheckResult): Question | undefined {
  if (!check.crash) return undefined;
  return {
    message: `Line ${check.crash.line} would crash every program's getaddrinfo() on this machine's glibc: ${check.crash.message} Save it as root anyway?`,
    choices: [SAVE_ANYWAY],
    proceed: SAVE_ANYWAY,
  };
}

/** The file changed on disk since the editor loaded it (or last wrote it): another's changes would be lost. */
export function changedOnDiskQuestion(
  file: string,
  onDisk: Uint8Array | undefined,
  loaded: Uint8Array | undefined,
): Question | undefined {
  if (!onDisk || !loaded || sameBytes(onDisk, loaded)) return undefined;
  return {
    message: `${file} changed on disk since it was opened here. Saving now replaces those changes.`,
    choices: [COMPARE, OVERWRITE],
    proceed: OVERWRITE,
  };
}

export type WritePlan =
  /** The user can write the file: VS Code's own save, no root. */
  | { readonly kind: 'ordinary-save' }
  /** The file already holds these bytes: nothing to write, only the editor to make clean. */
  | { readonly kind: 'unchanged'; readonly bytes: Uint8Array }
  /** Write `bytes` as root, after keeping `previous` (the file's bytes now) as a backup when there are any. */
  | { readonly kind: 'write'; readonly bytes: Uint8Array; readonly previous: Uint8Array | undefined };

export function writePlan(writability: Writability, text: string, onDisk: Uint8Array | undefined): WritePlan {
  if (writability === 'writable') return { kind: 'ordinary-save' };
  const bytes = bytesToSave(text, onDisk);
  return onDisk && sameBytes(onDisk, bytes) ? { kind: 'unchanged', bytes } : { kind: 'write', bytes, previous: onDisk };
}

/** Save as Root on a file the user can write: an ordinary save does it, and a clean buffer needs none; said either way. */
export function ordinarySaveMessage(file: string, user: string, dirty: boolean): string {
  return dirty
    ? `${file} is writable for ${user}: saved as ${user}, without root.`
    : `${file} is writable for ${user} and has no unsaved changes: nothing to save, and no root needed.`;
}

/** The password box's prompt: the first time, and after sudo refused a password. */
export function passwordPrompt(user: string, file: string, retry: boolean): string {
  return retry
    ? `Wrong password for ${user}: try again (Escape to cancel)`
    : `Password of ${user} for sudo, to write ${file} as root`;
}

/** What a failed write tells the user; undefined for an outcome that is not a failure. */
export function failureMessage(file: string, user: string, outcome: RootWriteOutcome): string | undefined {
  switch (outcome.kind) {
    case 'sudo-missing':
      return `Cannot save ${file} as root: sudo is not installed on this machine (the one the extension runs on).`;
    case 'not-allowed':
      return `Cannot save ${file} as root: sudo does not allow ${user} to run the write (${outcome.detail}). An administrator can allow it in /etc/sudoers.d/.`;
    case 'read-only-file-system':
    case 'missing':
      return refusalBeforeWriting(file, outcome.kind);
    case 'failed':
      return `Saving ${file} as root failed: ${outcome.detail}.`;
    default:
      return undefined;
  }
}

export const EXPLAIN_ACTION = 'Explain Address Order';

/** After a write: where the previous content went, and for the live file that running programs keep the old tables. */
export function savedMessage(
  file: string,
  live: boolean,
  backup: string | undefined,
): { readonly message: string; readonly action?: string } {
  const kept = backup ? ` The previous version is in ${backup}.` : '';
  if (!live) return { message: `Saved ${file} as root.${kept}` };
  return {
    message: `Saved ${file} as root. Programs already running keep the tables they read (glibc reads the file once per process unless "reload yes"); new ones use the new file.${kept}`,
    action: EXPLAIN_ACTION,
  };
}
