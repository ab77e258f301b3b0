/**
 * The policy table view's last sections: the kernel's address labels beside glibc's label table
 * (read only when the user clicks, since it starts `ip`), and the whole-policy commands.
 */

import type { KernelLabelsResult } from '../../../server/src/lsp/protocol';
import { POLICY_COMMANDS } from '../protocol';
import { commandLink, escapeHtml } from './render';

function kernelTable(report: KernelLabelsResult): string {
  if ('error' in report) return `<p class="warn">${escapeHtml(report.error)}.</p>`;
  const rows = report.rows
    .map(
      (row) =>
        `<tr><td class="address">${escapeHtml(row.prefix)}</td><td>${row.label}</td><td>${row.interface ? escapeHtml(row.interface) : ''}</td></tr>`,
    )
    .join('');
  const verdict = report.isDefault
    ? "Linux's defaults. They differ from glibc's: fc00::/7 is 5 here and 6 in glibc, 2001::/32 is 6 here and 7 in glibc."
    : '<span class="warn">Not Linux\'s defaults</span>: the kernel may give a destination another source than the model\'s defaults assume; Explain Address Order on this machine uses these rows.';
  return `<p class="meta">${escapeHtml(report.command)} · rows in the kernel's lookup order</p><p>${verdict}</p><table><thead><tr><th>Prefix</th><th>Label</th><th>Interface</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function policyViewExtras(uri: string, kernel: KernelLabelsResult | undefined): string {
  const intro =
    '<p class="note">The kernel picks each destination\'s IPv6 source with its own label table (<code>ip addrlabel</code>); glibc then sorts with the label table above, which gai.conf sets. Rule 5 compares glibc\'s labels of the source the kernel chose.</p>';
  const labels = kernel
    ? kernelTable(kernel)
    : `<p>${commandLink(POLICY_COMMANDS.kernelLabels, [uri], "Read this machine's kernel address labels")} (runs <code>ip -6 addrlabel list</code>)</p>`;
  const actions = [
    commandLink(POLICY_COMMANDS.exportTables, [uri], 'Export these tables as a gai.conf'),
    commandLink(POLICY_COMMANDS.writePreset, [uri], 'Write a preset…'),
    commandLink(POLICY_COMMANDS.resetToDefaults, [uri], "Reset to glibc's defaults"),
  ].join(' · ');
  return `<h2>Kernel address labels</h2>${intro}${labels}<h2>Whole policies</h2><p>${actions}</p>`;
}
