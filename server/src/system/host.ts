/**
 * This machine's addresses and default routes, read from /proc (Linux) so that flags the kernel
 * keeps (deprecated, home address) come along; os.networkInterfaces() is the fallback elsewhere.
 */

import { readFileSync } from 'fs';
import { networkInterfaces } from 'os';

import { bytesFromHex, IpAddress, parseIpAddress, prefixContains } from '../glibc/addresses';
import { Host, HostAddress } from '../glibc/sourceSelection';

const IFA_F_HOMEADDRESS = 0x10;
const IFA_F_DEPRECATED = 0x20;
const IFA_F_OPTIMISTIC = 0x04;

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function ipv6FromProc(text: string): HostAddress[] {
  const addresses: HostAddress[] = [];
  for (const line of text.split('\n')) {
    const [hex, , prefixHex, , flagsHex, name] = line.trim().split(/\s+/);
    if (!hex || hex.length !== 32 || name === 'lo') continue;
    const flags = parseInt(flagsHex, 16);
    addresses.push({
      address: { family: 6, bytes: bytesFromHex(hex) },
      prefixLength: parseInt(prefixHex, 16),
      deprecated: (flags & (IFA_F_DEPRECATED | IFA_F_OPTIMISTIC)) !== 0,
      homeAddress: (flags & IFA_F_HOMEADDRESS) !== 0,
      interface: name,
    });
  }
  return addresses;
}

function fromNetworkInterfaces(family: 'IPv4' | 'IPv6'): HostAddress[] {
  const addresses: HostAddress[] = [];
  for (const [name, entries] of Object.entries(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.internal || entry.family !== family) continue;
      const address: IpAddress | undefined = parseIpAddress(entry.address.split('%')[0]);
      const prefixLength = Number(entry.cidr?.split('/')[1]);
      if (address && Number.isInteger(prefixLength)) addresses.push({ address, prefixLength, interface: name });
    }
  }
  return addresses;
}

function hasIpv4DefaultRoute(netDir = '/proc/net'): boolean | undefined {
  const table = readProc(`${netDir}/route`);
  if (table === undefined) return undefined;
  return table
    .split('\n')
    .slice(1)
    .some((line) => {
      const [, destination, , flags, , , , mask] = line.trim().split(/\s+/);
      return destination === '00000000' && mask === '00000000' && (parseInt(flags, 16) & 0x1) !== 0;
    });
}

function hasIpv6DefaultRoute(netDir = '/proc/net'): boolean | undefined {
  const table = readProc(`${netDir}/ipv6_route`);
  if (table === undefined) return undefined;
  const RTF_REJECT = 0x200;
  return table.split('\n').some((line) => {
    const [destination, length, , , , , , , flags, device] = line.trim().split(/\s+/);
    return (
      destination === '0'.repeat(32) && length === '00' && device !== 'lo' && (parseInt(flags, 16) & RTF_REJECT) === 0
    );
  });
}

/** The host as the kernel sees it now. */
export function systemHost(): Host {
  const ipv6Proc = readProc('/proc/net/if_inet6');
  const addresses = [
    ...fromNetworkInterfaces('IPv4'),
    ...(ipv6Proc !== undefined ? ipv6FromProc(ipv6Proc) : fromNetworkInterfaces('IPv6')),
  ];
  const ipv4 = hasIpv4DefaultRoute();
  const ipv6 = hasIpv6DefaultRoute();
  if (ipv4 === undefined || ipv6 === undefined) return { addresses };
  return { addresses, defaultRoutes: { ipv4, ipv6 } };
}

/**
 * The IPv4 addresses of a network namespace from its fib_trie: each local address (a leaf with a
 * "/32 host LOCAL" entry), with the length of the connected subnet ("/N link UNICAST") it is in.
 */
function ipv4FromFibTrie(text: string): HostAddress[] {
  const local = new Set<string>();
  const subnets: { bytes: Uint8Array; bits: number }[] = [];
  let leaf: string | undefined;
  for (const line of text.split('\n')) {
    const address = /^\s*\|-- (\S+)$/.exec(line);
    if (address) {
      leaf = address[1];
      continue;
    }
    const entry = /^\s*\/(\d+) (\S+) (\S+)/.exec(line);
    if (!entry || leaf === undefined) continue;
    if (entry[1] === '32' && entry[2] === 'host' && entry[3] === 'LOCAL' && !leaf.startsWith('127.')) local.add(leaf);
    if (entry[2] === 'link' && entry[3] === 'UNICAST')
      subnets.push({ bytes: parseIpAddress(leaf)!.bytes, bits: Number(entry[1]) + 96 });
  }
  return [...local].map((text) => {
    const address = parseIpAddress(text)!;
    const subnet = subnets
      .filter((s) => prefixContains(s.bytes, s.bits, address.bytes))
      .sort((a, b) => b.bits - a.bits)[0];
    return { address, prefixLength: subnet ? subnet.bits - 96 : 32 };
  });
}

/** Another network namespace's addresses and default routes, read through /proc/PID/net only. */
export function namespaceHost(netDir: string): Host {
  const addresses = [
    ...ipv4FromFibTrie(readProc(`${netDir}/fib_trie`) ?? ''),
    ...ipv6FromProc(readProc(`${netDir}/if_inet6`) ?? ''),
  ];
  const ipv4 = hasIpv4DefaultRoute(netDir);
  const ipv6 = hasIpv6DefaultRoute(netDir);
  return { addresses, defaultRoutes: { ipv4: ipv4 ?? false, ipv6: ipv6 ?? false } };
}
