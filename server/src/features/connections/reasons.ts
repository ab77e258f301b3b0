/**
 * Why an IPv4 connection to a non-loopback peer is IPv4, from what gai-conf already knows: the
 * namespace has no usable IPv6; the peer opened it; the program pins IPv4 or does not follow
 * gai.conf (who-follows and the runtime table); the namespace's gai.conf, or glibc's built-in
 * tables, put IPv4 first for its addresses (the effects model, naming the finding and its fix);
 * with --resolve, the peer's name has no IPv6 address; else unknown. Each reason is a stable code
 * with words beside it and the fix, if there is one.
 */

import { Analysis, analyzeGaiConf } from '../../analysis/analysis';
import { DiagnosticCode } from '../../analysis/catalogue';
import {
  choosesFamily,
  FamilyChoice,
  familyChoice,
  hostAddressTexts,
  probeFor,
  thisMachineProbe,
} from '../../analysis/effects';
import { RFC6724_POLICY } from '../../analysis/reference/rfcTables';
import { runtimeEntry, RuntimeId } from '../../analysis/reference/runtimes';
import { addressText } from '../../glibc/addresses';
import { defaultRoutesOf } from '../../glibc/sourceSelection';
import { EffectiveTables } from '../../glibc/tables';
import { ulaFixes } from '../codeActions/ulaFixes';
import type { NamespaceInput, PeerName } from './census';
import { endpointText, shortName, SocketRow } from './sockets';

export const REASON_CODES = {
  'no-usable-ipv6': 'The namespace has no usable IPv6: no global or ULA address, or no IPv6 default route.',
  inbound: 'The peer opened the connection to a listener here, over IPv4: the client chose the family.',
  'program-pins-ipv4': 'The program is told to use IPv4 (an option such as -4 or java.net.preferIPv4Stack=true).',
  'program-ignores-file': 'The program does not follow gai.conf (its own resolver or table) and puts IPv4 first here.',
  'file-prefers-ipv4':
    "The program follows gai.conf, and this namespace's file (or glibc's built-in tables) puts IPv4 first for its addresses.",
  'file-keeps-dns-order':
    "The program follows gai.conf, and this namespace's file ties IPv6 and IPv4: the resolver's order decides.",
  'peer-has-no-ipv6': "The peer's name has no IPv6 address (looked up with --resolve).",
  unknown:
    'The program follows gai.conf and the file puts IPv6 first here: the destination may have no IPv6 address, or the program chose the address itself.',
} as const;

export type ReasonCode = keyof typeof REASON_CODES;

export interface Reason {
  readonly code: ReasonCode;
  /** The sentence for this connection: the code's meaning made specific. */
  readonly text: string;
  /** What to change so that it can be IPv6; null when nothing on this machine can. */
  readonly fix: string | null;
  /** For program-ignores-file: the runtime table entry. */
  readonly runtime?: RuntimeId;
  /** For file-prefers-ipv4: the finding gai-conf reports on the file. */
  readonly finding?: DiagnosticCode;
}

export interface ReasonContext {
  readonly row: SocketRow;
  readonly inbound: boolean;
  readonly classification: { readonly runtime: RuntimeId | null; readonly reason: string } | null;
  readonly options: readonly string[];
  readonly peerNames: ReadonlyMap<string, PeerName> | undefined;
  readonly program: string | null;
}

export interface NamespaceReasoner {
  (context: ReasonContext): Reason;
  readonly addresses: string[];
  readonly defaultRoutes: { readonly ipv4: boolean; readonly ipv6: boolean };
  followsFile(classification: { readonly runtime: RuntimeId | null }): boolean;
}

/** Runtimes that put IPv6 first whatever the file says: an IPv4 connection from them is not the file's doing. */
const PREFERS_IPV6: ReadonlySet<RuntimeId> = new Set([
  'java-prefer-ipv6',
  'node-ipv6first',
  'curl-ipv6-first',
  'ruby-happy-eyeballs',
  'exim',
]);
/** Runtimes that sort with RFC 6724's table instead of the file. */
const RFC6724_SORTERS: ReadonlySet<RuntimeId> = new Set(['go-pure', 'go-static', 'musl', 'c-ares']);

let rfc6724Tables: EffectiveTables | undefined;
function rfc6724(glibc: Analysis['parsed']['glibc']): EffectiveTables {
  rfc6724Tables ??= analyzeGaiConf(
    RFC6724_POLICY.flatMap((r) => [
      `label ${r.prefix}/${r.bits} ${r.label}`,
      `precedence ${r.prefix}/${r.bits} ${r.precedence}`,
    ]).join('\n'),
    { glibc },
  ).tables;
  return rfc6724Tables;
}

/** The option that makes a program use IPv4 only, or null. */
function pinnedIpv4(program: string | null, options: readonly string[]): string | null {
  const name = program === null ? '' : shortName(program);
  const javaStack = [...options].reverse().find((o) => o.startsWith('-Djava.net.preferIPv4Stack='));
  if (javaStack === '-Djava.net.preferIPv4Stack=true') return javaStack;
  if (['curl', 'wget', 'ssh', 'scp', 'sftp', 'rsync', 'nc', 'ncat', 'ping', 'git'].includes(name)) {
    return (
      options.find((o) => o === '-4' || o === '--ipv4' || o === '--inet4-only' || /^-[A-Za-z]*4[A-Za-z]*$/.test(o)) ??
      null
    );
  }
  return null;
}

/** Why a connection of a program that follows a file putting IPv6 first is IPv4 anyway, as far as --resolve found out. */
function unknownWhy(name: PeerName | undefined): string {
  if (name === undefined)
    return 'the destination may have no IPv6 address (--resolve looks it up), or the program chose the address itself';
  if (name.name === null)
    return 'the peer has no name in DNS (--resolve found none), so it may have no IPv6 address, or the program chose the address itself';
  if (name.hasIpv6 === null)
    return `whether ${name.name} has an IPv6 address could not be looked up; else the program chose the address itself`;
  return `${name.name} has IPv6 too, so the program chose the IPv4 address itself`;
}

/** The reasoner for one namespace: its addresses and file are read once, then asked per connection. */
export function namespaceReasoner(ns: NamespaceInput): NamespaceReasoner {
  const analysis = analyzeGaiConf(ns.gaiConf.text ?? '', { glibc: ns.glibc, thisMachine: ns.host });
  const probe = thisMachineProbe(ns.host);
  const routes = defaultRoutesOf(ns.host);
  const usableIpv6 = choosesFamily(probe) && routes.ipv6;
  const globalIpv6 = probeFor(analysis.tables, 'globalDestination');
  const fileName =
    ns.gaiConf.text === null ? `glibc's built-in tables (${ns.gaiConf.path} is missing)` : ns.gaiConf.path;
  const where = ns.container === null ? 'the host' : `container ${ns.container}`;
  // A container's file is named as its users know it; the host's path (/proc/PID/root/...) only beside it.
  const fileToFix = ns.container === null ? ns.gaiConf.path : `${where}'s /etc/gai.conf (${ns.gaiConf.path})`;
  const connectionFinding = analysis.findings.find(
    (f) => f.code === 'ula-demoted' || f.code === 'ipv4-preferred' || f.code === 'ula-destinations-demoted',
  );
  // Re-analysing the fixed file is the costly part: once per namespace, and only when a reason needs it.
  let fix: string | undefined;
  const fileFix = (): string => {
    if (fix === undefined) {
      const fixes = ulaFixes(analysis);
      const chosen = fixes.find((f) => f.preferred) ?? fixes[0];
      fix = chosen
        ? `Quick fix on ${fileToFix}: ${chosen.title}; then restart the program.`
        : `Edit ${fileToFix} so that IPv6 ranks first for these addresses (gai-conf explain shows why it does not), then restart the program.`;
    }
    return fix;
  };
  const followsFile = (c: { readonly runtime: RuntimeId | null }): boolean =>
    c.runtime !== null && runtimeEntry(c.runtime).followsFile === 'yes';
  // glibc's sort, simulated once per table and peer address: a busy host has thousands of connections to a few peers.
  const choices = new Map<string, FamilyChoice>();
  const choiceFor = (tables: EffectiveTables, peer: SocketRow['peer']): FamilyChoice => {
    const ipv4 = addressText({ family: 4, bytes: peer.bytes });
    const key = `${tables === analysis.tables ? 'file' : 'rfc6724'}|${ipv4}`;
    let choice = choices.get(key);
    if (choice === undefined) choices.set(key, (choice = familyChoice(tables, ns.host, globalIpv6, ipv4).choice));
    return choice;
  };
  const hostText = hostAddressTexts(ns.host).join(', ') || 'no addresses';

  const reasoner = ((context: ReasonContext): Reason => {
    const peer = endpointText(context.row.peer);
    if (context.inbound)
      return {
        code: 'inbound',
        text: `${peer} connected to this listener over IPv4: the client chose the family.`,
        fix: null,
      };
    if (!usableIpv6) {
      const why = !choosesFamily(probe) ? `no global or ULA IPv6 address (${hostText})` : 'no IPv6 default route';
      return {
        code: 'no-usable-ipv6',
        text: `${where} has ${why}: every program there connects over IPv4.`,
        fix: 'Give the namespace a global or ULA IPv6 address and an IPv6 default route.',
      };
    }
    const pinned = pinnedIpv4(context.program, context.options);
    if (pinned)
      return { code: 'program-pins-ipv4', text: `The program runs with ${pinned}: IPv4 only.`, fix: `Drop ${pinned}.` };
    const c = context.classification;
    if (c && c.runtime !== null && !followsFile(c) && !PREFERS_IPV6.has(c.runtime)) {
      const entry = runtimeEntry(c.runtime);
      const ipv4First =
        !RFC6724_SORTERS.has(c.runtime) || choiceFor(rfc6724(analysis.parsed.glibc), context.row.peer) !== 'ipv6';
      if (ipv4First) {
        return {
          code: 'program-ignores-file',
          runtime: c.runtime,
          text: `${c.reason}. ${entry.behaviour}`,
          fix: entry.toFollowFile ?? entry.toPreferIPv6,
        };
      }
    }
    if (c && c.runtime === null && /not read/.test(c.reason))
      return {
        code: 'program-ignores-file',
        text: `${c.reason}.`,
        fix: 'Give the namespace a global IPv6 address, or rebuild the program against glibc.',
      };
    const name = context.peerNames?.get(addressText({ family: 4, bytes: context.row.peer.bytes }));
    if (name && name.hasIpv6 === false)
      return { code: 'peer-has-no-ipv6', text: `${name.name ?? peer} has no IPv6 address.`, fix: null };
    const choice = choiceFor(analysis.tables, context.row.peer);
    if (choice === 'ipv4') {
      const finding = connectionFinding ? ` (${connectionFinding.code})` : '';
      return {
        code: 'file-prefers-ipv4',
        ...(connectionFinding ? { finding: connectionFinding.code } : {}),
        text: `${fileName} puts IPv4 first for ${where} (${hostText}) against a global IPv6 destination${finding}.`,
        fix: fileFix(),
      };
    }
    if (choice === 'dns-order')
      return {
        code: 'file-keeps-dns-order',
        text: `${fileName} ties IPv6 and IPv4 for ${where}: the order of the DNS answer decides.`,
        fix: fileFix(),
      };
    return {
      code: 'unknown',
      text: `${fileName} puts IPv6 first here and the program follows it: ${unknownWhy(name)}.`,
      fix: null,
    };
  }) as NamespaceReasoner;
  return Object.assign(reasoner, { addresses: hostAddressTexts(ns.host), defaultRoutes: routes, followsFile });
}
