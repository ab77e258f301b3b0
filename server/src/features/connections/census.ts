/**
 * The connections census: what system/ read about each network namespace (its socket tables, the
 * TCP byte counters, its addresses and routes, the gai.conf its programs read) and about each
 * process (the sockets its descriptors hold, its executable and options), joined into connections
 * per family per program, with the IPv6 share and a reason for every IPv4 connection to a
 * non-loopback peer. The JSON it produces is the documented `gai-conf connections --json` shape.
 */

import { Host } from '../../glibc/sourceSelection';
import { GlibcVersion } from '../../glibc/versions';
import { classifyProcess, ElfFacts, ProcessFacts } from '../whoFollows';
import { namespaceReasoner, Reason, ReasonContext } from './reasons';
import { ByteCounts, endpointText, Family, isConnected, isLoopbackPeer, peerFamily, SocketRow } from './sockets';

export const CENSUS_FORMAT = 'gai-conf-connections/1';

/** What system/ read about one network namespace. */
export interface NamespaceInput {
  /** The namespace as /proc/PID/ns/net names it, e.g. "net:[4026531840]". */
  readonly id: string;
  /** The container's name; null for the host's own namespace. */
  readonly container: string | null;
  readonly host: Host;
  /** The gai.conf the namespace's programs read, its text (null: missing, so the built-in tables) and the glibc that reads it. */
  readonly gaiConf: { readonly path: string; readonly text: string | null; readonly note?: string };
  readonly glibc: GlibcVersion;
  readonly rows: readonly SocketRow[];
  /** TCP byte counters by socket inode; null when they could not be read (no ss, or no right to enter the namespace). */
  readonly bytes: ReadonlyMap<number, ByteCounts> | null;
}

/** A process that holds sockets, as system/ read it. */
export interface ProcessInput {
  readonly pid: number;
  readonly namespace: string;
  readonly inodes: readonly number[];
  /** What who-follows reads about a process; null when its executable could not be read. */
  readonly facts: (ProcessFacts & { elf: ElfFacts | null }) | null;
  readonly executable: string;
  readonly command: string;
}

export interface CensusInput {
  readonly namespaces: readonly NamespaceInput[];
  readonly processes: readonly ProcessInput[];
  /** With --resolve: per peer address text, whether its name has an IPv6 address (null: no name found). */
  readonly peerNames?: ReadonlyMap<string, PeerName>;
  readonly takenAt: Date;
  readonly window: CensusWindow;
  readonly runningAsRoot: boolean;
}

export interface PeerName {
  readonly name: string | null;
  readonly hasIpv6: boolean | null;
}

export type CensusWindow =
  | { readonly kind: 'snapshot' }
  | { readonly kind: 'watch'; readonly durationMs: number; readonly intervalMs: number; readonly samples: number };

export interface FamilyCount {
  connections: number;
  bytes: number | null;
}

export interface Connection {
  readonly protocol: 'tcp' | 'udp';
  readonly family: Family;
  readonly local: string;
  readonly peer: string;
  readonly state: string;
  readonly loopback: boolean;
  /** The peer opened it (this socket was accepted by a listener). */
  readonly inbound: boolean;
  /** Sent (acknowledged) and received bytes of a TCP socket; null for UDP or when not measured. */
  readonly bytes: { readonly sent: number; readonly received: number } | null;
  readonly reason?: Reason;
}

export interface ProcessCensus {
  readonly pid: number;
  readonly exe: string;
  readonly command: string;
  /** The runtime table entry who-follows gives it (null: unknown or not inspected). */
  readonly runtime: string | null;
  readonly followsFile: boolean | null;
  readonly ipv4: FamilyCount;
  readonly ipv6: FamilyCount;
  readonly loopback: FamilyCount;
  readonly connections: Connection[];
}

export interface Shares {
  /** IPv6 connections over IPv6 + IPv4 (loopback apart); null when there are none. */
  readonly connections: number | null;
  readonly bytes: number | null;
}

export interface NamespaceCensus {
  readonly container: string | null;
  readonly namespace: string;
  readonly gaiConf: string;
  readonly addresses: string[];
  readonly defaultRoutes: { readonly ipv4: boolean; readonly ipv6: boolean };
  readonly bytesMeasured: boolean;
  readonly ipv4: FamilyCount;
  readonly ipv6: FamilyCount;
  readonly loopback: FamilyCount;
  readonly share: Shares;
  readonly processes: ProcessCensus[];
  /** Connections no readable process holds: closed ones in TIME_WAIT, or other users' sockets. */
  readonly unattributed: {
    readonly ipv4: FamilyCount;
    readonly ipv6: FamilyCount;
    readonly loopback: FamilyCount;
    readonly connections: Connection[];
  };
  readonly notes: string[];
}

export interface Census {
  readonly format: typeof CENSUS_FORMAT;
  readonly takenAt: string;
  readonly window: CensusWindow;
  readonly runningAsRoot: boolean;
  readonly ipv4: FamilyCount;
  readonly ipv6: FamilyCount;
  readonly share: Shares;
  readonly namespaces: NamespaceCensus[];
}

function emptyCount(bytesMeasured: boolean): FamilyCount {
  return { connections: 0, bytes: bytesMeasured ? 0 : null };
}

function add(count: FamilyCount, connection: Connection): void {
  count.connections++;
  if (count.bytes !== null && connection.bytes) count.bytes += connection.bytes.sent + connection.bytes.received;
}

function bucketOf<T extends { ipv4: FamilyCount; ipv6: FamilyCount; loopback: FamilyCount }>(
  counts: T,
  c: Connection,
): FamilyCount {
  return c.loopback ? counts.loopback : counts[c.family];
}

export function shareOf(ipv4: FamilyCount, ipv6: FamilyCount): Shares {
  const ratio = (six: number | null, four: number | null) =>
    six === null || four === null || six + four === 0 ? null : six / (six + four);
  return { connections: ratio(ipv6.connections, ipv4.connections), bytes: ratio(ipv6.bytes, ipv4.bytes) };
}

/** Local ports with a listener, per protocol: a connection on one of them was accepted, not opened. */
function listeningPorts(rows: readonly SocketRow[]): Set<number> {
  return new Set(rows.filter((r) => r.protocol === 'tcp' && r.state === 'LISTEN').map((r) => r.local.port));
}

export function takeCensus(input: CensusInput): Census {
  const byNamespace = new Map<string, ProcessInput[]>();
  for (const p of input.processes) {
    const list = byNamespace.get(p.namespace) ?? [];
    list.push(p);
    byNamespace.set(p.namespace, list);
  }
  const namespaces = input.namespaces.map((ns) => namespaceCensus(ns, byNamespace.get(ns.id) ?? [], input));
  const total = (family: Family): FamilyCount => {
    const measured = namespaces.every((n) => n.bytesMeasured);
    const count = emptyCount(measured);
    for (const n of namespaces) {
      count.connections += n[family].connections;
      if (count.bytes !== null) count.bytes += n[family].bytes ?? 0;
    }
    return count;
  };
  const ipv4 = total('ipv4');
  const ipv6 = total('ipv6');
  return {
    format: CENSUS_FORMAT,
    takenAt: input.takenAt.toISOString(),
    window: input.window,
    runningAsRoot: input.runningAsRoot,
    ipv4,
    ipv6,
    share: shareOf(ipv4, ipv6),
    namespaces,
  };
}

function namespaceCensus(ns: NamespaceInput, processes: readonly ProcessInput[], input: CensusInput): NamespaceCensus {
  const measured = ns.bytes !== null;
  const listening = listeningPorts(ns.rows);
  const reasoner = namespaceReasoner(ns);
  // A socket shared by several processes (inherited across fork) counts once, for the lowest PID.
  const owner = new Map<number, ProcessInput>();
  for (const p of [...processes].sort((a, b) => a.pid - b.pid))
    for (const inode of p.inodes) if (!owner.has(inode)) owner.set(inode, p);
  const censuses = new Map<
    ProcessInput,
    ProcessCensus & { ipv4: FamilyCount; ipv6: FamilyCount; loopback: FamilyCount }
  >();
  const unattributed = {
    ipv4: emptyCount(measured),
    ipv6: emptyCount(measured),
    loopback: emptyCount(measured),
    connections: [] as Connection[],
  };
  const totals = { ipv4: emptyCount(measured), ipv6: emptyCount(measured), loopback: emptyCount(measured) };
  const classified = new Map<ProcessInput, ReturnType<typeof classifyProcess> | null>();
  for (const row of ns.rows) {
    if (!isConnected(row, input.window.kind === 'watch')) continue;
    const holder = row.inode === 0 ? undefined : owner.get(row.inode);
    let classification: ReturnType<typeof classifyProcess> | null = null;
    if (holder) {
      if (!classified.has(holder))
        classified.set(
          holder,
          holder.facts?.elf ? classifyProcess({ ...holder.facts, elf: holder.facts.elf }, []) : null,
        );
      classification = classified.get(holder)!;
    }
    const family = peerFamily(row);
    const loopback = isLoopbackPeer(row);
    const inbound = row.protocol === 'tcp' && listening.has(row.local.port);
    const counts = row.protocol === 'tcp' && ns.bytes ? (ns.bytes.get(row.inode) ?? null) : null;
    const base: Connection = {
      protocol: row.protocol,
      family,
      local: endpointText(row.local),
      peer: endpointText(row.peer),
      state: row.state,
      loopback,
      inbound,
      bytes: counts ? { sent: counts.sent, received: counts.received } : null,
    };
    const context: ReasonContext = {
      row,
      inbound,
      classification,
      options: holder?.facts?.options ?? [],
      peerNames: input.peerNames,
      program: holder ? holder.executable : null,
    };
    const connection: Connection = family === 'ipv4' && !loopback ? { ...base, reason: reasoner(context) } : base;
    add(bucketOf(totals, connection), connection);
    if (!holder) {
      add(bucketOf(unattributed, connection), connection);
      unattributed.connections.push(connection);
      continue;
    }
    let census = censuses.get(holder);
    if (!census) {
      census = {
        pid: holder.pid,
        exe: holder.executable,
        command: holder.command,
        runtime: classification?.runtime ?? null,
        followsFile: classification ? reasoner.followsFile(classification) : null,
        ipv4: emptyCount(measured),
        ipv6: emptyCount(measured),
        loopback: emptyCount(measured),
        connections: [],
      };
      censuses.set(holder, census);
    }
    add(bucketOf(census, connection), connection);
    census.connections.push(connection);
  }
  const notes: string[] = [];
  if (ns.gaiConf.note) notes.push(ns.gaiConf.note);
  if (!measured)
    notes.push('Bytes were not measured in this namespace (ss is missing, or entering the namespace needs root).');
  return {
    container: ns.container,
    namespace: ns.id,
    gaiConf: ns.gaiConf.path,
    addresses: reasoner.addresses,
    defaultRoutes: reasoner.defaultRoutes,
    bytesMeasured: measured,
    ...totals,
    share: shareOf(totals.ipv4, totals.ipv6),
    processes: [...censuses.values()].sort((a, b) => a.pid - b.pid),
    unattributed,
    notes,
  };
}
