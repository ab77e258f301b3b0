/**
 * The network namespaces the census visits: one process per distinct /proc/PID/ns/net, the
 * lowest PID, and the name of the container it belongs to (null for this process's own
 * namespace, the host's). Kept behind this small interface so that container discovery can name
 * them; until then a namespace of another process is named by its kernel id.
 */

import { lstatSync, readdirSync, readlinkSync } from 'fs';

export interface NetworkNamespace {
  /** As the kernel names it: "net:[4026531840]". */
  readonly id: string;
  /** A process inside it, through which /proc/PID/net and /proc/PID/ns/net are read. */
  readonly pid: number;
  /** null for the namespace this process runs in. */
  readonly container: string | null;
  /** The process sees another mount namespace: its /etc is its own (read through /proc/PID/root). */
  readonly otherMountNamespace: boolean;
}

function readlinkOrNull(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

/** Every network namespace a process this user may inspect is in; the host's first. */
export function networkNamespaces(proc = '/proc'): NetworkNamespace[] {
  const own = readlinkOrNull(`${proc}/self/ns/net`);
  const ownMount = readlinkOrNull(`${proc}/self/ns/mnt`);
  const first = new Map<string, number>();
  const pids = readdirSync(proc).filter((name) => /^\d+$/.test(name)).map(Number).sort((a, b) => a - b);
  for (const pid of pids) {
    const id = readlinkOrNull(`${proc}/${pid}/ns/net`);
    if (id !== null && !first.has(id)) first.set(id, pid);
  }
  const namespaces = [...first].map(([id, pid]): NetworkNamespace => {
    const mount = readlinkOrNull(`${proc}/${pid}/ns/mnt`);
    return { id, pid, container: id === own ? null : id, otherMountNamespace: mount !== null && ownMount !== null && mount !== ownMount };
  });
  return namespaces.sort((a, b) => Number(b.container === null) - Number(a.container === null) || a.pid - b.pid);
}

/** The gai.conf a namespace's programs read; inside a container it is theirs, and a symbolic link there is not followed from the host. */
export function gaiConfOf(ns: NetworkNamespace, proc = '/proc'): { path: string; guarded: string | null } {
  if (!ns.otherMountNamespace) return { path: '/etc/gai.conf', guarded: null };
  const path = `${proc}/${ns.pid}/root/etc/gai.conf`;
  for (const step of [`${proc}/${ns.pid}/root/etc`, path]) {
    try {
      if (lstatSync(step).isSymbolicLink()) return { path, guarded: `${step.replace(`${proc}/${ns.pid}/root`, '')} is a symbolic link inside the container: not followed from the host, so its tables are unknown` };
    } catch {
      break;
    }
  }
  return { path, guarded: null };
}
