/**
 * The kernel's network tables as /proc/PID/net/ prints them for a network namespace: addresses
 * (if_inet6; fib_trie's LOCAL entries, with the prefix and interface of the connected route from
 * route) and default routes per family (route, ipv6_route). Pure: the text in, facts out.
 */

import { addressText, bytesFromHex, parseIpAddress } from '../glibc/addresses';
import type { Host, HostAddress } from '../glibc/sourceSelection';
import type { ContainerAddress, DefaultRoutes } from './containerModel';

const IFA_F_OPTIMISTIC = 0x04;
const IFA_F_HOMEADDRESS = 0x10;
const IFA_F_DEPRECATED = 0x20;
const RTF_UP = 0x0001;
const RTF_GATEWAY = 0x0002;
const RTF_REJECT = 0x0200;

/** if_inet6: "fd420000000000000000000000000002 03 40 00 80 eth0" (address, index, prefix, scope, flags, name); lo left out. */
export function parseIfInet6(text: string): ContainerAddress[] {
  const addresses: ContainerAddress[] = [];
  for (const line of text.split('\n')) {
    const [hex, , prefixHex, , flagsHex, name] = line.trim().split(/\s+/);
    if (!hex || hex.length !== 32 || !name || name === 'lo') continue;
    const flags = parseInt(flagsHex, 16);
    addresses.push({
      family: 6,
      address: addressText({ family: 6, bytes: bytesFromHex(hex) }),
      prefixLength: parseInt(prefixHex, 16),
      interface: name,
      ...((flags & (IFA_F_DEPRECATED | IFA_F_OPTIMISTIC)) !== 0 ? { deprecated: true } : {}),
      ...((flags & IFA_F_HOMEADDRESS) !== 0 ? { homeAddress: true } : {}),
    });
  }
  return addresses;
}

interface Ipv4Route {
  readonly interface: string;
  /** In network order, as four numbers. */
  readonly destination: readonly number[];
  readonly prefixLength: number;
  readonly flags: number;
}

/** route prints each address as the 32-bit word in host order: on little-endian machines "000200C0" is 192.0.2.0. */
function quadFromWord(hex: string, littleEndian: boolean): number[] {
  const word = parseInt(hex, 16) >>> 0;
  const quad = [(word >>> 24) & 0xff, (word >>> 16) & 0xff, (word >>> 8) & 0xff, word & 0xff];
  return littleEndian ? quad.reverse() : quad;
}

function popcount(word: number): number {
  let count = 0;
  for (let w = word >>> 0; w !== 0; w >>>= 1) count += w & 1;
  return count;
}

/** route's table: "Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT". */
export function parseIpv4Routes(text: string, littleEndian = true): Ipv4Route[] {
  return text
    .split('\n')
    .slice(1)
    .flatMap((line) => {
      const [name, destination, , flags, , , , mask] = line.trim().split(/\s+/);
      if (!name || !mask || !/^[0-9A-Fa-f]{8}$/.test(destination)) return [];
      return [
        {
          interface: name,
          destination: quadFromWord(destination, littleEndian),
          prefixLength: popcount(parseInt(mask, 16)),
          flags: parseInt(flags, 16),
        },
      ];
    });
}

export function hasIpv4DefaultRoute(routes: readonly Ipv4Route[]): boolean {
  return routes.some((r) => r.prefixLength === 0 && (r.flags & RTF_UP) !== 0 && (r.flags & RTF_REJECT) === 0);
}

/** ipv6_route: a ::/0 route that is not a reject route (the kernel's own unreachable entry on lo). */
export function hasIpv6DefaultRoute(text: string): boolean {
  return text.split('\n').some((line) => {
    const [destination, length, , , , , , , flags, device] = line.trim().split(/\s+/);
    return (
      destination === '0'.repeat(32) && length === '00' && device !== 'lo' && (parseInt(flags, 16) & RTF_REJECT) === 0
    );
  });
}

/** fib_trie's local addresses ("|-- 10.0.3.5" followed by "/32 host LOCAL"), loopback left out, each once. */
function parseFibTrieLocal(text: string): string[] {
  const found = new Set<string>();
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const leaf = /\|--\s+(\d+\.\d+\.\d+\.\d+)\s*$/.exec(line);
    if (leaf) {
      current = leaf[1];
      continue;
    }
    if (current && /^\s*\/32\s+host\s+LOCAL\b/.test(line) && !current.startsWith('127.')) found.add(current);
    else if (!/^\s*\/\d+\s/.test(line)) current = undefined;
  }
  return [...found];
}

function contains(route: Ipv4Route, quad: readonly number[]): boolean {
  for (let bit = 0; bit < route.prefixLength; bit++) {
    const mask = 0x80 >> (bit % 8);
    if ((route.destination[bit >> 3] & mask) !== (quad[bit >> 3] & mask)) return false;
  }
  return true;
}

/**
 * The IPv4 addresses with prefix length and interface: the connected (gatewayless) route that
 * holds the address gives both; an address without one (a /32, or noprefixroute) is a /32 on the
 * interface of any route that has one, as the kernel sees it for source selection (route does not
 * say which interface such an address is on).
 */
export function ipv4Addresses(fibTrie: string, routes: readonly Ipv4Route[]): ContainerAddress[] {
  return parseFibTrieLocal(fibTrie).map((address) => {
    const quad = address.split('.').map(Number);
    const connected = routes
      .filter((r) => (r.flags & RTF_GATEWAY) === 0 && r.prefixLength > 0 && contains(r, quad))
      .sort((a, b) => b.prefixLength - a.prefixLength)[0];
    // A reject route (unreachable, prohibit, blackhole) names no interface: route prints "*".
    const anyInterface = routes.find((r) => (r.flags & RTF_REJECT) === 0 && r.interface !== '*')?.interface;
    return {
      family: 4,
      address,
      prefixLength: connected?.prefixLength ?? 32,
      interface: connected?.interface ?? anyInterface ?? 'eth0',
    };
  });
}

/** A namespace's addresses and default routes, as read from its tables, as the glibc model's host. */
export function hostOfNetwork(network: {
  readonly addresses: readonly ContainerAddress[];
  readonly routes: DefaultRoutes;
}): Host {
  const addresses: HostAddress[] = network.addresses.flatMap((a) => {
    const address = parseIpAddress(a.address);
    if (!address) return [];
    return [
      {
        address,
        prefixLength: a.prefixLength,
        interface: a.interface,
        ...(a.deprecated ? { deprecated: true } : {}),
        ...(a.homeAddress ? { homeAddress: true } : {}),
      },
    ];
  });
  return { addresses, defaultRoutes: { ipv4: network.routes.ipv4, ipv6: network.routes.ipv6 } };
}
