/**
 * A found container's /etc/gai.conf read again and saved back, for the editor: through LXD's or
 * Incus' API for the containers that source found (the daemon keeps owner, group and mode; an
 * ordinary user in the lxd group needs no root), through /proc/PID/root with containerFiles.ts'
 * guard where this process may write the container's root itself (as root), and otherwise not at
 * all: the caller then goes through sudo, as Save as Root does. Every save keeps a backup of the
 * previous content, as Save as Root keeps it, and refuses when the file changed in the container
 * since the editor read it.
 */

import { defaultBackupFolder, readContainerFile, writeBackupFile, writeContainerFile } from './containerFiles';
import { readLxdGaiConf, writeLxdFile } from './lxdSource';
import type { ContainerGaiConf, DiscoveredContainer } from './model';
import { GAI_CONF_IN_CONTAINER, gaiConfText, readProcGaiConf } from './procSource';
import { isRoot } from './scanAsRoot';

export type ContainerSaveOutcome =
  | { readonly kind: 'written'; readonly backup: string | null; readonly gaiConf: ContainerGaiConf }
  /** The file in the container is no longer what the editor read: `current` is what it holds now (null: absent). */
  | { readonly kind: 'changed'; readonly current: string | null }
  /** This process cannot write the container's root: as root through sudo, or through the runtime's group. */
  | { readonly kind: 'needs-root' }
  | { readonly kind: 'refused'; readonly message: string };

function throughApi(container: DiscoveredContainer): boolean {
  return container.source === 'lxd' || container.source === 'incus';
}

/** The file now, read as the scan read it (the API, or /proc/PID/root for root and for the user's own namespaces). */
export async function readGaiConfAgain(
  container: DiscoveredContainer,
  signal?: AbortSignal,
): Promise<ContainerGaiConf> {
  if (throughApi(container)) return readLxdGaiConf(container, signal);
  if (container.root !== undefined) return readProcGaiConf(container.root, undefined);
  return container.gaiConf;
}

function textOf(conf: ContainerGaiConf): string | null {
  return conf.state === 'present' ? conf.content : null;
}

/**
 * Saves `text` as the container's /etc/gai.conf, when the file still holds `expected` (its text
 * as the editor read it; null when it had none). LXD's shifted owner (uid 100000), the mode and
 * the inode stay; a file created where there was none gets its directory's owner and mode 0644.
 */
export async function saveContainerGaiConf(
  container: DiscoveredContainer,
  text: string,
  expected: string | null,
  options: { readonly backup: boolean } = { backup: true },
): Promise<ContainerSaveOutcome> {
  const path = GAI_CONF_IN_CONTAINER;
  const viaApi = throughApi(container);
  if (!viaApi && !(container.root !== undefined && isRoot())) return { kind: 'needs-root' };
  try {
    let backup: string | null = null;
    if (viaApi) {
      const before = await readGaiConfAgain(container);
      if (before.state === 'refused' || before.state === 'unreadable')
        return { kind: 'refused', message: `${before.hostPath}: ${before.reason}` };
      if (textOf(before) !== expected) return { kind: 'changed', current: textOf(before) };
      if (before.state === 'present' && options.backup)
        backup = writeBackupFile(defaultBackupFolder(), before.hostPath, Buffer.from(before.content, 'utf8'));
      await writeLxdFile(container, path, text);
    } else {
      // One read: the content compared with the editor's and the inode the write then insists on
      // are the same file's, and the write compares the bytes again on the descriptor it writes.
      const root = container.root!;
      const read = readContainerFile(root, path);
      const current = read.kind === 'file' ? gaiConfText(read.bytes) : null;
      if (current !== expected) return { kind: 'changed', current };
      const written = writeContainerFile(root, path, Buffer.from(text, 'utf8'), {
        ...(read.kind === 'file' ? { expected: read.identity, expectedBytes: read.bytes } : {}),
        ...(options.backup ? { backupFolder: defaultBackupFolder(), backupName: `${root}${path}` } : {}),
      });
      backup = written.backup ?? null;
    }
    return { kind: 'written', backup, gaiConf: await readGaiConfAgain(container) };
  } catch (error) {
    // A path leading out of the container, a file replaced meanwhile, the daemon's refusal: said, never retried.
    return { kind: 'refused', message: (error as Error).message };
  }
}
