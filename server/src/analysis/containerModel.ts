/**
 * What a container scan finds, as plain data (no Buffers, no class instances): it crosses the
 * language server's wire and `gai-conf containers --json` as it is. Pure, so that the verdict
 * (containerVerdict.ts) and the editor can use it; the discovery itself is in
 * server/src/system/containers, the only layer that reads the machine.
 */

/** What runs the container; 'namespace' is a group of processes with its own mount and network namespace that no runtime claims. */
export type ContainerRuntime = 'lxd' | 'incus' | 'lxc' | 'docker' | 'podman' | 'nspawn' | 'kubernetes' | 'namespace';

export const CONTAINER_RUNTIMES: readonly ContainerRuntime[] = [
  'lxd',
  'incus',
  'lxc',
  'docker',
  'podman',
  'nspawn',
  'kubernetes',
  'namespace',
];

/**
 * The C library the container's programs run on, read from its files without running any of
 * them: glibc's version from libc.so.6's bytes, musl from its loader ld-musl-ARCH.so.1.
 */
export type ContainerLibc =
  | {
      readonly kind: 'glibc';
      /** "2.36". */
      readonly version: string;
      /** Inside the container, e.g. /lib/x86_64-linux-gnu/libc.so.6. */
      readonly path: string;
      /** Where the container's libc6 documentation records the fix for BZ #32465 (a backport), e.g. "/usr/share/doc/libc6/changelog.Debian.gz:120". */
      readonly prefixLengthFix?: string;
    }
  | {
      readonly kind: 'musl';
      readonly path: string;
      /** From the loader's bytes when it names one. */ readonly version?: string;
    }
  /** No C library that reads gai.conf (a static or distroless image): nothing in it follows the file. */
  | { readonly kind: 'none' }
  /** Its files could not be read (e.g. an ordinary user and a source without file access). */
  | { readonly kind: 'unknown'; readonly reason: string };

/**
 * The container's /etc/gai.conf. `path` is where the container's programs read it; `hostPath`
 * where the host reaches it (through /proc/PID/root, or a runtime's interface such as
 * "lxd:NAME/etc/gai.conf"); `realPath`, when known, the file on the host's own file system that
 * holds it (LXD's storage pool, a bind mount's source), for people who look from the host.
 */
export type ContainerGaiConf =
  | {
      readonly state: 'present';
      readonly path: string;
      readonly hostPath: string;
      readonly realPath?: string;
      readonly content: string;
      readonly owner: FileOwner;
    }
  | { readonly state: 'absent'; readonly path: string; readonly hostPath: string }
  /** The path leads out of the container (a symlink to a host path), or is not a regular file: never read. */
  | { readonly state: 'refused'; readonly path: string; readonly hostPath: string; readonly reason: string }
  | { readonly state: 'unreadable'; readonly path: string; readonly hostPath: string; readonly reason: string };

export interface FileOwner {
  /** As the host sees them: LXD's container root is 100000 on the host. */
  readonly uid: number;
  readonly gid: number;
  /** Permission bits, e.g. 0o644. */
  readonly mode: number;
}

export interface ContainerAddress {
  readonly family: 4 | 6;
  /** As text, e.g. "fd42:1:2:3::5" or "10.0.3.5". */
  readonly address: string;
  readonly prefixLength: number;
  readonly interface: string;
  /** IPv6: deprecated or optimistic (glibc's rule 3 avoids it). */
  readonly deprecated?: boolean;
  /** IPv6: a Mobile IPv6 home address (rule 4). */
  readonly homeAddress?: boolean;
}

/** Whether the container has a usable default route per family (glibc's rule 1 needs one). */
export interface DefaultRoutes {
  readonly ipv4: boolean;
  readonly ipv6: boolean;
}

export interface DiscoveredContainer {
  /** Stable across scans: the runtime and its id (a container id, LXD's project/name) or, for a bare namespace, its net namespace. */
  readonly id: string;
  readonly name: string;
  readonly runtime: ContainerRuntime;
  /** LXD/Incus project, Kubernetes namespace/pod. */
  readonly project?: string;
  /** Docker/Podman image. */
  readonly image?: string;
  /** Host PID of a process in the container (its init where known); undefined when only a runtime's interface saw it. */
  readonly pid?: number;
  /** Namespace ids as the kernel prints them, "net:[4026532301]"; undefined when not readable. */
  readonly namespaces?: { readonly net: string; readonly mnt: string };
  /** The container's root on the host: /proc/PID/root; undefined when only a runtime's interface reaches it. */
  readonly root?: string;
  readonly libc: ContainerLibc;
  readonly gaiConf: ContainerGaiConf;
  readonly addresses: readonly ContainerAddress[];
  readonly routes: DefaultRoutes;
  /** The discovery source that produced this entry: 'proc', 'lxd', 'incus', 'docker', 'podman'. */
  readonly source: string;
}

/** Something a scan knows is there but could not see, with why and what to do about it. */
export interface UnreadableContainer {
  readonly name?: string;
  readonly runtime?: ContainerRuntime;
  readonly pid?: number;
  /** What could not be read, e.g. "/proc/1234/ns/net". */
  readonly what: string;
  readonly reason: string;
  /** e.g. "run as root (gai-conf containers --sudo) or join the lxd group". */
  readonly remedy: string;
}

export interface ContainerScan {
  readonly containers: readonly DiscoveredContainer[];
  readonly unreadable: readonly UnreadableContainer[];
  /** Whether the scan ran as root (every /proc entry readable). */
  readonly asRoot: boolean;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A scan printed as JSON (as root through sudo for the editor's "Scan as root…", or by `gai-conf
 * containers --json`), back as the model: `null`s for what was not known become absent fields.
 * Throws on anything that is not such a report.
 */
export function scanFromReport(report: unknown): ContainerScan {
  if (!isObject(report) || !Array.isArray(report.containers) || !Array.isArray(report.unreadable))
    throw new Error('not the report of gai-conf containers --json');
  const containers = report.containers.map((entry): DiscoveredContainer => {
    if (
      !isObject(entry) ||
      typeof entry.id !== 'string' ||
      typeof entry.name !== 'string' ||
      !CONTAINER_RUNTIMES.includes(entry.runtime as ContainerRuntime) ||
      !isObject(entry.libc) ||
      !isObject(entry.gaiConf) ||
      !Array.isArray(entry.addresses) ||
      !isObject(entry.routes)
    )
      throw new Error('a container of the report lacks its id, name, runtime, libc, gaiConf, addresses or routes');
    return {
      id: entry.id,
      name: entry.name,
      runtime: entry.runtime as ContainerRuntime,
      ...(typeof entry.project === 'string' ? { project: entry.project } : {}),
      ...(typeof entry.image === 'string' ? { image: entry.image } : {}),
      ...(typeof entry.pid === 'number' ? { pid: entry.pid } : {}),
      ...(isObject(entry.namespaces) ? { namespaces: entry.namespaces as DiscoveredContainer['namespaces'] } : {}),
      ...(typeof entry.root === 'string' ? { root: entry.root } : {}),
      libc: entry.libc as ContainerLibc,
      gaiConf: entry.gaiConf as ContainerGaiConf,
      addresses: entry.addresses as ContainerAddress[],
      routes: entry.routes as unknown as DefaultRoutes,
      source: typeof entry.source === 'string' ? entry.source : 'proc',
    };
  });
  return { containers, unreadable: report.unreadable as UnreadableContainer[], asRoot: true };
}
