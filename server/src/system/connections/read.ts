/**
 * The machine-facing half of the connections census, run only when the user asks for one: per
 * network namespace its socket tables (/proc/PID/net/{tcp,tcp6,udp,udp6}, read once per
 * namespace), addresses and routes, the gai.conf its programs read, and the TCP byte counters,
 * which /proc does not have: the host's own `ss` reads them, run in that namespace's network
 * namespace only (`nsenter --net=/proc/PID/ns/net`); no container binary ever runs. Per process,
 * the sockets its descriptors hold (/proc/PID/fd) and what who-follows reads about it. With
 * --resolve, and only then, the peers' names are looked up in DNS. Nothing is written or sent.
 */

import { execFileSync } from 'child_process';
import { readdirSync, readFileSync, readlinkSync } from 'fs';

import {
  Census,
  CensusInput,
  CensusWindow,
  NamespaceInput,
  PeerName,
  ProcessInput,
  takeCensus,
} from '../../features/connections/census';
import {
  ByteCounts,
  isConnected,
  isLoopbackPeer,
  parseSocketTable,
  parseSsBytes,
  peerFamily,
  SocketRow,
} from '../../features/connections/sockets';
import { containerGlibc } from '../../features/containerVerdict';
import type { ProcessFacts } from '../../features/whoFollows';
import { addressText } from '../../glibc/addresses';
import { GlibcVersion } from '../../glibc/versions';
import { resolveGlibcVersion } from '../cLibrary';
import { readContainerFile } from '../containers/containerFiles';
import { discoverContainers } from '../containers/discovery';
import type { DiscoveredContainer } from '../containers/model';
import { procSource } from '../containers/procSource';
import { namespaceHost } from '../host';
import { findOnPath } from '../installedRuntimes';
import { scanProcesses } from '../processes';
import { namedBy, NetworkNamespace, networkNamespaces } from './namespaces';

const TABLES = ['tcp', 'tcp6', 'udp', 'udp6'] as const;
const SS_TIMEOUT_MS = 10_000;

export interface CensusOptions {
  readonly proc?: string;
  /** Read the TCP byte counters with ss (default true). */
  readonly bytes?: boolean;
  readonly glibc?: GlibcVersion;
}

/** One namespace's socket rows: each table read once, through the namespace's first process. */
export function readSocketRows(pid: number, proc = '/proc'): SocketRow[] {
  return TABLES.flatMap((table) => {
    try {
      return parseSocketTable(readFileSync(`${proc}/${pid}/net/${table}`, 'latin1'), table);
    } catch {
      return []; // IPv6 disabled, or the process exited
    }
  });
}

/** The host's own ss (only the system's folders, never PATH), and nsenter for another namespace. */
function ssBytes(ns: NetworkNamespace, proc: string): Map<number, ByteCounts> | null {
  const ss = findOnPath('ss', '');
  if (!ss) return null;
  const args = ['-t', '-i', '-n', '-H', '-O', '-e', 'state', 'connected'];
  try {
    if (ns.container === null)
      return parseSsBytes(
        execFileSync(ss, args, {
          encoding: 'latin1',
          timeout: SS_TIMEOUT_MS,
          maxBuffer: 1 << 28,
          stdio: ['ignore', 'pipe', 'ignore'],
        }),
      );
    const nsenter = findOnPath('nsenter', '');
    if (!nsenter) return null;
    const out = execFileSync(nsenter, [`--net=${proc}/${ns.pid}/ns/net`, '--', ss, ...args], {
      encoding: 'latin1',
      timeout: SS_TIMEOUT_MS,
      maxBuffer: 1 << 28,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return parseSsBytes(out);
  } catch {
    return null; // not allowed to enter the namespace (not root), or the namespace went away
  }
}

/**
 * The gai.conf a namespace's programs read: the one discovery read, else the host's own for the
 * host's mount namespace, else the container's through its root, walked by containerFiles.ts so
 * that a symbolic link inside the container never leads to a host file.
 */
function readGaiConf(ns: NetworkNamespace, proc: string): NamespaceInput['gaiConf'] {
  const found = ns.discovered?.gaiConf;
  if (found) {
    if (found.state === 'present') return { path: found.hostPath, text: found.content };
    if (found.state === 'absent') return { path: found.hostPath, text: null };
    return { path: found.hostPath, text: null, note: `${found.hostPath}: ${found.reason}; judged as if missing.` };
  }
  const root = ns.otherMountNamespace ? `${proc}/${ns.pid}/root` : '';
  const path = `${root}/etc/gai.conf`;
  try {
    if (!root) return { path, text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(readFileSync(path)) };
    const read = readContainerFile(root, '/etc/gai.conf');
    return read.kind === 'absent'
      ? { path, text: null }
      : { path, text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(read.bytes) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { path, text: null };
    return {
      path,
      text: null,
      note: `${path} could not be read (${code ?? (error as Error).message}): judged as if missing.`,
    };
  }
}

/** The namespace's own tables and facts; `rows` lets --watch pass what it gathered over the window. */
export function readNamespace(ns: NetworkNamespace, options: CensusOptions, rows?: SocketRow[]): NamespaceInput {
  const proc = options.proc ?? '/proc';
  return {
    id: ns.id,
    container: ns.container,
    host: namespaceHost(`${proc}/${ns.pid}/net`),
    gaiConf: readGaiConf(ns, proc),
    // A container's own glibc reads its file (a Debian 11 container on a Debian 12 host: 2.31).
    glibc:
      options.glibc ?? (ns.discovered?.libc.kind === 'glibc' ? containerGlibc(ns.discovered) : resolveGlibcVersion()!),
    rows: rows ?? readSocketRows(ns.pid, proc),
    bytes: options.bytes === false ? null : ssBytes(ns, proc),
  };
}

/** Per process: its network namespace and the socket inodes its descriptors hold (only processes holding wanted sockets). */
export function socketOwners(
  wanted: ReadonlySet<number>,
  proc = '/proc',
): Map<number, { namespace: string; inodes: number[] }> {
  const owners = new Map<number, { namespace: string; inodes: number[] }>();
  for (const name of readdirSync(proc)) {
    if (!/^\d+$/.test(name)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`${proc}/${name}/fd`);
    } catch {
      continue; // another user's process, or it exited
    }
    const inodes: number[] = [];
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`${proc}/${name}/fd/${fd}`);
      } catch {
        continue;
      }
      if (target.startsWith('socket:[')) {
        const inode = Number(target.slice(8, -1));
        if (wanted.has(inode)) inodes.push(inode);
      }
    }
    if (inodes.length === 0) continue;
    try {
      owners.set(Number(name), { namespace: readlinkSync(`${proc}/${name}/ns/net`), inodes });
    } catch {
      // exited meanwhile
    }
  }
  return owners;
}

function processInputs(owners: Map<number, { namespace: string; inodes: number[] }>, proc: string): ProcessInput[] {
  const facts = new Map<number, ProcessFacts>(scanProcesses(proc).processes.map((p) => [p.pid, p]));
  return [...owners].map(([pid, owner]) => {
    const f = facts.get(pid) ?? null;
    return {
      pid,
      namespace: owner.namespace,
      inodes: owner.inodes,
      facts: f,
      executable: f?.executable ?? '(not readable)',
      command: f?.command ?? '',
    };
  });
}

/** With --resolve only: each IPv4 peer's name (reverse DNS) and whether that name has an IPv6 address. */
export async function resolvePeers(namespaces: readonly NamespaceInput[]): Promise<Map<string, PeerName>> {
  const { Resolver } = await import('dns/promises');
  const resolver = new Resolver({ timeout: 3000, tries: 1 });
  const peers = new Set<string>();
  for (const ns of namespaces)
    for (const row of ns.rows)
      if (isConnected(row, true) && peerFamily(row) === 'ipv4' && !isLoopbackPeer(row))
        peers.add(addressText({ family: 4, bytes: row.peer.bytes }));
  const names = new Map<string, PeerName>();
  await Promise.all(
    [...peers].map(async (peer) => {
      const name = (await resolver.reverse(peer).catch(() => []))[0] ?? null;
      if (name === null) {
        names.set(peer, { name: null, hasIpv6: null });
        return;
      }
      const ipv6 = await resolver.resolve6(name).then(
        (a) => a.length > 0,
        (e: NodeJS.ErrnoException) => (e.code === 'ENODATA' || e.code === 'ENOTFOUND' ? false : null),
      );
      names.set(peer, { name, hasIpv6: ipv6 });
    }),
  );
  return names;
}

function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export interface CensusRequest extends CensusOptions {
  readonly resolve?: boolean;
}

/**
 * This machine's containers, which name its namespaces and give each its own gai.conf and libc
 * (from /proc, as the containers command reads them); none for a /proc tree given by a bench.
 */
async function containersFor(request: CensusRequest): Promise<readonly DiscoveredContainer[]> {
  if (request.proc !== undefined) return [];
  return (await discoverContainers([procSource()])).containers;
}

/** A census of this moment. */
export async function censusNow(request: CensusRequest = {}): Promise<Census> {
  const proc = request.proc ?? '/proc';
  const containers = await containersFor(request);
  const namespaces = networkNamespaces(proc, containers).map((ns) => readNamespace(ns, request));
  const wanted = new Set(namespaces.flatMap((ns) => ns.rows.filter((r) => r.inode !== 0).map((r) => r.inode)));
  const processes = processInputs(socketOwners(wanted, proc), proc);
  const input: CensusInput = {
    namespaces,
    processes,
    takenAt: new Date(),
    window: { kind: 'snapshot' },
    runningAsRoot: runningAsRoot(),
    ...(request.resolve ? { peerNames: await resolvePeers(namespaces) } : {}),
  };
  return takeCensus(input);
}

export interface WatchProgress {
  readonly elapsedMs: number;
  readonly durationMs: number;
  readonly samples: number;
}

/**
 * A census over a window: the socket tables sampled every `intervalMs`, every connection seen
 * at any sample counted once (by protocol and both endpoints), attributed to the process that
 * held it when it was seen open. A connection that closed before the first sample saw it open
 * is still counted from its TIME_WAIT entry (on the side that closed first), without a program;
 * TIME_WAIT entries already there at the first sample are older than the window and left out.
 */
export async function censusOverWindow(
  request: CensusRequest & {
    durationMs: number;
    intervalMs: number;
    signal?: AbortSignal;
    onProgress?(p: WatchProgress): void;
  },
): Promise<Census> {
  const proc = request.proc ?? '/proc';
  const seen = new Map<string, Map<string, SocketRow>>();
  const before = new Set<string>();
  const owners = new Map<number, { namespace: string; inodes: Set<number> }>();
  const known = new Set<number>();
  let namespaces: NetworkNamespace[];
  const started = Date.now();
  let samples = 0;
  const key = (r: SocketRow) =>
    `${r.protocol}|${r.local.bytes.join('.')}|${r.local.port}|${r.peer.bytes.join('.')}|${r.peer.port}`;
  for (;;) {
    namespaces = networkNamespaces(proc);
    const fresh = new Set<number>();
    for (const ns of namespaces) {
      let rows = seen.get(ns.id);
      if (!rows) seen.set(ns.id, (rows = new Map()));
      for (const row of readSocketRows(ns.pid, proc)) {
        if (!isConnected(row, true)) continue;
        const k = key(row);
        if (samples === 0 && row.state === 'TIME_WAIT') before.add(`${ns.id}|${k}`);
        const earlier = rows.get(k);
        rows.set(k, earlier && row.inode === 0 ? { ...row, inode: earlier.inode } : row);
        if (row.inode !== 0 && !known.has(row.inode)) fresh.add(row.inode);
      }
    }
    if (fresh.size > 0) {
      for (const [pid, owner] of socketOwners(fresh, proc)) {
        const entry = owners.get(pid) ?? { namespace: owner.namespace, inodes: new Set<number>() };
        for (const inode of owner.inodes) entry.inodes.add(inode);
        owners.set(pid, entry);
      }
      for (const inode of fresh) known.add(inode);
    }
    samples++;
    const elapsedMs = Date.now() - started;
    request.onProgress?.({ elapsedMs, durationMs: request.durationMs, samples });
    if (elapsedMs >= request.durationMs || request.signal?.aborted) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(request.intervalMs, request.durationMs - elapsedMs)));
  }
  // Containers are looked for once the window has closed, so that no sample waits for the scan;
  // a container gone by then keeps its namespace's id for a name.
  const containers = await containersFor(request);
  const inputs = namespaces.map((ns) =>
    readNamespace(
      namedBy(ns, containers),
      request,
      [...(seen.get(ns.id)?.entries() ?? [])].filter(([k]) => !before.has(`${ns.id}|${k}`)).map(([, row]) => row),
    ),
  );
  const processes = processInputs(
    new Map([...owners].map(([pid, o]) => [pid, { namespace: o.namespace, inodes: [...o.inodes] }])),
    proc,
  );
  const window: CensusWindow = {
    kind: 'watch',
    durationMs: Date.now() - started,
    intervalMs: request.intervalMs,
    samples,
  };
  return takeCensus({
    namespaces: inputs,
    processes,
    takenAt: new Date(started),
    window,
    runningAsRoot: runningAsRoot(),
    ...(request.resolve ? { peerNames: await resolvePeers(inputs) } : {}),
  });
}
