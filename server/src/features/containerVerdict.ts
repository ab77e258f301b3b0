/**
 * What one container tries first, from the one effects model: its own gai.conf (or the built-in
 * tables when it has none), read by its own glibc's version, with its own addresses and routes as
 * "this machine". A musl container ignores the file: musl's fixed table decides (analysis/muslSort.ts).
 */

import { AnalysisOptions, analyzeGaiConf, HostLibc } from '../analysis/analysis';
import { Finding } from '../analysis/catalogue';
import type { DiscoveredContainer } from '../analysis/containerModel';
import { builtinEffectiveTables, FamilyChoice, hostAddressTexts, probeFor } from '../analysis/effects';
import { muslOrder } from '../analysis/muslSort';
import { hostOfNetwork } from '../analysis/procNet';
import { DESTINATION_PAIRS } from '../analysis/reference/hostProfiles';
import { GLOBAL_UNICAST_RANGE, ULA_RANGE } from '../analysis/reference/wellKnownPrefixes';
import { prefixContains } from '../glibc/addresses';
import { Host, HostAddress } from '../glibc/sourceSelection';
import { FALLBACK_GLIBC, GlibcVersion, parseGlibcVersion } from '../glibc/versions';
import { EffectJson, effectsJson } from './effectsSummary';

/** Who reads the container's gai.conf: its glibc, nobody (musl, or no C library), or unknown (judged as glibc). */
export type ContainerReader = 'glibc' | 'musl' | 'none' | 'unknown';

/** What the container tries first for global IPv6 vs IPv4; a host with one family has no choice to make. */
export type GlobalChoice = FamilyChoice | 'ipv4-only' | 'ipv6-only' | 'no-addresses' | 'not-judged';

export interface ContainerVerdict {
  readonly reader: ContainerReader;
  /** The glibc whose reading the findings describe (glibc and unknown readers). */
  readonly glibc?: GlibcVersion;
  /** The text the findings point into: the file, or '' for the built-in tables. */
  readonly text: string;
  /** Whether the file replaces any of glibc's tables (false: the built-in tables decide, or the file is ignored). */
  readonly ownTables: boolean;
  /** One entry per destination pair, of `check --json`'s shape, host "this-machine". */
  readonly effects: readonly EffectJson[];
  readonly findings: readonly Finding[];
  readonly suppressed: readonly Finding[];
  readonly globalFirst: GlobalChoice;
  /** Why, for a container that tries IPv4 first for global destinations, in words that group containers: "a ULA only and glibc's built-in label table". */
  readonly reason?: string;
}

function inRange(range: { bytes: Uint8Array; bits: number }, address: HostAddress): boolean {
  return address.address.family === 6 && prefixContains(range.bytes, range.bits, address.address.bytes);
}

function globalChoiceOf(host: Host, effects: readonly EffectJson[]): GlobalChoice {
  const usable = host.addresses.filter(
    (a) => a.address.family === 4 || inRange(GLOBAL_UNICAST_RANGE, a) || inRange(ULA_RANGE, a),
  );
  const has4 = usable.some((a) => a.address.family === 4);
  const has6 = usable.some((a) => a.address.family === 6);
  if (!has4 && !has6) return 'no-addresses';
  if (!has6) return 'ipv4-only';
  if (!has4) return 'ipv6-only';
  return effects.find((e) => e.pair === 'global')?.file ?? 'not-judged';
}

/** The kind of IPv6 source a host has: what decides rule 5 for global destinations. */
function ipv6Kind(host: Host): 'a ULA only' | 'global IPv6' | 'no routable IPv6' {
  if (host.addresses.some((a) => inRange(GLOBAL_UNICAST_RANGE, a))) return 'global IPv6';
  return host.addresses.some((a) => inRange(ULA_RANGE, a)) ? 'a ULA only' : 'no routable IPv6';
}

/** The glibc that reads the container's file: its own version (with a backport of the 2.41 parser fix), else the fallback. */
export function containerGlibc(container: Pick<DiscoveredContainer, 'libc'>): GlibcVersion {
  const libc = container.libc;
  const parsedVersion = libc.kind === 'glibc' ? parseGlibcVersion(libc.version, 'container') : undefined;
  if (!parsedVersion) return FALLBACK_GLIBC;
  return {
    ...parsedVersion,
    ...(libc.kind === 'glibc' && libc.prefixLengthFix ? { prefixLengthFix: libc.prefixLengthFix } : {}),
  };
}

const CONTAINER_HOST_LIBC: Readonly<Record<DiscoveredContainer['libc']['kind'], HostLibc | undefined>> = {
  glibc: 'glibc',
  musl: 'musl',
  none: 'other-linux',
  unknown: undefined,
};

/**
 * How a container's gai.conf is analysed in the editor: by the container's own glibc, on its own
 * C library, with its own addresses and routes as "this machine", exactly as judgeContainer does.
 */
export function containerAnalysisOptions(container: DiscoveredContainer): AnalysisOptions {
  const hostLibc = CONTAINER_HOST_LIBC[container.libc.kind];
  return {
    glibc: containerGlibc(container),
    ...(hostLibc ? { hostLibc } : {}),
    thisMachine: hostOfNetwork(container),
    thisMachineName: `container ${container.name}`,
  };
}

function glibcVerdict(container: DiscoveredContainer, host: Host, reader: 'glibc' | 'unknown'): ContainerVerdict {
  const text = container.gaiConf.state === 'present' ? container.gaiConf.content : '';
  // Judged as a glibc that reads the file even where the C library was not recognised (reader 'unknown').
  const analysis = analyzeGaiConf(text, {
    ...containerAnalysisOptions(container),
    hostLibc: 'glibc',
    thisMachine: host,
  });
  const own = analysis.effects.filter((e) => e.host.id === 'this-machine');
  const effects = effectsJson(own);
  const globalFirst = globalChoiceOf(host, effects);
  let reason: string | undefined;
  if (globalFirst === 'ipv4') {
    const global = own.find((e) => e.pair.id === 'global')!;
    // Two destinations: glibc's sort compares them once.
    const deciding = global.fileOrder.decisions[0]?.rule;
    const tables = analysis.tables.label.rows.some((r) => r.origin.kind === 'file')
      ? 'the label table of its gai.conf'
      : "glibc's built-in label table";
    if (analysis.tables.crash) reason = 'a gai.conf that crashes getaddrinfo()';
    else if (deciding === 1)
      reason = host.defaultRoutes?.ipv6 === false ? 'no IPv6 default route' : 'no route to global IPv6';
    else if (deciding === 5) reason = `${ipv6Kind(host)} and ${tables}`;
    else if (deciding === 6) reason = 'a gai.conf that gives IPv4 the higher precedence';
    else reason = `glibc's rule ${deciding}`;
  }
  const ownTables = (['label', 'precedence', 'scopev4'] as const).some((kind) =>
    analysis.tables[kind].rows.some((r) => r.origin.kind === 'file'),
  );
  return {
    reader,
    glibc: containerGlibc(container),
    text,
    ownTables,
    effects,
    findings: analysis.findings,
    suppressed: analysis.suppressed,
    globalFirst,
    ...(reason ? { reason } : {}),
  };
}

/** musl: the file is ignored, its own table decides; the only finding is that the file does nothing here. */
function muslVerdict(container: DiscoveredContainer, host: Host): ContainerVerdict {
  const effects: EffectJson[] = DESTINATION_PAIRS.map((pair) => {
    const ipv6 = probeFor(builtinEffectiveTables(), pair.ipv6);
    const ipv4 = probeFor(builtinEffectiveTables(), pair.ipv4);
    const firstOf = (order: ReturnType<typeof muslOrder>) => order[0].destination.family === 6;
    const ipv6Listed = firstOf(muslOrder(host, [ipv6, ipv4]));
    const ipv4Listed = firstOf(muslOrder(host, [ipv4, ipv6]));
    const choice: FamilyChoice = ipv6Listed && ipv4Listed ? 'ipv6' : !ipv6Listed && !ipv4Listed ? 'ipv4' : 'dns-order';
    return {
      host: 'this-machine',
      addresses: hostAddressTexts(host),
      pair: pair.id,
      ipv6,
      ipv4,
      file: choice,
      builtin: choice,
    };
  });
  const text = container.gaiConf.state === 'present' ? container.gaiConf.content : '';
  const findings =
    text === ''
      ? []
      : analyzeGaiConf(text, { glibc: FALLBACK_GLIBC, hostLibc: 'musl' }).findings.filter(
          (f) => f.code === 'not-glibc-host',
        );
  const globalFirst = globalChoiceOf(host, effects);
  let reason: string | undefined;
  if (globalFirst === 'ipv4') {
    const key = muslOrder(host, [effects[0].ipv6, effects[0].ipv4]);
    const ipv6Key = key.find((k) => k.destination.family === 6)!;
    reason = !ipv6Key.usable
      ? host.defaultRoutes?.ipv6 === false
        ? 'no IPv6 default route'
        : 'no route to global IPv6'
      : `${ipv6Kind(host)} and musl's fixed label table`;
  }
  return {
    reader: 'musl',
    text,
    ownTables: false,
    effects,
    findings,
    suppressed: [],
    globalFirst,
    ...(reason ? { reason } : {}),
  };
}

export function judgeContainer(container: DiscoveredContainer): ContainerVerdict {
  const host = hostOfNetwork(container);
  switch (container.libc.kind) {
    case 'glibc':
      return glibcVerdict(container, host, 'glibc');
    case 'musl':
      return muslVerdict(container, host);
    case 'none':
      return {
        reader: 'none',
        text: '',
        ownTables: false,
        effects: [],
        findings: [],
        suppressed: [],
        globalFirst: 'not-judged',
        reason: 'no C library that reads gai.conf',
      };
    case 'unknown':
      return glibcVerdict(container, host, 'unknown');
  }
}
