/**
 * HTML for the views, from the server's plain answers. Pure functions of their input, so the
 * markup is tested without an editor. Colours come from the theme's CSS variables; the pages run
 * no script, and their only links are command links that VS Code allows by name.
 */

import type {
  ExplainedDestination,
  ExplainResult,
  Explanation,
  PolicyRow,
  PolicyTable,
  PolicyTablesResult,
  ProcessReport,
  WhoFollowsResult,
} from '../../../server/src/lsp/protocol';

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 1.5em 2em; line-height: 1.45; overflow-wrap: anywhere; }
h1 { font-size: 1.4em; font-weight: 600; margin: 1em 0 0.3em; }
h2 { font-size: 1.15em; font-weight: 600; margin: 1.6em 0 0.4em; border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent)); padding-bottom: 0.2em; }
.meta { color: var(--vscode-descriptionForeground); margin: 0.1em 0; }
code, .address { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
table { border-collapse: collapse; margin: 0.4em 0; max-width: 100%; }
th, td { text-align: left; padding: 0.25em 0.9em 0.25em 0; vertical-align: top; }
/* In a side column, long addresses and command lines break anywhere; words in other cells never one per line. */
td.address { word-break: break-all; }
td.address div { word-break: normal; font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
div.kind { color: var(--vscode-descriptionForeground); }
td.values { white-space: nowrap; }
td.verdict { min-width: 11em; }
@media (max-width: 560px) {
  body { padding: 0 0.7em 1.5em; }
  th, td { padding-right: 0.5em; }
  td.address { min-width: 6em; }
}
th { color: var(--vscode-descriptionForeground); font-weight: 600; border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent)); }
tr.differs td { background: var(--vscode-diffEditor-insertedTextBackground, var(--vscode-editor-selectionHighlightBackground)); }
tr.absent td { color: var(--vscode-disabledForeground, var(--vscode-descriptionForeground)); }
.unreachable { color: var(--vscode-errorForeground); }
.note { color: var(--vscode-descriptionForeground); }
.rule { font-weight: 600; }
.ok { color: var(--vscode-testing-iconPassed, var(--vscode-charts-green)); font-weight: 600; }
.warn { color: var(--vscode-editorWarning-foreground); font-weight: 600; }
.callout { border-left: 3px solid var(--vscode-textBlockQuote-border, var(--vscode-editorWarning-foreground)); background: var(--vscode-textBlockQuote-background); padding: 0.4em 0.8em; margin: 0.8em 0; }
ol.steps li { margin: 0.25em 0; }
a { color: var(--vscode-textLink-foreground); }
`;

export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>${body}</body></html>`;
}

/** A link that runs a VS Code command with JSON arguments (the view allows only our commands). */
export function commandLink(command: string, args: readonly unknown[], text: string): string {
  return `<a href="command:${command}?${encodeURIComponent(JSON.stringify(args))}">${escapeHtml(text)}</a>`;
}

function destinationRow(d: ExplainedDestination, position: number): string {
  const reach = d.source
    ? `from <span class="address">${escapeHtml(d.source.address)}</span> on ${escapeHtml(d.source.interface)}`
    : `<span class="unreachable">unreachable: ${escapeHtml(d.unreachable ?? '')}</span>`;
  const label = d.sourceLabel !== undefined ? `${d.label} / ${d.sourceLabel}` : String(d.label);
  const scope = d.sourceScope !== undefined ? `${d.scope} / ${d.sourceScope}` : String(d.scope);
  // The sort's values in one cell, one per line, so that the table fits a side column.
  const values = `<td class="values">label ${label}<br>precedence ${d.precedence}<br>scope ${scope}</td>`;
  return `<tr><td>${position}</td><td class="address">${escapeHtml(d.text)}<div class="kind">${escapeHtml(d.kind)}</div>${d.note ? `<div class="note">${escapeHtml(d.note)}</div>` : ''}</td><td class="source">${reach}</td>${values}</tr>`;
}

function explanationSection(heading: string, explanation: Explanation): string {
  const parts = [`<h2>${escapeHtml(heading)}</h2>`];
  if (explanation.crashLine !== undefined)
    parts.push(
      `<div class="callout"><span class="warn">Line ${explanation.crashLine} makes every program crash</span> before glibc sorts anything (glibc up to 2.40).</div>`,
    );
  parts.push(
    '<table><thead><tr><th>#</th><th>Destination</th><th>Source</th><th>Values (destination / source)</th></tr></thead><tbody>',
  );
  explanation.order.forEach((d, i) => parts.push(destinationRow(d, i + 1)));
  parts.push('</tbody></table>');
  if (explanation.steps.length > 0) {
    parts.push('<p>Each comparison glibc\'s sort made, in order:</p><ol class="steps">');
    for (const step of explanation.steps) {
      parts.push(
        `<li><span class="address">${escapeHtml(step.first)}</span> before <span class="address">${escapeHtml(step.second)}</span>: <span class="rule">rule ${step.rule}, ${escapeHtml(step.ruleName)}</span>. ${escapeHtml(step.reason)}</li>`,
      );
    }
    parts.push('</ol>');
  }
  return parts.join('\n');
}

function systemSection(result: ExplainResult): string {
  const system = result.system;
  if (!system) return '';
  if ('error' in system) return `<h2>System resolver now</h2><p class="warn">${escapeHtml(system.error)}.</p>`;
  const verdict = !system.comparedWithSaved
    ? ''
    : system.matchesSaved
      ? '<span class="ok">✓ same order</span> '
      : '<span class="warn">✗ different order</span> ';
  const list = system.order.map((a) => `<li class="address">${escapeHtml(a)}</li>`).join('');
  return `<h2>System resolver now</h2><p>getaddrinfo() in a fresh process on this machine, with /etc/gai.conf as saved:</p><ol>${list}</ol><p>${verdict}${escapeHtml(system.comment)}</p>`;
}

export function renderExplanation(result: ExplainResult, rerunLink: string, whoFollowsLink = ''): string {
  const host = result.host
    .map(
      (a) =>
        `<tr><td class="address">${escapeHtml(a.address)}/${a.prefixLength}</td><td>${escapeHtml(a.interface)}</td><td>${escapeHtml(a.flags.join(', '))}</td></tr>`,
    )
    .join('');
  const body = [
    `<h1>Address order for <span class="address">${escapeHtml(result.query)}</span></h1>`,
    `<p class="meta">${escapeHtml(result.fileName)} · read as ${escapeHtml(result.glibc)} · ${rerunLink}</p>`,
    result.live
      ? ''
      : `<div class="callout">This file is not the live <code>/etc/gai.conf</code> of this machine, so the system resolver below does not read it.</div>`,
    ...result.notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`),
    result.mayCrashNote
      ? `<div class="callout"><span class="warn">May crash.</span> ${escapeHtml(result.mayCrashNote)}</div>`
      : '',
    `<h2>This host</h2><table><thead><tr><th>Address</th><th>Interface</th><th>Flags</th></tr></thead><tbody>${host || '<tr><td colspan="3">No address but loopback</td></tr>'}</tbody></table>`,
    `<p class="meta">Default route: IPv4 ${result.defaultRoutes.ipv4 ? 'yes' : 'no'}, IPv6 ${result.defaultRoutes.ipv6 ? 'yes' : 'no'}. Loopback (::1, 127.0.0.1) is always available.</p>`,
    explanationSection(
      result.savedDiffers ? 'Under the edited buffer (unsaved changes)' : 'Order under this file',
      result.buffer,
    ),
    result.saved ? explanationSection('Under the saved file', result.saved) : '',
    result.firstAttempt ? `<p class="note">${escapeHtml(result.firstAttempt)}</p>` : '',
    systemSection(result),
    result.live && whoFollowsLink
      ? `<p class="meta">glibc's order is one step of many: some programs on this machine may not follow this file. ${whoFollowsLink}</p>`
      : '',
  ];
  return page(`Address order: ${result.query}`, body.join('\n'));
}

function valueCell(value: number | undefined): string {
  return value === undefined ? '<td>—</td>' : `<td>${value}</td>`;
}

function policyRow(row: PolicyRow): string {
  const classes = [row.effective === undefined ? 'absent' : '', row.differsFromBuiltin ? 'differs' : '']
    .filter((c) => c !== '')
    .join(' ');
  const effective =
    row.effective === undefined
      ? '<td>not in effect</td><td></td>'
      : `<td>${row.effective}</td><td>${escapeHtml(row.origin ?? '')}</td>`;
  const rfcMark =
    row.differsFromRfc6724 && row.effective !== undefined
      ? ' <span class="note" title="differs from RFC 6724">≠ RFC</span>'
      : '';
  return `<tr${classes ? ` class="${classes}"` : ''}><td class="address">${escapeHtml(row.prefix)}</td>${effective}${valueCell(row.builtin)}<td>${row.rfc6724 ?? '—'}${rfcMark}</td></tr>`;
}

function policySection(table: PolicyTable): string {
  const source =
    table.source === 'file'
      ? 'replaced by this file'
      : "glibc's built-in table (the file has no valid row of this kind)";
  return [
    `<h2>${table.kind} <span class="meta">— ${escapeHtml(source)}</span></h2>`,
    '<table><thead><tr><th>Prefix</th><th>Value</th><th>From</th><th>glibc built-in</th><th>RFC 6724</th></tr></thead><tbody>',
    ...table.rows.map(policyRow),
    '</tbody></table>',
  ].join('\n');
}

/** `extra`: sections other modules add at the end (the kernel's labels, whole-policy commands). */
export function renderPolicyTables(result: PolicyTablesResult, extra = ''): string {
  const body = [
    `<h1>Effective policy table</h1>`,
    `<p class="meta">${escapeHtml(result.fileName)} · as ${escapeHtml(result.glibcDescription)} holds it · rows in lookup order: the first matching prefix decides</p>`,
    result.crashLine !== undefined
      ? `<div class="callout"><span class="warn">Line ${result.crashLine} makes every program crash</span> at its first lookup with several answers (glibc up to 2.40).</div>`
      : '',
    '<p class="note">Highlighted rows differ from glibc\'s built-in table; "≠ RFC" marks values RFC 6724 sets otherwise; greyed rows exist only in the other tables.</p>',
    ...result.tables.map(policySection),
    `<h2>reload</h2><p>${result.reload ? 'yes: lookups re-read the file when it changes' : 'no: each program reads the file once'}</p>`,
    extra,
  ];
  return page('Effective policy table', body.join('\n'));
}

const FOLLOWS_TEXT: Readonly<Record<WhoFollowsResult['runtimes'][number]['followsFile'], string>> = {
  yes: '<span class="ok">follows the file</span>',
  no: '<span class="warn">does not follow the file</span>',
  partly: '<span class="warn">partly follows the file</span>',
};

/** VS Code's own server processes (code-server, Remote-SSH's server and its extension host): the editor itself, not a program of the user's. */
export function isEditorProcess(command: string): boolean {
  return /(^|[/\s])code-server(\s|$)|code-server\/(lib|out)\/|\.vscode-server\/|vscode-reh|--type=extensionHost|server-main\.js|bootstrap-fork/.test(
    command,
  );
}

function processRow(p: ProcessReport, withReason: boolean): string {
  const command = p.command.length > 120 ? p.command.slice(0, 119) + '…' : p.command;
  const editor = isEditorProcess(p.command)
    ? ' <span class="note">(VS Code\'s own server: the editor you are using)</span>'
    : '';
  const where = `${editor}${p.otherMountNamespace ? ' <span class="note">(another mount namespace: its own /etc/gai.conf)</span>' : ''}`;
  const toFollow = withReason && p.toFollowFile ? `<div>To follow the file: ${escapeHtml(p.toFollowFile)}</div>` : '';
  return `<tr><td>${p.pid}</td><td class="address">${escapeHtml(command)}${where}</td>${withReason ? `<td>${escapeHtml(p.reason)}${toFollow}</td>` : ''}</tr>`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "3 Dec 2026, 10:30 UTC (2 hours ago)": an ISO time as people read it, with how long ago. */
export function readableTime(iso: string, now: Date): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  const when = `${time.getUTCDate()} ${MONTHS[time.getUTCMonth()]} ${time.getUTCFullYear()}, ${pad(time.getUTCHours())}:${pad(time.getUTCMinutes())} UTC`;
  const minutes = Math.floor((now.getTime() - time.getTime()) / 60_000);
  const ago =
    minutes < 0
      ? ''
      : minutes < 1
        ? 'just now'
        : minutes < 60
          ? `${minutes} minute${minutes === 1 ? '' : 's'} ago`
          : minutes < 48 * 60
            ? `${Math.round(minutes / 60)} hour${Math.round(minutes / 60) === 1 ? '' : 's'} ago`
            : `${Math.round(minutes / 1440)} days ago`;
  return ago ? `${when} (${ago})` : when;
}

/** Who on this machine follows the live file: installed runtimes, processes that ignore it, the restart list. */
export function renderWhoFollows(result: WhoFollowsResult, rerunLink: string, now = new Date()): string {
  const runtimes = result.runtimes
    .map((r) => {
      const advice =
        r.followsFile === 'yes'
          ? ''
          : `<div class="note">${escapeHtml(r.behaviour)}</div>${r.toFollowFile ? `<div>To follow the file: ${escapeHtml(r.toFollowFile)}</div>` : ''}<div>To prefer IPv6: ${escapeHtml(r.toPreferIPv6)}</div>`;
      // The verdict right after the program, so that it stays in sight in a narrow column.
      return `<tr><td>${escapeHtml(r.program)}<div class="note">${escapeHtml(r.version ?? 'version unknown')}</div></td><td class="verdict">${FOLLOWS_TEXT[r.followsFile]}${advice}</td><td class="address">${escapeHtml(r.executable)}</td></tr>`;
    })
    .join('');
  const notFollowing = result.processes.filter((p) => !p.followsFile);
  const stale = result.processes.filter((p) => p.followsFile);
  const modified = result.liveFile.modifiedAt;
  const changed = modified
    ? `last changed <time datetime="${escapeHtml(modified)}" title="${escapeHtml(modified)}">${escapeHtml(readableTime(modified, now))}</time>`
    : 'missing (built-in tables)';
  const body = [
    `<h1>Who follows <code>${escapeHtml(result.liveFile.path)}</code>?</h1>`,
    `<p class="meta">${changed}${result.liveFile.reload ? ' · reload yes' : ''} · ${rerunLink}</p>`,
    `<h2>Installed runtimes</h2>`,
    runtimes
      ? `<table><thead><tr><th>Program</th><th>gai.conf</th><th>Executable</th></tr></thead><tbody>${runtimes}</tbody></table>`
      : '<p>None of the runtimes gai-conf knows was found on PATH.</p>',
    `<h2>Running processes that do not follow the file</h2>`,
    notFollowing.length
      ? `<table><thead><tr><th>PID</th><th>Command</th><th>Why</th></tr></thead><tbody>${notFollowing.map((p) => processRow(p, true)).join('')}</tbody></table>`
      : '<p>None.</p>',
    `<h2>Restart these</h2>`,
    result.liveFile.reload
      ? '<p>None: with <code>reload yes</code> glibc callers re-read the file at their next lookup.</p>'
      : stale.length
        ? `<p class="meta">They follow the file but started before it last changed, so they still sort with the tables they read then.</p><table><thead><tr><th>PID</th><th>Command</th></tr></thead><tbody>${stale.map((p) => processRow(p, false)).join('')}</tbody></table>`
        : '<p>None.</p>',
    `<p class="meta">${result.followingCurrent === 1 ? '1 other process follows' : `${result.followingCurrent} other processes follow`} the file as it is now.</p>`,
    ...result.notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`),
  ];
  return page(`Who follows ${result.liveFile.path}?`, body.join('\n'));
}
