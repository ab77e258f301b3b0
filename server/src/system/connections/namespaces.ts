/**
 * The network namespaces the census visits: one process per distinct /proc/PID/ns/net, the
 * lowest PID, and the container it belongs to (null for this process's own namespace, the
 * host's). Container discovery (system/containers) names them and gives their file, libc and
 * addresses; a namespace no discovered container has is named by its kernel id.
 */

import { readdirSync, readlinkSync } from 'fs';

import type { DiscoveredContainer } from '../containers/model';

export interface NetworkNamespace {
  /** As the kernel names it: "net:[4026531840]". */
  readonly id: string;
  /** A process inside it, through which /proc/PID/net and /proc/PID/ns/net are read. */
  readonly pid: number;
  /** null for the namespace this process runs in. */
  readonly container: string | null;
  /** The process sees another mount namespace: its /etc is its own (read through /proc/PID/root). */
  readonly otherMountNamespace: boolean;
  /** What container discovery found about it, when it did. */
  readonly discovered?: DiscoveredContainer;
}

function readlinkOrNull(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

/** Every network namespace a process this user may inspect is in; the host's first. */
export function networkNamespaces(proc = '/proc', containers: readonly DiscoveredContainer[] = []): NetworkNamespace[] {
  const own = readlinkOrNull(`${proc}/self/ns/net`);
  const ownMount = readlinkOrNull(`${proc}/self/ns/mnt`);
  const first = new Map<string, number>();
  const pids = readdirSync(proc)
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .sort((a, b) => a - b);
  for (const pid of pids) {
    const id = readlinkOrNull(`${proc}/${pid}/ns/net`);
    if (id !== null && !first.has(id)) first.set(id, pid);
  }
  const namespaces = [...first].map(([id, pid]): NetworkNamespace => {
    const mount = readlinkOrNull(`${proc}/${pid}/ns/mnt`);
    const otherMountNamespace = mount !== null && ownMount !== null && mount !== ownMount;
    return namedBy({ id, pid, container: id === own ? null : id, otherMountNamespace }, containers);
  });
  return namespaces.sort((a, b) => Number(b.container === null) - Number(a.container === null) || a.pid - b.pid);
}

/** A namespace named by the container discovered in it, with that container's facts (the host's stays null). */
export function namedBy(namespace: NetworkNamespace, containers: readonly DiscoveredContainer[]): NetworkNamespace {
  if (namespace.container === null) return namespace;
  const discovered = containers.find((c) => c.namespaces?.net === namespace.id);
  return discovered ? { ...namespace, container: discovered.name, discovered } : namespace;
}
