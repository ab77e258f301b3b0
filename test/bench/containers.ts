/**
 * The container scan's benchmark subject, bundled by scripts/bench.mjs: 50 real bare-namespace
 * containers (root only), in the scenarios of the oracle tests (ULA only, ULA and global, global,
 * IPv4 only; stock, fixed, prefer-IPv4 and no file), made here and removed again; the scan is the
 * one `gai-conf containers` runs as root (/proc, then judged). Its floor reads the same bytes the
 * scan must read (the process table's stat and namespace links, each container's gai.conf, libc
 * and network tables) and does nothing with them: what no scan of /proc can do without.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

import { judgeContainer } from '../../server/src/features/containerVerdict';
import { discoverContainers } from '../../server/src/system/containers/discovery';
import { procSource } from '../../server/src/system/containers/procSource';
import {
  BareContainer,
  BareContainerSpec,
  GLOBAL_ADDRESS,
  IPV4_ADDRESS,
  startBareContainers,
  ULA_ADDRESS,
} from '../support/bareContainers';

const FIX =
  'label ::1/128 0\nlabel ::/0 1\nlabel 2002::/16 2\nlabel ::/96 3\nlabel ::ffff:0:0/96 4\nlabel fc00::/7 1\n';
const FILES: readonly Readonly<Record<string, string>>[] = [
  {},
  { 'gai.conf': '# Debian-like: every line commented out\n#precedence ::ffff:0:0/96  100\n' },
  { 'gai.conf': FIX },
  { 'gai.conf': 'precedence ::ffff:0:0/96 100\n' },
];
const ADDRESSES: readonly BareContainerSpec['addresses'][] = [
  [ULA_ADDRESS, IPV4_ADDRESS],
  [ULA_ADDRESS, GLOBAL_ADDRESS, IPV4_ADDRESS],
  [GLOBAL_ADDRESS, IPV4_ADDRESS],
  [IPV4_ADDRESS],
];

/** `count` bare containers, every combination of addresses and file in turn. */
export function startBenchContainers(count = 50): Promise<BareContainer[]> {
  const specs = Array.from({ length: count }, (_, i) => ({
    addresses: ADDRESSES[i % ADDRESSES.length]!,
    ipv4Route: true,
    ipv6Route: i % 5 !== 4,
    etc: FILES[Math.floor(i / ADDRESSES.length) % FILES.length]!,
  }));
  return startBareContainers(specs);
}

/** The scan `gai-conf containers` runs as root, and the verdict of every container: milliseconds and how many. */
export async function timeScan(): Promise<{ ms: number; containers: number }> {
  const started = performance.now();
  const scan = await discoverContainers([procSource()]);
  for (const container of scan.containers) judgeContainer(container);
  return { ms: performance.now() - started, containers: scan.containers.length };
}

function readOrNothing(path: string): void {
  try {
    readFileSync(path);
  } catch {
    // gone, or not there: the scan meets the same
  }
}

export interface ScanTarget {
  readonly pid: number;
  /** Inside the container: the libc.so.6 the scan read. */
  readonly libc?: string;
}

/** The floor: the same reads with nothing made of them, for the containers a scan found. */
export function timeFloor(targets: readonly ScanTarget[]): number {
  const started = performance.now();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    readOrNothing(`/proc/${name}/stat`);
    readOrNothing(`/proc/${name}/cgroup`);
    try {
      readlinkSync(`/proc/${name}/ns/mnt`);
      readlinkSync(`/proc/${name}/ns/net`);
    } catch {
      // exited
    }
  }
  for (const { pid, libc } of targets) {
    for (const file of ['/etc/gai.conf', ...(libc ? [libc] : [])]) readOrNothing(`/proc/${pid}/root${file}`);
    for (const table of ['route', 'fib_trie', 'if_inet6', 'ipv6_route']) readOrNothing(`/proc/${pid}/net/${table}`);
  }
  return performance.now() - started;
}

export async function scanTargets(): Promise<ScanTarget[]> {
  const scan = await discoverContainers([procSource()]);
  return scan.containers.flatMap((c) =>
    c.pid === undefined ? [] : [{ pid: c.pid, ...(c.libc.kind === 'glibc' ? { libc: c.libc.path } : {}) }],
  );
}
