/**
 * Typical hosts and destination pairs, for the checks and summaries that ask what a file does to
 * real connections, and the candidate addresses each role may use. Documentation, private and
 * well-known ranges. Data only.
 */

export type ProfileId = 'ula' | 'global' | 'ula-global' | 'ipv4-only' | 'no-ipv6' | 'ipv6-only';
export type PairId = 'global' | 'ula' | '6to4' | 'teredo' | 'nat64' | 'loopback';

/**
 * A kind of address: the range every address of the kind lies in, and addresses that stand for
 * it, best first. A probe stands for its kind only where the file gives it the rows that the whole
 * range gets; the analysis takes the first candidate that does.
 */
export interface AddressRole {
  readonly name: string;
  /** "2000::/3". */
  readonly range: string;
  readonly candidates: readonly string[];
}

export const ROLES = {
  ulaSource: { name: 'ULA', range: 'fd00::/8', candidates: ['fd42::2/64', 'fd00:a:b::2/64', 'fd12:3456:789a::2/64'] },
  globalSource: {
    name: 'global IPv6',
    range: '2000::/3',
    candidates: ['2001:db8:2::2/64', '2a01:4f8:10::2/64', '2600:1f18:10::2/64', '3fff:2::2/64'],
  },
  linkLocalSource: { name: 'link-local IPv6', range: 'fe80::/10', candidates: ['fe80::2/64'] },
  privateIpv4Source: { name: 'private IPv4 (NAT)', range: '10.0.0.0/8', candidates: ['10.0.0.2/24'] },
  globalDestination: {
    name: 'global IPv6',
    range: '2000::/3',
    candidates: ['2001:db8:1::10', '2a00:1450:4001::10', '2606:4700:10::10', '3fff:1::10'],
  },
  ulaDestination: { name: 'ULA', range: 'fd00::/8', candidates: ['fd42:0:0:1::10', 'fd00:a:c::10', 'fd12:3456:1::10'] },
  sixToFourDestination: { name: '6to4', range: '2002::/16', candidates: ['2002:c633:6401::10'] },
  teredoDestination: { name: 'Teredo', range: '2001::/32', candidates: ['2001:0:4136:e378::10'] },
  nat64Destination: { name: 'NAT64', range: '64:ff9b::/96', candidates: ['64:ff9b::c633:640a'] },
  loopbackIpv6: { name: 'loopback', range: '::1/128', candidates: ['::1'] },
  publicIpv4Destination: { name: 'public IPv4', range: '0.0.0.0/0', candidates: ['198.51.100.10'] },
  privateIpv4Destination: { name: 'private IPv4', range: '10.0.0.0/8', candidates: ['10.0.1.10'] },
  loopbackIpv4: { name: 'IPv4 loopback', range: '127.0.0.0/8', candidates: ['127.0.0.1'] },
} as const satisfies Record<string, AddressRole>;

export type RoleName = keyof typeof ROLES;

export interface HostProfile {
  readonly id: ProfileId;
  readonly name: string;
  /** Short, for one-line summaries. */
  readonly shortName: string;
  /** The host's addresses, by role, in the order they are configured. */
  readonly roles: readonly RoleName[];
  /** Absent: a default route for each family the host has a non-link-local address in. */
  readonly defaultRoutes?: { readonly ipv4: boolean; readonly ipv6: boolean };
}

export const HOST_PROFILES: readonly HostProfile[] = [
  {
    id: 'ula',
    name: 'ULA + IPv4 hosts (LXD, Docker)',
    shortName: 'ULA hosts',
    roles: ['ulaSource', 'privateIpv4Source'],
  },
  {
    id: 'global',
    name: 'global IPv6 + IPv4 hosts',
    shortName: 'global-IPv6 hosts',
    roles: ['globalSource', 'privateIpv4Source'],
  },
  {
    id: 'ula-global',
    name: 'ULA + global IPv6 + IPv4 hosts',
    shortName: 'ULA+global hosts',
    roles: ['ulaSource', 'globalSource', 'privateIpv4Source'],
  },
  {
    id: 'ipv4-only',
    name: 'IPv4-only hosts (link-local IPv6 only)',
    shortName: 'IPv4-only hosts',
    roles: ['privateIpv4Source', 'linkLocalSource'],
    defaultRoutes: { ipv4: true, ipv6: false },
  },
  { id: 'no-ipv6', name: 'hosts with IPv6 disabled', shortName: 'no-IPv6 hosts', roles: ['privateIpv4Source'] },
  { id: 'ipv6-only', name: 'IPv6-only hosts', shortName: 'IPv6-only hosts', roles: ['globalSource'] },
];

export interface DestinationPair {
  readonly id: PairId;
  readonly name: string;
  readonly ipv6: RoleName;
  readonly ipv4: RoleName;
}

export const DESTINATION_PAIRS: readonly DestinationPair[] = [
  { id: 'global', name: 'global IPv6 vs IPv4', ipv6: 'globalDestination', ipv4: 'publicIpv4Destination' },
  { id: 'ula', name: 'ULA vs private IPv4', ipv6: 'ulaDestination', ipv4: 'privateIpv4Destination' },
  { id: '6to4', name: '6to4 vs IPv4', ipv6: 'sixToFourDestination', ipv4: 'publicIpv4Destination' },
  { id: 'teredo', name: 'Teredo vs IPv4', ipv6: 'teredoDestination', ipv4: 'publicIpv4Destination' },
  { id: 'nat64', name: 'NAT64 vs IPv4', ipv6: 'nat64Destination', ipv4: 'publicIpv4Destination' },
  { id: 'loopback', name: '::1 vs 127.0.0.1', ipv6: 'loopbackIpv6', ipv4: 'loopbackIpv4' },
];

export function profile(id: ProfileId): HostProfile {
  return HOST_PROFILES.find((p) => p.id === id)!;
}

export function pair(id: PairId): DestinationPair {
  return DESTINATION_PAIRS.find((p) => p.id === id)!;
}
