/**
 * A container scan as the editor shows it: one entry per container, grouped by what it tries first
 * for dual-stacked (global IPv6 and IPv4) destinations, with the words the CLI uses too; and the
 * ULA fix of a container's file, verified as the quick fix is, for the batch fix and for creating
 * a file where there is none.
 */

import { analyzeGaiConf } from '../analysis/analysis';
import type { DiscoveredContainer } from '../analysis/containerModel';
import { applyEdits } from './codeActions/edits';
import { ulaFixes } from './codeActions/ulaFixes';
import { containerAnalysisOptions, ContainerVerdict, judgeContainer } from './containerVerdict';
import { CHOICE_TEXT } from './effectsSummary';

/** The view's groups, in the order it lists them. */
export type ContainerGroup = 'ipv4-first' | 'ipv6-first' | 'dns-order' | 'one-family' | 'ignored' | 'unreadable';

export interface ContainerEntry {
  readonly id: string;
  readonly name: string;
  readonly runtime: DiscoveredContainer['runtime'];
  readonly project?: string;
  readonly image?: string;
  readonly pid?: number;
  readonly group: ContainerGroup;
  /** "glibc 2.36", "musl", "no C library", "C library unknown". */
  readonly libc: string;
  /** Its addresses with prefix lengths, link-local ones left out. */
  readonly addresses: readonly string[];
  /** "IPv4 first for global IPv6 vs IPv4 (a ULA only and glibc's built-in label table)". */
  readonly choice: string;
  /** The verdict's reason, when it tries IPv4 first or is not judged. */
  readonly reason?: string;
  readonly file: DiscoveredContainer['gaiConf']['state'];
  /** Where the host reaches the file: /proc/PID/root/etc/gai.conf, lxd:NAME/etc/gai.conf. */
  readonly hostPath: string;
  /** Why the file could not be read, for a refused or unreadable one. */
  readonly fileProblem?: string;
  /** Codes of the findings for this container, worst first as the catalogue orders them. */
  readonly findings: readonly string[];
  /** It tries IPv4 first because of glibc's ULA label, and the ULA fix makes it try IPv6 first. */
  readonly ulaFix: boolean;
}

export function libcText(container: Pick<DiscoveredContainer, 'libc'>): string {
  const libc = container.libc;
  switch (libc.kind) {
    case 'glibc':
      return `glibc ${libc.version}`;
    case 'musl':
      return libc.version ? `musl ${libc.version}` : 'musl';
    case 'none':
      return 'no C library';
    case 'unknown':
      return 'C library unknown';
  }
}

export function choiceText(verdict: ContainerVerdict): string {
  switch (verdict.globalFirst) {
    case 'ipv4':
    case 'ipv6':
    case 'dns-order': {
      const why = verdict.globalFirst === 'ipv4' && verdict.reason ? ` (${verdict.reason})` : '';
      return `${CHOICE_TEXT[verdict.globalFirst]} for global IPv6 vs IPv4${why}`;
    }
    case 'ipv4-only':
      return 'IPv4 only';
    case 'ipv6-only':
      return 'IPv6 only';
    case 'no-addresses':
      return 'no addresses';
    case 'not-judged':
      return `not judged: ${verdict.reason ?? 'nothing reads gai.conf'}`;
  }
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** "27 of 31 containers try IPv4 first for dual-stacked destinations: 27 with a ULA only and glibc's built-in label table". */
export function summaryLine(verdicts: readonly ContainerVerdict[]): string {
  const total = verdicts.length;
  if (total === 0) return 'No containers found on this host.';
  const ipv4 = verdicts.filter((v) => v.globalFirst === 'ipv4');
  if (ipv4.length === 0) return `None of ${plural(total, 'container')} tries IPv4 first for dual-stacked destinations.`;
  const reasons = new Map<string, number>();
  for (const v of ipv4) reasons.set(v.reason ?? 'other reasons', (reasons.get(v.reason ?? 'other reasons') ?? 0) + 1);
  const parts = [...reasons].sort((a, b) => b[1] - a[1]).map(([reason, n]) => `${n} with ${reason}`);
  return `${ipv4.length} of ${plural(total, 'container')} ${ipv4.length === 1 ? 'tries' : 'try'} IPv4 first for dual-stacked destinations: ${parts.join(', ')}.`;
}

function groupOf(container: DiscoveredContainer, verdict: ContainerVerdict): ContainerGroup {
  if (container.gaiConf.state === 'refused' || container.gaiConf.state === 'unreadable') return 'unreadable';
  if (verdict.reader === 'musl' || verdict.reader === 'none') return 'ignored';
  switch (verdict.globalFirst) {
    case 'ipv4':
      return 'ipv4-first';
    case 'ipv6':
      return 'ipv6-first';
    case 'dns-order':
      return 'dns-order';
    case 'not-judged':
      return 'unreadable';
    default:
      return 'one-family';
  }
}

/**
 * The file with the preferred ULA fix applied, read as the container's glibc reads it; undefined
 * when the file has no ula-demoted finding for the container or no fix verifies. `text` is the
 * file's content, or for a container without one the text it would start from.
 */
export function ulaFixedText(container: DiscoveredContainer, text: string): string | undefined {
  const analysis = analyzeGaiConf(text, containerAnalysisOptions(container));
  if (!analysis.findings.some((f) => f.code === 'ula-demoted')) return undefined;
  const fix = ulaFixes(analysis)[0];
  return fix && applyEdits(text, fix.edits);
}

/**
 * `startText`: what a file created for a container without one starts from (the stock file);
 * `verdict`: the container's, when the caller has judged it already.
 */
export function containerEntry(
  container: DiscoveredContainer,
  startText: string,
  verdict: ContainerVerdict = judgeContainer(container),
): ContainerEntry {
  const conf = container.gaiConf;
  const group = groupOf(container, verdict);
  return {
    id: container.id,
    name: container.name,
    runtime: container.runtime,
    ...(container.project ? { project: container.project } : {}),
    ...(container.image ? { image: container.image } : {}),
    ...(container.pid !== undefined ? { pid: container.pid } : {}),
    group,
    libc: libcText(container),
    addresses: container.addresses
      .filter((a) => !a.address.toLowerCase().startsWith('fe80:'))
      .map((a) => `${a.address}/${a.prefixLength}`),
    choice: choiceText(verdict),
    ...(verdict.reason ? { reason: verdict.reason } : {}),
    file: conf.state,
    hostPath: conf.hostPath,
    ...(conf.state === 'refused' || conf.state === 'unreadable' ? { fileProblem: conf.reason } : {}),
    findings: [...new Set(verdict.findings.map((f) => f.code))],
    ulaFix:
      group === 'ipv4-first' &&
      verdict.findings.some((f) => f.code === 'ula-demoted') &&
      ulaFixedText(container, conf.state === 'absent' ? startText : verdict.text) !== undefined,
  };
}

/** The URI scheme of a container's gai.conf in the editor: gai-conf-container:/RUNTIME/NAME/etc/gai.conf. */
export const CONTAINER_SCHEME = 'gai-conf-container';

/** Where the editor opens a container's file; a project other than LXD's default follows the name after `@`. */
export function containerDocumentPath(
  container: Pick<DiscoveredContainer, 'runtime' | 'name' | 'project' | 'gaiConf'>,
): string {
  const project = container.project && container.project !== 'default' ? `@${container.project}` : '';
  return `/${container.runtime}/${container.name}${project}${container.gaiConf.path}`;
}

export function containerDocumentUri(
  container: Pick<DiscoveredContainer, 'runtime' | 'name' | 'project' | 'gaiConf'>,
): string {
  return `${CONTAINER_SCHEME}:${containerDocumentPath(container)
    .split('/')
    .map((part) => encodeURIComponent(part))
    .join('/')}`;
}

/** The decoded path of a container document's uri, or undefined for any other uri. */
export function containerDocumentPathOf(uri: string): string | undefined {
  if (!uri.startsWith(`${CONTAINER_SCHEME}:`)) return undefined;
  let rest = uri.slice(CONTAINER_SCHEME.length + 1).replace(/[?#].*$/, '');
  if (rest.startsWith('//')) rest = rest.replace(/^\/\/[^/]*/, ''); // an empty authority
  try {
    return decodeURIComponent(rest);
  } catch {
    return undefined;
  }
}
