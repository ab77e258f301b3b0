/**
 * Containers found from /proc alone, read-only and without starting any process: every process
 * whose mount and network namespaces differ from PID 1's, grouped by the runtime its cgroups name
 * (LXD, Incus, LXC, Docker, Podman, systemd-nspawn, Kubernetes) or else by its namespaces (a bare
 * namespace, named after its first process). Each container's root, addresses and routes are read
 * through /proc/PID/root and /proc/PID/net/ of one of its processes. As root everything is
 * readable; as an ordinary user only one's own processes, and the rest is reported as unreadable.
 */

import { readdirSync, readFileSync, readlinkSync } from 'fs';

import type {
  ContainerGaiConf,
  ContainerRuntime,
  DiscoveredContainer,
  UnreadableContainer,
} from '../../analysis/containerModel';
import {
  CgroupClaim,
  claimFromCgroup,
  lxcFamilyRuntime,
  lxdProjectAndName,
  namespaceName,
  parseConmon,
  parseLxcMonitor,
} from '../../analysis/containerRuntimes';
import { readNamespaceNetwork } from '../host';
import { ContainerPathRefused, readContainerFile } from './containerFiles';
import { containerLibc } from './containerLibc';
import type { DiscoveryContext, DiscoverySource, SourceResult } from './model';

export interface ProcSourceOptions {
  readonly proc?: string;
  /** Docker's data root, for a container's name and image (config.v2.json). */
  readonly dockerRoot?: string;
  /** The kubelet's pod log folders (NAMESPACE_POD_UID), for a pod's name and namespace. */
  readonly podLogs?: string;
}

export const GAI_CONF_IN_CONTAINER = '/etc/gai.conf';
const REMEDY =
  "run as root (gai-conf containers --sudo), join the group of its runtime (lxd, incus) or get access to Podman's socket";
/** Hand the event loop back this often, so that a cancel or a progress report gets through. */
const YIELD_EVERY = 16;

interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  readonly commandLine: readonly string[];
  readonly claim?: CgroupClaim;
  /** undefined when they cannot be read: see `hidden`. */
  readonly mnt?: string;
  readonly net?: string;
  /** This user may not read the process's namespaces (another user's process, and not root). */
  readonly hidden: boolean;
}

interface Group {
  readonly key: string;
  readonly claim?: CgroupClaim;
  readonly members: ProcessEntry[];
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}

function readlinkOrUndefined(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

/** A namespace link, or 'denied' when the kernel refuses this user (as opposed to a process that exited). */
function readNamespace(path: string): string | 'denied' | undefined {
  try {
    return readlinkSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EACCES' || code === 'EPERM' ? 'denied' : undefined;
  }
}

function errorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM'
    ? 'permission denied'
    : code === 'ENOENT' || code === 'ESRCH'
      ? 'the process exited'
      : (error as Error).message;
}

function readProcess(proc: string, pid: number): ProcessEntry | undefined {
  const base = `${proc}/${pid}`;
  const stat = readOrUndefined(`${base}/stat`);
  if (stat === undefined) return undefined;
  const close = stat.lastIndexOf(')');
  const comm = stat.slice(stat.indexOf('(') + 1, close);
  const ppid = Number(stat.slice(close + 2).split(' ')[1]);
  if (pid === 2 || ppid === 2) return undefined; // kernel threads
  const cgroup = readOrUndefined(`${base}/cgroup`) ?? '';
  const claim = claimFromCgroup(cgroup);
  const commandLine = (readOrUndefined(`${base}/cmdline`) ?? '').split('\0').filter((a) => a !== '');
  const mnt = readNamespace(`${base}/ns/mnt`);
  const net = mnt === 'denied' ? 'denied' : readNamespace(`${base}/ns/net`);
  const hidden = mnt === 'denied' || net === 'denied';
  return {
    pid,
    ppid,
    comm,
    commandLine,
    hidden,
    ...(claim ? { claim } : {}),
    ...(mnt && !hidden ? { mnt } : {}),
    ...(net && !hidden ? { net } : {}),
  };
}

function nsNumber(link: string): string {
  return /\[(\d+)\]/.exec(link)?.[1] ?? link;
}

/** The process that stands for a group: the first one whose parent is outside it (the container's init, or unshare), else the lowest PID. */
function representative(group: Group): ProcessEntry {
  const pids = new Set(group.members.map((m) => m.pid));
  const sorted = [...group.members].sort((a, b) => a.pid - b.pid);
  return sorted.find((m) => !pids.has(m.ppid)) ?? sorted[0];
}

interface RuntimeFacts {
  readonly runtime: ContainerRuntime;
  readonly id: string;
  readonly name: string;
  readonly project?: string;
  readonly image?: string;
  /** The container's root file system on the host's own tree, where the runtime keeps it there. */
  readonly rootOnHost?: string;
}

class RuntimeNamer {
  private readonly lxcMonitors = new Map<string, string>();
  private readonly byPid: Map<number, ProcessEntry>;
  private readonly jsonCache = new Map<string, unknown>();

  constructor(
    processes: readonly ProcessEntry[],
    private readonly options: Required<ProcSourceOptions>,
  ) {
    this.byPid = new Map(processes.map((p) => [p.pid, p]));
    for (const p of processes) {
      const monitor = parseLxcMonitor(p.commandLine);
      if (monitor) this.lxcMonitors.set(monitor.name, monitor.lxcPath);
    }
  }

  private json(path: string): unknown {
    if (!this.jsonCache.has(path)) {
      const text = readOrUndefined(path);
      let value: unknown;
      try {
        value = text === undefined ? undefined : JSON.parse(text);
      } catch {
        value = undefined;
      }
      this.jsonCache.set(path, value);
    }
    return this.jsonCache.get(path);
  }

  facts(group: Group, first: ProcessEntry): RuntimeFacts {
    const claim = group.claim;
    if (!claim)
      return {
        runtime: 'namespace',
        id: `namespace:${nsNumber(first.net ?? '')}:${nsNumber(first.mnt ?? '')}`,
        name: namespaceName(first.comm, first.pid),
      };
    switch (claim.runtime) {
      case 'lxc-family': {
        const lxcPath = this.lxcMonitors.get(claim.id);
        const runtime = lxcPath ? lxcFamilyRuntime(lxcPath) : 'lxc';
        if (runtime === 'lxc')
          return {
            runtime,
            id: `lxc:${claim.id}`,
            name: claim.id,
            ...(lxcPath ? { rootOnHost: `${lxcPath}/${claim.id}/rootfs` } : {}),
          };
        const { project, name } = lxdProjectAndName(claim.id);
        return {
          runtime,
          id: `${runtime}:${project}/${name}`,
          name,
          project,
          ...(lxcPath ? { rootOnHost: `${lxcPath}/${claim.id}/rootfs` } : {}),
        };
      }
      case 'docker': {
        const config = this.json(`${this.options.dockerRoot}/containers/${claim.id}/config.v2.json`) as
          { Name?: string; Config?: { Image?: string } } | undefined;
        const name = config?.Name?.replace(/^\//, '') || claim.id.slice(0, 12);
        return {
          runtime: 'docker',
          id: `docker:${claim.id}`,
          name,
          ...(config?.Config?.Image ? { image: config.Config.Image } : {}),
        };
      }
      case 'podman': {
        const conmon = this.byPid.get(first.ppid);
        const args = conmon && conmon.comm === 'conmon' ? parseConmon(conmon.commandLine) : {};
        return {
          runtime: 'podman',
          id: `podman:${claim.id}`,
          name: args.name ?? claim.id.slice(0, 12),
          ...this.podmanImage(claim.id, args.bundle),
        };
      }
      case 'kubernetes': {
        const pod = this.podOf(claim.podUid);
        return {
          runtime: 'kubernetes',
          id: `kubernetes:${claim.id}`,
          name: `${pod?.name ?? claim.podUid ?? 'pod'}/${claim.id.slice(0, 12)}`,
          ...(pod ? { project: pod.namespace } : {}),
        };
      }
      default:
        return { runtime: claim.runtime, id: `${claim.runtime}:${claim.id}`, name: claim.name ?? claim.id };
    }
  }

  /** Podman's storage (from conmon's bundle, .../overlay-containers/ID/userdata) names the image. */
  private podmanImage(id: string, bundle: string | undefined): { image?: string } {
    const storage = bundle?.replace(/\/overlay-containers\/[0-9a-f]{64}\/userdata\/?$/, '');
    if (!storage || storage === bundle) return {};
    const containers = this.json(`${storage}/overlay-containers/containers.json`) as
      { id: string; image?: string }[] | undefined;
    const imageId = Array.isArray(containers) ? containers.find((c) => c.id === id)?.image : undefined;
    if (!imageId) return {};
    const images = this.json(`${storage}/overlay-images/images.json`) as { id: string; names?: string[] }[] | undefined;
    const names = Array.isArray(images) ? images.find((i) => i.id === imageId)?.names : undefined;
    return { image: names?.[0] ?? imageId };
  }

  private podOf(uid: string | undefined): { namespace: string; name: string } | undefined {
    if (!uid) return undefined;
    let folders: string[];
    try {
      folders = readdirSync(this.options.podLogs);
    } catch {
      return undefined;
    }
    const folder = folders.find((f) => f.endsWith(`_${uid}`));
    const parts = folder?.slice(0, -(uid.length + 1)).split('_');
    return parts && parts.length >= 2 ? { namespace: parts[0], name: parts.slice(1).join('_') } : undefined;
  }
}

/** A gai.conf's bytes as text as glibc reads them: every byte, a byte order mark included. */
export function gaiConfText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
}

/** The container's /etc/gai.conf through ROOT (/proc/PID/root), never following a path out of it. */
export function readProcGaiConf(root: string, rootOnHost: string | undefined): ContainerGaiConf {
  const path = GAI_CONF_IN_CONTAINER;
  const hostPath = `${root}${path}`;
  try {
    const read = readContainerFile(root, path);
    if (read.kind === 'absent') return { state: 'absent', path, hostPath };
    const { uid, gid, mode } = read.identity;
    return {
      state: 'present',
      path,
      hostPath: read.resolved.hostPath,
      ...(rootOnHost ? { realPath: `${rootOnHost}${read.resolved.inside}` } : {}),
      content: gaiConfText(read.bytes),
      owner: { uid, gid, mode },
    };
  } catch (error) {
    if (error instanceof ContainerPathRefused) return { state: 'refused', path, hostPath, reason: error.message };
    return { state: 'unreadable', path, hostPath, reason: errorText(error) };
  }
}

/** The first host id a container id maps to, from /proc/PID/uid_map or gid_map (readable by any user). */
export function hostId(pid: number, map: 'uid_map' | 'gid_map', inside: number): number {
  try {
    for (const line of readFileSync(`/proc/${pid}/${map}`, 'latin1').split('\n')) {
      const [start, hostStart, length] = line.trim().split(/\s+/).map(Number);
      if (inside >= start && inside < start + length) return hostStart + (inside - start);
    }
  } catch {
    // the process is gone: keep the container's own id
  }
  return inside;
}

async function scan(options: Required<ProcSourceOptions>, context: DiscoveryContext): Promise<SourceResult> {
  const { proc } = options;
  const reference = {
    mnt: readlinkOrUndefined(`${proc}/1/ns/mnt`) ?? readlinkOrUndefined(`${proc}/self/ns/mnt`),
    net: readlinkOrUndefined(`${proc}/1/ns/net`) ?? readlinkOrUndefined(`${proc}/self/ns/net`),
  };
  const processes: ProcessEntry[] = [];
  for (const name of readdirSync(proc)) {
    if (!/^\d+$/.test(name)) continue;
    const entry = readProcess(proc, Number(name));
    if (entry) processes.push(entry);
  }
  context.signal.throwIfAborted();
  const groups = new Map<string, Group>();
  let hiddenProcesses = 0;
  for (const p of processes) {
    const inOwnNamespaces =
      p.mnt !== undefined && p.net !== undefined && p.mnt !== reference.mnt && p.net !== reference.net;
    const key = p.claim ? `${p.claim.runtime}:${p.claim.id}` : inOwnNamespaces ? `ns:${p.mnt}:${p.net}` : undefined;
    if (p.hidden && !p.claim) hiddenProcesses++;
    // A runtime's process in the host's mount namespace (a helper, not the container) is left out,
    // and so is one that exited while we looked.
    if (key === undefined || (p.claim && !p.hidden && (p.mnt === undefined || p.mnt === reference.mnt))) continue;
    const group = groups.get(key) ?? { key, ...(p.claim ? { claim: p.claim } : {}), members: [] };
    group.members.push(p);
    groups.set(key, group);
  }
  const namer = new RuntimeNamer(processes, options);
  const containers: DiscoveredContainer[] = [];
  const unreadable: UnreadableContainer[] = [];
  const all = [...groups.values()];
  context.progress({ source: 'proc', done: 0, total: all.length });
  for (const [index, group] of all.entries()) {
    if (index % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
    context.signal.throwIfAborted();
    const readable = group.members.filter((m) => m.mnt !== undefined && m.net !== undefined);
    const first = representative(readable.length > 0 ? { ...group, members: readable } : group);
    const facts = namer.facts(group, first);
    if (readable.length === 0) {
      if (!group.members.some((m) => m.hidden)) continue; // every process exited
      unreadable.push({
        name: facts.name,
        runtime: facts.runtime,
        pid: first.pid,
        what: `${proc}/${first.pid}/ns and ${proc}/${first.pid}/root`,
        reason: 'permission denied',
        remedy: REMEDY,
      });
      continue;
    }
    const root = `${proc}/${first.pid}/root`;
    try {
      const network = readNamespaceNetwork(`${proc}/${first.pid}/net`);
      containers.push({
        id: facts.id,
        name: facts.name,
        runtime: facts.runtime,
        ...(facts.project ? { project: facts.project } : {}),
        ...(facts.image ? { image: facts.image } : {}),
        pid: first.pid,
        namespaces: { net: first.net!, mnt: first.mnt! },
        root,
        libc: containerLibc(root),
        gaiConf: readProcGaiConf(root, facts.rootOnHost),
        ...network,
        source: 'proc',
      });
    } catch (error) {
      const reason = errorText(error);
      if (reason !== 'the process exited')
        unreadable.push({
          name: facts.name,
          runtime: facts.runtime,
          pid: first.pid,
          what: `${proc}/${first.pid}/net`,
          reason,
          remedy: REMEDY,
        });
    }
    context.progress({ source: 'proc', done: index + 1, total: all.length });
  }
  // As root a refusal is a process changing credentials while we looked (exec of a setuid program), not a secret.
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (hiddenProcesses > 0 && !asRoot) {
    unreadable.push({
      what: `the namespaces of ${hiddenProcesses} process${hiddenProcesses === 1 ? '' : 'es'} of other users`,
      reason: 'permission denied: only root may read them, so bare-namespace containers among them stay unseen',
      remedy: 'run as root (gai-conf containers --sudo)',
    });
  }
  return { containers, unreadable };
}

/** The /proc discovery source. */
export function procSource(options: ProcSourceOptions = {}): DiscoverySource {
  const resolved: Required<ProcSourceOptions> = {
    proc: options.proc ?? '/proc',
    dockerRoot: options.dockerRoot ?? '/var/lib/docker',
    podLogs: options.podLogs ?? '/var/log/pods',
  };
  return { name: 'proc', discover: (context) => scan(resolved, context) };
}
