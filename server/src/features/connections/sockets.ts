/**
 * The kernel's socket tables as /proc/PID/net/{tcp,tcp6,udp,udp6} print them, and the TCP byte
 * counters as `ss -tinHOe` prints them, read into rows. Pure text in, rows out: system/ reads the
 * files and runs ss; the census (census.ts) joins the rows with processes and judges them.
 */

import { addressText, Bytes16, ipv4ToMapped, isLoopbackIpv6, isV4Mapped } from '../../glibc/addresses';

export type Protocol = 'tcp' | 'udp';
export type Family = 'ipv4' | 'ipv6';

export interface Endpoint {
  /** 16 bytes; an IPv4 address (from tcp/udp, or v4-mapped from tcp6/udp6) as ::ffff:a.b.c.d. */
  readonly bytes: Bytes16;
  readonly port: number;
}

export interface SocketRow {
  readonly protocol: Protocol;
  /** The table the row came from: a tcp6 row may still carry an IPv4 (v4-mapped) connection. */
  readonly table: 'tcp' | 'tcp6' | 'udp' | 'udp6';
  readonly local: Endpoint;
  readonly peer: Endpoint;
  readonly state: TcpState;
  /** 0 for sockets no file descriptor holds (TIME_WAIT, or orphaned while closing). */
  readonly inode: number;
}

/** The kernel's TCP states by number (include/net/tcp_states.h); UDP uses ESTABLISHED for connected sockets and CLOSE otherwise. */
const STATES = [
  '',
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
  'NEW_SYN_RECV',
] as const;
export type TcpState = (typeof STATES)[number] | 'UNKNOWN';

/**
 * /proc prints each 32-bit word of an address as the machine holds it in memory: on the
 * little-endian machines Node runs on (x86-64, arm64), byte-reversed per word.
 */
function addressFromHex(hex: string): Bytes16 {
  const words = hex.length / 8;
  const bytes = new Uint8Array(words * 4);
  for (let w = 0; w < words; w++) {
    for (let b = 0; b < 4; b++) bytes[w * 4 + b] = parseInt(hex.substr(w * 8 + (3 - b) * 2, 2), 16);
  }
  return words === 1 ? ipv4ToMapped(bytes) : bytes;
}

function endpoint(text: string): Endpoint {
  const colon = text.indexOf(':');
  return { bytes: addressFromHex(text.slice(0, colon)), port: parseInt(text.slice(colon + 1), 16) };
}

/** Every row of one table; a malformed line is skipped, not fatal (the file is the kernel's, but a test or another kernel may differ). */
export function parseSocketTable(text: string, table: SocketRow['table']): SocketRow[] {
  const rows: SocketRow[] = [];
  const protocol: Protocol = table.startsWith('tcp') ? 'tcp' : 'udp';
  const addressLength = table.endsWith('6') ? 32 : 8;
  let start = text.indexOf('\n') + 1; // the header
  while (start > 0 && start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const fields = text.slice(start, end).trim().split(/\s+/);
    start = end + 1;
    if (fields.length < 10) continue;
    const [, local, peer, state, , , , , , inode] = fields;
    if (local.length !== addressLength + 5 || peer.length !== addressLength + 5) continue;
    rows.push({
      protocol,
      table,
      local: endpoint(local),
      peer: endpoint(peer),
      state: STATES[parseInt(state, 16)] ?? 'UNKNOWN',
      inode: Number(inode),
    });
  }
  return rows;
}

/** A connection the census counts: TCP in any state between the handshake and the close, UDP with a peer set by connect(). */
export function isConnected(row: SocketRow, includeTimeWait = false): boolean {
  if (row.protocol === 'udp') return row.state === 'ESTABLISHED';
  if (row.state === 'TIME_WAIT') return includeTimeWait;
  return row.state !== 'LISTEN' && row.state !== 'CLOSE' && row.state !== 'UNKNOWN';
}

/** The peer's family: a v4-mapped peer in tcp6 (a dual-stack socket talking to an IPv4 client) is IPv4. */
export function peerFamily(row: SocketRow): Family {
  return isV4Mapped(row.peer.bytes) ? 'ipv4' : 'ipv6';
}

export function isLoopbackPeer(row: SocketRow): boolean {
  const bytes = row.peer.bytes;
  return isV4Mapped(bytes) ? bytes[12] === 127 : isLoopbackIpv6(bytes);
}

/** "10.0.0.2:443", "[fd42::2]:443"; a v4-mapped address in its IPv4 form. */
export function endpointText(e: Endpoint): string {
  return isV4Mapped(e.bytes)
    ? `${addressText({ family: 4, bytes: e.bytes })}:${e.port}`
    : `[${addressText({ family: 6, bytes: e.bytes })}]:${e.port}`;
}

export interface ByteCounts {
  /** bytes_acked: what the peer acknowledged of what this socket sent. */
  readonly sent: number;
  /** bytes_received. */
  readonly received: number;
}

/** `ss -tinHOe` output: one line per TCP socket with ino:N and, once data flowed, bytes_acked / bytes_received. */
export function parseSsBytes(text: string): Map<number, ByteCounts> {
  const counts = new Map<number, ByteCounts>();
  for (const line of text.split('\n')) {
    const inode = / ino:(\d+)/.exec(line);
    if (!inode || inode[1] === '0') continue;
    const sent = / bytes_acked:(\d+)/.exec(line);
    const received = / bytes_received:(\d+)/.exec(line);
    counts.set(Number(inode[1]), { sent: sent ? Number(sent[1]) : 0, received: received ? Number(received[1]) : 0 });
  }
  return counts;
}

/** A program as people name it: its executable's file name ("java", not /usr/lib/jvm/.../bin/java). */
export function shortName(exe: string): string {
  return (
    exe
      .replace(/ \(deleted\)$/, '')
      .split('/')
      .pop() ?? exe
  );
}
