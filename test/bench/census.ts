/**
 * The census benchmark's subject, bundled by scripts/bench.mjs: a /proc tree made on disk with
 * 10,000 sockets (100 processes of 100 connections each, half IPv4 through tcp6's v4-mapped
 * peers, half IPv6, one network namespace), read by the same code that reads the real /proc,
 * joined and judged; plus ss's byte counters for those sockets, parsed. ss itself does not run:
 * its time is the kernel's and grows with the machine, not with gai-conf. Its floor, timed in the
 * same run: the reads no census can skip (every process's descriptors and their links, its
 * executable and command line, the namespace's socket tables), with nothing parsed or judged.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseSsBytes } from '../../server/src/features/connections/sockets';
import { censusNow } from '../../server/src/system/connections/read';

const HEADER =
  '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';

function hex32(n: number): string {
  return n.toString(16).toUpperCase().padStart(8, '0');
}

/** A fake /proc with `processes` processes of `perProcess` TCP connections each; returns its root and the ss text for them. */
export function fakeProc(processes = 100, perProcess = 100): { root: string; ss: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'gai-census-bench-'));
  const lines: string[] = [];
  const ss: string[] = [];
  let inode = 1000;
  for (let p = 0; p < processes; p++) {
    const pid = 1000 + p;
    const base = join(root, String(pid));
    mkdirSync(join(base, 'fd'), { recursive: true });
    mkdirSync(join(base, 'ns'));
    symlinkSync('net:[4026531840]', join(base, 'ns', 'net'));
    symlinkSync('mnt:[4026531841]', join(base, 'ns', 'mnt'));
    symlinkSync(process.execPath, join(base, 'exe'));
    writeFileSync(join(base, 'cmdline'), `${process.execPath}\0client.js\0`);
    writeFileSync(join(base, 'environ'), 'PATH=/usr/bin\0');
    writeFileSync(join(base, 'stat'), `${pid} (node) S 1 1 1 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0\n`);
    for (let c = 0; c < perProcess; c++, inode++) {
      symlinkSync(`socket:[${inode}]`, join(base, 'fd', String(c + 3)));
      const port = (10_000 + (inode % 50_000)).toString(16).toUpperCase().padStart(4, '0');
      const local =
        c % 2 === 0 ? `0000000000000000FFFF00000200000A:${port}` : `000042FD000000000000000002000000:${port}`;
      const peer =
        c % 2 === 0
          ? `0000000000000000FFFF0000${hex32(0x0a6433c6 + (c % 7))}:01BB`
          : 'B80D0120000001000000000010000000:01BB';
      lines.push(
        `${String(lines.length).padStart(4)}: ${local} ${peer} 01 00000000:00000000 00:00000000 00000000     0        0 ${inode} 1 0000000000000000 20 4 30 10 -1`,
      );
      ss.push(
        `ESTAB 0 0 [::]:1 [::]:443 ino:${inode} sk:1 <-> ts sack cubic wscale:7,7 bytes_sent:1200 bytes_acked:${1201 + c} bytes_received:5000 segs_out:10`,
      );
    }
  }
  const first = join(root, '1000');
  writeFileSync(join(root, 'uptime'), '1000.00 1900.00\n');
  mkdirSync(join(first, 'net'));
  writeFileSync(join(first, 'net', 'tcp6'), HEADER + lines.join('\n') + '\n');
  for (const table of ['tcp', 'udp', 'udp6']) writeFileSync(join(first, 'net', table), HEADER);
  writeFileSync(join(first, 'net', 'if_inet6'), 'fd420000000000000000000000000002 02 40 00 80     eth0\n');
  writeFileSync(
    join(first, 'net', 'fib_trie'),
    'Main:\n  +-- 0.0.0.0/0 3 0 5\n     |-- 10.0.0.0\n        /24 link UNICAST\n     |-- 10.0.0.2\n        /32 host LOCAL\n',
  );
  writeFileSync(
    join(first, 'net', 'route'),
    'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n eth0\t00000000\t0100000A\t0003\t0\t0\t0\t00000000\n',
  );
  writeFileSync(
    join(first, 'net', 'ipv6_route'),
    `${'0'.repeat(32)} 00 ${'0'.repeat(32)} 00 fd420000000000000000000000000001 00000400 00000001 00000000 00000003 eth0\n`,
  );
  mkdirSync(join(root, 'self', 'ns'), { recursive: true });
  symlinkSync('net:[4026531840]', join(root, 'self', 'ns', 'net'));
  symlinkSync('mnt:[4026531841]', join(root, 'self', 'ns', 'mnt'));
  return { root, ss: ss.join('\n') + '\n', remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** One census of the fake tree: the wall-clock and CPU milliseconds it took, and the sockets it counted. */
export async function timeCensus(tree: {
  root: string;
  ss: string;
}): Promise<{ ms: number; cpuMs: number; sockets: number }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const census = await censusNow({ proc: tree.root, bytes: false });
  const bytes = parseSsBytes(tree.ss);
  const used = process.cpuUsage(cpu);
  const ms = performance.now() - started;
  const ns = census.namespaces[0]!;
  return {
    ms,
    cpuMs: (used.user + used.system) / 1000,
    sockets: Math.min(ns.ipv4.connections + ns.ipv6.connections, bytes.size),
  };
}

/** The floor: the same tree's unavoidable reads, nothing parsed, joined or judged; the milliseconds it took. */
export function timeFloor(tree: { root: string }): { ms: number; links: number } {
  const started = performance.now();
  let links = 0;
  for (const name of readdirSync(tree.root)) {
    if (!/^\d+$/.test(name)) continue;
    const base = join(tree.root, name);
    for (const fd of readdirSync(join(base, 'fd')))
      if (readlinkSync(join(base, 'fd', fd)).startsWith('socket:[')) links++;
    readlinkSync(join(base, 'exe'));
    readlinkSync(join(base, 'ns', 'net'));
    readFileSync(join(base, 'cmdline'));
    for (const table of ['tcp', 'tcp6', 'udp', 'udp6'])
      try {
        readFileSync(join(base, 'net', table));
      } catch {
        // only the namespace's first process has the tables in this tree
      }
  }
  return { ms: performance.now() - started, links };
}
