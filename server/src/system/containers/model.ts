/**
 * The shape of a container scan: the data model (analysis/containerModel.ts, re-exported here)
 * and the sources that fill it: the host's /proc (as root everything, as a user only its own
 * processes) and the runtimes' own interfaces (LXD's API, Docker's, Podman's). Every source runs
 * through discoverContainers (discovery.ts), which reports progress and can be cancelled.
 */

import type { DiscoveredContainer, UnreadableContainer } from '../../analysis/containerModel';

export * from '../../analysis/containerModel';

export interface DiscoveryProgress {
  /** The source working now. */
  readonly source: string;
  readonly done: number;
  /** Unknown until the source has listed what it will look at. */
  readonly total?: number;
}

/** What every source is given: cancel through `signal` (it throws an AbortError), report through `progress`. */
export interface DiscoveryContext {
  readonly signal: AbortSignal;
  readonly progress: (progress: DiscoveryProgress) => void;
}

export interface SourceResult {
  readonly containers: readonly DiscoveredContainer[];
  readonly unreadable: readonly UnreadableContainer[];
}

/**
 * A way to find containers: /proc (as root everything, as a user only its own), or a runtime's
 * interface (LXD's REST API on its unix socket, Docker's, Podman's). Sources run in the order
 * given; a container two sources find (same namespaces, or same runtime and name) is kept once,
 * from the first source that read its file.
 */
export interface DiscoverySource {
  readonly name: string;
  discover(context: DiscoveryContext): Promise<SourceResult>;
}
