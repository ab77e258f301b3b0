/**
 * "Why does my program connect to this address first?": glibc's order for a list of destinations
 * on a host, every comparison the sort made told in plain words with the values compared, and
 * destinations the host cannot reach (or reach only in special ways) explained rather than hidden.
 * The CLI's `explain` and the editor's "Explain Address Order" view both render this data.
 */

import { CrashRisk, crashRiskText } from '../analysis/crashRisk';
import { ipv4NetworkContaining, rangesContaining } from '../analysis/reference/wellKnownPrefixes';
import { addressText, IpAddress, ipv6Scope, isV4Mapped, parseIpAddress, sameBytes } from '../glibc/addresses';
import { Decision, DestinationFacts, RULE_NAMES, RuleNumber, simulateOrder } from '../glibc/sort';
import { defaultRoutesOf, Host, sourceUnderDefaultLabels } from '../glibc/sourceSelection';
import { EffectiveTables } from '../glibc/tables';

export interface ExplainedDestination {
  /** As given (a DNS answer or a user's argument). */
  readonly text: string;
  readonly family: 4 | 6;
  /** Position in the input order, from 1. */
  readonly inputPosition: number;
  /** "global unicast", "unique local addresses, ULA", "private IPv4"... */
  readonly kind: string;
  readonly source?: { readonly address: string; readonly interface: string };
  /** Why the host cannot use it; absent when it can. */
  readonly unreachable?: string;
  /** Anything special about reaching it: loopback, link-local zones. */
  readonly note?: string;
  readonly label: number;
  readonly sourceLabel?: number;
  readonly precedence: number;
  readonly scope: number;
  readonly sourceScope?: number;
}

export interface ExplainedStep {
  /** The destination placed first and the one placed after it. */
  readonly first: string;
  readonly second: string;
  readonly rule: RuleNumber;
  readonly ruleName: string;
  /** One sentence with the values the rule compared. */
  readonly reason: string;
}

export interface Explanation {
  readonly order: readonly ExplainedDestination[];
  readonly steps: readonly ExplainedStep[];
  /** The 1-based line that makes glibc crash before sorting, if any. */
  readonly crashLine?: number;
}

const SCOPE_NAMES: Readonly<Record<number, string>> = {
  1: 'interface-local',
  2: 'link-local',
  5: 'site-local',
  8: 'organisation-local',
  14: 'global',
};

export function scopeText(scope: number): string {
  return SCOPE_NAMES[scope] ? `${scope} (${SCOPE_NAMES[scope]})` : String(scope);
}

function kindOf(address: IpAddress): string {
  if (address.family === 4 || isV4Mapped(address.bytes)) {
    const network = ipv4NetworkContaining(address.bytes);
    return `${network ? `${network.name} IPv4 (${network.rfc})` : 'public IPv4'}${address.family === 6 ? ', written IPv4-mapped' : ''}`;
  }
  return (
    rangesContaining(address.bytes, 128).find((range) => range.bits < 128 || range.prefix === '::1')?.name ?? 'IPv6'
  );
}

const IPV6_LOOPBACK = parseIpAddress('::1')!.bytes;

function isLoopback(address: IpAddress): boolean {
  return address.family === 6 && !isV4Mapped(address.bytes)
    ? sameBytes(address.bytes, IPV6_LOOPBACK)
    : address.bytes[12] === 127;
}

function familyOf(address: IpAddress): 4 | 6 {
  return address.family === 4 || isV4Mapped(address.bytes) ? 4 : 6;
}

/** Why the kernel would give glibc no source address for this destination on this host. */
function unreachableReason(host: Host, address: IpAddress): string {
  const family = familyOf(address);
  if (family === 6 && address.bytes[0] === 0xff) {
    return ipv6Scope(address.bytes) <= 2
      ? 'a link-scoped multicast destination needs an interface (zone) named, and resolver answers carry none, so connect() fails'
      : "a multicast destination leaves by the interface whose ff00::/8 route the kernel takes, and only that interface's addresses can be its source: on a host with addresses on several interfaces (or none with an IPv6 address) which one is not decided by the address rules, so no source is predicted";
  }
  if (family === 6 && ipv6Scope(address.bytes) <= 2)
    return 'a link-local destination needs an interface (zone) named, and resolver answers carry none, so connect() fails';
  const own = host.addresses.filter((a) => (a.address.family === 4 ? 4 : 6) === family);
  const routes = defaultRoutesOf(host);
  if (own.length === 0 && !(family === 4 ? routes.ipv4 : routes.ipv6))
    return `this host has no IPv${family} address and no IPv${family} route`;
  return `no IPv${family} route to it: it is on none of this host's subnets and there is no IPv${family} default route`;
}

function specialNote(address: IpAddress, reachable: boolean): string | undefined {
  if (isLoopback(address)) return 'this host itself; glibc gives loopback link-local scope';
  if (reachable && familyOf(address) === 6 && ipv6Scope(address.bytes) === 5)
    return 'site-local: deprecated since 2004, still scope 5 for glibc';
  return undefined;
}

/** When the kernel's own address labels (`ip addrlabel`) move the source away from the one its defaults give. */
function labelNote(host: Host, facts: DestinationFacts): string | undefined {
  const standard = sourceUnderDefaultLabels(host, facts.address);
  if (!standard) return undefined;
  const chosen = facts.source ? `give it the source ${addressText(facts.source.address)}` : 'leave it without a source';
  return `the kernel's address labels (ip addrlabel) ${chosen}; with Linux's default labels the source would be ${addressText(standard.address)}`;
}

function explainDestination(host: Host, facts: DestinationFacts): ExplainedDestination {
  const reachable = facts.source !== undefined;
  const note =
    [specialNote(facts.address, reachable), labelNote(host, facts)].filter((n) => n !== undefined).join('; ') ||
    undefined;
  return {
    text: facts.text,
    family: familyOf(facts.address),
    inputPosition: facts.index + 1,
    kind: kindOf(facts.address),
    ...(facts.source
      ? { source: { address: addressText(facts.source.address), interface: facts.source.interface } }
      : { unreachable: unreachableReason(host, facts.address) }),
    ...(note ? { note } : {}),
    label: facts.label,
    ...(facts.sourceLabel !== undefined ? { sourceLabel: facts.sourceLabel } : {}),
    precedence: facts.precedence,
    scope: facts.scope,
    ...(facts.sourceScope !== undefined ? { sourceScope: facts.sourceScope } : {}),
  };
}

/** The sentence for one comparison: why `first` goes before `second`. */
function reasonFor(decision: Decision, first: DestinationFacts, second: DestinationFacts, firstHost: Host): string {
  const f = first.text;
  const s = second.text;
  const source = (d: DestinationFacts) => addressText(d.source!.address);
  switch (decision.rule) {
    case 1:
      return `${f} is reachable (from ${source(first)}); ${s} is not: ${unreachableReason(firstHost, second.address)}.`;
    case 2: {
      const matches = `${f} has scope ${scopeText(first.scope)}, the same as its source ${source(first)}`;
      return `${matches}; ${s} has scope ${scopeText(second.scope)} but its source ${source(second)} has ${scopeText(second.sourceScope!)}.`;
    }
    case 3:
      return `${s}'s source ${source(second)} is deprecated; ${f}'s source ${source(first)} is not.`;
    case 4:
      return `${f}'s source ${source(first)} is a Mobile IPv6 home address; ${s}'s source ${source(second)} is not.`;
    case 5:
      return `${f} has label ${first.label}, the same as its source ${source(first)}; ${s} has label ${second.label} but its source ${source(second)} has label ${second.sourceLabel}.`;
    case 6:
      return `${f} has precedence ${first.precedence}, higher than ${s}'s ${second.precedence}.`;
    case 7:
      return `${f} is reached natively over ${first.source!.interface}; ${s} through the tunnel ${second.source!.interface}.`;
    case 8:
      return `${f} has the smaller scope, ${scopeText(first.scope)} against ${scopeText(second.scope)}.`;
    case 9: {
      // glibc's count is not the common prefix length: for IPv6 it counts within the first 32-bit
      // word where either pair differs, and for IPv4 only inside the source's subnet.
      const [a, b] = decision.values.matchingPrefix!;
      const [firstBits, secondBits] = decision.winner === decision.a ? [a, b] : [b, a];
      const how =
        familyOf(first.address) === 6 ? 'in the first 32-bit word where they differ' : "0 outside the source's subnet";
      return `${f} shares a longer prefix with its source ${source(first)} than ${s} with ${source(second)} (glibc counts ${firstBits} matching bits against ${secondBits}, ${how}).`;
    }
    case 10: {
      const keeps = `glibc keeps the resolver's order: ${f} came ${ordinal(first.index + 1)}, ${s} ${ordinal(second.index + 1)}`;
      if (decision.values.matchingPrefixIfKnown) {
        return `glibc does not know this host's IPv4 prefix lengths because the host has no IPv6 address, so rule 9 cannot decide, and ${keeps}.`;
      }
      return `No rule tells them apart, so ${keeps}.`;
    }
  }
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

export function explainOrder(tables: EffectiveTables, host: Host, destinations: readonly string[]): Explanation {
  const result = simulateOrder(tables, host, destinations);
  const steps = result.decisions.map((decision): ExplainedStep => {
    const firstIsA = decision.winner === decision.a;
    const first = result.destinations[decision.winner];
    const second = result.destinations[firstIsA ? decision.b : decision.a];
    return {
      first: first.text,
      second: second.text,
      rule: decision.rule,
      ruleName: RULE_NAMES[decision.rule],
      reason: reasonFor(decision, first, second, host),
    };
  });
  return {
    order: result.order.map((facts) => explainDestination(host, facts)),
    steps,
    ...(tables.crash ? { crashLine: tables.crash.index + 1 } : {}),
  };
}

/** Whether two lists name the same addresses in the same order, however each is written. */
export function sameOrder(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((text, i) => {
    const x = parseIpAddress(text);
    const y = parseIpAddress(b[i]);
    return x !== undefined && y !== undefined && familyOf(x) === familyOf(y) && sameBytes(x.bytes, y.bytes);
  });
}

/**
 * The order glibc sees before sorting: its DNS module sends the A and the AAAA query together
 * and lists the A answers first, then the AAAA answers, each in the order the server gave.
 */
export function resolverInputOrder(ipv4Answers: readonly string[], ipv6Answers: readonly string[]): string[] {
  return [...ipv4Answers, ...ipv6Answers];
}

export interface HostAddressSummary {
  readonly address: string;
  readonly prefixLength: number;
  readonly interface: string;
  /** "deprecated", "home address", "tunnel". */
  readonly flags: readonly string[];
}

/** What the machine-facing side found for a query: the destinations and the system resolver's answer. */
export interface ResolvedQuery {
  readonly query: string;
  /** 'dns': A and AAAA answers; 'system': only the system resolver knew the name (e.g. /etc/hosts); 'addresses': given literally. */
  readonly origin: 'dns' | 'system' | 'addresses';
  /** In the order glibc sees them before sorting, as far as it can be known. */
  readonly destinations: readonly string[];
  /** What the user should know about how the list was found. */
  readonly notes: readonly string[];
  /** getaddrinfo() in a fresh process, with the system's /etc/gai.conf; absent for literal addresses. */
  readonly system?: { readonly order: readonly string[] } | { readonly error: string };
}

export interface ExplainRequest extends ResolvedQuery {
  readonly host: Host;
  /** The tables of the text being edited. */
  readonly buffer: EffectiveTables;
  /** The tables of the file as saved on disk; absent for a file never saved. */
  readonly saved?: EffectiveTables;
  /** Whether the saved file is the one the system's getaddrinfo() reads, /etc/gai.conf. */
  readonly live: boolean;
  /** False when the host was described by hand rather than read from this machine. */
  readonly hostIsThisMachine: boolean;
  /** Lines whose undefined behaviour may crash a program on this glibc (none when absent). */
  readonly mayCrash?: readonly CrashRisk[];
}

export interface ExplainReport {
  readonly query: string;
  readonly origin: ExplainRequest['origin'];
  readonly notes: readonly string[];
  readonly host: readonly HostAddressSummary[];
  readonly defaultRoutes: { readonly ipv4: boolean; readonly ipv6: boolean };
  readonly buffer: Explanation;
  /** Absent when the buffer has no unsaved changes that alter the tables, or was never saved. */
  readonly saved?: Explanation;
  readonly savedDiffers: boolean;
  readonly system?:
    | {
        readonly order: readonly string[];
        readonly comparedWithSaved: boolean;
        readonly matchesSaved: boolean;
        readonly comment: string;
      }
    | { readonly error: string };
  /** When the order holds both families: gai.conf picks the first attempt, Happy Eyeballs clients may race the other. */
  readonly firstAttempt?: string;
  /** Lines whose undefined behaviour may crash a program before any order matters, as `order --json` gives them. */
  readonly mayCrash: readonly CrashRisk[];
  /** The same in one sentence, when there are any: the order shown holds only for a program that does not crash. */
  readonly mayCrashNote?: string;
}

/**
 * What the order means for a connection: the file decides which address a client tries first;
 * a Happy Eyeballs client (RFC 8305) then starts the other family after a short delay if the
 * first has not connected, so the family that carries the connection is not the file's alone.
 */
export function firstAttemptNote(order: readonly string[]): string | undefined {
  const familyOf = (text: string) => parseIpAddress(text)?.family;
  const first = order[0];
  if (first === undefined) return undefined;
  const firstFamily = familyOf(first);
  const other = order.find((text) => familyOf(text) !== firstFamily);
  if (other === undefined) return undefined;
  const [mine, theirs] = firstFamily === 6 ? ['IPv6', 'IPv4'] : ['IPv4', 'IPv6'];
  return `gai.conf decides the first attempt: a program that connects in getaddrinfo()'s order tries ${first} (${mine}) first, and ${other} only if that fails. Happy Eyeballs clients that take this order (Node.js 20+, curl up to 8.9, Go's dialer with the cgo resolver, Python's asyncio with happy_eyeballs_delay) start ${other} (${theirs}) 200 to 300 ms later when ${first} has not connected by then, so a slow ${mine} path still ends on ${theirs}; a client that sorts by itself (Chromium, curl 8.10 and later, Go's own resolver) may not use this order at all (see who-follows).`;
}

function summarizeHost(host: Host): HostAddressSummary[] {
  return host.addresses.map((a) => ({
    address: addressText(a.address),
    prefixLength: a.prefixLength,
    interface: a.interface ?? 'eth0',
    flags: [a.deprecated ? 'deprecated' : '', a.homeAddress ? 'home address' : '', a.tunnel ? 'tunnel' : ''].filter(
      (f) => f !== '',
    ),
  }));
}

function systemComparison(request: ExplainRequest, savedOrder: readonly string[]): ExplainReport['system'] {
  const system = request.system;
  if (!system || 'error' in system) return system;
  if (!request.hostIsThisMachine) {
    return {
      order: system.order,
      comparedWithSaved: false,
      matchesSaved: false,
      comment:
        "The prediction is for the host described, not this machine: the system resolver used this machine's addresses, so its order is shown for reference only.",
    };
  }
  if (!request.live) {
    return {
      order: system.order,
      comparedWithSaved: false,
      matchesSaved: false,
      comment:
        'This file is not the live /etc/gai.conf: the system resolver used /etc/gai.conf, so its order is shown for reference only.',
    };
  }
  if (!request.saved) {
    return {
      order: system.order,
      comparedWithSaved: false,
      matchesSaved: false,
      comment: 'This file has not been saved, so the system resolver used what is on disk.',
    };
  }
  const matches = sameOrder(savedOrder, system.order);
  return {
    order: system.order,
    comparedWithSaved: true,
    matchesSaved: matches,
    comment: matches
      ? "Same order as predicted for the saved file: the system's getaddrinfo() agrees."
      : request.origin === 'system'
        ? 'Differs from the prediction for the saved file; the name was not in DNS, so glibc may have seen the addresses in another order before sorting.'
        : 'Differs from the prediction for the saved file. The DNS answers may have changed between the lookups (round-robin), the host may have a source rule this model lacks, or a program-wide setting may interfere.',
  };
}

export function explainReport(request: ExplainRequest): ExplainReport {
  const buffer = explainOrder(request.buffer, request.host, request.destinations);
  const saved = request.saved ? explainOrder(request.saved, request.host, request.destinations) : undefined;
  const savedDiffers = saved !== undefined && !sameExplanation(saved, buffer);
  const firstAttempt = firstAttemptNote((saved ?? buffer).order.map((d) => d.text));
  const mayCrashNote = crashRiskText(request.mayCrash ?? []);
  return {
    query: request.query,
    origin: request.origin,
    notes: request.notes,
    host: summarizeHost(request.host),
    defaultRoutes: defaultRoutesOf(request.host),
    buffer,
    ...(saved && savedDiffers ? { saved } : {}),
    savedDiffers,
    system: systemComparison(
      request,
      (saved ?? buffer).order.map((d) => d.text),
    ),
    ...(firstAttempt ? { firstAttempt } : {}),
    mayCrash: request.mayCrash ?? [],
    ...(mayCrashNote ? { mayCrashNote } : {}),
  };
}

function sameExplanation(a: Explanation, b: Explanation): boolean {
  return (
    a.crashLine === b.crashLine &&
    sameOrder(
      a.order.map((d) => d.text),
      b.order.map((d) => d.text),
    ) &&
    a.steps.length === b.steps.length &&
    a.steps.every((step, i) => step.reason === b.steps[i].reason)
  );
}
