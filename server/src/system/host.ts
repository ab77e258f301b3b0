/**
 * This machine's and other network namespaces' addresses and default routes, read from /proc
 * (Linux) so that flags the kernel keeps (deprecated, home address) come along, and parsed by
 * analysis/procNet.ts; os.networkInterfaces() gives this machine's addresses where /proc has none.
 */

import { readFileSync } from 'fs';
import { networkInterfaces } from 'os';

import type { DiscoveredContainer } from '../analysis/containerModel';
import {
  hasIpv4DefaultRoute,
  hasIpv6DefaultRoute,
  hostOfNetwork,
  ipv4Addresses,
  parseIfInet6,
  parseIpv4Routes,
} from '../analysis/procNet';
import { IpAddress, parseIpAddress } from '../glibc/addresses';
import { Host, HostAddress } from '../glibc/sourceSelection';

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
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

/** The host as the kernel sees it now; without /proc's route tables, no claim about default routes. */
export function systemHost(): Host {
  const ipv6Proc = readProc('/proc/net/if_inet6');
  const addresses = [
    ...fromNetworkInterfaces('IPv4'),
    ...(ipv6Proc !== undefined
      ? hostOfNetwork({ addresses: parseIfInet6(ipv6Proc), routes: { ipv4: false, ipv6: false } }).addresses
      : fromNetworkInterfaces('IPv6')),
  ];
  const ipv4Routes = readProc('/proc/net/route');
  const ipv6Routes = readProc('/proc/net/ipv6_route');
  if (ipv4Routes === undefined || ipv6Routes === undefined) return { addresses };
  return {
    addresses,
    defaultRoutes: { ipv4: hasIpv4DefaultRoute(parseIpv4Routes(ipv4Routes)), ipv6: hasIpv6DefaultRoute(ipv6Routes) },
  };
}

/**
 * A network namespace's addresses and default routes from its /proc/PID/net directory, which any
 * user may read. Throws when the namespace's IPv4 tables cannot be read (the process is gone).
 */
export function readNamespaceNetwork(netDir: string): Pick<DiscoveredContainer, 'addresses' | 'routes'> {
  const routes = parseIpv4Routes(readFileSync(`${netDir}/route`, 'latin1'));
  const ipv6Text = readProc(`${netDir}/if_inet6`) ?? ''; // absent when IPv6 is disabled
  return {
    addresses: [...ipv4Addresses(readFileSync(`${netDir}/fib_trie`, 'latin1'), routes), ...parseIfInet6(ipv6Text)],
    routes: { ipv4: hasIpv4DefaultRoute(routes), ipv6: hasIpv6DefaultRoute(readProc(`${netDir}/ipv6_route`) ?? '') },
  };
}

/** Another network namespace as the glibc model's host; one that vanished has no addresses and no routes. */
export function namespaceHost(netDir: string): Host {
  try {
    return hostOfNetwork(readNamespaceNetwork(netDir));
  } catch {
    return { addresses: [], defaultRoutes: { ipv4: false, ipv6: false } };
  }
}
