/**
 * The census for people: the text `gai-conf connections` prints, and the comparison of two
 * censuses (`--compare`, and the editor's Measure view): how the IPv6 share moved per container
 * and per program, and which IPv4 connections remain and why. Programs are matched across the
 * two by container and executable, since a restart changes their PIDs.
 */

import type { Census, Connection, FamilyCount, NamespaceCensus, ProcessCensus, Shares } from './census';
import { CENSUS_FORMAT, shareOf } from './census';
import type { ReasonCode } from './reasons';
import { shortName } from './sockets';

const BAR_WIDTH = 20;

export function percent(share: number | null): string {
  return share === null
    ? '  –  '
    : `${Math.round(share * 100)
        .toString()
        .padStart(3)} %`;
}

/** A text bar: IPv6 as full blocks, IPv4 as light ones. */
function shareBar(share: number | null): string {
  if (share === null) return ' '.repeat(BAR_WIDTH);
  const six = Math.round(share * BAR_WIDTH);
  return '█'.repeat(six) + '░'.repeat(BAR_WIDTH - six);
}

function bytesText(bytes: number | null): string {
  if (bytes === null) return 'not measured';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function namespaceLabel(ns: Pick<NamespaceCensus, 'container'>): string {
  return ns.container === null ? 'host' : ns.container;
}

function windowText(c: Census): string {
  if (c.window.kind === 'snapshot') return `snapshot at ${c.takenAt}`;
  return `${(c.window.durationMs / 1000).toFixed(1)} s from ${c.takenAt}, ${c.window.samples} samples every ${c.window.intervalMs} ms`;
}

function countText(count: FamilyCount): string {
  return `${count.connections}${count.bytes === null ? '' : ` (${bytesText(count.bytes)})`}`;
}

function connectionLine(pidOrDash: string, program: string, c: Connection): string[] {
  const lines = [
    `    ${pidOrDash} ${program}  ${c.protocol} ${c.local} → ${c.peer} ${c.state}${c.inbound ? ' (inbound)' : ''}`,
  ];
  if (c.reason) {
    lines.push(`      [${c.reason.code}] ${c.reason.text}`);
    if (c.reason.fix) lines.push(`      fix: ${c.reason.fix}`);
  }
  return lines;
}

/** What `gai-conf connections` prints. */
export function censusText(c: Census): string {
  const lines: string[] = [];
  lines.push(`Connections (TCP and connected UDP; loopback counted apart), ${windowText(c)}`);
  lines.push(
    `IPv6 share: ${percent(c.share.connections)} of ${c.ipv4.connections + c.ipv6.connections} connections${c.share.bytes === null ? '' : `, ${percent(c.share.bytes)} of ${bytesText((c.ipv4.bytes ?? 0) + (c.ipv6.bytes ?? 0))}`}`,
  );
  for (const ns of c.namespaces) {
    const total = ns.ipv4.connections + ns.ipv6.connections + ns.loopback.connections;
    if (total === 0) continue;
    lines.push('');
    lines.push(
      `${namespaceLabel(ns)}${ns.container === null ? '' : ` (${ns.namespace})`}: ${shareBar(ns.share.connections)} ${percent(ns.share.connections)} IPv6 — IPv6 ${countText(ns.ipv6)}, IPv4 ${countText(ns.ipv4)}, loopback ${countText(ns.loopback)}`,
    );
    lines.push(
      `  addresses ${ns.addresses.join(', ') || 'none'}; default routes: IPv4 ${ns.defaultRoutes.ipv4 ? 'yes' : 'no'}, IPv6 ${ns.defaultRoutes.ipv6 ? 'yes' : 'no'}; reads ${ns.gaiConf}`,
    );
    for (const p of ns.processes) {
      if (p.ipv4.connections + p.ipv6.connections === 0) continue;
      lines.push(
        `  ${String(p.pid).padStart(7)} ${shortName(p.exe).padEnd(16)} ${shareBar(shareOf(p.ipv4, p.ipv6).connections)} IPv6 ${countText(p.ipv6)}, IPv4 ${countText(p.ipv4)}${p.runtime ? `  [${p.runtime}]` : ''}`,
      );
    }
    const ipv4 = [
      ...ns.processes.flatMap((p) =>
        p.connections.filter((x) => x.reason).map((x) => connectionLine(String(p.pid), shortName(p.exe), x)),
      ),
      ...ns.unattributed.connections
        .filter((x) => x.reason)
        .map((x) => connectionLine('-', '(no process: closed, or not readable)', x)),
    ];
    if (ipv4.length > 0) lines.push('  IPv4 connections and why:', ...ipv4.flat());
    for (const note of ns.notes) lines.push(`  note: ${note}`);
  }
  if (!c.runningAsRoot)
    lines.push(
      '',
      "Not running as root: only your own processes' sockets are joined to programs, and bytes only for this namespace.",
    );
  return lines.join('\n') + '\n';
}

export interface ShareRow {
  readonly container: string | null;
  /** null for the container's row itself. */
  readonly program: string | null;
  /** What the row is called: the container ("host" for the host's), or the program's short name. */
  readonly name: string;
  readonly before: Shares & { readonly ipv4: number; readonly ipv6: number };
  readonly after: Shares & { readonly ipv4: number; readonly ipv6: number };
}

export interface Remaining {
  readonly container: string | null;
  readonly pid: number | null;
  readonly program: string;
  /** The program's short name. */
  readonly name: string;
  readonly connection: Connection;
}

export interface Comparison {
  readonly before: { readonly takenAt: string; readonly share: Shares };
  readonly after: { readonly takenAt: string; readonly share: Shares };
  /** Per container, then per program within it; rows present in either census. */
  readonly rows: ShareRow[];
  /** The IPv4 connections to non-loopback peers of the later census, with their reasons. */
  readonly remaining: Remaining[];
  /** How many remaining connections have each reason. */
  readonly reasons: Partial<Record<ReasonCode, number>>;
}

function sum(counts: readonly { ipv4: FamilyCount; ipv6: FamilyCount }[]): { ipv4: FamilyCount; ipv6: FamilyCount } {
  const total = (family: 'ipv4' | 'ipv6'): FamilyCount => ({
    connections: counts.reduce((n, c) => n + c[family].connections, 0),
    bytes: counts.every((c) => c[family].bytes !== null)
      ? counts.reduce((n, c) => n + (c[family].bytes ?? 0), 0)
      : null,
  });
  return { ipv4: total('ipv4'), ipv6: total('ipv6') };
}

function programsOf(ns: NamespaceCensus): Map<string, { ipv4: FamilyCount; ipv6: FamilyCount }> {
  const byExe = new Map<string, ProcessCensus[]>();
  for (const p of ns.processes) byExe.set(p.exe, [...(byExe.get(p.exe) ?? []), p]);
  return new Map([...byExe].map(([exe, list]) => [exe, sum(list)]));
}

function withCounts(counts: { ipv4: FamilyCount; ipv6: FamilyCount } | undefined): ShareRow['before'] {
  const c = counts ?? { ipv4: { connections: 0, bytes: null }, ipv6: { connections: 0, bytes: null } };
  return { ...shareOf(c.ipv4, c.ipv6), ipv4: c.ipv4.connections, ipv6: c.ipv6.connections };
}

export function compareCensuses(before: Census, after: Census): Comparison {
  const rows: ShareRow[] = [];
  const containers = [...new Set([...before.namespaces, ...after.namespaces].map((n) => n.container))];
  for (const container of containers) {
    const b = before.namespaces.find((n) => n.container === container);
    const a = after.namespaces.find((n) => n.container === container);
    const containerRow: ShareRow = {
      container,
      program: null,
      name: container ?? 'host',
      before: withCounts(b),
      after: withCounts(a),
    };
    if (containerRow.before.ipv4 + containerRow.before.ipv6 + containerRow.after.ipv4 + containerRow.after.ipv6 === 0)
      continue;
    rows.push(containerRow);
    const bp = b ? programsOf(b) : new Map();
    const ap = a ? programsOf(a) : new Map();
    for (const exe of [...new Set([...bp.keys(), ...ap.keys()])].sort()) {
      const row: ShareRow = {
        container,
        program: exe,
        name: shortName(exe),
        before: withCounts(bp.get(exe)),
        after: withCounts(ap.get(exe)),
      };
      if (row.before.ipv4 + row.before.ipv6 + row.after.ipv4 + row.after.ipv6 > 0) rows.push(row);
    }
  }
  const remaining: Remaining[] = after.namespaces.flatMap((ns) => [
    ...ns.processes.flatMap((p) =>
      p.connections
        .filter((c) => c.reason)
        .map((connection) => ({
          container: ns.container,
          pid: p.pid,
          program: p.exe,
          name: shortName(p.exe),
          connection,
        })),
    ),
    ...ns.unattributed.connections
      .filter((c) => c.reason)
      .map((connection) => ({
        container: ns.container,
        pid: null,
        program: '(no process)',
        name: '(no process)',
        connection,
      })),
  ]);
  const reasons: Partial<Record<ReasonCode, number>> = {};
  for (const r of remaining) reasons[r.connection.reason!.code] = (reasons[r.connection.reason!.code] ?? 0) + 1;
  return {
    before: { takenAt: before.takenAt, share: before.share },
    after: { takenAt: after.takenAt, share: after.share },
    rows,
    remaining,
    reasons,
  };
}

export function comparisonText(c: Comparison): string {
  const lines: string[] = [];
  lines.push(
    `IPv6 share of connections: ${percent(c.before.share.connections)} (${c.before.takenAt}) → ${percent(c.after.share.connections)} (${c.after.takenAt})`,
  );
  if (c.before.share.bytes !== null || c.after.share.bytes !== null)
    lines.push(`IPv6 share of bytes:       ${percent(c.before.share.bytes)} → ${percent(c.after.share.bytes)}`);
  lines.push('', `${'container / program'.padEnd(36)} ${'before'.padEnd(BAR_WIDTH + 6)}   after`);
  for (const row of c.rows) {
    const name = row.program === null ? row.name : `  ${row.name}`;
    const side = (s: ShareRow['before']) => `${shareBar(s.connections)} ${percent(s.connections)}`;
    const counts = (s: ShareRow['before']) => `${s.ipv6}/${s.ipv4 + s.ipv6}`;
    lines.push(
      `${name.slice(0, 36).padEnd(36)} ${side(row.before)} → ${side(row.after)}  (IPv6 ${counts(row.before)} → ${counts(row.after)})`,
    );
  }
  lines.push('', `IPv4 connections that remain: ${c.remaining.length}`);
  for (const [code, n] of Object.entries(c.reasons)) lines.push(`  ${code}: ${n}`);
  for (const r of c.remaining)
    lines.push(...connectionLine(`${r.container ?? 'host'} ${r.pid ?? '-'}`, r.name, r.connection));
  return lines.join('\n') + '\n';
}

/** A saved census read back: the format is checked so that a wrong file gets a clear message. */
export function parseSavedCensus(text: string): Census | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not JSON (${(error as Error).message})`;
  }
  const c = value as Partial<Census> | null;
  if (!c || typeof c !== 'object' || c.format !== CENSUS_FORMAT || !Array.isArray(c.namespaces))
    return `not a snapshot written by gai-conf connections --save (format ${CENSUS_FORMAT})`;
  return c as Census;
}
