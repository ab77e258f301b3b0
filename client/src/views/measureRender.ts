/**
 * The Measure IPv6 Share view as HTML, from the server's comparison of two censuses: a chart
 * people read at a glance (per container and per program, the IPv6 and IPv4 shares before and
 * after, as an SVG that fits a 500 px column and takes the theme's colours) and the table of the
 * IPv4 connections that remain, each with its reason and its fix. Pure, so it is tested as text.
 */

import type { Comparison, Remaining, ShareRow } from '../../../server/src/lsp/protocol';
import { escapeHtml, page } from './render';

const WIDTH = 500;
const LABEL_WIDTH = 150;
const BAR_X = LABEL_WIDTH + 44;
const BAR_WIDTH = WIDTH - BAR_X - 44;
const BAR_HEIGHT = 11;
const ROW_HEIGHT = 34;
const TOP = 30;
const IPV6 = 'var(--vscode-charts-green, #388a34)';
const IPV4 = 'var(--vscode-charts-orange, #d18616)';
const NONE = 'var(--vscode-disabledForeground, #888)';
const TEXT = 'var(--vscode-foreground, #ccc)';

function percent(share: number | null): string {
  return share === null ? '–' : `${Math.round(share * 100)} %`;
}

function bar(y: number, side: ShareRow['before'], caption: string): string {
  const total = side.ipv4 + side.ipv6;
  const parts = [
    `<text x="${BAR_X - 6}" y="${y + BAR_HEIGHT - 2}" text-anchor="end" font-size="9" fill="${NONE}">${caption}</text>`,
  ];
  if (total === 0 || side.connections === null) {
    parts.push(
      `<rect x="${BAR_X}" y="${y}" width="${BAR_WIDTH}" height="${BAR_HEIGHT}" fill="none" stroke="${NONE}" stroke-dasharray="2 2"/>`,
    );
  } else {
    const six = Math.round(side.connections * BAR_WIDTH);
    parts.push(
      `<rect x="${BAR_X}" y="${y}" width="${six}" height="${BAR_HEIGHT}" fill="${IPV6}"><title>IPv6: ${side.ipv6} of ${total}</title></rect>`,
    );
    parts.push(
      `<rect x="${BAR_X + six}" y="${y}" width="${BAR_WIDTH - six}" height="${BAR_HEIGHT}" fill="${IPV4}"><title>IPv4: ${side.ipv4} of ${total}</title></rect>`,
    );
  }
  parts.push(
    `<text x="${BAR_X + BAR_WIDTH + 4}" y="${y + BAR_HEIGHT - 2}" font-size="10" fill="${TEXT}">${percent(side.connections)}</text>`,
  );
  return parts.join('');
}

/** The chart: one row per container and per program, two bars each (before, after). */
export function shareChart(comparison: Comparison): string {
  const rows = comparison.rows;
  const height = TOP + rows.length * ROW_HEIGHT + 6;
  const parts = [
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="IPv6 share of connections before and after, per container and program">`,
    `<rect x="${BAR_X}" y="6" width="10" height="10" fill="${IPV6}"/><text x="${BAR_X + 14}" y="15" font-size="11" fill="${TEXT}">IPv6</text>`,
    `<rect x="${BAR_X + 60}" y="6" width="10" height="10" fill="${IPV4}"/><text x="${BAR_X + 74}" y="15" font-size="11" fill="${TEXT}">IPv4</text>`,
    `<text x="0" y="15" font-size="11" fill="${NONE}">share of connections</text>`,
  ];
  rows.forEach((row, i) => {
    const y = TOP + i * ROW_HEIGHT;
    const label = row.name;
    const clipped = label.length > 22 ? `${label.slice(0, 21)}…` : label;
    parts.push(
      `<text x="${row.program === null ? 0 : 10}" y="${y + 16}" font-size="11" font-weight="${row.program === null ? 600 : 400}" fill="${TEXT}" xml:space="preserve">${escapeHtml(clipped)}<title>${escapeHtml(row.program ?? row.container ?? 'host')}</title></text>`,
    );
    parts.push(bar(y, row.before, 'before'), bar(y + BAR_HEIGHT + 3, row.after, 'after'));
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function remainingRow(r: Remaining): string {
  const reason = r.connection.reason!;
  return (
    `<tr><td>${escapeHtml(r.container ?? 'host')}</td><td>${escapeHtml(r.name)}${r.pid === null ? '' : ` <span class="note">${r.pid}</span>`}</td>` +
    `<td class="address">${escapeHtml(r.connection.peer)}</td><td><code>${escapeHtml(reason.code)}</code><div>${escapeHtml(reason.text)}</div></td>` +
    `<td>${reason.fix ? escapeHtml(reason.fix) : '<span class="note">nothing on this machine</span>'}</td></tr>`
  );
}

export function renderMeasure(comparison: Comparison, again: string): string {
  const parts = [
    "<h1>IPv6 share of this machine's connections</h1>",
    `<p class="meta">Before: ${escapeHtml(comparison.before.takenAt)} · after: ${escapeHtml(comparison.after.takenAt)} · TCP connections and connected UDP sockets, loopback apart · ${again}</p>`,
    `<p><span class="ok">${percent(comparison.before.share.connections)} → ${percent(comparison.after.share.connections)}</span> of connections over IPv6${comparison.after.share.bytes === null ? '' : `; ${percent(comparison.before.share.bytes)} → ${percent(comparison.after.share.bytes)} of bytes`}.</p>`,
  ];
  parts.push(
    comparison.rows.length === 0
      ? '<p class="note">No connection to a non-loopback peer was open at either moment.</p>'
      : shareChart(comparison),
  );
  parts.push(`<h2>IPv4 connections that remain: ${comparison.remaining.length}</h2>`);
  if (comparison.remaining.length > 0) {
    const counts = Object.entries(comparison.reasons)
      .map(([code, n]) => `<code>${escapeHtml(code)}</code> ${n}`)
      .join(' · ');
    parts.push(`<p class="meta">${counts}</p>`);
    parts.push(
      '<table><thead><tr><th>Container</th><th>Program</th><th>Peer</th><th>Why IPv4</th><th>Fix</th></tr></thead><tbody>',
    );
    parts.push(...comparison.remaining.map(remainingRow));
    parts.push('</tbody></table>');
  }
  parts.push(
    '<p class="note">Programs that follow gai.conf read it once, when they start: restart them after a fix, then measure again. The census reads /proc and the host\'s ss on the machine where the extension runs; nothing is sent anywhere.</p>',
  );
  return page('IPv6 share', parts.join('\n'));
}
