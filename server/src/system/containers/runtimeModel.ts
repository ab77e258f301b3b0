/**
 * What discovery through a runtime's own interface knows of a container: enough to judge it with
 * the effects model (its addresses, routes, C library and gai.conf) and to write its file back.
 */

import { Host } from '../../glibc/sourceSelection';
import { GlibcVersion } from '../../glibc/versions';

export type RuntimeName = 'lxd' | 'incus' | 'docker' | 'podman';

export type ContainerLibc =
  | { readonly kind: 'glibc'; readonly path: string; readonly version?: GlibcVersion }
  | { readonly kind: 'musl'; readonly path: string }
  | { readonly kind: 'unknown' };

/** Owner and mode as the container sees them (the runtime maps them to the host's shifted ids). */
export interface FileOwner {
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
}

export type GaiConfState =
  | { readonly state: 'present'; readonly path: string; readonly text: string; readonly owner: FileOwner }
  | { readonly state: 'absent'; readonly path: string }
  | { readonly state: 'refused'; readonly path: string; readonly reason: string };

export interface RuntimeContainer {
  readonly runtime: RuntimeName;
  readonly name: string;
  /** LXD and Incus projects. */
  readonly project?: string;
  readonly image: string;
  /** Host PID of a process in the container. */
  readonly pid: number;
  readonly host: Host;
  readonly libc: ContainerLibc;
  readonly gaiConf: GaiConfState;
  /** The interface the facts came through, for the user. */
  readonly via: string;
}

export interface UnreadableContainer {
  readonly runtime: RuntimeName;
  /** Absent when a whole runtime could not be asked. */
  readonly name?: string;
  readonly reason: string;
}

export interface DiscoveryResult {
  readonly containers: readonly RuntimeContainer[];
  readonly unreadable: readonly UnreadableContainer[];
}

export interface DiscoveryOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}
