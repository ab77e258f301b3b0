/**
 * Typical hosts and destination pairs, for the checks and summaries that ask what a file does to
 * real connections. Documentation and private ranges only. Data only.
 */

import { parseIpAddress } from '../../glibc/addresses';
import { Host } from '../../glibc/sourceSelection';

export interface HostProfile {
  readonly id: 'ula' | 'global' | 'ula-global' | 'ipv4-only' | 'ipv6-only';
  readonly name: string;
  readonly host: Host;
}

export interface DestinationPair {
  readonly id: 'global' | 'ula' | '6to4' | 'teredo' | 'nat64' | 'loopback';
  readonly name: string;
  readonly ipv6: string;
  readonly ipv4: string;
}

function host(...addresses: string[]): Host {
  return {
    addresses: addresses.map((text) => {
      const [address, length] = text.split('/');
      return { address: parseIpAddress(address)!, prefixLength: Number(length) };
    }),
  };
}

export const HOST_PROFILES: readonly HostProfile[] = [
  { id: 'ula', name: 'ULA + IPv4 hosts (LXD, Docker)', host: host('fd42::2/64', '10.0.0.2/24') },
  { id: 'global', name: 'global IPv6 + IPv4 hosts', host: host('2001:db8:2::2/64', '10.0.0.2/24') },
  { id: 'ula-global', name: 'ULA + global IPv6 + IPv4 hosts', host: host('fd42::2/64', '2001:db8:2::2/64', '10.0.0.2/24') },
  { id: 'ipv4-only', name: 'IPv4-only hosts', host: host('10.0.0.2/24') },
  { id: 'ipv6-only', name: 'IPv6-only hosts', host: host('2001:db8:2::2/64') },
];

export const DESTINATION_PAIRS: readonly DestinationPair[] = [
  { id: 'global', name: 'global IPv6 vs IPv4', ipv6: '2001:db8:1::10', ipv4: '198.51.100.10' },
  { id: 'ula', name: 'ULA vs private IPv4', ipv6: 'fd42:0:0:1::10', ipv4: '10.0.1.10' },
  { id: '6to4', name: '6to4 vs IPv4', ipv6: '2002:c633:6401::10', ipv4: '198.51.100.10' },
  { id: 'teredo', name: 'Teredo vs IPv4', ipv6: '2001:0:4136:e378::10', ipv4: '198.51.100.10' },
  { id: 'nat64', name: 'NAT64 vs IPv4', ipv6: '64:ff9b::c633:640a', ipv4: '198.51.100.10' },
  { id: 'loopback', name: '::1 vs 127.0.0.1', ipv6: '::1', ipv4: '127.0.0.1' },
];

export function profile(id: HostProfile['id']): HostProfile {
  return HOST_PROFILES.find((p) => p.id === id)!;
}

export function pair(id: DestinationPair['id']): DestinationPair {
  return DESTINATION_PAIRS.find((p) => p.id === id)!;
}
