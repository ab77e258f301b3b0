/**
 * Which source address Linux picks for a destination, as glibc observes it by connecting a UDP
 * socket and asking getsockname(). IPv4 follows the routes a host gets from its addresses (local,
 * connected subnet, default); IPv6 follows the kernel's source address rules (RFC 6724 section 5
 * with the kernel's address labels, `ip addrlabel`: Linux's defaults unless the host says
 * otherwise), which gai.conf does not influence.
 */

import {
  Bytes16,
  commonPrefixLength,
  IpAddress,
  ipv4ToMapped,
  ipv6Scope,
  isV4Mapped,
  parseIpv6Bytes,
  prefixContains,
  sameBytes,
} from './addresses';
import { LINUX_DEFAULT_ADDRLABELS } from './builtinTables';

export interface HostAddress {
  readonly address: IpAddress;
  readonly prefixLength: number;
  /** IPv6 only: deprecated (preferred lifetime 0) or optimistic. */
  readonly deprecated?: boolean;
  /** IPv6 only: a Mobile IPv6 home address. */
  readonly homeAddress?: boolean;
  /** Interface name; addresses without one share the host's main interface. */
  readonly interface?: string;
  /** The interface is a tunnel (sit, ipip, ip6tnl), which glibc's rule 7 ranks below native ones. */
  readonly tunnel?: boolean;
}

/** A row of the kernel's address-label table (`ip addrlabel`). */
export interface AddressLabel {
  readonly bytes: Bytes16;
  readonly bits: number;
  readonly value: number;
  /** The row applies only to addresses on this interface (`dev NAME`). */
  readonly interface?: string;
}

/** The kernel's table as read from a machine, or why it could not be. */
export type KernelLabelsReading =
  | { readonly ok: true; readonly labels: readonly AddressLabel[]; readonly command: string }
  | { readonly ok: false; readonly reason: string };

export interface Host {
  /** In the order they were configured; the loopback addresses are implied. */
  readonly addresses: readonly HostAddress[];
  /** Default: a default route for each family the host has an address in. */
  readonly defaultRoutes?: { readonly ipv4: boolean; readonly ipv6: boolean };
  /**
   * The kernel's address-label table in its lookup order (as `ip addrlabel list` prints it);
   * default: Linux's built-in table.
   */
  readonly addressLabels?: readonly AddressLabel[];
}

export const MAIN_INTERFACE = 'eth0';
export const LOOPBACK_INTERFACE = 'lo';

const IPV6_LOOPBACK: HostAddress = {
  address: { family: 6, bytes: parseIpv6Bytes('::1')! },
  prefixLength: 128,
  interface: LOOPBACK_INTERFACE,
};
const IPV4_LOOPBACK: HostAddress = {
  address: { family: 4, bytes: ipv4ToMapped(Uint8Array.of(127, 0, 0, 1)) },
  prefixLength: 8,
  interface: LOOPBACK_INTERFACE,
};

export function interfaceOf(address: HostAddress): string {
  return address.interface ?? MAIN_INTERFACE;
}

export function defaultRoutesOf(host: Host): { ipv4: boolean; ipv6: boolean } {
  return (
    host.defaultRoutes ?? {
      ipv4: host.addresses.some((a) => a.address.family === 4),
      ipv6: host.addresses.some((a) => a.address.family === 6),
    }
  );
}

function isIpv4Loopback(bytes: Bytes16): boolean {
  return isV4Mapped(bytes) && bytes[12] === 127;
}

function inSubnet(address: HostAddress, bytes: Bytes16): boolean {
  const bits = address.address.family === 4 ? address.prefixLength + 96 : address.prefixLength;
  return prefixContains(address.address.bytes, bits, bytes);
}

/** The IPv4 source for an IPv4 destination (given v4-mapped), or undefined when unreachable. */
function selectIpv4Source(host: Host, destination: Bytes16): HostAddress | undefined {
  if (isIpv4Loopback(destination)) return IPV4_LOOPBACK;
  const own = host.addresses.filter((a) => a.address.family === 4);
  const local = own.find((a) => sameBytes(a.address.bytes, destination));
  if (local) return local;
  const connected = own.find((a) => inSubnet(a, destination));
  if (connected) return connected;
  return defaultRoutesOf(host).ipv4 ? own[0] : undefined;
}

/** Linux's built-in address labels in the kernel's lookup order: longest prefix first, as it inserts them. */
export const KERNEL_DEFAULT_LABELS: readonly AddressLabel[] = LINUX_DEFAULT_ADDRLABELS.map((e) => ({
  bytes: parseIpv6Bytes(e.prefix)!,
  bits: e.bits,
  value: e.value,
})).sort((a, b) => b.bits - a.bits);

/**
 * The kernel's label for an address on an interface: the first row that matches, a row bound to
 * another interface being skipped; an address no row matches gets IPV6_ADDR_LABEL_DEFAULT.
 */
export function kernelLabel(host: Host, bytes: Bytes16, onInterface: string): number {
  const rows = host.addressLabels ?? KERNEL_DEFAULT_LABELS;
  const row = rows.find(
    (r) => (r.interface === undefined || r.interface === onInterface) && prefixContains(r.bytes, r.bits, bytes),
  );
  return row?.value ?? KERNEL_LABEL_NONE;
}

/** The kernel's IPV6_ADDR_LABEL_DEFAULT, for an address no row matches (a table without ::/0). */
const KERNEL_LABEL_NONE = 0xffffffff;

/** Scores in rule order; higher is better at each position. */
function kernelScore(host: Host, candidate: HostAddress, destination: Bytes16, outgoingInterface: string): number[] {
  const sourceScope = ipv6Scope(candidate.address.bytes);
  const destinationScope = ipv6Scope(destination);
  return [
    sameBytes(candidate.address.bytes, destination) ? 1 : 0,
    sourceScope >= destinationScope ? -sourceScope : sourceScope - 128,
    candidate.deprecated ? 0 : 1,
    // No home-address rule: kernels build it only with CONFIG_IPV6_MIP6=y; Debian's is a module, and
    // the measured kernel picks a non-home source over a home one.
    interfaceOf(candidate) === outgoingInterface ? 1 : 0,
    kernelLabel(host, candidate.address.bytes, interfaceOf(candidate)) ===
    kernelLabel(host, destination, outgoingInterface)
      ? 1
      : 0,
    Math.min(commonPrefixLength(candidate.address.bytes, destination), candidate.prefixLength),
  ];
}

function better(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return false;
}

/**
 * Among equal scores the kernel keeps the candidate it met first: interfaces in creation order
 * (loopback first), and on each interface the newest address of a scope first.
 */
function kernelIterationOrder(candidates: readonly HostAddress[]): HostAddress[] {
  const byInterface = new Map<string, HostAddress[]>();
  for (const candidate of candidates) {
    const list = byInterface.get(interfaceOf(candidate)) ?? [];
    list.unshift(candidate);
    byInterface.set(interfaceOf(candidate), list);
  }
  return [...byInterface.values()].flat();
}

function selectIpv6Source(host: Host, destination: Bytes16): HostAddress | undefined {
  const own = host.addresses.filter((a) => a.address.family === 6);
  if (sameBytes(destination, IPV6_LOOPBACK.address.bytes)) return IPV6_LOOPBACK;
  const local = own.find((a) => sameBytes(a.address.bytes, destination));
  if (local) return local;
  // Without a zone id, connect() to a link-scoped destination fails (EINVAL).
  if (ipv6Scope(destination) <= 2) return undefined;
  if (destination[0] === 0xff) return multicastSource(host, own, destination);
  const connected = own.find((a) => inSubnet(a, destination));
  if (!connected && !defaultRoutesOf(host).ipv6) return undefined;
  const outgoingInterface = connected ? interfaceOf(connected) : own.length > 0 ? interfaceOf(own[0]) : MAIN_INTERFACE;
  return bestCandidate(host, [IPV6_LOOPBACK, ...own], destination, outgoingInterface);
}

/**
 * A multicast destination wider than link scope leaves by the interface whose `ff00::/8` route
 * the kernel takes (every interface that is up has one), and its source comes from that
 * interface alone. On a host whose addresses sit on one interface that is the interface; with
 * several, which route wins is not the kernel's rules but its routing table's state, so the
 * destination is left without a source, as the kernel leaves it when the route it takes is on an
 * interface without IPv6 addresses (EADDRNOTAVAIL).
 */
function multicastSource(host: Host, own: readonly HostAddress[], destination: Bytes16): HostAddress | undefined {
  const interfaces = new Set(host.addresses.map(interfaceOf));
  if (interfaces.size !== 1 || own.length === 0) return undefined;
  return bestCandidate(host, own, destination, interfaceOf(own[0]));
}

function bestCandidate(
  host: Host,
  candidates: readonly HostAddress[],
  destination: Bytes16,
  outgoingInterface: string,
): HostAddress | undefined {
  let best: HostAddress | undefined;
  let bestScore: number[] = [];
  for (const candidate of kernelIterationOrder(candidates)) {
    const score = kernelScore(host, candidate, destination, outgoingInterface);
    if (!best || better(score, bestScore)) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

export interface SelectedSource {
  /** The address glibc's getsockname() sees: IPv4 for an IPv4 destination, v4-mapped for a v4-mapped one. */
  readonly address: IpAddress;
  readonly host: HostAddress;
}

/** The kernel's choice depends on the host and the destination only: worked out once per pair. */
const sourceCache = new WeakMap<Host, Map<string, SelectedSource | null>>();

/** The source the kernel would use for a destination, or undefined when it is unreachable. */
export function selectSource(host: Host, destination: IpAddress): SelectedSource | undefined {
  let byDestination = sourceCache.get(host);
  if (!byDestination) sourceCache.set(host, (byDestination = new Map()));
  const key = `${destination.family}${String.fromCharCode(...destination.bytes)}`;
  let selected = byDestination.get(key);
  if (selected === undefined) byDestination.set(key, (selected = uncachedSelectSource(host, destination) ?? null));
  return selected ?? undefined;
}

function uncachedSelectSource(host: Host, destination: IpAddress): SelectedSource | undefined {
  if (destination.family === 4) {
    const chosen = selectIpv4Source(host, destination.bytes);
    return chosen && { address: chosen.address, host: chosen };
  }
  if (isV4Mapped(destination.bytes)) {
    const chosen = selectIpv4Source(host, destination.bytes);
    return chosen && { address: { family: 6, bytes: chosen.address.bytes }, host: chosen };
  }
  const chosen = selectIpv6Source(host, destination.bytes);
  return chosen && { address: chosen.address, host: chosen };
}

/** Whether a label table is Linux's built-in one, row for row. */
export function isKernelDefaultLabels(labels: readonly AddressLabel[]): boolean {
  return (
    labels.length === KERNEL_DEFAULT_LABELS.length &&
    labels.every((row, i) => {
      const builtin = KERNEL_DEFAULT_LABELS[i];
      return (
        row.interface === undefined &&
        row.bits === builtin.bits &&
        row.value === builtin.value &&
        sameBytes(row.bytes, builtin.bytes)
      );
    })
  );
}

const withDefaultLabels = new WeakMap<Host, Host>();

/**
 * The source the kernel would choose with Linux's default address labels, when the host's own
 * labels make it choose another; undefined when they agree (or the host has the defaults).
 */
export function sourceUnderDefaultLabels(host: Host, destination: IpAddress): SelectedSource | undefined {
  if (!host.addressLabels || destination.family === 4 || isV4Mapped(destination.bytes)) return undefined;
  let plain = withDefaultLabels.get(host);
  if (!plain)
    withDefaultLabels.set(
      host,
      (plain = { addresses: host.addresses, ...(host.defaultRoutes ? { defaultRoutes: host.defaultRoutes } : {}) }),
    );
  const custom = selectSource(host, destination);
  const standard = selectSource(plain, destination);
  if (!standard || (custom && sameBytes(custom.address.bytes, standard.address.bytes))) return undefined;
  return standard;
}
