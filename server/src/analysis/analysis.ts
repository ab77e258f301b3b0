/**
 * Whole-file analysis: glibc's reading of the file, the tables it ends up with, and every finding:
 * about single lines, about the tables, and about what the tables do to real connections.
 */

import { DirectiveReading, lineAt, ParsedFile, ParsedLine, parseGaiConf } from '../glibc/reader';
import { Host } from '../glibc/sourceSelection';
import { buildEffectiveTables, EffectiveTables } from '../glibc/tables';
import { GlibcVersion } from '../glibc/versions';
import { borrowedSpaceFindings } from './borrowedSpace';
import { Finding, SEVERITY_RANK, severityOf } from './catalogue';
import { commentedDirectives } from './commentedRows';
import { connectionFindings } from './connectionChecks';
import { computeEffects, Effect } from './effects';
import { LARGEST_FILE_BYTES, LARGEST_FILE_TEXT } from './limits';
import { lineFindings } from './lineChecks';
import { readSuppressions, silences } from './suppression';
import { tableFindings } from './tableChecks';
import { readTemplate, TemplateReading } from './templates';
import { notTextFinding } from './textChecks';

/** The C library of the machine a file is on; only glibc reads gai.conf. */
export type HostLibc = 'glibc' | 'musl' | 'other-linux' | 'not-linux';

export interface Analysis {
  readonly parsed: ParsedFile;
  readonly tables: EffectiveTables;
  /** What the tables do to typical hosts' connections (and this machine's, for the live file). */
  readonly effects: readonly Effect[];
  /** Comment lines that hold a directive glibc would accept without the '#'. */
  readonly commented: ReadonlyMap<ParsedLine, DirectiveReading>;
  /** Every finding no `# gai-conf: ignore` comment silences, in document order. */
  readonly findings: readonly Finding[];
  /** The findings such comments silence. */
  readonly suppressed: readonly Finding[];
  /** For a template: its tags and the lines whose reading waits for the render. */
  readonly template?: TemplateReading;
}

export interface AnalysisOptions {
  readonly glibc: GlibcVersion;
  /** The C library of the machine the file is on, where known. */
  readonly hostLibc?: HostLibc;
  /** For the live /etc/gai.conf: the machine's own addresses and routes. */
  readonly thisMachine?: Host;
  /** How findings name that host: "container web1" for a container's file judged from its host. */
  readonly thisMachineName?: string;
  /** Read the text as a template of a gai.conf (see templates.ts). */
  readonly template?: boolean;
}

function hostFindings(parsed: ParsedFile, hostLibc: HostLibc | undefined): Finding[] {
  if (hostLibc !== 'musl' && hostLibc !== 'other-linux') return [];
  const first = parsed.lines[0];
  const libc = hostLibc === 'musl' ? 'musl (as on Alpine)' : 'a C library other than glibc';
  return [
    {
      code: 'not-glibc-host',
      start: 0,
      end: first ? first.end : 0,
      message: `This system runs ${libc}, whose getaddrinfo() never reads gai.conf: nothing here takes effect. Shown: what glibc ${parsed.glibc.major}.${parsed.glibc.minor} would do.`,
      detail:
        "gai.conf is read only by glibc's getaddrinfo(). The analysis still shows what glibc would do with the file on another machine; `gaiconf.glibcVersion` picks which glibc.",
    },
  ];
}

/** Until a template with template lines is rendered, its tables and what they do to connections are unknown. */
export function awaitsRender(template: TemplateReading | undefined): boolean {
  return template !== undefined && template.lines.size > 0;
}

/** A file that changes tables but no typical host's choice of family (it may still order addresses within one). */
function familyNeutralFindings(
  parsed: ParsedFile,
  tables: EffectiveTables,
  effects: readonly Effect[],
  findings: readonly Finding[],
): Finding[] {
  if (tables.crash || findings.some((f) => f.code === 'file-changes-nothing')) return [];
  const rows = parsed.lines.filter((line) => line.fate.kind === 'row' && line.fate.row.table !== 'scopev4');
  if (rows.length === 0 || effects.some((e) => e.host.id !== 'this-machine' && e.file !== e.builtin)) return [];
  const first = rows[0].reading!;
  return [
    {
      code: 'no-family-change',
      start: first.command.start,
      end: (first.value2 ?? first.value1 ?? first.command).end,
      message:
        'No typical host changes which of IPv6 and IPv4 it tries first because of this file: its rows order only addresses of one family, if any.',
      detail:
        'Typical hosts: ULA, global IPv6, both, IPv4-only, IPv6-only; destinations: global, ULA, 6to4, Teredo, NAT64 and loopback, each against IPv4.',
    },
  ];
}

/** A text too large to be a gai.conf: nothing of it is read, and one finding says so. */
function refusedAnalysis(text: string, options: AnalysisOptions): Analysis {
  const parsed = parseGaiConf('', options);
  const mebibytes = new TextEncoder().encode(text).length / 1024 / 1024;
  const message = `This text is ${mebibytes.toFixed(1)} MiB, larger than ${LARGEST_FILE_TEXT} and far beyond any real gai.conf: gai-conf does not analyse it. glibc would still read every line of it at each program's first lookup with several answers.`;
  return {
    parsed,
    tables: buildEffectiveTables(parsed),
    effects: [],
    commented: new Map(),
    findings: [{ code: 'file-too-large', start: 0, end: 0, message }],
    suppressed: [],
  };
}

/** `previous`: the analysis of an earlier version of the same document, whose unchanged lines are not read again. */
export function analyzeGaiConf(text: string, options: AnalysisOptions, previous?: Analysis): Analysis {
  if (text.length > LARGEST_FILE_BYTES) return refusedAnalysis(text, options);
  const parsed = parseGaiConf(text, options, previous?.parsed);
  const tables = buildEffectiveTables(parsed);
  const commented = commentedDirectives(parsed);
  const { suppressions, problems } = readSuppressions(parsed);
  const template = options.template ? readTemplate(parsed) : undefined;
  const wholeFileKnown = !awaitsRender(template);
  const effects =
    tables.crash || !wholeFileKnown
      ? []
      : computeEffects(tables, {
          thisMachine: options.thisMachine,
          ...(options.thisMachineName ? { thisMachineName: options.thisMachineName } : {}),
        });
  const onTemplateLine = (finding: Finding) =>
    template !== undefined && template.lines.has(lineAt(parsed, finding.start)?.index ?? -1);
  const notText = notTextFinding(parsed);
  const tableLevel = notText || !wholeFileKnown ? [] : tableFindings(tables);
  const connectionLevel =
    notText || !wholeFileKnown
      ? []
      : [
          ...connectionFindings(parsed, commented, tables, effects),
          ...familyNeutralFindings(parsed, tables, effects, tableLevel),
          ...borrowedSpaceFindings(parsed, commented, tables, options.thisMachine),
        ];
  const all = [
    ...hostFindings(parsed, options.hostLibc),
    ...(notText
      ? [notText]
      : [...lineFindings(parsed).filter((f) => !onTemplateLine(f)), ...problems, ...tableLevel, ...connectionLevel]),
  ].sort((a, b) => a.start - b.start || SEVERITY_RANK[severityOf(b)] - SEVERITY_RANK[severityOf(a)]);
  const isSuppressed = (finding: Finding) => suppressions.some((s) => silences(parsed, s, finding));
  return {
    parsed,
    tables,
    effects,
    commented,
    findings: all.filter((f) => !isSuppressed(f)),
    suppressed: all.filter(isSuppressed),
    template,
  };
}
