/**
 * The one entry point of a container scan: runs the sources in order, reports progress, stops
 * when cancelled, and keeps each container once.
 */

import { ContainerScan, DiscoveredContainer, DiscoveryProgress, DiscoverySource, UnreadableContainer } from './model';

export interface DiscoveryOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: DiscoveryProgress) => void;
}

/** Two entries for one container: the same namespaces, or the same runtime, project and name. */
function sameContainer(a: DiscoveredContainer, b: DiscoveredContainer): boolean {
  if (a.namespaces && b.namespaces)
    return a.namespaces.net === b.namespaces.net && a.namespaces.mnt === b.namespaces.mnt;
  if (a.pid !== undefined && a.pid === b.pid) return true;
  return a.runtime === b.runtime && a.name === b.name && (a.project ?? '') === (b.project ?? '');
}

/** Whether an entry read more than another (its file, its libc): the one to keep. */
function readMore(a: DiscoveredContainer, b: DiscoveredContainer): boolean {
  const score = (c: DiscoveredContainer) =>
    (c.gaiConf.state === 'present' || c.gaiConf.state === 'absent' ? 2 : 0) + (c.libc.kind === 'unknown' ? 0 : 1);
  return score(a) > score(b);
}

/**
 * One entry for a container two sources found: the data of the one that read more, under the
 * runtime's own name where only one source knew it (a rootless Podman container on cgroup v1 has
 * no cgroup of its own, so /proc sees a bare namespace that Podman's API names).
 */
function merged(known: DiscoveredContainer, found: DiscoveredContainer): DiscoveredContainer {
  const data = readMore(found, known) ? found : known;
  const identity = known.runtime === 'namespace' && found.runtime !== 'namespace' ? found : data;
  const project = found.project ?? known.project;
  const image = found.image ?? known.image;
  return {
    ...data,
    id: identity.id,
    name: identity.name,
    runtime: identity.runtime,
    ...(project ? { project } : {}),
    ...(image ? { image } : {}),
  };
}

/** An unreadable entry that a found container accounts for. */
function explainedBy(entry: UnreadableContainer, container: DiscoveredContainer): boolean {
  if (entry.pid !== undefined && entry.pid === container.pid) return true;
  return (
    entry.name !== undefined &&
    entry.name === container.name &&
    (entry.runtime === undefined || entry.runtime === container.runtime)
  );
}

export async function discoverContainers(
  sources: readonly DiscoverySource[],
  options: DiscoveryOptions = {},
): Promise<ContainerScan> {
  const signal = options.signal ?? new AbortController().signal;
  const progress = options.onProgress ?? (() => {});
  const containers: DiscoveredContainer[] = [];
  const unreadable: UnreadableContainer[] = [];
  for (const source of sources) {
    signal.throwIfAborted();
    const result = await source.discover({ signal, progress });
    for (const found of result.containers) {
      const index = containers.findIndex((known) => sameContainer(known, found));
      if (index < 0) containers.push(found);
      else containers[index] = merged(containers[index], found);
    }
    unreadable.push(...result.unreadable);
  }
  const stillUnseen = unreadable.filter((entry) => !containers.some((c) => explainedBy(entry, c)));
  containers.sort((a, b) => a.runtime.localeCompare(b.runtime) || a.name.localeCompare(b.name));
  return {
    containers,
    unreadable: stillUnseen,
    asRoot: typeof process.getuid === 'function' && process.getuid() === 0,
  };
}
