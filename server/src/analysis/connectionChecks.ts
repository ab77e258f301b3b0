/**
 * Findings about what the tables do to real connections, read from the effects model (typical
 * hosts, both DNS orders, the file against the built-in tables) rather than from the file's text.
 * Severity follows who is affected: a warning when the file affects the machine it is on, or
 * fails at what it was evidently written for; information when it only affects other kinds of hosts.
 */

import { prefixContains } from '../glibc/addresses';
import { addressText } from '../glibc/addresses';
import { DirectiveReading, ParsedFile, ParsedLine } from '../glibc/reader';
import { Decision, DestinationFacts, OrderResult, RULE_NAMES } from '../glibc/sort';
import { EffectiveTables, lookupRow, TableRow } from '../glibc/tables';
import { Finding, Severity } from './catalogue';
import {
  choosesFamily,
  Effect,
  FamilyChoice,
  hostAddressTexts,
  lineCanMatter,
  lineEffects,
  THIS_MACHINE,
} from './effects';
import { PairId } from './reference/hostProfiles';
import { GLOBAL_UNICAST_RANGE, ULA_RANGE } from './reference/wellKnownPrefixes';
import { anchorFor } from './rows';

const CHOICE_TEXT: Readonly<Record<FamilyChoice, string>> = {
  ipv6: 'IPv6 first',
  ipv4: 'IPv4 first',
  'dns-order': "the resolver's order (a tie)",
};

function decisionOf(result: OrderResult): Decision | undefined {
  return result.decisions[result.decisions.length - 1];
}

function ipv6Of(result: OrderResult): DestinationFacts {
  return result.destinations.find((d) => d.address.family === 6)!;
}

function ipv4Of(result: OrderResult): DestinationFacts {
  return result.destinations.find((d) => d.address.family === 4)!;
}

/** The file rows that supplied the values a decision turned on, most specific first. */
function responsibleRows(tables: EffectiveTables, result: OrderResult, decision: Decision | undefined): TableRow[] {
  const ipv6 = ipv6Of(result);
  const ipv4 = ipv4Of(result);
  const rows: TableRow[] = [];
  if (decision?.rule === 5) {
    if (ipv6.source) rows.push(lookupRow(tables.label, ipv6.source.address.bytes));
    rows.push(lookupRow(tables.label, ipv6.address.bytes), lookupRow(tables.label, ipv4.address.bytes));
  } else if (decision?.rule === 6 || decision?.rule === 10) {
    rows.push(lookupRow(tables.precedence, ipv4.address.bytes), lookupRow(tables.precedence, ipv6.address.bytes));
  } else if (decision?.rule === 2 || decision?.rule === 8) {
    rows.push(lookupRow(tables.scopev4, ipv4.address.bytes));
    if (ipv4.source) rows.push(lookupRow(tables.scopev4, ipv4.source.address.bytes));
  }
  const fromFile = rows.filter((row) => row.origin.kind === 'file');
  return [...fromFile.filter((row) => row.bits > 0), ...fromFile.filter((row) => row.bits === 0)];
}

/** The decision that put one family first, in words with the values compared. */
function explainDecision(result: OrderResult): string {
  const decision = decisionOf(result);
  if (!decision) return 'the original order decides';
  const ipv6 = ipv6Of(result);
  const ipv4 = ipv4Of(result);
  const rule = `rule ${decision.rule} (${RULE_NAMES[decision.rule]})`;
  const winner = result.order[0].address.family === 6 ? 'IPv6' : 'IPv4';
  switch (decision.rule) {
    case 5: {
      const source = ipv6.source ? ` ${addressText(ipv6.source.address)}` : '';
      return `the IPv6 source${source} has label ${ipv6.sourceLabel}, the IPv6 destination ${ipv6.text} label ${ipv6.label}, while the IPv4 source and destination ${ipv4.label === ipv4.sourceLabel ? `share label ${ipv4.label}` : `have labels ${ipv4.sourceLabel} and ${ipv4.label}`}: ${rule} puts ${winner} first`;
    }
    case 6:
      return `${ipv6.text} has precedence ${ipv6.precedence} and ${ipv4.text} ${ipv4.precedence}: ${rule} puts ${winner} first`;
    case 2: {
      // Rule 2 decides when exactly one destination's scope matches its source's.
      const [matching, other] = winner === 'IPv6' ? [ipv6, ipv4] : [ipv4, ipv6];
      return `${other.text} has scope ${other.scope} but its source ${addressText(other.source!.address)} scope ${other.sourceScope}, while ${matching.text} and its source share scope ${matching.scope}: ${rule} puts ${winner} first`;
    }
    default: {
      const values = Object.entries(decision.values)
        .map(([name, [a, b]]) => `${name} ${a} vs ${b}`)
        .join(', ');
      return `${rule} decides (${values})`;
    }
  }
}

/** The decision in a few words, for a message: the rule and the two values it compared. */
function shortDecision(result: OrderResult): string {
  const decision = decisionOf(result);
  if (!decision) return 'the original order decides';
  const ipv6 = ipv6Of(result);
  const ipv4 = ipv4Of(result);
  switch (decision.rule) {
    case 5:
      return `rule 5: source label ${ipv6.sourceLabel}, destination ${ipv6.label}`;
    case 6:
      return `rule 6: precedence ${ipv6.precedence} vs IPv4's ${ipv4.precedence}`;
    default:
      return `rule ${decision.rule}, ${RULE_NAMES[decision.rule]}`;
  }
}

/** What to write so that IPv6 wins the decision that put IPv4 first, where one row can do it. */
function remedy(result: OrderResult, prefix: string): string {
  const decision = decisionOf(result);
  const ipv6 = ipv6Of(result);
  const ipv4 = ipv4Of(result);
  if (decision?.rule === 5) return ` Write "label ${prefix} ${ipv6.label}", or use a quick fix.`;
  if (decision?.rule === 6) return ` Give ${prefix} a precedence above ${ipv4.precedence}.`;
  return '';
}

/** Why two addresses tie: every rule before the last compared equal values. */
function explainTie(result: OrderResult): string {
  const ipv6 = ipv6Of(result);
  const ipv4 = ipv4Of(result);
  const labels =
    ipv6.label === ipv6.sourceLabel && ipv4.label === ipv4.sourceLabel
      ? "both match their sources' labels"
      : "neither matches its source's label";
  return `${ipv6.text} and ${ipv4.text} both have precedence ${ipv6.precedence}, ${labels} and the same scope, so no rule before rule 10 tells them apart`;
}

const RESOLVER_ORDER =
  "glibc then keeps the resolver's order: for a name in DNS the A record (IPv4) comes first, for /etc/hosts the order of its lines";

interface Context {
  readonly parsed: ParsedFile;
  readonly commented: ReadonlyMap<ParsedLine, DirectiveReading>;
  readonly tables: EffectiveTables;
  readonly effects: readonly Effect[];
}

function effect(context: Context, host: Effect['host']['id'], pair: PairId): Effect | undefined {
  return context.effects.find((e) => e.host.id === host && e.pair.id === pair);
}

interface Words {
  readonly message: string;
  readonly detail: string;
}

function finding(
  context: Context,
  code: Finding['code'],
  rows: readonly TableRow[],
  kind: 'label' | 'precedence' | 'scopev4',
  words: Words,
  severity?: Severity,
  builtinPrefix?: string,
): Finding {
  const anchor = anchorFor(context.parsed, context.commented, rows[0], kind, builtinPrefix);
  const message = anchor.wholeFile ? `(whole file) ${words.message}` : words.message;
  return {
    code,
    start: anchor.start,
    end: anchor.end,
    message,
    detail: words.detail,
    ...(severity ? { severity } : {}),
  };
}

/** The machine's ULA addresses, without prefix lengths: enough to recognise it in a short message. */
function ulaAddressTexts(e: Effect): string {
  return e.host.host.addresses
    .filter((a) => a.address.family === 6 && prefixContains(ULA_RANGE.bytes, ULA_RANGE.bits, a.address.bytes))
    .map((a) => addressText(a.address))
    .join(', ');
}

/**
 * An active label row inside ULA space other than glibc's own fc00::/7 6: the file was written to
 * change what ULA hosts do.
 */
function addressesUla(tables: EffectiveTables): boolean {
  return tables.label.rows.some((row) => {
    if (row.origin.kind !== 'file') return false;
    return (
      row.bits >= 7 &&
      prefixContains(ULA_RANGE.bytes, ULA_RANGE.bits, row.bytes) &&
      !(row.bits === 7 && row.value === 6)
    );
  });
}

function hasUlaAddress(e: Effect): boolean {
  return e.host.host.addresses.some(
    (a) => a.address.family === 6 && prefixContains(ULA_RANGE.bytes, ULA_RANGE.bits, a.address.bytes),
  );
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function thisMachineText(e: Effect): string {
  return `${capitalised(e.host.name)} (${hostAddressTexts(e.host.host).join(', ')}) is such a host.`;
}

/** Who tries IPv4 first, when the host judged has a ULA: this machine among ULA hosts, or a container by its name. */
function ulaHostSubject(machine: Effect): string {
  const ula = ulaAddressTexts(machine);
  if (machine.host.name === THIS_MACHINE) return `ULA hosts like this machine (${ula}) try`;
  const hasGlobal = machine.host.host.addresses.some(
    (a) =>
      a.address.family === 6 && prefixContains(GLOBAL_UNICAST_RANGE.bytes, GLOBAL_UNICAST_RANGE.bits, a.address.bytes),
  );
  const name = capitalised(machine.host.name);
  return hasGlobal ? `${name} (ULA ${ula}) tries` : `${name} has only ULA IPv6 addresses (${ula}), so it tries`;
}

function tieFindings(context: Context): Finding[] {
  const ties = context.effects.filter(
    (e) => choosesFamily(e.host) && e.host.id !== 'this-machine' && e.file === 'dns-order' && e.builtin !== 'dns-order',
  );
  if (ties.length === 0) return [];
  // The global pair first: it is what most connections are.
  const first = ties.find((e) => e.pair.id === 'global') ?? ties[0];
  const pairs = [...new Set(ties.map((e) => e.pair))];
  const who = pairs
    .map(
      (pair) =>
        `${pair.name} for ${ties
          .filter((e) => e.pair === pair)
          .map((e) => e.host.shortName)
          .join(' and ')}`,
    )
    .join('; ');
  const builtin = [...new Set(ties.map((e) => CHOICE_TEXT[e.builtin]))].join(' or ');
  const more = ties.length > 1 ? ` and ${ties.length - 1} more` : '';
  const precedence = ipv4Of(first.fileOrder).precedence;
  const pair = first.pair.id === 'global' ? '' : ` (${first.pair.name})`;
  const message = `IPv6 and IPv4 tie for ${first.host.shortName}${pair}${more}, so DNS order decides: IPv4 first. Give ::ffff:0:0/96 a precedence other than ${precedence}.`;
  const detail = `IPv6 and IPv4 tie (${who}): ${explainTie(first.fileOrder)}. ${RESOLVER_ORDER}. With glibc's built-in tables these hosts try ${builtin}.`;
  return [
    finding(
      context,
      'families-tie',
      responsibleRows(context.tables, first.fileOrder, decisionOf(first.fileOrder)),
      'precedence',
      { message, detail },
    ),
  ];
}

function ulaFindings(context: Context): Finding[] {
  const ula = effect(context, 'ula', 'global');
  const global = effect(context, 'global', 'global');
  const local = effect(context, 'ula', 'ula');
  const machine = effect(context, 'this-machine', 'global');
  if (!ula || !global || !local) return [];
  const findings: Finding[] = [];
  const ipv4Preferred = ula.file === 'ipv4' && global.file === 'ipv4';
  if (ula.file === 'ipv4' && !ipv4Preferred) {
    const machineHasUla = machine !== undefined && machine.file === 'ipv4' && hasUlaAddress(machine);
    const globalClause =
      global.file === 'ipv6'
        ? 'Hosts with global IPv6 prefer IPv6.'
        : "Hosts with global IPv6 get the resolver's order (IPv6 and IPv4 tie).";
    const who = machineHasUla ? ulaHostSubject(machine) : 'ULA hosts (e.g. containers) try';
    const message = `${who} IPv4 before global IPv6 (${shortDecision(ula.fileOrder)}).${remedy(ula.fileOrder, 'fc00::/7')}`;
    const detail = `Hosts whose IPv6 addresses are ULAs (fc00::/7, e.g. LXD or Docker containers) will connect over IPv4 to dual-stacked destinations: ${explainDecision(ula.fileOrder)}. ${globalClause}${machineHasUla ? ` ${thisMachineText(machine)}` : ''}`;
    const severity: Severity = machineHasUla || addressesUla(context.tables) ? 'warning' : 'information';
    findings.push(
      finding(
        context,
        'ula-demoted',
        responsibleRows(context.tables, ula.fileOrder, decisionOf(ula.fileOrder)),
        'label',
        { message, detail },
        severity,
        'fc00::/7',
      ),
    );
  } else if (ipv4Preferred) {
    const message = `Every host, ULA or global IPv6, tries IPv4 first for dual-stacked names (${shortDecision(global.fileOrder)}).`;
    const detail = `Every host, with ULA or global IPv6, will try IPv4 before IPv6 for dual-stacked destinations: ${explainDecision(global.fileOrder)}.`;
    findings.push(
      finding(
        context,
        'ipv4-preferred',
        responsibleRows(context.tables, global.fileOrder, decisionOf(global.fileOrder)),
        'precedence',
        { message, detail },
      ),
    );
  }
  // When every host prefers IPv4, ULA destinations losing to IPv4 is part of what the file asks for.
  if (local.file === 'ipv4' && local.builtin !== 'ipv4' && !ipv4Preferred) {
    const machineUla = context.effects.find(
      (e) => e.host.id === 'this-machine' && e.pair.id === 'ula' && e.file === 'ipv4' && hasUlaAddress(e),
    );
    const who = !machineUla
      ? 'From ULA hosts'
      : machineUla.host.name === THIS_MACHINE
        ? `From ULA hosts like this machine (${ulaAddressTexts(machineUla)})`
        : `From ${machineUla.host.name} (${ulaAddressTexts(machineUla)})`;
    const message = `${who}, ULA destinations lose to IPv4 (${shortDecision(local.fileOrder)}); built-in: ULA first.${remedy(local.fileOrder, 'fc00::/7')}`;
    const detail = `From a ULA host, ULA destinations lose to IPv4: ${explainDecision(local.fileOrder)}. glibc's built-in tables put them first.${machineUla ? ` ${thisMachineText(machineUla)}` : ''}`;
    findings.push(
      finding(
        context,
        'ula-destinations-demoted',
        responsibleRows(context.tables, local.fileOrder, decisionOf(local.fileOrder)),
        'precedence',
        { message, detail },
        machineUla ? 'warning' : undefined,
      ),
    );
  }
  return findings;
}

/**
 * The scopev4 rows that change a typical host's choice of family. Only the rows a probe address
 * stops at can (lineCanMatter), so only those are tried, not every line of the file.
 */
export function scopev4Findings(tables: EffectiveTables): Finding[] {
  if (tables.crash) return [];
  const candidates: ParsedLine[] = [];
  for (const row of tables.scopev4.rows)
    if (row.origin.kind === 'file' && lineCanMatter(tables, row.origin.line)) candidates.push(row.origin.line);
  candidates.sort((a, b) => a.index - b.index);
  return candidates.flatMap((line) => {
    const changes = lineEffects(tables, line);
    if (changes.length === 0) return [];
    const what = changes
      .map(
        (c) =>
          `${c.host.shortName}, ${c.pair.name}: ${CHOICE_TEXT[c.withLine]} (without this row: ${CHOICE_TEXT[c.withoutLine]})`,
      )
      .join('; ');
    const span = { start: line.reading!.command.start, end: (line.reading!.value2 ?? line.reading!.value1!).end };
    const [first] = changes;
    const more = changes.length > 1 ? ` and ${changes.length - 1} more` : '';
    const message = `This scopev4 row makes ${first.host.shortName} try ${CHOICE_TEXT[first.withLine]} for ${first.pair.name} (without it: ${CHOICE_TEXT[first.withoutLine]})${more}, by scope rules 2 and 8.`;
    return [
      {
        code: 'scopev4-family-change' as const,
        ...span,
        message,
        detail: `This scopev4 row changes which family hosts try first, through the scope rules (2, prefer a source of the same scope; 8, prefer the smaller scope): ${what}.`,
      },
    ];
  });
}

export function connectionFindings(
  parsed: ParsedFile,
  commented: ReadonlyMap<ParsedLine, DirectiveReading>,
  tables: EffectiveTables,
  effects: readonly Effect[],
): Finding[] {
  if (tables.crash) return [];
  const context: Context = { parsed, commented, tables, effects };
  return [...tieFindings(context), ...ulaFindings(context)];
}
