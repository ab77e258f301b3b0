/**
 * `gai-conf containers`: every container on this host, what it tries first and why, from its own
 * gai.conf, libc, addresses and routes. Exit status as check's: 1 when a finding is at the
 * --fail-on level (warning) or above, in any container.
 */

import type { DiscoveredContainer, UnreadableContainer } from '../../analysis/containerModel';
import { describeGlibcVersion } from '../../analysis/glibcDescription';
import { choiceText, libcText, plural, summaryLine } from '../../features/containerList';
import { ContainerVerdict, judgeContainer } from '../../features/containerVerdict';
import { glibcVersionText } from '../../glibc/versions';
import { discoverContainers } from '../../system/containers/discovery';
import { isRoot, rerunThroughSudo } from '../../system/containers/scanAsRoot';
import { hostContainerSources } from '../../system/containers/sources';
import { documentationBase } from '../../system/documentation';
import { packageVersion } from '../../system/packageManifest';
import { Output, ParsedArguments, UsageError } from '../arguments';
import { githubAnnotations } from '../formats/github';
import { gnuLines } from '../formats/gnu';
import { CheckedFinding, CheckReport } from '../formats/report';
import { sarifLog } from '../formats/sarif';
import { failsAt, failureThreshold, findingLine, formatName, locateFindings } from './check';

interface JudgedContainer {
  readonly container: DiscoveredContainer;
  readonly verdict: ContainerVerdict;
  /** Where the findings point: the file as the host reaches it. */
  readonly file: string;
  readonly findings: readonly CheckedFinding[];
  readonly suppressed: readonly CheckedFinding[];
}

interface ContainersReport {
  readonly containers: readonly JudgedContainer[];
  readonly unreadable: readonly UnreadableContainer[];
}

const FORMAT_NAMES = ['text', 'json', 'gnu', 'sarif', 'github'] as const;

function fileText(container: DiscoveredContainer, verdict: ContainerVerdict): string {
  const conf = container.gaiConf;
  if (verdict.reader === 'musl') return `${conf.path} ${conf.state === 'present' ? 'ignored by musl' : conf.state}`;
  switch (conf.state) {
    case 'present':
      return `${conf.path} ${verdict.ownTables ? 'replaces built-in tables' : 'present, built-in tables'}`;
    case 'absent':
      return `no ${conf.path}, built-in tables`;
    case 'refused':
      return `${conf.path} refused: ${conf.reason}`;
    case 'unreadable':
      return `${conf.path} unreadable: ${conf.reason}`;
  }
}

function findingsText(findings: readonly CheckedFinding[]): string {
  if (findings.length === 0) return 'no findings';
  const worst = (['error', 'warning', 'information', 'hint'] as const).find((s) =>
    findings.some((f) => f.severity === s),
  )!;
  return `${plural(findings.length, 'finding')} (${[...new Set(findings.map((f) => f.code))].join(', ')}; worst: ${worst})`;
}

function containerLine(judged: JudgedContainer): string {
  const { container, verdict } = judged;
  const where = [
    container.runtime,
    container.project && container.project !== 'default' ? `project ${container.project}` : undefined,
    container.image,
    container.pid !== undefined ? `pid ${container.pid}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  const addresses =
    container.addresses
      .filter((a) => !a.address.startsWith('fe80:'))
      .map((a) => `${a.address}/${a.prefixLength}`)
      .join(' ') || 'no addresses';
  return `${container.name} (${where}): ${libcText(container)}; ${addresses}; ${choiceText(verdict)}; ${fileText(container, verdict)}; ${findingsText(judged.findings)}`;
}

function unreadableLines(unreadable: readonly UnreadableContainer[]): string[] {
  if (unreadable.length === 0) return [];
  const lines = unreadable.map(
    (u) =>
      `not readable: ${u.name ? `${u.name} (${[u.runtime, u.pid !== undefined ? `pid ${u.pid}` : undefined].filter(Boolean).join(', ')}): ` : ''}${u.what}: ${u.reason}`,
  );
  const containers = unreadable.filter((u) => u.name !== undefined);
  const remedies = [...new Set(unreadable.map((u) => u.remedy))];
  const count =
    containers.length > 0 ? `${plural(containers.length, 'container')} not readable` : 'Not everything was readable';
  return [...lines, `${count}: ${remedies.join('; ')}.`];
}

/** Under each container's line, what it must act on: its errors and warnings, which name the container. */
function containerLines(judged: JudgedContainer): string[] {
  const urgent = judged.findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
  return [containerLine(judged), ...urgent.map((f) => `  ${findingLine(f)}`)];
}

function textLines(report: ContainersReport): string[] {
  return [
    ...report.containers.flatMap(containerLines),
    summaryLine(report.containers.map((c) => c.verdict)),
    ...unreadableLines(report.unreadable),
  ];
}

function jsonLines(report: ContainersReport): string[] {
  const containers = report.containers.map(({ container, verdict, findings, suppressed }) => ({
    name: container.name,
    runtime: container.runtime,
    pid: container.pid ?? null,
    libc: container.libc,
    gaiConf: container.gaiConf,
    addresses: container.addresses,
    routes: container.routes,
    effects: verdict.effects,
    findings,
    id: container.id,
    ...(container.project ? { project: container.project } : {}),
    ...(container.image ? { image: container.image } : {}),
    namespaces: container.namespaces ?? null,
    root: container.root ?? null,
    source: container.source,
    reader: verdict.reader,
    glibc: verdict.glibc ? glibcVersionText(verdict.glibc) : null,
    globalFirst: verdict.globalFirst,
    ...(verdict.reason ? { reason: verdict.reason } : {}),
    suppressed: suppressed.length,
  }));
  return [JSON.stringify({ containers, unreadable: report.unreadable }, null, 2)];
}

/** Every container's findings as one report, for the formats made for files (gnu, sarif, github). */
function combinedReport(report: ContainersReport): CheckReport {
  const versions = [
    ...new Set(report.containers.flatMap((c) => (c.verdict.glibc ? [glibcVersionText(c.verdict.glibc)] : []))),
  ];
  const first = report.containers.find((c) => c.verdict.glibc)?.verdict.glibc;
  return {
    file: 'containers',
    glibc: versions.join(', '),
    glibcDescription: first ? describeGlibcVersion(first) : 'no glibc',
    findings: report.containers.flatMap((c) => c.findings),
    suppressed: report.containers.flatMap((c) => c.suppressed),
    documentationBase: documentationBase(),
    toolVersion: packageVersion(),
    effects: [],
    effectsText: [],
  };
}

const FORMATS: Readonly<Record<(typeof FORMAT_NAMES)[number], (report: ContainersReport) => string[]>> = {
  text: textLines,
  json: jsonLines,
  gnu: (report) => gnuLines(combinedReport(report)),
  sarif: (report) => [JSON.stringify(sarifLog([combinedReport(report)]), null, 2)],
  github: (report) => githubAnnotations(combinedReport(report)),
};

function judge(container: DiscoveredContainer): JudgedContainer {
  const verdict = judgeContainer(container);
  const conf = container.gaiConf;
  const file = (conf.state === 'present' ? conf.realPath : undefined) ?? conf.hostPath;
  return {
    container,
    verdict,
    file,
    findings: locateFindings(file, verdict.text, verdict.findings),
    suppressed: locateFindings(file, verdict.text, verdict.suppressed),
  };
}

export async function containers(args: ParsedArguments, output: Output, argv: readonly string[]): Promise<number> {
  if (args.positional.length > 0)
    throw new UsageError('containers takes no file: it reads every container of this host');
  const format = FORMATS[formatName(args, FORMAT_NAMES) as (typeof FORMAT_NAMES)[number]];
  const threshold = failureThreshold(args);
  if (args.sudo && !isRoot()) return rerunThroughSudo(argv.filter((a) => a !== '--sudo'));
  const scan = await discoverContainers(hostContainerSources(), {
    onProgress: (p) =>
      output.progress?.(
        `gai-conf: reading containers from ${p.source}: ${p.done}${p.total !== undefined ? ` of ${p.total}` : ''}`,
      ),
  });
  output.progress?.('');
  const report: ContainersReport = { containers: scan.containers.map(judge), unreadable: scan.unreadable };
  for (const line of format(report)) output.out(line);
  return failsAt(
    threshold,
    report.containers.flatMap((c) => c.findings),
  )
    ? 1
    : 0;
}
