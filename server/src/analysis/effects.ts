/**
 * The effects model: what a file does to real connections. For typical hosts (and, for the live
 * file, this machine) and destination pairs, which family glibc tries first with each of the two
 * orders a resolver can list them in, under the file's tables and under the built-in ones. Every
 * finding about connections, the CodeLens, the row hovers and the CLI's summary read this model.
 */

import { addressText, Bytes16, isV4Mapped, parseIpAddress, prefixContains, prefixKey } from '../glibc/addresses';
import { ParsedLine, parseGaiConf } from '../glibc/reader';
import { OrderResult, simulateOrder } from '../glibc/sort';
import { Host, HostAddress } from '../glibc/sourceSelection';
import { buildEffectiveTables, builtinTable, EffectiveTables, lookupRow, tableWithout } from '../glibc/tables';
import { FALLBACK_GLIBC } from '../glibc/versions';
import { BUILTIN_CHOICES, BUILTIN_PROBES } from './reference/builtinEffects';
import {
  DESTINATION_PAIRS,
  DestinationPair,
  HOST_PROFILES,
  HostProfile,
  ProfileId,
  RoleName,
  ROLES,
} from './reference/hostProfiles';
import { GLOBAL_UNICAST_RANGE, ULA_RANGE } from './reference/wellKnownPrefixes';

/** 'dns-order': a tie, so the first address the resolver returns wins. */
export type FamilyChoice = 'ipv6' | 'ipv4' | 'dns-order';

/** A host the model asks about, with the addresses that stand for it under this file. */
export interface ProbedHost {
  readonly id: ProfileId | 'this-machine';
  readonly name: string;
  readonly shortName: string;
  readonly host: Host;
}

export interface Effect {
  readonly host: ProbedHost;
  readonly pair: DestinationPair;
  readonly ipv6: string;
  readonly ipv4: string;
  readonly file: FamilyChoice;
  readonly builtin: FamilyChoice;
  /** glibc's sort under the file with the IPv6 address listed first: the comparisons behind `file`. */
  readonly fileOrder: OrderResult;
}

export interface EffectsOptions {
  /** The machine the live file is on, read from its interfaces; absent for any other file. */
  readonly thisMachine?: Host;
  /** How findings name that host: "container web1" for a container judged from its host; "this machine" by default. */
  readonly thisMachineName?: string;
}

interface Range {
  readonly bytes: Bytes16;
  readonly bits: number;
}

function rangeOf(text: string): Range {
  const [address, bits] = text.split('/');
  const parsed = parseIpAddress(address)!;
  return { bytes: parsed.bytes, bits: Number(bits) + (parsed.family === 4 ? 96 : 0) };
}

/** Whether the row an address finds covers the whole range, so that the address stands for all of it. */
function coversRange(tables: EffectiveTables, bytes: Bytes16, range: Range): boolean {
  const kinds = isV4Mapped(bytes) ? (['label', 'precedence', 'scopev4'] as const) : (['label', 'precedence'] as const);
  return kinds.every((kind) => {
    const row = lookupRow(tables[kind], bytes);
    return row.bits <= range.bits && prefixContains(row.bytes, row.bits, range.bytes);
  });
}

const ROLE_RANGES = new Map(Object.entries(ROLES).map(([name, role]) => [name as RoleName, rangeOf(role.range)]));
const CANDIDATE_BYTES = new Map(
  Object.values(ROLES).flatMap((role) =>
    role.candidates.map((c) => [c, parseIpAddress(c.split('/')[0])!.bytes] as const),
  ),
);
/** Probes depend only on the tables; the analysis asks for them many times per file. */
const probeCache = new WeakMap<EffectiveTables, Map<RoleName, string>>();

/** The first candidate of a role that stands for its whole range under these tables (else the first). */
export function probeFor(tables: EffectiveTables, role: RoleName): string {
  let probes = probeCache.get(tables);
  if (!probes) probeCache.set(tables, (probes = new Map()));
  let probe = probes.get(role);
  if (probe === undefined) {
    const { candidates } = ROLES[role];
    const wanted = ROLE_RANGES.get(role)!;
    probe =
      candidates.find((candidate) => coversRange(tables, CANDIDATE_BYTES.get(candidate)!, wanted)) ?? candidates[0];
    probes.set(role, probe);
  }
  return probe;
}

function hostAddress(text: string): HostAddress {
  const [address, length] = text.split('/');
  return { address: parseIpAddress(address)!, prefixLength: Number(length) };
}

/** One Host object per set of probe addresses, so that what glibc's sort works out for it is kept across files. */
const probedHosts = new Map<string, ProbedHost>();

function probedHost(profile: HostProfile, addresses: readonly string[]): ProbedHost {
  const key = `${profile.id}|${addresses.join(',')}`;
  let probed = probedHosts.get(key);
  if (!probed) {
    const host: Host = {
      addresses: addresses.map(hostAddress),
      ...(profile.defaultRoutes ? { defaultRoutes: profile.defaultRoutes } : {}),
    };
    probedHosts.set(key, (probed = { id: profile.id, name: profile.name, shortName: profile.shortName, host }));
  }
  return probed;
}

export function probedProfiles(tables: EffectiveTables): ProbedHost[] {
  return HOST_PROFILES.map((profile) =>
    probedHost(
      profile,
      profile.roles.map((role) => probeFor(tables, role)),
    ),
  );
}

export const THIS_MACHINE = 'this machine';

export function thisMachineProbe(host: Host, name = THIS_MACHINE): ProbedHost {
  return { id: 'this-machine', name, shortName: name, host };
}

/** The host's addresses as "fd42::2/64" texts. */
export function hostAddressTexts(host: Host): string[] {
  return host.addresses.map((a) => `${addressText(a.address)}/${a.prefixLength}`);
}

export interface FamilyOutcome {
  readonly choice: FamilyChoice;
  readonly ipv6Listed: OrderResult;
}

/** Which family a host tries first for two addresses, with each of them listed first. */
export function familyChoice(tables: EffectiveTables, host: Host, ipv6: string, ipv4: string): FamilyOutcome {
  const ipv6Listed = simulateOrder(tables, host, [ipv6, ipv4]);
  const ipv4Listed = simulateOrder(tables, host, [ipv4, ipv6]);
  const ipv6First = (result: OrderResult) => result.order[0].address.family === 6;
  const choice =
    ipv6First(ipv6Listed) && ipv6First(ipv4Listed)
      ? 'ipv6'
      : !ipv6First(ipv6Listed) && !ipv6First(ipv4Listed)
        ? 'ipv4'
        : 'dns-order';
  return { choice, ipv6Listed };
}

let builtinTables: EffectiveTables | undefined;

/** glibc's built-in tables, as an empty file leaves them (no glibc version changes them): one object, built at first use. */
export function builtinEffectiveTables(): EffectiveTables {
  builtinTables ??= buildEffectiveTables(parseGaiConf('', { glibc: FALLBACK_GLIBC }));
  return builtinTables;
}
/** What the built-in tables do never changes; probes repeat across files, so each is worked out once. */
const builtinChoices = new Map<string, FamilyChoice>();

/** Hosts are kept (probedHosts), so each one's key is written once rather than at every analysis. */
const hostKeys = new WeakMap<Host, string>();

function hostKey(host: Host): string {
  let key = hostKeys.get(host);
  if (key === undefined) {
    key = `${hostAddressTexts(host).join(',')}|${host.defaultRoutes ? `${host.defaultRoutes.ipv4}${host.defaultRoutes.ipv6}` : ''}`;
    hostKeys.set(host, key);
  }
  return key;
}

/** A file without a valid row (Debian's stock file, an empty one) leaves glibc's built-in tables. */
function keepsBuiltinTables(tables: EffectiveTables): boolean {
  return (['label', 'precedence', 'scopev4'] as const).every((kind) => tables[kind] === builtinTable(kind));
}

function builtinChoice(host: Host, key: string, ipv6: string, ipv4: string): FamilyChoice {
  key = `${key}|${ipv6}|${ipv4}`;
  let choice = builtinChoices.get(key);
  if (choice === undefined) {
    // An empty file leaves the built-in tables, which no glibc version changes.
    choice = familyChoice(builtinEffectiveTables(), host, ipv6, ipv4).choice;
    // This machine's addresses change from file to file and run to run: keep the cache small.
    if (builtinChoices.size > 10_000) builtinChoices.clear();
    builtinChoices.set(key, choice);
  }
  return choice;
}

/** The effects worked out for an earlier version of the same document. */
export interface PreviousEffects {
  readonly tables: EffectiveTables;
  readonly options: EffectsOptions;
  readonly effects: readonly Effect[];
}

/**
 * Whether every lookup the model makes finds, in both sets of tables, rows that give the same:
 * the same value, and the same prefix (a probe stands for its role's range by the prefix it
 * finds). The model looks up nothing but the probe candidates (as destinations and as the
 * typical hosts' sources) and this machine's addresses, so its answer is then the same.
 */
function sameModelLookups(a: EffectiveTables, b: EffectiveTables, thisMachine: Host | undefined): boolean {
  const machine = thisMachine ? thisMachine.addresses.map((address) => address.address.bytes) : [];
  return (['label', 'precedence', 'scopev4'] as const).every((kind) => {
    if (a[kind] === b[kind]) return true;
    const addresses = [...PROBES, ...machine];
    return addresses.every((bytes) => {
      if (kind === 'scopev4' && !isV4Mapped(bytes)) return true;
      const before = lookupRow(a[kind], bytes);
      const after = lookupRow(b[kind], bytes);
      return (
        before.value === after.value &&
        before.bits === after.bits &&
        prefixKey(before.bytes, before.bits) === prefixKey(after.bytes, after.bits)
      );
    });
  });
}

/**
 * The effects of the tables; with `previous`, its effects when nothing the model looks up changed
 * (an edit to rows no probe reaches, a comment, an ignored line): the model is not run again.
 */
export function computeEffects(
  tables: EffectiveTables,
  options: EffectsOptions = {},
  previous?: PreviousEffects,
): readonly Effect[] {
  if (
    previous &&
    previous.options.thisMachine === options.thisMachine &&
    previous.options.thisMachineName === options.thisMachineName &&
    sameModelLookups(previous.tables, tables, options.thisMachine)
  )
    return previous.effects;
  return modelEffects(tables, options);
}

/** A host's effect for each destination pair, from glibc's sort. */
function sortedEffects(tables: EffectiveTables, probed: ProbedHost, sameAsBuiltin: boolean): Effect[] {
  const key = hostKey(probed.host);
  return DESTINATION_PAIRS.map((pair) => {
    const ipv6 = probeFor(tables, pair.ipv6);
    const ipv4 = probeFor(tables, pair.ipv4);
    const outcome = familyChoice(tables, probed.host, ipv6, ipv4);
    return {
      host: probed,
      pair,
      ipv6,
      ipv4,
      file: outcome.choice,
      // Under the built-in tables the file's choice is the built-in one: no second sort on start-up.
      builtin: sameAsBuiltin ? outcome.choice : builtinChoice(probed.host, key, ipv6, ipv4),
      fileOrder: outcome.ipv6Listed,
    };
  });
}

/**
 * The typical hosts' effects under glibc's built-in tables, as builtinEffects.ts records them: the
 * first analysis of a file that changes no table (Debian's stock file) runs glibc's sort only for
 * the effects whose comparisons a finding asks for, not 72 times in code that is still cold.
 */
function recordedEffects(tables: EffectiveTables): Effect[] {
  return HOST_PROFILES.flatMap((profile) => {
    const probed = probedHost(
      profile,
      profile.roles.map((role) => BUILTIN_PROBES[role]),
    );
    return DESTINATION_PAIRS.map((pair): Effect => {
      const ipv6 = BUILTIN_PROBES[pair.ipv6];
      const ipv4 = BUILTIN_PROBES[pair.ipv4];
      const choice = BUILTIN_CHOICES[profile.id][pair.id];
      let fileOrder: OrderResult | undefined;
      return {
        host: probed,
        pair,
        ipv6,
        ipv4,
        file: choice,
        builtin: choice,
        get fileOrder() {
          return (fileOrder ??= simulateOrder(tables, probed.host, [ipv6, ipv4]));
        },
      };
    });
  });
}

function modelEffects(tables: EffectiveTables, options: EffectsOptions, useRecorded = true): Effect[] {
  const sameAsBuiltin = keepsBuiltinTables(tables);
  const typical =
    sameAsBuiltin && useRecorded
      ? recordedEffects(tables)
      : probedProfiles(tables).flatMap((probed) => sortedEffects(tables, probed, sameAsBuiltin));
  if (!options.thisMachine) return typical;
  const machine = thisMachineProbe(options.thisMachine, options.thisMachineName);
  return [...typical, ...sortedEffects(tables, machine, sameAsBuiltin)];
}

/**
 * The effects with every host's worked out by glibc's sort, the recorded answers for the built-in
 * tables aside: what test/unit/builtinEffects.test.ts checks them against, and what
 * scripts/builtinEffects.mjs records.
 */
export function sortedModelEffects(tables: EffectiveTables, options: EffectsOptions = {}): Effect[] {
  return modelEffects(tables, options, false);
}

/** Hosts that reach both families, so that there is a choice to make. */
export function choosesFamily(host: ProbedHost): boolean {
  if (host.id !== 'this-machine') return host.id === 'ula' || host.id === 'global' || host.id === 'ula-global';
  const reaches = (range: { bytes: Bytes16; bits: number }, bytes: Bytes16) =>
    prefixContains(range.bytes, range.bits, bytes);
  const usable = host.host.addresses.filter(
    (a) =>
      a.address.family === 4 || reaches(GLOBAL_UNICAST_RANGE, a.address.bytes) || reaches(ULA_RANGE, a.address.bytes),
  );
  return usable.some((a) => a.address.family === 4) && usable.some((a) => a.address.family === 6);
}

/** Every address a probe may use: the candidates of every role. */
const PROBES: readonly Bytes16[] = Object.values(ROLES).flatMap((role) =>
  role.candidates.map((c) => parseIpAddress(c.split('/')[0])!.bytes),
);

/** Per tables, the lines whose rows a probe address stops at, or that alone keep their table replaced. */
const linesThatCanMatter = new WeakMap<EffectiveTables, ReadonlySet<ParsedLine>>();

/**
 * Whether dropping the line can change what any probe address finds in the tables: only if its
 * row is the first match for one of them, or the only row that keeps its table replaced. Saves
 * rebuilding the tables of a long file on every hover and for every scopev4 row.
 */
export function lineCanMatter(tables: EffectiveTables, line: ParsedLine): boolean {
  let lines = linesThatCanMatter.get(tables);
  if (!lines) {
    const found = new Set<ParsedLine>();
    for (const kind of ['label', 'precedence', 'scopev4'] as const) {
      const table = tables[kind];
      const fileRows = table.rows.filter((r) => r.origin.kind === 'file');
      const probes = kind === 'scopev4' ? PROBES.filter(isV4Mapped) : PROBES;
      const rows = fileRows.length === 1 ? fileRows : probes.map((bytes) => lookupRow(table, bytes));
      for (const row of rows) if (row.origin.kind === 'file') found.add(row.origin.line);
    }
    linesThatCanMatter.set(tables, (lines = found));
  }
  return lines.has(line);
}

export interface LineEffect {
  readonly host: ProbedHost;
  readonly pair: DestinationPair;
  readonly withLine: FamilyChoice;
  readonly withoutLine: FamilyChoice;
}

/**
 * What one active line does for the hosts that choose a family: the choices with the file as it
 * is, against the same file without that line, for the same probe addresses. Empty when the line
 * changes none of them.
 */
export function lineEffects(tables: EffectiveTables, line: ParsedLine): LineEffect[] {
  if (tables.crash || !lineCanMatter(tables, line) || line.fate.kind !== 'row') return [];
  const kind = line.fate.row.table;
  const without: EffectiveTables = { ...tables, [kind]: tableWithout(tables[kind], line) };
  return probedProfiles(tables)
    .filter(choosesFamily)
    .flatMap((host) =>
      DESTINATION_PAIRS.flatMap((pair) => {
        const ipv6 = probeFor(tables, pair.ipv6);
        const ipv4 = probeFor(tables, pair.ipv4);
        const withLine = familyChoice(tables, host.host, ipv6, ipv4).choice;
        const withoutLine = familyChoice(without, host.host, ipv6, ipv4).choice;
        return withLine === withoutLine ? [] : [{ host, pair, withLine, withoutLine }];
      }),
    );
}
